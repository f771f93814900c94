#pragma once
// The three-way comparison at the heart of the sheet projector: for every managed
// cell, the sheet as read now, the base (what the cell held after the last sync)
// and the log (the projection now).
//
//   sheet == base             nothing came from the sheet; the log's value is written
//   sheet != base, log == base an admin's edit: imported as an event
//   sheet == log              both sides agree
//   all three differ          a conflict, resolved by the column's policy
//
// Rows: a row in the base and the log but not in the sheet was deleted by an
// admin; a row with no id is new; an id the base and the log do not know is left
// alone and reported. Pure: no I/O.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "src/sync/tab_model.h"

namespace kraken::sync {

// Who wins when the same cell changed in the sheet and in the log.
enum class Policy {
  kSheetWins,
  kLogWins,
  kManual,  // the log's value stands until an admin picks one
};
std::string_view PolicyName(Policy policy);  // "sheet-wins", "log-wins", "manual"
std::optional<Policy> ParsePolicy(std::string_view name);

// A base value no cell can hold (cells are read trimmed): what the cell held is
// not known, so any difference from the log is a conflict. A push leaves it where
// it kept a cell that conflicts with the log on a row it had no base for.
inline constexpr std::string_view kUnknownBase = " (unknown)";

// What the managed cells of one tab held after the last sync.
struct TabBase {
  std::vector<std::string> columns;
  std::map<std::string, std::vector<std::string>> rows;  // id -> values per column

  const std::vector<std::string>* Find(const std::string& id) const;
  std::string Value(const std::string& id, const std::string& column) const;
};

struct CellConflict {
  std::string id;
  std::string key;  // the row's key in the log
  std::string column;
  std::string base, sheet, log;
  int row = 0, col = 0;  // where the sheet value was read
  Policy policy = Policy::kLogWins;
};

// A row to hand to the import planner: every managed column, with the log's
// value except where the sheet's value is to be imported.
struct RowImport {
  std::string id;  // "" for a new row
  int row = 0;
  std::vector<std::string> values;
  std::vector<bool> from_sheet;  // per column: the value is the sheet's
};

// Something in the sheet that is not imported, and why.
struct Rejection {
  int row = 0;
  int col = -1;     // -1: the whole row
  std::string key;  // the row's key: the log's for a row it knows, else as typed
  std::string column;
  std::string value;
  std::string reason;
  bool lasting = false;  // the row is left as it is: the same rejection recurs every cycle
};

struct Comparison {
  std::vector<RowImport> imports;        // edits and new rows
  std::vector<CellConflict> conflicts;   // all of them, whatever the policy
  std::vector<std::string> deleted_ids;  // rows an admin deleted (in base and log)
  std::vector<Rejection> rejected;
};

// Whether the sheet's text and the log's value of column `column` (an index into
// the model's columns) mean the same value, e.g. a ticker typed in lower case.
using SameValue =
    std::function<bool(std::size_t column, const std::string& sheet, const std::string& log)>;

// `policy_of(column)`: the column's conflict policy. `same` (default: identical
// text only) keeps two spellings of one value from being a conflict.
Comparison Compare(const TabModel& log, const TabBase& base, const ParsedTab& sheet,
                   const std::function<Policy(const std::string&)>& policy_of,
                   const SameValue& same = {});

}  // namespace kraken::sync
