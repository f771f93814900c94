#include "src/app/import_planner.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <optional>
#include <set>
#include <unordered_map>

namespace kraken {
namespace {

struct HeaderMap {
  Table table = Table::kPilot;
  std::size_t key_cell = 0;
  // For each CSV cell position: the schema column index.
  std::vector<std::size_t> column_of_cell;
};

Result<HeaderMap> MapHeader(const Schema& schema, const std::vector<std::string>& header) {
  HeaderMap map;
  std::vector<std::string> names;
  for (const auto& h : header) names.push_back(ToLower(h));
  const bool has_ticker = std::find(names.begin(), names.end(), "ticker") != names.end();
  const bool has_name = std::find(names.begin(), names.end(), "name") != names.end();
  if (!has_ticker && !has_name) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the header needs a 'name' column (a pilots file) or a 'ticker' column (a "
                     "corps file)");
  }
  map.table = has_ticker ? Table::kCorp : Table::kPilot;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < names.size(); ++i) {
    auto index = schema.IndexOf(map.table, names[i]);
    if (!index) {
      std::vector<std::string_view> known;
      for (const auto& c : schema.columns(map.table)) known.push_back(c.name);
      return MakeError(ErrorCode::kInvalidArgument,
                       fmt::format("column '{}' is not a {} column; known columns: {} (declare "
                                   "new ones in the config file)",
                                   header[i], TableName(map.table), fmt::join(known, ", ")));
    }
    if (!seen.insert(names[i]).second) {
      return MakeError(ErrorCode::kInvalidArgument,
                       fmt::format("column '{}' appears twice in the header", names[i]));
    }
    if (*index == 0) map.key_cell = i;
    map.column_of_cell.push_back(*index);
  }
  return map;
}

Event NewEvent(std::string stream, Payload payload, const ImportOptions& options) {
  Event e;
  e.stream = std::move(stream);
  e.payload = std::move(payload);
  e.correlation_id = options.batch_id;
  return e;
}

std::string StreamOf(Table table, std::string_view key) {
  return table == Table::kPilot ? PilotStream(key) : CorpStream(key);
}

// One row of the file, validated.
struct FileRow {
  std::size_t line = 0;
  std::string key;  // as stored if the row exists, else as typed
  const Row* existing = nullptr;
  Fields values;  // column -> canonical value, valid cells only
};

class Planner {
 public:
  Planner(const AllianceState& state, const CsvTable& csv, const ImportOptions& options,
          HeaderMap header)
      : state_(state),
        roster_(state.roster()),
        schema_(roster_.schema()),
        csv_(csv),
        options_(options),
        header_(std::move(header)) {
    plan_.table = header_.table;
  }

  ImportPlan Run() {
    ReadKeys();
    for (const FileRow& row : rows_) listed_.insert(ToLower(row.key));
    // Keys the file names but rejected still count as listed: never remove a row
    // because its line in the file had a typo in the key.
    for (const auto& rejection : plan_.rejected) {
      if (!rejection.key.empty()) listed_.insert(ToLower(rejection.key));
    }
    for (FileRow& row : rows_) ReadCells(row);
    for (FileRow& row : rows_) PlanRow(row);
    PlanRemovals();
    if (!plan_.events.empty()) {
      const std::string stream = "import/" + options_.batch_id;
      Expect(stream);
      plan_.events.push_back(
          NewEvent(stream,
                   ImportBatchCommitted{
                       options_.batch_id, options_.origin, plan_.added.size(), plan_.changed.size(),
                       options_.remove_missing ? plan_.removed.size() : 0, plan_.rejected.size()},
                   options_));
    }
    return std::move(plan_);
  }

 private:
  const std::string& Cell(std::size_t row, std::size_t cell) const { return csv_.rows[row][cell]; }

  void Reject(std::size_t line, std::string key, std::string column, std::string value,
              std::string reason) {
    plan_.rejected.push_back(
        {line, std::move(key), std::move(column), std::move(value), std::move(reason)});
  }

  void Expect(const std::string& stream) {
    plan_.expected_versions.emplace(stream, state_.versions().Get(stream));
  }

  void ReadKeys() {
    const std::string& key_name = schema_.columns(header_.table)[0].name;
    std::unordered_map<std::string, std::size_t> first_line;
    for (std::size_t r = 0; r < csv_.rows.size(); ++r) {
      const std::size_t line = csv_.lines[r];
      // Blanks around a key are the spreadsheet's, not the name's: spaces and tabs
      // go, as around any value (a name left with a tab would not match its row,
      // and the row would read as missing from the file).
      const std::string key(Trim(Cell(r, header_.key_cell)));
      if (key.empty()) {
        Reject(line, "", key_name, "",
               fmt::format("the row has no {}; every row needs one", key_name));
        continue;
      }
      if (Status valid = ValidateKey(header_.table, key); !valid.ok()) {
        Reject(line, key, key_name, key, valid.error().message);
        continue;
      }
      auto [it, fresh] = first_line.emplace(ToLower(key), line);
      if (!fresh) {
        Reject(
            line, key, key_name, key,
            fmt::format("'{}' is listed twice (first on line {}); keep one row", key, it->second));
        continue;
      }
      FileRow row;
      row.line = line;
      row.existing = roster_.Find(header_.table, key);
      row.key = row.existing ? row.existing->key() : key;
      row_index_.push_back(r);
      rows_.push_back(std::move(row));
      if (!rows_.back().existing) new_keys_.emplace(ToLower(key), rows_.back().key);
    }
  }

  // The stored form of a reference to `table`, if the row exists or the file adds it.
  std::optional<std::string> Resolve(Table table, const std::string& value) const {
    if (const Row* row = roster_.Find(table, value)) return row->key();
    if (table == header_.table) {
      auto it = new_keys_.find(ToLower(value));
      if (it != new_keys_.end()) return it->second;
    }
    return std::nullopt;
  }

  void ReadCells(FileRow& row) {
    const std::size_t r = row_index_[&row - rows_.data()];
    for (std::size_t cell = 0; cell < header_.column_of_cell.size(); ++cell) {
      const std::size_t index = header_.column_of_cell[cell];
      if (index == 0) continue;
      const Column& column = schema_.columns(header_.table)[index];
      const std::string& raw = Cell(r, cell);
      auto value = schema_.Normalize(header_.table, column.name, raw);
      if (!value.ok()) {
        Reject(row.line, row.key, column.name, raw, value.error().message);
        continue;
      }
      if (!value->empty() &&
          (column.type == ColumnType::kCorpRef || column.type == ColumnType::kPilotRef)) {
        const Table ref = column.type == ColumnType::kCorpRef ? Table::kCorp : Table::kPilot;
        auto resolved = Resolve(ref, *value);
        if (!resolved) {
          auto close = roster_.Suggest(ref, *value, 1);
          Reject(row.line, row.key, column.name, raw,
                 fmt::format("{} '{}' not found{}", TableName(ref), *value,
                             close.empty() ? "" : fmt::format("; did you mean '{}'?", close[0])));
          continue;
        }
        *value = *resolved;
      }
      row.values.emplace(column.name, std::move(value).value());
    }
  }

  // The main a pilot will have once the batch is applied.
  std::string FinalMain(std::string_view pilot) const {
    for (const FileRow& row : rows_) {
      if (!EqualsIgnoreCase(row.key, pilot)) continue;
      auto it = row.values.find("main");
      if (it != row.values.end()) return it->second;
      break;
    }
    const Row* existing = roster_.Find(Table::kPilot, pilot);
    return existing ? existing->values[kPilotMain] : std::string();
  }

  // Rejects a main that is itself an alt, or a pilot with alts becoming an alt.
  bool MainIsValid(const FileRow& row, const std::string& main) {
    if (main.empty()) return true;
    std::string reason;
    if (EqualsIgnoreCase(main, row.key)) {
      reason = "a pilot cannot be its own alt";
    } else if (options_.remove_missing && !listed_.contains(ToLower(main))) {
      reason = fmt::format(
          "'{}' is not in the file, so --remove-missing removes it; list it or "
          "pick another main",
          main);
    } else if (std::string upper = FinalMain(main); !upper.empty()) {
      reason = fmt::format("'{}' is itself an alt of '{}'; use '{}' as main", main, upper, upper);
    } else if (row.existing && !roster_.AltsOf(row.key).empty() &&
               FinalMain(roster_.AltsOf(row.key)[0]->key()) == row.key) {
      reason = fmt::format("'{}' has alts of its own; unlink them first", row.key);
    }
    if (reason.empty()) return true;
    Reject(row.line, row.key, "main", main, reason);
    return false;
  }

  void PlanRow(const FileRow& row) {
    const Table table = header_.table;
    const std::string stream = StreamOf(table, row.key);
    RowPlan rp{row.line, row.key, {}};
    Fields plain;
    std::optional<std::string> discord_id, main;
    for (const auto& [name, value] : row.values) {
      const std::size_t index = *schema_.IndexOf(table, name);
      const std::string before = row.existing ? row.existing->values[index] : std::string();
      if (before == value) continue;
      if (table == Table::kPilot && index == kPilotMain) {
        if (!MainIsValid(row, value)) continue;
        main = value;
      } else if (table == Table::kPilot && index == kPilotDiscordId) {
        discord_id = value;
      } else {
        plain.emplace(name, value);
      }
      rp.changes.push_back({name, before, value});
    }
    // A new corp is a member unless the file says otherwise, as with `kraken corp add`.
    if (!row.existing && table == Table::kCorp && !row.values.contains("status")) {
      plain.emplace("status", "member");
      rp.changes.push_back({"status", "", "member"});
    }
    if (!row.existing) {
      Expect(stream);
      plan_.events.push_back(NewEvent(
          stream,
          table == Table::kPilot ? Payload(PilotRegistered{plain}) : Payload(CorpCreated{plain}),
          options_));
    } else if (rp.changes.empty()) {
      ++plan_.unchanged;
      return;
    } else if (!plain.empty()) {
      Expect(stream);
      plan_.events.push_back(NewEvent(
          stream,
          table == Table::kPilot ? Payload(PilotFieldsChanged{plain}) : Payload(CorpChanged{plain}),
          options_));
    }
    if (discord_id) {
      Expect(stream);
      plan_.events.push_back(NewEvent(stream, PilotLinkedToDiscord{*discord_id}, options_));
    }
    if (main) {
      Expect(stream);
      const std::string current = row.existing ? row.existing->values[kPilotMain] : "";
      plan_.events.push_back(main->empty() ? NewEvent(stream, AltUnlinked{current}, options_)
                                           : NewEvent(stream, AltLinked{*main}, options_));
    }
    (row.existing ? plan_.changed : plan_.added).push_back(std::move(rp));
  }

  void PlanRemovals() {
    std::set<std::string> removed;
    for (const Row* row : roster_.Rows(header_.table)) {
      if (listed_.contains(ToLower(row->key()))) continue;
      if (header_.table == Table::kCorp && HasPilots(row->key())) {
        // Only a refusal when removal was asked for; otherwise a partial file is normal.
        if (options_.remove_missing) {
          Reject(0, row->key(), "ticker", row->key(),
                 "not in the file, but the corp still has pilots; it is kept");
        }
        continue;
      }
      plan_.removed.push_back({0, row->key(), {}});
      removed.insert(ToLower(row->key()));
    }
    if (!options_.remove_missing) return;
    for (const RowPlan& rp : plan_.removed) {
      const std::string stream = StreamOf(header_.table, rp.key);
      Expect(stream);
      if (header_.table == Table::kCorp) {
        plan_.events.push_back(
            NewEvent(stream, CorpRemoved{"not in " + options_.origin}, options_));
        continue;
      }
      for (const Row* alt : roster_.AltsOf(rp.key)) {
        if (removed.contains(ToLower(alt->key())) ||
            !EqualsIgnoreCase(FinalMain(alt->key()), rp.key)) {
          continue;
        }
        const std::string alt_stream = PilotStream(alt->key());
        Expect(alt_stream);
        plan_.events.push_back(NewEvent(alt_stream, AltUnlinked{rp.key}, options_));
      }
      for (const Row* corp : roster_.Rows(Table::kCorp)) {
        if (corp->values[kCorpCeo] != rp.key) continue;
        const std::string corp_stream = CorpStream(corp->key());
        Expect(corp_stream);
        plan_.events.push_back(NewEvent(corp_stream, CorpChanged{Fields{{"ceo", ""}}}, options_));
      }
      plan_.events.push_back(
          NewEvent(stream, PilotLeftAlliance{"not in " + options_.origin}, options_));
    }
  }

  bool HasPilots(const std::string& ticker) const {
    for (const Row* p : roster_.Rows(Table::kPilot)) {
      if (p->values[kPilotCorp] == ticker) return true;
    }
    return false;
  }

  const AllianceState& state_;
  const Roster& roster_;
  const Schema& schema_;
  const CsvTable& csv_;
  const ImportOptions& options_;
  HeaderMap header_;
  std::vector<FileRow> rows_;
  std::vector<std::size_t> row_index_;                     // csv row of each rows_ entry
  std::unordered_map<std::string, std::string> new_keys_;  // lower -> as typed
  std::set<std::string> listed_;                           // keys the file names, lower case
  ImportPlan plan_;
};

}  // namespace

Result<ImportPlan> PlanImport(const AllianceState& state, const CsvTable& csv,
                              const ImportOptions& options) {
  KRAKEN_ASSIGN_OR_RETURN(HeaderMap header, MapHeader(state.roster().schema(), csv.header));
  return Planner(state, csv, options, std::move(header)).Run();
}

}  // namespace kraken
