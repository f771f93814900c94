#pragma once
// The two tabs KRAKEN writes for people rather than for round trips:
//
// Conflicts: every conflict (open and resolved) and every sheet edit that was not
// applied, oldest first so that a new entry is one new row at the bottom. Its
// `decision` column is the admins' to type in ("sheet" or "log") to settle an
// open conflict; KRAKEN reads it and never writes it.
//
// Analytics: headcount per corp, the Alpha/Omega mix, unlinked pilots, changes in
// the last 7 and 30 days, as values (numbers as numbers) so that admins can chart
// them and build on them.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "events/event.h"
#include "projections/alliance_state.h"

namespace kraken::sync {

inline constexpr std::string_view kPilotsTab = "Pilots";
inline constexpr std::string_view kCorpsTab = "Corps";
inline constexpr std::string_view kConflictsTab = "Conflicts";
inline constexpr std::string_view kAnalyticsTab = "Analytics";

// One row of the Conflicts tab.
struct ConflictEntry {
  std::string id;  // conflict id, or "R<seq>" for a rejection
  std::uint64_t seq = 0;
  std::int64_t ts_us = 0;
  bool rejection = false;
  std::string table, key, field, sheet_value, log_value, origin, reason;
  std::uint64_t log_seq = 0;  // conflicts: the event that set log_value
  // Conflicts only.
  std::string policy;
  bool open = true;
  std::string winner;  // "sheet", "log" or "admin" once resolved
  std::string value;   // the value that stands
};

// Folds conflict and rejection events, in sequence order.
class ConflictLog {
 public:
  void Apply(const Event& event);
  std::uint64_t seq() const { return seq_; }
  const std::vector<ConflictEntry>& entries() const { return entries_; }
  const ConflictEntry* Find(std::string_view id) const;
  std::vector<const ConflictEntry*> Open() const;

 private:
  std::vector<ConflictEntry> entries_;
  std::uint64_t seq_ = 0;
};

// A cell KRAKEN wants on one of these tabs: text, or a number.
struct OutCell {
  std::string text;
  std::optional<double> number;
  bool operator==(const OutCell&) const = default;
};
using OutGrid = std::vector<std::vector<OutCell>>;

// The Conflicts tab's columns; the last, "decision", is read, never written.
const std::vector<std::string>& ConflictColumns();
OutGrid RenderConflicts(const ConflictLog& conflicts);

OutGrid RenderAnalytics(const AllianceState& state, std::int64_t now_us);

}  // namespace kraken::sync
