// Settling an open conflict from the CLI, Discord or the Conflicts tab
// (declared in projector.h).

#include <fmt/format.h>

#include "src/app/command_support.h"
#include "src/sync/projector.h"

namespace kraken::sync {

using command_support::NewEvent;

Result<CommandResult> ResolveConflict(RosterService& roster, const ConflictLog& conflicts,
                                      const std::string& conflict_id, const std::string& pick,
                                      const Actor& actor) {
  const ConflictEntry* entry = conflicts.Find(conflict_id);
  if (entry == nullptr || entry->rejection) {
    return MakeError(ErrorCode::kNotFound,
                     fmt::format("no conflict '{}'; `kraken conflicts` lists them", conflict_id));
  }
  if (!entry->open) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        fmt::format("conflict {} is already resolved ({} won)", conflict_id, entry->winner));
  }
  if (pick != "sheet" && pick != "log") {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("pick 'sheet' ('{}') or 'log' ('{}') for conflict {}",
                                 entry->sheet_value, entry->log_value, conflict_id));
  }
  const Table table = entry->table == "corp" ? Table::kCorp : Table::kPilot;
  // The log's value now. A change since the conflict was detected is newer than
  // both values the admin compared: picking the sheet must not overwrite it unseen.
  const std::optional<std::string> current =
      roster.Read([&](const AllianceState& state) -> std::optional<std::string> {
        const Row* row = state.roster().Find(table, entry->key);
        const auto index = roster.schema().IndexOf(table, entry->field);
        if (row == nullptr || !index) return std::nullopt;
        return row->values[*index];
      });
  if (pick == "sheet" && current && *current != entry->log_value &&
      *current != entry->sheet_value) {
    return MakeError(ErrorCode::kConflict,
                     fmt::format("{} {} {} changed to '{}' after conflict {} was detected (it was "
                                 "'{}'); pick 'log' to keep '{}', or type the value you want into "
                                 "the sheet",
                                 entry->table, entry->key, entry->field, *current, conflict_id,
                                 entry->log_value, *current));
  }
  CommandResult change;
  if (pick == "sheet") {
    Fields fields{{entry->field, entry->sheet_value}};
    auto set = table == Table::kPilot ? roster.SetPilot(actor, entry->key, fields)
                                      : roster.SetCorp(actor, entry->key, fields);
    if (!set.ok()) return set.take_error();
    change = std::move(*set);
  }
  const std::string stream = "conflict/" + conflict_id;
  const std::string value =
      pick == "sheet" ? entry->sheet_value : current.value_or(entry->log_value);
  auto resolved = roster.Execute(
      [&](const AllianceState&) -> Result<Plan> {
        Plan plan;
        plan.expected_versions.emplace(stream, 1);  // detected, not yet resolved
        plan.events.push_back(
            NewEvent(stream, ConflictResolved{conflict_id, pick, value, "manual"}));
        plan.summary = fmt::format("{} {} {}: '{}' stands ({} chosen by {})", entry->table,
                                   entry->key, entry->field, value, pick, actor.id);
        return plan;
      },
      actor, {});
  if (!resolved.ok()) {
    if (resolved.error().code == ErrorCode::kConflict) {
      return MakeError(
          ErrorCode::kConflict,
          fmt::format("conflict {} was resolved by someone else meanwhile", conflict_id));
    }
    return resolved.take_error();
  }
  for (Event& e : change.events) resolved->events.insert(resolved->events.begin(), std::move(e));
  return resolved;
}

}  // namespace kraken::sync
