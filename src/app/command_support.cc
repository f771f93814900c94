#include "src/app/command_support.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace kraken::command_support {

Event NewEvent(std::string stream, Payload payload) {
  Event e;
  e.stream = std::move(stream);
  e.payload = std::move(payload);
  return e;
}

std::string Describe(const Fields& fields) {
  std::vector<std::string> parts;
  for (const auto& [k, v] : fields)
    parts.push_back(fmt::format("{}={}", k, v.empty() ? "(empty)" : v));
  return fmt::format("{}", fmt::join(parts, ", "));
}

// Adds the stream's version at the state's sequence to the plan's expectations.
void Expect(Plan& plan, const AllianceState& state, const std::string& stream) {
  plan.expected_versions.emplace(stream, state.versions().Get(stream));
}

bool OwnsPilot(const AllianceState& state, const Actor& actor, const Row& pilot) {
  if (actor.id.empty()) return false;
  if (Value(pilot, kPilotDiscordId) == actor.id) return true;
  const Row* main = state.roster().Find(Table::kPilot, Value(pilot, kPilotMain));
  return main != nullptr && Value(*main, kPilotDiscordId) == actor.id;
}

Status CheckMayEdit(const AllianceState& state, const Actor& actor, Table table, const Row* row,
                    const Column& column) {
  if (actor.admin) return Ok{};
  if (table != Table::kPilot || column.editor != Editor::kSelf) {
    return MakeError(ErrorCode::kPermissionDenied,
                     fmt::format("only admins may change {} {}", TableName(table), column.name));
  }
  if (row != nullptr && !OwnsPilot(state, actor, *row)) {
    return MakeError(
        ErrorCode::kPermissionDenied,
        fmt::format("you may only change your own pilots and alts, not '{}'", row->key()));
  }
  return Ok{};
}

Result<SplitFields> SplitPilotFields(Fields fields) {
  SplitFields out;
  for (auto& [k, v] : fields) {
    if (k == "name") {
      return MakeError(ErrorCode::kInvalidArgument,
                       "a pilot's name is its key and cannot be changed; register the new name "
                       "and have the old one leave");
    }
    if (k == "discord_id") {
      out.discord_id = v;
    } else if (k == "main") {
      out.main = v;
    } else {
      out.plain.emplace(k, std::move(v));
    }
  }
  return out;
}

Status CheckAltLink(const AllianceState& state, const Row& alt, const Row& main) {
  if (EqualsIgnoreCase(alt.key(), main.key())) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("'{}' cannot be its own alt", alt.key()));
  }
  if (!Value(main, kPilotMain).empty()) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        fmt::format("'{}' is itself an alt of '{}'; link '{}' to '{}' instead", main.key(),
                    Value(main, kPilotMain), alt.key(), Value(main, kPilotMain)));
  }
  if (!state.roster().AltsOf(alt.key()).empty()) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        fmt::format("'{}' has alts of its own; unlink them before making it an alt", alt.key()));
  }
  return Ok{};
}

}  // namespace kraken::command_support
