#pragma once
// Plans a bulk import of a CSV file into the pilots or corps table: which rows it
// adds, which fields it changes, which rows it would remove, and which cells it
// rejects and why. The plan's events are what `kraken import --apply` appends,
// as one atomic batch under one correlation id. Pure: reads the tables only.

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "events/event.h"
#include "events/result.h"
#include "events/schema.h"
#include "projections/alliance_state.h"
#include "src/app/csv.h"

namespace kraken {

struct ImportOptions {
  std::string origin;           // the file's name, recorded in ImportBatchCommitted
  std::string batch_id;         // the correlation id of every event of the batch
  bool remove_missing = false;  // remove rows the file does not list
};

struct FieldChange {
  std::string column;
  std::string before;
  std::string after;
};

struct RowPlan {
  std::size_t line = 0;  // in the file; 0 for rows the file does not list
  std::string key;
  std::vector<FieldChange> changes;
};

struct CellRejection {
  std::size_t line = 0;
  std::string key;
  std::string column;
  std::string value;
  std::string reason;
};

struct ImportPlan {
  Table table = Table::kPilot;
  std::vector<RowPlan> added;
  std::vector<RowPlan> changed;
  std::vector<RowPlan> removed;  // listed even without remove_missing, as "would be removed"
  std::vector<CellRejection> rejected;
  std::size_t unchanged = 0;
  // Appended by --apply (removals only with remove_missing), ending with
  // ImportBatchCommitted on stream "import/<batch_id>".
  std::vector<Event> events;
  std::map<std::string, std::uint64_t, std::less<>> expected_versions;
};

// The table is chosen by the header: a "ticker" column means corps, a "name"
// column pilots. Unknown columns, a missing key column or a repeated column are
// kInvalidArgument naming them and listing the known columns.
Result<ImportPlan> PlanImport(const AllianceState& state, const CsvTable& csv,
                              const ImportOptions& options);

}  // namespace kraken
