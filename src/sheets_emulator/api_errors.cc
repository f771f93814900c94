#include "src/sheets_emulator/api_errors.h"

#include "events/json_text.h"

namespace kraken::sheets::emu {

std::string_view StatusName(int http_status) {
  switch (http_status) {
    case 400:
      return "INVALID_ARGUMENT";
    case 401:
      return "UNAUTHENTICATED";
    case 403:
      return "PERMISSION_DENIED";
    case 404:
      return "NOT_FOUND";
    case 409:
      return "ABORTED";
    case 413:
      return "INVALID_ARGUMENT";
    case 429:
      return "RESOURCE_EXHAUSTED";
    case 500:
      return "INTERNAL";
    case 501:
      return "UNIMPLEMENTED";
    case 503:
      return "UNAVAILABLE";
    case 504:
      return "DEADLINE_EXCEEDED";
    default:
      return "UNKNOWN";
  }
}

net::ServerResponse JsonReply(std::string body, int http_status) {
  net::ServerResponse r;
  r.status = http_status;
  r.content_type = "application/json; charset=UTF-8";
  r.body = std::move(body);
  return r;
}

net::ServerResponse ApiError(int http_status, std::string_view message,
                             std::string_view details_json) {
  JsonWriter w;
  w.BeginObject().Key("error").BeginObject();
  w.Key("code").Int(http_status).Key("message").String(message);
  w.Key("status").String(StatusName(http_status));
  if (!details_json.empty()) w.Key("details").Raw(details_json);
  w.EndObject().EndObject();
  return JsonReply(w.Take(), http_status);
}

net::ServerResponse ApiError(const Error& error) {
  int status = 500;
  switch (error.code) {
    case ErrorCode::kInvalidArgument:
      status = 400;
      break;
    case ErrorCode::kPermissionDenied:
      status = 403;
      break;
    case ErrorCode::kNotFound:
      status = 404;
      break;
    case ErrorCode::kUnavailable:
      status = 503;
      break;
    default:
      break;
  }
  return ApiError(status, error.message);
}

net::ServerResponse FieldViolation(std::string_view field, std::string_view description) {
  JsonWriter d;
  d.BeginArray().BeginObject();
  d.Key("@type").String("type.googleapis.com/google.rpc.BadRequest");
  d.Key("fieldViolations").BeginArray().BeginObject();
  d.Key("field").String(field).Key("description").String(description);
  d.EndObject().EndArray().EndObject().EndArray();
  return ApiError(400, description, d.str());
}

net::ServerResponse OAuthError(int http_status, std::string_view error,
                               std::string_view description) {
  JsonWriter w;
  w.BeginObject().Key("error").String(error).Key("error_description").String(description);
  w.EndObject();
  return JsonReply(w.Take(), http_status);
}

net::ServerResponse DriveError(int http_status, std::string_view reason, std::string_view message,
                               std::string_view location) {
  JsonWriter w;
  w.BeginObject().Key("error").BeginObject();
  w.Key("code").Int(http_status).Key("message").String(message);
  w.Key("errors").BeginArray().BeginObject();
  w.Key("message").String(message).Key("domain").String("global").Key("reason").String(reason);
  if (!location.empty()) {
    w.Key("location").String(location).Key("locationType").String("parameter");
  }
  w.EndObject().EndArray().EndObject().EndObject();
  return JsonReply(w.Take(), http_status);
}

}  // namespace kraken::sheets::emu
