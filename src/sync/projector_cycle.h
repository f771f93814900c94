#pragma once
// Private to src/sync: SheetProjector::Cycle, one run of RunCycle. Its members
// are defined in three files, along the cycle's halves:
//   projector.cc         Run, and what both halves use (the base, the models)
//   projector_import.cc  reading the tabs and importing admins' edits
//   projector_write.cc   planning and writing the projection back

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "events/result.h"
#include "src/sync/extra_tabs.h"
#include "src/sync/projector.h"
#include "src/sync/sheet_grid.h"
#include "src/sync/sync_base.h"
#include "src/sync/three_way.h"
#include "src/sync/write_plan.h"

namespace kraken::sync {
namespace projector_detail {

inline constexpr int kDecisionColumn = 11;  // ConflictColumns()'s "decision"

struct ManagedTab {
  std::string_view title;
  Table table;
};
inline constexpr ManagedTab kManaged[] = {{kPilotsTab, Table::kPilot}, {kCorpsTab, Table::kCorp}};
inline constexpr std::string_view kAllTabs[] = {kPilotsTab, kCorpsTab, kConflictsTab,
                                                kAnalyticsTab};

}  // namespace projector_detail

// One run of RunCycle: the state it reads and builds up, step by step.
class SheetProjector::Cycle {
  using ManagedTab = projector_detail::ManagedTab;

  struct TabRead {
    sheets::ValueRange range;
    TextGrid text;
    ParsedTab parsed;
    int grid_rows = 0, grid_cols = 0;
  };
  // What the planner found, kept for the report (the planner may run again).
  // A note for the cell an admin typed a refused value into.
  struct CellNote {
    std::string tab;
    int row = 0, col = 0;  // as read, 0-based
    std::string text;
  };

  struct Outcome {
    std::vector<std::string> imported, conflicts, rejected, repairs;
    std::vector<CellNote> notes;
    std::set<std::string> reported;
  };

 public:
  Cycle(SheetProjector& p, CycleMode mode);

  Result<CycleReport> Run();

 private:
  // --- Both halves (projector.cc) -------------------------------------------

  std::int64_t Now() const;
  Policy PolicyOf(Table table, const std::string& column) const;
  Comparison CompareTab(const ManagedTab& m, const TabModel& model, const TabBase& base,
                        const ParsedTab& sheet) const;
  Status LoadTheBase();
  bool IsIdle(const std::string& drive_version, std::uint64_t seq) const;
  TabBase& BaseOf(std::string_view tab);
  const TabModel& ModelOf(const AllianceState& state, const ManagedTab& m);
  Status Remember();

  // --- Reading and importing (projector_import.cc) ---------------------------

  static std::string MinuteOf(std::int64_t ts_us);
  Status ReadTabs();
  Status EnsureTabs();
  static bool IsManagedTitle(std::string_view title);
  Status Import();
  Status PlanTab(const AllianceState& state, const ManagedTab& m, Plan& plan,
                 const std::string& batch_id,
                 std::vector<std::pair<Table, std::string>>& deletions);
  void Reject(Plan& plan, const ManagedTab& m, int row, int col, const std::string& key,
              const std::string& column, const std::string& value, const std::string& reason,
              bool lasting);
  void Conflict(const AllianceState& state, Plan& plan, const ManagedTab& m, const CellConflict& c,
                bool applied);
  void AnnounceRollbacks(const std::vector<Event>& appended);
  void FillReport();
  Status ApplyDecisions(const Actor& actor);

  // --- Writing (projector_write.cc) -----------------------------------------

  void ReconcilePendingWrites();
  Status Write();
  void Grow(const TabRead& tab, int sheet_id, int rows, int cols,
            std::vector<sheets::SpreadsheetRequest>& structure, int deleted = 0);
  void PlanManaged(const AllianceState& state, const ManagedTab& m,
                   std::vector<sheets::SpreadsheetRequest>& structure,
                   std::vector<sheets::ValueRange>& values);
  WritePlan PlanPush(const ManagedTab& m, const TabModel& model, const TabRead& tab,
                     const SyncedTab& synced);
  void PlanExtra(std::string_view title, const OutGrid& want, const std::vector<int>& skip,
                 std::vector<sheets::SpreadsheetRequest>& structure,
                 std::vector<sheets::ValueRange>& values);
  void KeepBaseWithoutWriting();

  SheetProjector& p_;
  sheets::SheetsClient& client_;
  EventLog& log_;
  const Schema& schema_;
  const CycleMode mode_;
  SyncBase base_;
  std::int64_t day_ = 0;
  std::map<std::string, TabRead> tabs_;
  std::map<std::string, TabBase> pending_;  // from the stored base; see ReconcilePendingWrites
  // Each managed tab's rendering, with the projection sequence it shows: the
  // import and the write of a cycle share it when the import appended nothing.
  std::map<std::string, std::pair<std::uint64_t, TabModel>, std::less<>> models_;
  Outcome outcome_;
  CycleReport report_;
  bool kept_edits_ = false;      // a push left edits in the sheet for a later pull
  std::uint64_t shown_seq_ = 0;  // the log sequence the write showed
};

}  // namespace kraken::sync
