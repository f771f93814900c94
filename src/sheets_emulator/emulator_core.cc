#include "src/sheets_emulator/emulator_core.h"

#include <fmt/format.h>

#include <utility>

#include "events/json_text.h"
#include "src/crypto/encoding.h"
#include "src/sheets_emulator/api_errors.h"
#include "src/sheets_emulator/json_value.h"
#include "src/sheets_emulator/routes.h"
#include "src/sheets_emulator/sheet_requests.h"
#include "src/sheets_emulator/spreadsheet_json.h"
#include "src/sheets_emulator/state_file.h"

namespace kraken::sheets::emu {

// Which API method a request is, from its method and path.
struct ApiRoute {
  enum class Kind {
    kUnknown,
    kCreate,
    kGet,
    kBatchUpdate,
    kValuesGet,
    kValuesUpdate,
    kValuesClear,
    kValuesBatchGet,
    kValuesBatchUpdate,
    kValuesBatchClear,
    kDriveGet
  };
  Kind kind = Kind::kUnknown;
  std::string id;     // spreadsheet or file id
  std::string range;  // values/{range}, decoded
  bool write() const {
    return kind == Kind::kCreate || kind == Kind::kBatchUpdate || kind == Kind::kValuesUpdate ||
           kind == Kind::kValuesClear || kind == Kind::kValuesBatchUpdate ||
           kind == Kind::kValuesBatchClear;
  }
};

namespace {

using Kind = ApiRoute::Kind;

constexpr std::string_view kSheetsPrefix = "/v4/spreadsheets";
constexpr std::string_view kDrivePrefix = "/drive/v3/files/";

constexpr std::string_view kMissingCredential =
    "Request is missing required authentication credential. Expected OAuth 2 access token, "
    "login cookie or other valid authentication credential. See "
    "https://developers.google.com/identity/sign-in/web/devconsole-project.";
constexpr std::string_view kInvalidCredential =
    "Request had invalid authentication credentials. Expected OAuth 2 access token, login "
    "cookie or other valid authentication credential. See "
    "https://developers.google.com/identity/sign-in/web/devconsole-project.";
constexpr std::string_view kInsufficientScopes = "Request had insufficient authentication scopes.";

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

ApiRoute MatchRoute(std::string_view method, std::string_view path) {
  ApiRoute r;
  auto set = [&](Kind kind, std::string_view want_method) {
    if (method == want_method) r.kind = kind;
  };
  if (path.substr(0, kDrivePrefix.size()) == kDrivePrefix) {
    const std::string_view id = path.substr(kDrivePrefix.size());
    if (!id.empty() && id.find('/') == std::string_view::npos) {
      r.id = DecodeComponent(id, false);
      set(Kind::kDriveGet, "GET");
    }
    return r;
  }
  if (path == kSheetsPrefix) {
    set(Kind::kCreate, "POST");
    return r;
  }
  if (path.substr(0, kSheetsPrefix.size() + 1) != std::string(kSheetsPrefix) + "/") return r;
  std::string_view rest = path.substr(kSheetsPrefix.size() + 1);
  const std::size_t slash = rest.find('/');
  std::string_view head = rest.substr(0, slash);
  const std::string_view tail = slash == std::string_view::npos ? "" : rest.substr(slash + 1);
  if (slash == std::string_view::npos) {
    if (EndsWith(head, ":batchUpdate")) {
      r.id = DecodeComponent(head.substr(0, head.size() - 12), false);
      set(Kind::kBatchUpdate, "POST");
    } else if (head.find(':') == std::string_view::npos && !head.empty()) {
      r.id = DecodeComponent(head, false);
      set(Kind::kGet, "GET");
    }
    return r;
  }
  r.id = DecodeComponent(head, false);
  if (tail == "values:batchGet")
    set(Kind::kValuesBatchGet, "GET");
  else if (tail == "values:batchUpdate")
    set(Kind::kValuesBatchUpdate, "POST");
  else if (tail == "values:batchClear")
    set(Kind::kValuesBatchClear, "POST");
  else if (tail.substr(0, 7) == "values/" && tail.size() > 7) {
    std::string_view range = tail.substr(7);
    if (EndsWith(range, ":clear")) {
      r.range = DecodeComponent(range.substr(0, range.size() - 6), false);
      set(Kind::kValuesClear, "POST");
    } else if (!EndsWith(range, ":append")) {
      r.range = DecodeComponent(range, false);
      set(Kind::kValuesGet, "GET");
      set(Kind::kValuesUpdate, "PUT");
    }
  }
  return r;
}

net::ServerResponse Unauthenticated(bool drive, std::string_view message) {
  net::ServerResponse r =
      drive ? DriveError(401, "authError", message, "Authorization") : ApiError(401, message);
  r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"https://accounts.google.com/\"");
  return r;
}

bool ScopeAllows(const Grant& grant, const ApiRoute& route) {
  constexpr std::string_view kDrive = "https://www.googleapis.com/auth/drive";
  constexpr std::string_view kDriveFile = "https://www.googleapis.com/auth/drive.file";
  constexpr std::string_view kDriveReadonly = "https://www.googleapis.com/auth/drive.readonly";
  constexpr std::string_view kSheets = "https://www.googleapis.com/auth/spreadsheets";
  constexpr std::string_view kSheetsReadonly =
      "https://www.googleapis.com/auth/spreadsheets.readonly";
  if (route.kind == Kind::kDriveGet) {
    return grant.HasAnyScope({kDrive, kDriveFile, kDriveReadonly,
                              "https://www.googleapis.com/auth/drive.metadata.readonly",
                              "https://www.googleapis.com/auth/drive.metadata"});
  }
  if (route.write()) return grant.HasAnyScope({kDrive, kDriveFile, kSheets});
  return grant.HasAnyScope({kDrive, kDriveFile, kDriveReadonly, kSheets, kSheetsReadonly});
}

}  // namespace

EmulatorCore::EmulatorCore(CoreOptions options)
    : options_(std::move(options)),
      quota_(options_.reads_per_minute, options_.writes_per_minute),
      faults_(options_.fail_429, options_.fail_500, options_.drop, options_.seed) {
  if (!options_.clock) options_.clock = [] { return std::chrono::system_clock::now(); };
}

Result<std::unique_ptr<EmulatorCore>> EmulatorCore::Open(CoreOptions options) {
  std::unique_ptr<EmulatorCore> core(new EmulatorCore(std::move(options)));
  if (core->options_.state_file.empty()) return core;
  KRAKEN_ASSIGN_OR_RETURN(core->lock_, StateFileLock::Acquire(core->options_.state_file));
  KRAKEN_ASSIGN_OR_RETURN(auto text, ReadStateFile(core->options_.state_file));
  if (!text) {
    KRAKEN_RETURN_IF_ERROR(core->SaveLocked());
    return core;
  }
  KRAKEN_ASSIGN_OR_RETURN(EmulatorState state, DecodeState(*text, core->options_.state_file));
  core->auth_.Restore(std::move(state.accounts));
  for (Spreadsheet& ss : state.spreadsheets) {
    std::string id = ss.id;
    core->spreadsheets_.emplace(std::move(id), std::move(ss));
  }
  return core;
}

std::int64_t EmulatorCore::NowMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(options_.clock().time_since_epoch())
      .count();
}

int EmulatorCore::RandomId() {
  const std::string bytes = crypto::RandomBytes(4);
  std::uint32_t n = 0;
  for (char c : bytes) n = n << 8 | static_cast<unsigned char>(c);
  n &= 0x7FFFFFFF;
  return n == 0 ? 1 : static_cast<int>(n);
}

std::string EmulatorCore::NewSpreadsheetId() {
  // Google's ids are 44 URL-safe characters.
  std::string id;
  do {
    id = "1" + crypto::Base64UrlEncode(crypto::RandomBytes(33)).substr(0, 43);
  } while (spreadsheets_.count(id) != 0);
  return id;
}

Status EmulatorCore::SaveLocked() {
  if (options_.state_file.empty()) return Ok{};
  return WriteFileAtomically(options_.state_file, EncodeState(auth_.accounts(), spreadsheets_));
}

void EmulatorCore::set_base_url(std::string url) {
  std::lock_guard lock(mu_);
  options_.base_url = std::move(url);
}

std::string EmulatorCore::base_url() const {
  std::lock_guard lock(mu_);
  return options_.base_url;
}

net::ServerResponse EmulatorCore::Handle(const net::ServerRequest& request) {
  std::lock_guard lock(mu_);
  const std::string_view path = request.Path();
  if (path == "/token") {
    if (request.method != "POST") {
      return OAuthError(400, "invalid_request", "The token endpoint takes POST only.");
    }
    std::vector<std::string> audiences{options_.base_url + "/token"};
    if (!request.Header("Host").empty()) {
      audiences.push_back(fmt::format("http://{}/token", request.Header("Host")));
    }
    return auth_.HandleToken(request, NowMs() / 1000, audiences);
  }
  const ApiRoute route = MatchRoute(request.method, path);
  if (route.kind == Kind::kUnknown) {
    return ApiError(404, fmt::format("The KRAKEN Sheets emulator does not implement {} {}.",
                                     request.method, path));
  }
  if (const Fault fault = faults_.Next(); fault != Fault::kNone) {
    return FaultReply(fault, route.write());
  }
  const bool drive = route.kind == Kind::kDriveGet;
  const Grant* grant = nullptr;
  switch (auth_.Authenticate(request.Header("Authorization"), NowMs() / 1000, grant)) {
    case Auth::Check::kMissing:
      return Unauthenticated(drive, kMissingCredential);
    case Auth::Check::kInvalid:
      return Unauthenticated(drive, kInvalidCredential);
    case Auth::Check::kOk:
      break;
  }
  if (!ScopeAllows(*grant, route)) {
    return drive ? DriveError(403, "insufficientPermissions", kInsufficientScopes)
                 : ApiError(403, kInsufficientScopes);
  }
  if (!drive && !quota_.Admit(grant->email, route.write(), NowMs())) {
    return QuotaExceeded(route.write());
  }
  return Dispatch(request, route, grant->email);
}

net::ServerResponse EmulatorCore::Dispatch(const net::ServerRequest& request, const ApiRoute& route,
                                           const std::string& email) {
  RequestEnv env;
  env.now_ms = NowMs();
  env.base_url = options_.base_url;
  env.caller = email;
  env.random_id = [this] { return RandomId(); };

  JsonValue body = JsonValue::Object({});
  if (route.write() && !request.body.empty()) {
    auto parsed = JsonValue::Parse(request.body);
    if (!parsed.ok() || !parsed->is_object()) {
      return ApiError(400, fmt::format("Invalid JSON payload received. {}",
                                       parsed.ok() ? "The body is not a JSON object."
                                                   : parsed.error().message));
    }
    body = std::move(parsed).value();
  }

  if (route.kind == Kind::kCreate) {
    auto created = SpreadsheetFromCreateBody(body, env);
    if (!created.ok()) return ApiError(created.error());
    created->id = NewSpreadsheetId();
    created->editors.insert(email);
    const std::string id = created->id;
    auto& ss = spreadsheets_[id] = std::move(created).value();
    if (Status saved = SaveLocked(); !saved.ok()) return ApiError(503, saved.error().message);
    return JsonReply(SpreadsheetJson(ss, options_.base_url));
  }

  auto it = spreadsheets_.find(route.id);
  const bool visible = it != spreadsheets_.end() && it->second.editors.count(email) != 0;
  if (route.kind == Kind::kDriveGet) {
    // Drive does not reveal files the caller cannot see: both cases are "not found".
    if (!visible) {
      return DriveError(404, "notFound", fmt::format("File not found: {}.", route.id), "fileId");
    }
    return DriveFileGet(it->second, ParseQuery(request.Query()));
  }
  if (it == spreadsheets_.end()) return ApiError(404, "Requested entity was not found.");
  if (!visible) return ApiError(403, "The caller does not have permission");

  Spreadsheet& ss = it->second;
  const Query query = ParseQuery(request.Query());
  bool changed = false;
  net::ServerResponse reply;
  switch (route.kind) {
    case Kind::kGet:
      reply = JsonReply(SpreadsheetJson(ss, options_.base_url));
      break;
    case Kind::kBatchUpdate:
      reply = SpreadsheetBatchUpdate(ss, body, env, changed);
      break;
    case Kind::kValuesGet:
      reply = ValuesGet(ss, query, route.range);
      break;
    case Kind::kValuesBatchGet:
      reply = ValuesBatchGet(ss, query);
      break;
    case Kind::kValuesUpdate:
      reply = ValuesUpdate(ss, query, route.range, body, env, changed);
      break;
    case Kind::kValuesBatchUpdate:
      reply = ValuesBatchUpdate(ss, body, env, changed);
      break;
    case Kind::kValuesClear:
      reply = ValuesClear(ss, route.range, changed);
      break;
    case Kind::kValuesBatchClear:
      reply = ValuesBatchClear(ss, body, changed);
      break;
    default:
      return ApiError(500, "Internal error encountered.");
  }
  if (changed) {
    Touch(ss, env.now_ms);
    if (Status saved = SaveLocked(); !saved.ok()) {
      // The change is applied in memory; a retry (the writes are idempotent) saves it.
      return ApiError(503, saved.error().message);
    }
  }
  return reply;
}

Result<std::string> EmulatorCore::ServiceAccountKey(const std::string& client_email) {
  std::lock_guard lock(mu_);
  bool changed = false;
  KRAKEN_ASSIGN_OR_RETURN(std::string key, auth_.KeyFile(client_email, options_.base_url, changed));
  if (changed) KRAKEN_RETURN_IF_ERROR(SaveLocked());
  return key;
}

Status EmulatorCore::ImportServiceAccountKey(const std::string& key_file_json) {
  auto json = JsonValue::Parse(key_file_json);
  auto field = [&](std::string_view name) -> std::string {
    const JsonValue* v = json.ok() ? json->Get(name) : nullptr;
    return v != nullptr && v->is_string() ? v->string() : "";
  };
  const std::string email = field("client_email");
  const std::string pem = field("private_key");
  if (email.empty() || pem.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "not a service-account key file: it needs client_email and private_key");
  }
  std::lock_guard lock(mu_);
  bool changed = false;
  KRAKEN_RETURN_IF_ERROR(auth_.ImportKey(email, field("private_key_id"), pem, changed));
  if (changed) KRAKEN_RETURN_IF_ERROR(SaveLocked());
  return Ok{};
}

Result<std::string> EmulatorCore::CreateSpreadsheet(const std::string& title,
                                                    const std::vector<std::string>& tabs,
                                                    const std::string& editor_email) {
  std::lock_guard lock(mu_);
  RequestEnv env;
  env.now_ms = NowMs();
  env.base_url = options_.base_url;
  env.random_id = [this] { return RandomId(); };
  std::vector<JsonValue> sheets;
  for (const std::string& tab : tabs) {
    sheets.push_back(JsonValue::Object(
        {{"properties", JsonValue::Object({{"title", JsonValue::String(tab)}})}}));
  }
  const JsonValue body =
      JsonValue::Object({{"properties", JsonValue::Object({{"title", JsonValue::String(title)}})},
                         {"sheets", JsonValue::Array(std::move(sheets))}});
  KRAKEN_ASSIGN_OR_RETURN(Spreadsheet ss, SpreadsheetFromCreateBody(body, env));
  ss.id = NewSpreadsheetId();
  if (!editor_email.empty()) ss.editors.insert(editor_email);
  const std::string id = ss.id;
  spreadsheets_.emplace(id, std::move(ss));
  KRAKEN_RETURN_IF_ERROR(SaveLocked());
  return id;
}

Status EmulatorCore::Share(const std::string& id, const std::string& email) {
  std::lock_guard lock(mu_);
  auto it = spreadsheets_.find(id);
  if (it == spreadsheets_.end()) {
    return MakeError(ErrorCode::kNotFound, fmt::format("spreadsheet '{}' not found", id));
  }
  if (!it->second.editors.insert(email).second) return Ok{};  // shared already
  Touch(it->second, NowMs());
  return SaveLocked();
}

std::string EmulatorCore::FindSpreadsheet(const std::string& title) const {
  std::lock_guard lock(mu_);
  for (const auto& [id, ss] : spreadsheets_) {
    if (ss.title == title) return id;
  }
  return "";
}

Result<std::string> EmulatorCore::Note(const std::string& id, const std::string& tab, int row,
                                       int col) const {
  std::lock_guard lock(mu_);
  auto it = spreadsheets_.find(id);
  if (it == spreadsheets_.end()) {
    return MakeError(ErrorCode::kNotFound, "no spreadsheet " + id);
  }
  const Sheet* sheet = std::as_const(it->second).FindSheet(tab);
  if (sheet == nullptr) {
    return MakeError(ErrorCode::kNotFound, "no tab '" + tab + "' in spreadsheet " + id);
  }
  auto r = sheet->notes.find(row);
  if (r == sheet->notes.end()) return std::string();
  auto c = r->second.find(col);
  return c == r->second.end() ? std::string() : c->second;
}

std::vector<std::string> EmulatorCore::SpreadsheetIds() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> ids;
  for (const auto& [id, ss] : spreadsheets_) ids.push_back(id);
  return ids;
}

}  // namespace kraken::sheets::emu
