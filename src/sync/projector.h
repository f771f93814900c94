#pragma once
// The sheet projector: one cycle reads the managed tabs, imports admins' edits
// as events (validated like any command), records conflicts and rejections in
// the log, and writes back only the cells that differ. docs/sheet-projector.md
// explains the cycle; three_way.h and write_plan.h hold its pure parts.
//
// Requests per cycle: an idle cycle is one Drive files.get (the cheap "did
// anything change" check). A cycle with work is that, one values.batchGet of
// every managed tab, at most one spreadsheets.batchUpdate (rows or tabs to add
// or remove) and one values.batchUpdate, then one more Drive files.get to
// remember the version KRAKEN's own write produced. The first cycle, and one that
// finds a tab missing or renamed, also reads the tab list (spreadsheets.get).

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "events/result.h"
#include "src/app/roster_service.h"
#include "src/config/config.h"
#include "src/sheets/sheets_client.h"
#include "src/sync/extra_tabs.h"
#include "src/sync/rollback_watch.h"
#include "src/sync/three_way.h"

namespace kraken::sync {

struct ProjectorOptions {
  std::function<Policy(Table, const std::string& column)> policy;  // default: log-wins
  int max_deletions = 5;
  double max_deletion_share = 0.2;
  std::function<std::int64_t()> now_us;  // default: the system clock
  // Each Discord change a cycle's conflicts rolled back (RollbackOf on the
  // ConflictResolved events it appended). `kraken serve` only wakes its
  // RollbackWatch with it: the watch tells the user, whoever settled a conflict.
  std::function<void(const RolledBack&)> on_rollback;
  // When set, a cycle holds an exclusive lock on this file (flock), so that
  // `kraken sync` and the projector inside `kraken serve` never run a cycle at
  // the same time against the same log and sheet.
  std::string lock_file;
};

// The options `config.sync` asks for.
ProjectorOptions ProjectorOptionsFromConfig(const SyncConfig& config);

enum class CycleMode {
  kFull,  // import the sheet's edits, then write the projection
  kPull,  // import only; the sheet is not written
  kPush,  // write only; edits found in the sheet stay there for a later pull
  kPlan,  // what a pull would do, appending and writing nothing
};

struct CycleReport {
  bool idle = false;                   // nothing changed on either side: nothing read or written
  std::vector<std::string> imported;   // "Pilots!C12: Ryn Calder corp KRKN -> SNSE"
  std::vector<std::string> conflicts;  // one line each, with both values and the outcome
  std::vector<std::string> rejected;   // one line each, with the reason
  std::vector<std::string> repairs;    // tabs added or renamed back, headers, guard refusals
  std::uint64_t events_appended = 0;
  std::uint64_t cells_written = 0;
  std::uint64_t rows_added = 0;
  std::uint64_t rows_deleted = 0;
  std::uint64_t requests = 0;  // Sheets and Drive requests this cycle (retries included)
  std::uint64_t bytes_sent = 0;
  std::uint64_t log_seq = 0;  // the projection the sheet now shows

  std::string Summary() const;  // one paragraph for people
};

class SheetProjector {
 public:
  // `roster` and `client` must outlive the projector.
  SheetProjector(RosterService& roster, sheets::SheetsClient& client, ProjectorOptions options);

  // One cycle; cycles never overlap (a second caller waits). Errors from the
  // Sheets API are returned as they are (they say what to fix); nothing is left
  // half done in the log: imports are one atomic batch.
  Result<CycleReport> RunCycle(CycleMode mode = CycleMode::kFull);

  // The conflicts and rejections recorded so far (caught up from the log).
  Result<ConflictLog> Conflicts();

 private:
  class Cycle;
  Status CatchUpConflicts();

  RosterService& roster_;
  sheets::SheetsClient& client_;
  ProjectorOptions options_;
  std::mutex mu_;
  ConflictLog conflicts_;
};

// Settles an open conflict from the CLI or Discord: `pick` is "sheet" or "log".
// Appends ConflictResolved (and, for "sheet", the change that makes the sheet's
// value stand) as `actor`.
Result<CommandResult> ResolveConflict(RosterService& roster, const ConflictLog& conflicts,
                                      const std::string& conflict_id, const std::string& pick,
                                      const Actor& actor);

}  // namespace kraken::sync
