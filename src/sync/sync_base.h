#pragma once
// What the projector remembers between cycles, kept in the log's LMDB
// environment (the snapshot slot "sheet-base"), so it is as durable as the log:
// per managed tab the base (what every managed cell held after the last sync) and
// the tab's sheetId (a renamed tab is recognised by it), the Drive version the
// sheet had after KRAKEN's last write (the cheap "did anything change" check),
// the log sequence the sheet shows, and the rejections already reported (so a
// bad row left in the sheet is listed once, not every cycle).

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "events/result.h"
#include "src/store/event_log.h"
#include "src/sync/three_way.h"

namespace kraken::sync {

inline constexpr std::string_view kBaseSnapshotName = "sheet-base";

struct SyncedTab {
  std::int64_t sheet_id = -1;  // -1: not known yet
  TabBase base;
};

struct SyncBase {
  std::string spreadsheet_id;             // a base for another spreadsheet is ignored
  std::string drive_version;              // "" before the first cycle
  std::uint64_t log_seq = 0;              // the projection the sheet shows
  std::int64_t analytics_day = -1;        // UTC day (since 1970) the Analytics tab was computed for
  std::map<std::string, SyncedTab> tabs;  // by managed tab title ("Pilots", "Corps")
  std::set<std::string> reported;         // signatures of rejections already listed
  // Saved just before a write goes out: each managed tab's base as it will be
  // once the write has landed. If the cycle dies before it saves the new base,
  // the next cycle takes a cell the sheet shows with its pending value as
  // KRAKEN's own write, not as an admin's edit (which would be a conflict nobody
  // made). Empty once the new base is saved.
  std::map<std::string, TabBase> pending;
};

// The base a cycle should compare with when a write may or may not have landed:
// `base`, except that each cell whose `sheet` value equals its `pending` value
// takes that value (that cell of the write landed). Rows the pending base has and
// the base lacks are added, their cells not written taking kUnknownBase.
TabBase ReconcilePending(const TabBase& base, const TabBase& pending,
                         const std::map<std::string, std::vector<std::string>>& sheet);

std::string EncodeBase(const SyncBase& base);
Result<SyncBase> DecodeBase(std::string_view bytes);

// The stored base for `spreadsheet_id`, or an empty one (first cycle, or the
// spreadsheet changed). A damaged base is reported, not fatal: the next cycle
// runs without one, so every difference becomes a visible conflict.
Result<SyncBase> LoadBase(const EventLog& log, const std::string& spreadsheet_id);
Status SaveBase(EventLog& log, const SyncBase& base);

}  // namespace kraken::sync
