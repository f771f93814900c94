#include "src/sheets_emulator/state_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "events/json_text.h"
#include "src/sheets_emulator/json_value.h"

namespace kraken::sheets::emu {
namespace {

constexpr std::string_view kFormat = "kraken-sheets-emulator/1";

struct FormatName {
  NumberFormat format;
  std::string_view name;
};
constexpr FormatName kFormats[] = {
    {NumberFormat::kGeneral, "general"},   {NumberFormat::kGrouped, "grouped"},
    {NumberFormat::kPercent, "percent"},   {NumberFormat::kDate, "date"},
    {NumberFormat::kDateTime, "datetime"}, {NumberFormat::kDateUs, "date_us"},
    {NumberFormat::kMonthDay, "month_day"}};

void AppendCell(JsonWriter& w, int row, int col, const CellValue& cell) {
  w.BeginArray().Int(row).Int(col).BeginObject();
  switch (cell.kind) {
    case CellValue::Kind::kString:
      w.Key("s").String(cell.text);
      break;
    case CellValue::Kind::kFormula:
      w.Key("f").String(cell.text);
      break;
    case CellValue::Kind::kBool:
      w.Key("b").Bool(cell.boolean);
      break;
    case CellValue::Kind::kNumber:
      w.Key("n").Double(cell.number);
      if (cell.format != NumberFormat::kGeneral) {
        for (const auto& f : kFormats) {
          if (f.format == cell.format) w.Key("fmt").String(f.name);
        }
      }
      if (cell.decimals != 0) w.Key("dec").Int(cell.decimals);
      break;
    case CellValue::Kind::kEmpty:
      break;
  }
  w.EndObject().EndArray();
}

void AppendSheet(JsonWriter& w, const Sheet& s) {
  w.BeginObject();
  w.Key("id").Int(s.id).Key("title").String(s.title).Key("index").Int(s.index);
  w.Key("rows").Int(s.rows).Key("cols").Int(s.cols).Key("hidden").Bool(s.hidden);
  w.Key("frozen_rows").Int(s.frozen_rows).Key("frozen_cols").Int(s.frozen_cols);
  for (auto [key, hidden] :
       {std::pair{"hidden_rows", &s.hidden_rows}, std::pair{"hidden_cols", &s.hidden_cols}}) {
    w.Key(key).BeginArray();
    for (const int index : *hidden) w.Int(index);
    w.EndArray();
  }
  w.Key("notes").BeginArray();
  for (const auto& [row, columns] : s.notes) {
    for (const auto& [col, text] : columns)
      w.BeginArray().Int(row).Int(col).String(text).EndArray();
  }
  w.EndArray();
  w.Key("protected_ranges").BeginArray();
  for (const ProtectedRange& p : s.protected_ranges) {
    w.BeginObject().Key("id").Int(p.id).Key("sheet_id").Int(p.range.sheet_id);
    if (p.range.start_row) w.Key("start_row").Int(*p.range.start_row);
    if (p.range.end_row) w.Key("end_row").Int(*p.range.end_row);
    if (p.range.start_col) w.Key("start_col").Int(*p.range.start_col);
    if (p.range.end_col) w.Key("end_col").Int(*p.range.end_col);
    w.Key("description").String(p.description).Key("warning_only").Bool(p.warning_only);
    w.Key("editors").BeginArray();
    for (const auto& u : p.editor_users) w.String(u);
    w.EndArray().EndObject();
  }
  w.EndArray();
  w.Key("cells").BeginArray();
  for (const auto& [r, row] : s.cells) {
    for (const auto& [c, cell] : row) AppendCell(w, r, c, cell);
  }
  w.EndArray();
  w.EndObject();
}

// Reading: each helper records the first problem in `error` and returns a default.
struct Reader {
  std::string error;
  void Fail(std::string message) {
    if (error.empty()) error = std::move(message);
  }
  const JsonValue* Field(const JsonValue& obj, std::string_view key, JsonValue::Type type) {
    const JsonValue* v = obj.Get(key);
    if (v == nullptr || v->type() != type) {
      Fail(fmt::format("field '{}' is missing or has the wrong type", key));
      return nullptr;
    }
    return v;
  }
  std::string Str(const JsonValue& obj, std::string_view key) {
    const JsonValue* v = Field(obj, key, JsonValue::Type::kString);
    return v ? v->string() : std::string();
  }
  double Num(const JsonValue& obj, std::string_view key) {
    const JsonValue* v = Field(obj, key, JsonValue::Type::kNumber);
    return v ? v->number() : 0;
  }
  int Int(const JsonValue& obj, std::string_view key) { return static_cast<int>(Num(obj, key)); }
  std::optional<int> OptInt(const JsonValue& obj, std::string_view key) {
    const JsonValue* v = obj.Get(key);
    if (v == nullptr) return std::nullopt;
    return Int(obj, key);
  }
  bool Bool(const JsonValue& obj, std::string_view key) {
    const JsonValue* v = Field(obj, key, JsonValue::Type::kBool);
    return v && v->boolean();
  }
  const std::vector<JsonValue>& Array(const JsonValue& obj, std::string_view key) {
    static const std::vector<JsonValue> kNone;
    const JsonValue* v = Field(obj, key, JsonValue::Type::kArray);
    return v ? v->items() : kNone;
  }
};

CellValue ReadCell(Reader& in, const JsonValue& v) {
  if (v.Get("s") != nullptr) return CellValue::String(in.Str(v, "s"));
  if (v.Get("f") != nullptr) return CellValue::Formula(in.Str(v, "f"));
  if (v.Get("b") != nullptr) return CellValue::Bool(in.Bool(v, "b"));
  if (v.Get("n") == nullptr) {
    in.Fail("a cell has none of s, f, b, n");
    return {};
  }
  NumberFormat format = NumberFormat::kGeneral;
  if (v.Get("fmt") != nullptr) {
    const std::string name = in.Str(v, "fmt");
    bool known = false;
    for (const auto& f : kFormats) {
      if (f.name == name) {
        format = f.format;
        known = true;
      }
    }
    if (!known) in.Fail(fmt::format("unknown number format '{}'", name));
  }
  return CellValue::Number(in.Num(v, "n"), format, in.OptInt(v, "dec").value_or(0));
}

Sheet ReadSheet(Reader& in, const JsonValue& v) {
  Sheet s;
  s.id = in.Int(v, "id");
  s.title = in.Str(v, "title");
  s.index = in.Int(v, "index");
  s.rows = in.Int(v, "rows");
  s.cols = in.Int(v, "cols");
  s.hidden = in.Bool(v, "hidden");
  s.frozen_rows = in.Int(v, "frozen_rows");
  s.frozen_cols = in.Int(v, "frozen_cols");
  for (auto [key, hidden] :
       {std::pair{"hidden_rows", &s.hidden_rows}, std::pair{"hidden_cols", &s.hidden_cols}}) {
    if (v.Get(key) == nullptr) continue;  // a state file from before hiding existed
    for (const JsonValue& index : in.Array(v, key)) {
      if (index.type() == JsonValue::Type::kNumber) {
        hidden->insert(static_cast<int>(index.number()));
      }
    }
  }
  if (v.Get("notes") != nullptr) {  // absent in state files from before notes
    for (const JsonValue& note : in.Array(v, "notes")) {
      const auto& parts = note.items();
      if (parts.size() == 3 && parts[0].type() == JsonValue::Type::kNumber &&
          parts[1].type() == JsonValue::Type::kNumber &&
          parts[2].type() == JsonValue::Type::kString) {
        s.notes[static_cast<int>(parts[0].number())][static_cast<int>(parts[1].number())] =
            parts[2].string();
      } else {
        in.Fail("a note is not [row, column, text]");
      }
    }
  }
  for (const JsonValue& p : in.Array(v, "protected_ranges")) {
    ProtectedRange range;
    range.id = in.Int(p, "id");
    range.range.sheet_id = in.Int(p, "sheet_id");
    range.range.start_row = in.OptInt(p, "start_row");
    range.range.end_row = in.OptInt(p, "end_row");
    range.range.start_col = in.OptInt(p, "start_col");
    range.range.end_col = in.OptInt(p, "end_col");
    range.description = in.Str(p, "description");
    range.warning_only = in.Bool(p, "warning_only");
    for (const JsonValue& u : in.Array(p, "editors")) {
      if (u.is_string()) range.editor_users.push_back(u.string());
    }
    s.protected_ranges.push_back(std::move(range));
  }
  for (const JsonValue& c : in.Array(v, "cells")) {
    if (!c.is_array() || c.items().size() != 3 || !c.items()[0].is_int() ||
        !c.items()[1].is_int() || !c.items()[2].is_object()) {
      in.Fail("a cell is not [row, column, value]");
      continue;
    }
    s.Set(c.items()[0].as_int(), c.items()[1].as_int(), ReadCell(in, c.items()[2]));
  }
  return s;
}

Spreadsheet ReadSpreadsheet(Reader& in, const JsonValue& v) {
  Spreadsheet ss;
  ss.id = in.Str(v, "id");
  ss.title = in.Str(v, "title");
  ss.locale = in.Str(v, "locale");
  ss.time_zone = in.Str(v, "time_zone");
  ss.version = static_cast<std::uint64_t>(in.Num(v, "version"));
  ss.modified_ms = static_cast<std::int64_t>(in.Num(v, "modified_ms"));
  for (const JsonValue& e : in.Array(v, "editors")) {
    if (e.is_string()) ss.editors.insert(e.string());
  }
  for (const JsonValue& s : in.Array(v, "sheets")) ss.sheets.push_back(ReadSheet(in, s));
  if (ss.sheets.empty()) in.Fail(fmt::format("spreadsheet '{}' has no sheets", ss.id));
  return ss;
}

}  // namespace

std::string EncodeState(const std::map<std::string, ServiceAccount>& accounts,
                        const std::map<std::string, Spreadsheet>& spreadsheets) {
  JsonWriter w;
  w.BeginObject().Key("format").String(kFormat);
  w.Key("accounts").BeginArray();
  for (const auto& [email, a] : accounts) {
    w.BeginObject().Key("email").String(a.email).Key("client_id").String(a.client_id);
    w.Key("project_id").String(a.project_id).Key("keys").BeginArray();
    for (const AccountKey& k : a.keys) {
      w.BeginObject().Key("key_id").String(k.key_id).Key("public_key").String(k.public_pem);
      w.EndObject();
    }
    w.EndArray().EndObject();
  }
  w.EndArray();
  w.Key("spreadsheets").BeginArray();
  for (const auto& [id, ss] : spreadsheets) {
    w.BeginObject().Key("id").String(ss.id).Key("title").String(ss.title);
    w.Key("locale").String(ss.locale).Key("time_zone").String(ss.time_zone);
    w.Key("version").Uint(ss.version).Key("modified_ms").Int(ss.modified_ms);
    w.Key("editors").BeginArray();
    for (const auto& e : ss.editors) w.String(e);
    w.EndArray();
    w.Key("sheets").BeginArray();
    for (const Sheet& s : ss.sheets) AppendSheet(w, s);
    w.EndArray().EndObject();
  }
  w.EndArray().EndObject();
  return w.Take();
}

Result<EmulatorState> DecodeState(std::string_view json, const std::string& origin) {
  auto corrupt = [&](const std::string& what) {
    return MakeError(ErrorCode::kCorrupt,
                     fmt::format("emulator state {} is unreadable: {}; fix it or move it away to "
                                 "start with an empty emulator",
                                 origin, what));
  };
  auto doc = JsonValue::Parse(json);
  if (!doc.ok()) return corrupt(doc.error().message);
  Reader in;
  if (in.Str(*doc, "format") != kFormat) {
    return corrupt(fmt::format("it is not a '{}' document", kFormat));
  }
  EmulatorState state;
  for (const JsonValue& a : in.Array(*doc, "accounts")) {
    ServiceAccount account;
    account.email = in.Str(a, "email");
    account.client_id = in.Str(a, "client_id");
    account.project_id = in.Str(a, "project_id");
    for (const JsonValue& k : in.Array(a, "keys")) {
      account.keys.push_back(AccountKey{in.Str(k, "key_id"), in.Str(k, "public_key")});
    }
    state.accounts.push_back(std::move(account));
  }
  for (const JsonValue& s : in.Array(*doc, "spreadsheets")) {
    state.spreadsheets.push_back(ReadSpreadsheet(in, s));
  }
  if (!in.error.empty()) return corrupt(in.error);
  return state;
}

Result<std::unique_ptr<StateFileLock>> StateFileLock::Acquire(const std::string& path) {
  const std::string lock_path = path + ".lock";
  const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return MakeError(ErrorCode::kIo, fmt::format("cannot create lock file {}: {}", lock_path,
                                                 std::strerror(errno)));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int saved = errno;
    ::close(fd);
    if (saved == EWOULDBLOCK) {
      return MakeError(ErrorCode::kUnavailable,
                       fmt::format("emulator state {} is in use by another running emulator "
                                   "(`kraken sheets-emulator`, or a kraken command using the "
                                   "embedded backend); stop it or use another state file",
                                   path));
    }
    return MakeError(ErrorCode::kIo,
                     fmt::format("cannot lock {}: {}", lock_path, std::strerror(saved)));
  }
  return std::unique_ptr<StateFileLock>(new StateFileLock(fd));
}

StateFileLock::~StateFileLock() { ::close(fd_); }  // closing releases the flock

Result<std::optional<std::string>> ReadStateFile(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::optional<std::string>();
  std::ifstream file(path, std::ios::binary);
  std::stringstream buffer;
  buffer << file.rdbuf();
  if (!file) {
    return MakeError(ErrorCode::kIo,
                     fmt::format("cannot read emulator state {}: {}", path, std::strerror(errno)));
  }
  return std::optional<std::string>(buffer.str());
}

Status WriteFileAtomically(const std::string& path, std::string_view contents) {
  auto io_error = [&](const std::string& what) {
    return MakeError(ErrorCode::kIo, fmt::format("cannot save emulator state {}: {} failed: {}",
                                                 path, what, std::strerror(errno)));
  };
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return io_error("open " + tmp);
  std::size_t written = 0;
  while (written < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int saved = errno;
      ::close(fd);
      errno = saved;
      return io_error("write");
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const int saved = errno;
    ::close(fd);
    errno = saved;
    return io_error("fsync");
  }
  if (::close(fd) != 0) return io_error("close");
  if (::rename(tmp.c_str(), path.c_str()) != 0) return io_error("rename");
  // The rename is durable once the directory entry is.
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return Ok{};
}

}  // namespace kraken::sheets::emu
