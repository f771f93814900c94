#include "src/sync/sync_base.h"

#include <fmt/format.h>
#include <simdjson.h>

#include "events/json_text.h"

namespace kraken::sync {
namespace {

constexpr std::int64_t kFormat = 1;

void WriteStrings(JsonWriter& w, const std::vector<std::string>& values) {
  w.BeginArray();
  for (const auto& v : values) w.String(v);
  w.EndArray();
}

Error Damaged(std::string_view what) {
  return MakeError(ErrorCode::kCorrupt,
                   fmt::format("the stored sheet base is damaged ({}); the next sync runs without "
                               "it and shows every difference as a conflict",
                               what));
}

Result<std::vector<std::string>> ReadStrings(simdjson::dom::element element) {
  simdjson::dom::array array;
  if (element.get_array().get(array)) return Damaged("expected a list of strings");
  std::vector<std::string> out;
  for (auto item : array) {
    std::string_view text;
    if (item.get_string().get(text)) return Damaged("expected a string");
    out.emplace_back(text);
  }
  return out;
}

}  // namespace

std::string EncodeBase(const SyncBase& base) {
  JsonWriter w;
  w.BeginObject();
  w.Key("format").Int(kFormat);
  w.Key("spreadsheet_id").String(base.spreadsheet_id);
  w.Key("drive_version").String(base.drive_version);
  w.Key("log_seq").Uint(base.log_seq);
  w.Key("analytics_day").Int(base.analytics_day);
  w.Key("tabs").BeginObject();
  for (const auto& [title, tab] : base.tabs) {
    w.Key(title).BeginObject();
    w.Key("sheet_id").Int(tab.sheet_id);
    w.Key("columns");
    WriteStrings(w, tab.base.columns);
    w.Key("rows").BeginObject();
    for (const auto& [id, values] : tab.base.rows) {
      w.Key(id);
      WriteStrings(w, values);
    }
    w.EndObject().EndObject();
  }
  w.EndObject();
  w.Key("reported");
  WriteStrings(w, {base.reported.begin(), base.reported.end()});
  if (!base.pending.empty()) {
    w.Key("pending").BeginObject();
    for (const auto& [title, tab] : base.pending) {
      w.Key(title).BeginObject().Key("columns");
      WriteStrings(w, tab.columns);
      w.Key("rows").BeginObject();
      for (const auto& [id, values] : tab.rows) {
        w.Key(id);
        WriteStrings(w, values);
      }
      w.EndObject().EndObject();
    }
    w.EndObject();
  }
  w.EndObject();
  return w.Take();
}

Result<SyncBase> DecodeBase(std::string_view bytes) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(bytes.data(), bytes.size()).get(root)) return Damaged("not JSON");
  std::int64_t format = 0;
  if (root["format"].get_int64().get(format) || format != kFormat) {
    return Damaged("unknown format");
  }
  SyncBase base;
  std::string_view text;
  if (root["spreadsheet_id"].get_string().get(text)) return Damaged("no spreadsheet_id");
  base.spreadsheet_id = text;
  if (root["drive_version"].get_string().get(text)) return Damaged("no drive_version");
  base.drive_version = text;
  if (root["log_seq"].get_uint64().get(base.log_seq)) return Damaged("no log_seq");
  if (root["analytics_day"].get_int64().get(base.analytics_day)) return Damaged("no analytics_day");
  simdjson::dom::object tabs;
  if (root["tabs"].get_object().get(tabs)) return Damaged("no tabs");
  for (auto [title, value] : tabs) {
    SyncedTab tab;
    if (value["sheet_id"].get_int64().get(tab.sheet_id)) return Damaged("a tab has no sheet_id");
    KRAKEN_ASSIGN_OR_RETURN(tab.base.columns, ReadStrings(value["columns"].value_unsafe()));
    simdjson::dom::object rows;
    if (value["rows"].get_object().get(rows)) return Damaged("a tab has no rows");
    for (auto [id, cells] : rows) {
      KRAKEN_ASSIGN_OR_RETURN(auto values, ReadStrings(cells));
      tab.base.rows.emplace(std::string(id), std::move(values));
    }
    base.tabs.emplace(std::string(title), std::move(tab));
  }
  simdjson::dom::element reported;
  if (root["reported"].get(reported)) return Damaged("no reported list");
  KRAKEN_ASSIGN_OR_RETURN(auto signatures, ReadStrings(reported));
  base.reported.insert(signatures.begin(), signatures.end());
  simdjson::dom::object pending;
  if (root["pending"].get_object().get(pending) == simdjson::SUCCESS) {
    for (auto [title, value] : pending) {
      TabBase tab;
      KRAKEN_ASSIGN_OR_RETURN(tab.columns, ReadStrings(value["columns"].value_unsafe()));
      simdjson::dom::object rows;
      if (value["rows"].get_object().get(rows)) return Damaged("a pending tab has no rows");
      for (auto [id, cells] : rows) {
        KRAKEN_ASSIGN_OR_RETURN(auto values, ReadStrings(cells));
        tab.rows.emplace(std::string(id), std::move(values));
      }
      base.pending.emplace(std::string(title), std::move(tab));
    }
  }
  return base;
}

TabBase ReconcilePending(const TabBase& base, const TabBase& pending,
                         const std::map<std::string, std::vector<std::string>>& sheet) {
  if (pending.columns != base.columns && !base.columns.empty()) return base;  // schema changed
  TabBase out = base;
  out.columns = pending.columns;
  for (const auto& [id, values] : pending.rows) {
    auto shown = sheet.find(id);
    if (shown == sheet.end()) continue;  // the row is not on the sheet: nothing landed there
    std::vector<std::string>& row = out.rows[id];  // a new row starts all unknown
    row.resize(values.size(), std::string(kUnknownBase));
    for (std::size_t c = 0; c < values.size() && c < shown->second.size(); ++c) {
      if (shown->second[c] == values[c]) row[c] = values[c];
    }
  }
  return out;
}

Result<SyncBase> LoadBase(const EventLog& log, const std::string& spreadsheet_id) {
  KRAKEN_ASSIGN_OR_RETURN(auto stored, log.GetSnapshot(kBaseSnapshotName));
  SyncBase fresh;
  fresh.spreadsheet_id = spreadsheet_id;
  if (!stored) return fresh;
  KRAKEN_ASSIGN_OR_RETURN(SyncBase base, DecodeBase(stored->bytes));
  if (base.spreadsheet_id != spreadsheet_id) return fresh;
  return base;
}

Status SaveBase(EventLog& log, const SyncBase& base) {
  return log.PutSnapshot(kBaseSnapshotName, base.log_seq, EncodeBase(base));
}

}  // namespace kraken::sync
