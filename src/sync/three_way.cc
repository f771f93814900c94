#include "src/sync/three_way.h"

#include <fmt/format.h>

#include <set>
#include <unordered_map>
#include <unordered_set>

namespace kraken::sync {

std::string_view PolicyName(Policy policy) {
  switch (policy) {
    case Policy::kSheetWins:
      return "sheet-wins";
    case Policy::kLogWins:
      return "log-wins";
    case Policy::kManual:
      return "manual";
  }
  return "log-wins";
}

std::optional<Policy> ParsePolicy(std::string_view name) {
  for (Policy p : {Policy::kSheetWins, Policy::kLogWins, Policy::kManual}) {
    if (name == PolicyName(p)) return p;
  }
  return std::nullopt;
}

const std::vector<std::string>* TabBase::Find(const std::string& id) const {
  auto it = rows.find(id);
  return it == rows.end() ? nullptr : &it->second;
}

std::string TabBase::Value(const std::string& id, const std::string& column) const {
  const auto* row = Find(id);
  if (row == nullptr) return {};
  for (std::size_t c = 0; c < columns.size() && c < row->size(); ++c) {
    if (columns[c] == column) return (*row)[c];
  }
  return {};
}

namespace {

class Comparer {
 public:
  Comparer(const TabModel& log, const TabBase& base, const ParsedTab& sheet,
           const std::function<Policy(const std::string&)>& policy_of, const SameValue& same)
      : log_(log), base_(base), sheet_(sheet), policy_of_(policy_of), same_(same) {
    for (const std::string& id : log_.ids) id_of_key_.emplace(ToLower((*log_.Find(id))[0]), id);
    // Base values by the model's column order (the schema may have gained columns).
    for (std::size_t m = 0; m < log_.columns.size(); ++m) {
      int index = -1;
      for (std::size_t c = 0; c < base_.columns.size(); ++c) {
        if (base_.columns[c] == log_.columns[m]) index = static_cast<int>(c);
      }
      base_index_.push_back(index);
    }
  }

  Comparison Run() {
    // A row repeating another's id keeps its own row from reading as deleted:
    // it still names it.
    for (const std::string& key : sheet_.duplicate_id_keys) {
      if (!key.empty()) damaged_keys_.insert(ToLower(key));
    }
    for (int row : sheet_.duplicate_id_rows) {
      Reject(row, -1, "", "", "",
             fmt::format("row {} repeats the kraken_id of another row (a copied row?); clear its "
                         "{} cell to add it as a new row",
                         row + 1, kIdHeader));
    }
    for (const SheetRow& row : sheet_.rows) {
      if (!row.id.empty()) sheet_ids_.insert(row.id);
    }
    for (const SheetRow& row : sheet_.rows) {
      if (row.id.empty()) {
        NewRow(row);
      } else {
        KnownRow(row, row.id);
      }
    }
    // Without an id column and a key column no row can be found: a damaged header
    // (the header row deleted, say) must not read as every row deleted.
    const bool identifiable = sheet_.id_col >= 0 || HasColumn(0);
    for (const auto& [id, values] : base_.rows) {
      const std::vector<std::string>* logged = log_.Find(id);
      if (identifiable && logged != nullptr && !sheet_ids_.contains(id) &&
          !damaged_keys_.contains(ToLower((*logged)[0]))) {
        out_.deleted_ids.push_back(id);
      }
    }
    return std::move(out_);
  }

 private:
  bool HasColumn(std::size_t m) const { return sheet_.column_pos[m] >= 0; }

  void Reject(int row, int col, std::string key, std::string column, std::string value,
              std::string reason, bool lasting = true) {
    out_.rejected.push_back({row, col, std::move(key), std::move(column), std::move(value),
                             std::move(reason), lasting});
  }

  void NewRow(const SheetRow& row) {
    const std::string& key = row.values[0];
    const std::string& key_name = log_.columns[0];
    if (!HasColumn(0)) return;  // no key column to read: nothing can be added
    if (key.empty()) {
      Reject(row.row, sheet_.column_pos[0], "", key_name, "",
             fmt::format("row {} has values but no {}; fill in the {} or clear the row",
                         row.row + 1, key_name, key_name));
      return;
    }
    const std::string lower = ToLower(key);
    if (auto it = id_of_key_.find(lower); it != id_of_key_.end()) {
      if (!sheet_ids_.contains(it->second) && adopted_.insert(it->second).second) {
        // The row was deleted and typed again: it is that row, edited.
        sheet_ids_.insert(it->second);
        KnownRow(row, it->second);
        return;
      }
      Reject(row.row, sheet_.column_pos[0], key, key_name, key,
             fmt::format("{} '{}' is already on the sheet; edit its row instead of adding another",
                         TableName(log_.table), key));
      return;
    }
    if (!new_keys_.insert(lower).second) {
      Reject(
          row.row, sheet_.column_pos[0], key, key_name, key,
          fmt::format("{} '{}' is added twice; keep one of the rows", TableName(log_.table), key));
      return;
    }
    RowImport import;
    import.row = row.row;
    import.values = row.values;
    for (std::size_t m = 0; m < log_.columns.size(); ++m) import.from_sheet.push_back(HasColumn(m));
    out_.imports.push_back(std::move(import));
  }

  void KnownRow(const SheetRow& row, const std::string& id) {
    const std::vector<std::string>* logged = log_.Find(id);
    const std::vector<std::string>* based = base_.Find(id);
    if (logged == nullptr) {
      if (based == nullptr) {
        // An id cell typed over on a row that still names a known row, whose id is
        // nowhere else on the sheet: it is that row. Taking it for a deleted row
        // would let one edit of the id column remove a pilot.
        const auto known = id_of_key_.find(ToLower(row.values[0]));
        if (!row.values[0].empty() && known != id_of_key_.end() &&
            !sheet_ids_.contains(known->second) && adopted_.insert(known->second).second) {
          sheet_ids_.insert(known->second);
          Reject(row.row, sheet_.id_col, row.values[0], std::string(kIdHeader), id,
                 fmt::format("row {} has kraken_id '{}', but its row's id is '{}'; "
                             "KRAKEN's ids cannot be edited, so '{}' is written back",
                             row.row + 1, id, known->second, known->second),
                 false);
          KnownRow(row, known->second);
          return;
        }
        Reject(row.row, sheet_.id_col, row.values[0], std::string(kIdHeader), id,
               fmt::format("row {} has kraken_id '{}', which KRAKEN does not know (copied from "
                           "another sheet?); clear the cell to add the row as new",
                           row.row + 1, id));
      } else {
        // Each edit is listed with its value: the row goes, what was typed stays in the log.
        for (std::size_t m = 0; m < log_.columns.size(); ++m) {
          if (!HasColumn(m) || base_index_[m] < 0 || row.values[m] == BaseValue(*based, m)) {
            continue;
          }
          Reject(row.row, sheet_.column_pos[m], (*based)[0], log_.columns[m], row.values[m],
                 fmt::format("{} '{}' was removed from the roster meanwhile; the edits to its "
                             "row are not applied and the row is removed",
                             TableName(log_.table), (*based)[0]),
                 false);
        }
      }
      return;
    }
    RowImport import;
    import.id = id;
    import.row = row.row;
    import.values = *logged;
    import.from_sheet.assign(log_.columns.size(), false);
    bool any = false;
    for (std::size_t m = 0; m < log_.columns.size(); ++m) {
      if (!HasColumn(m)) continue;
      const std::string& s = row.values[m];
      const std::string& l = (*logged)[m];
      const bool known_base =
          based != nullptr && base_index_[m] >= 0 && BaseValue(*based, m) != kUnknownBase;
      const std::string b = known_base ? BaseValue(*based, m) : std::string();
      if (known_base && s == b) continue;                 // not edited in the sheet
      if (s == l || (same_ && same_(m, s, l))) continue;  // both sides agree
      const int col = sheet_.column_pos[m];
      if (known_base && l == b) {
        if (m == 0) {
          Reject(row.row, col, l, log_.columns[0], s,
                 fmt::format("{} '{}' cannot be renamed in the sheet; add a new row instead",
                             TableName(log_.table), l),
                 false);
          continue;
        }
        import.values[m] = s;
        import.from_sheet[m] = true;
        any = true;
        continue;
      }
      // Changed on both sides (or the base is unknown): a conflict.
      const Policy policy = m == 0 ? Policy::kLogWins : policy_of_(log_.columns[m]);
      out_.conflicts.push_back(
          {id, (*logged)[0], log_.columns[m], known_base ? b : "", s, l, row.row, col, policy});
      if (policy == Policy::kSheetWins) {
        import.values[m] = s;
        import.from_sheet[m] = true;
        any = true;
      }
    }
    if (any) out_.imports.push_back(std::move(import));
  }

  std::string BaseValue(const std::vector<std::string>& based, std::size_t m) const {
    const int index = base_index_[m];
    if (index < 0 || static_cast<std::size_t>(index) >= based.size()) return {};
    return based[static_cast<std::size_t>(index)];
  }

  const TabModel& log_;
  const TabBase& base_;
  const ParsedTab& sheet_;
  const std::function<Policy(const std::string&)>& policy_of_;
  const SameValue& same_;
  std::vector<int> base_index_;
  std::unordered_map<std::string, std::string> id_of_key_;  // lower-case key -> id
  std::unordered_set<std::string> sheet_ids_;
  std::unordered_set<std::string> adopted_;
  std::unordered_set<std::string> damaged_keys_;  // lower-case keys of rows repeating an id
  std::set<std::string> new_keys_;
  Comparison out_;
};

}  // namespace

Comparison Compare(const TabModel& log, const TabBase& base, const ParsedTab& sheet,
                   const std::function<Policy(const std::string&)>& policy_of,
                   const SameValue& same) {
  return Comparer(log, base, sheet, policy_of, same).Run();
}

}  // namespace kraken::sync
