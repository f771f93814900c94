#pragma once
// The error bodies Google's APIs answer with (../shared/reference/sheets-api.md,
// sections 1 and 4), so a client's error handling meets the real shapes:
//   Sheets: {"error":{"code":400,"message":"…","status":"INVALID_ARGUMENT","details":[…]}}
//   OAuth:  {"error":"invalid_grant","error_description":"…"}
//   Drive:  {"error":{"code":404,"message":"…","errors":[{"domain","reason","message",…}]}}

#include <string>
#include <string_view>

#include "events/result.h"
#include "src/net/http_server.h"

namespace kraken::sheets::emu {

// "INVALID_ARGUMENT" for 400, "UNAUTHENTICATED" for 401, ... ("UNKNOWN" otherwise).
std::string_view StatusName(int http_status);

// A 200 JSON reply.
net::ServerResponse JsonReply(std::string body, int http_status = 200);

// A Sheets-style error. `details_json` is a JSON array's text, or empty for none.
net::ServerResponse ApiError(int http_status, std::string_view message,
                             std::string_view details_json = {});
// The same from an Error: kInvalidArgument 400, kPermissionDenied 403, kNotFound 404,
// kUnavailable 503, anything else 500.
net::ServerResponse ApiError(const Error& error);
// 400 with a google.rpc.BadRequest field violation, as for a malformed body.
net::ServerResponse FieldViolation(std::string_view field, std::string_view description);

// The OAuth token endpoint's error shape.
net::ServerResponse OAuthError(int http_status, std::string_view error,
                               std::string_view description);

// Drive v3's older shape; `reason` e.g. "notFound", `location` the parameter name.
net::ServerResponse DriveError(int http_status, std::string_view reason, std::string_view message,
                               std::string_view location = {});

}  // namespace kraken::sheets::emu
