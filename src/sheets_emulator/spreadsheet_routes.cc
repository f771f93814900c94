// spreadsheets.create, spreadsheets.batchUpdate and Drive's files.get
// (../shared/reference/sheets-api.md, sections 2 and 6).

#include <fmt/format.h>

#include <chrono>

#include "events/json_text.h"
#include "src/sheets_emulator/api_errors.h"
#include "src/sheets_emulator/routes.h"
#include "src/sheets_emulator/sheet_requests.h"
#include "src/sheets_emulator/spreadsheet_json.h"

namespace kraken::sheets::emu {
namespace {

// RFC 3339 in UTC with milliseconds, as Drive writes modifiedTime.
std::string Rfc3339(std::int64_t ms) {
  namespace chr = std::chrono;
  const chr::sys_time<chr::milliseconds> t{chr::milliseconds{ms}};
  const auto day = chr::floor<chr::days>(t);
  const chr::year_month_day ymd{day};
  const chr::hh_mm_ss time{t - day};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     time.hours().count(), time.minutes().count(), time.seconds().count(),
                     time.subseconds().count());
}

}  // namespace

Result<Spreadsheet> SpreadsheetFromCreateBody(const JsonValue& body, const RequestEnv& env) {
  Spreadsheet ss;
  if (const JsonValue* props = body.Get("properties"); props != nullptr && props->is_object()) {
    if (const JsonValue* t = props->Get("title"); t != nullptr && t->is_string())
      ss.title = t->string();
    if (const JsonValue* l = props->Get("locale"); l != nullptr && l->is_string())
      ss.locale = l->string();
    if (const JsonValue* z = props->Get("timeZone"); z != nullptr && z->is_string())
      ss.time_zone = z->string();
  }
  if (const JsonValue* sheets = body.Get("sheets"); sheets != nullptr && sheets->is_array()) {
    for (std::size_t i = 0; i < sheets->items().size(); ++i) {
      auto added = AddSheet(ss, sheets->items()[i].Get("properties"), env);
      if (!added.ok()) {
        return MakeError(ErrorCode::kInvalidArgument,
                         fmt::format("Invalid sheets[{}]: {}", i, added.error().message));
      }
    }
  }
  if (ss.sheets.empty()) {
    KRAKEN_RETURN_IF_ERROR(AddSheet(ss, nullptr, env));
  }
  ss.modified_ms = env.now_ms;
  return ss;
}

net::ServerResponse SpreadsheetBatchUpdate(Spreadsheet& ss, const JsonValue& body,
                                           const RequestEnv& env, bool& changed) {
  const JsonValue* requests = body.Get("requests");
  if (requests == nullptr || !requests->is_array() || requests->items().empty()) {
    return ApiError(400, "Must specify at least one request.");
  }
  // All or nothing: the requests run on a copy that replaces the original only
  // when every one of them succeeded.
  Spreadsheet copy = ss;
  JsonWriter w;
  w.BeginObject().Key("spreadsheetId").String(ss.id).Key("replies").BeginArray();
  for (std::size_t i = 0; i < requests->items().size(); ++i) {
    std::string kind;
    Status status = ApplySheetRequest(copy, requests->items()[i], env, w, kind);
    if (!status.ok()) {
      const std::string where =
          kind.empty() ? fmt::format("requests[{}]", i) : fmt::format("requests[{}].{}", i, kind);
      return ApiError(400, fmt::format("Invalid {}: {}", where, status.error().message));
    }
  }
  w.EndArray();
  if (const JsonValue* include = body.Get("includeSpreadsheetInResponse");
      include != nullptr && include->is_bool() && include->boolean()) {
    w.Key("updatedSpreadsheet").Raw(SpreadsheetJson(copy, env.base_url));
  }
  w.EndObject();
  ss = std::move(copy);
  changed = true;
  return JsonReply(w.Take());
}

net::ServerResponse DriveFileGet(const Spreadsheet& ss, const Query& query) {
  // Without `fields` Drive v3 answers kind, id, name and mimeType.
  std::string fields = QueryValue(query, "fields").value_or("kind,id,name,mimeType");
  if (fields == "*") fields = "kind,id,name,mimeType,version,modifiedTime";
  JsonWriter w;
  w.BeginObject();
  std::string field;
  for (char c : fields + ",") {
    if (c != ',') {
      if (c != ' ') field.push_back(c);
      continue;
    }
    if (field == "kind")
      w.Key("kind").String("drive#file");
    else if (field == "id")
      w.Key("id").String(ss.id);
    else if (field == "name")
      w.Key("name").String(ss.title);
    else if (field == "mimeType")
      w.Key("mimeType").String("application/vnd.google-apps.spreadsheet");
    else if (field == "version")
      w.Key("version").String(std::to_string(ss.version));
    else if (field == "modifiedTime")
      w.Key("modifiedTime").String(Rfc3339(ss.modified_ms));
    else if (!field.empty()) {
      return DriveError(400, "invalidParameter", fmt::format("Invalid field selection {}", field),
                        "fields");
    }
    field.clear();
  }
  w.EndObject();
  return JsonReply(w.Take());
}

}  // namespace kraken::sheets::emu
