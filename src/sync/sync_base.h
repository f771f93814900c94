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
};

std::string EncodeBase(const SyncBase& base);
Result<SyncBase> DecodeBase(std::string_view bytes);

// The stored base for `spreadsheet_id`, or an empty one (first cycle, or the
// spreadsheet changed). A damaged base is reported, not fatal: the next cycle
// runs without one, so every difference becomes a visible conflict.
Result<SyncBase> LoadBase(const EventLog& log, const std::string& spreadsheet_id);
Status SaveBase(EventLog& log, const SyncBase& base);

}  // namespace kraken::sync
