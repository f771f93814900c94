// RosterService commands on corps: add, change, remove.

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "src/app/command_support.h"
#include "src/app/roster_service.h"

namespace kraken {

using command_support::CheckMayEdit;
using command_support::Describe;
using command_support::Expect;
using command_support::NewEvent;
using command_support::Value;

Result<CommandResult> RosterService::AddCorp(const Actor& actor, std::string_view ticker,
                                             Fields fields, const CommandOptions& options) {
  return Execute(
      [&](const AllianceState& state) -> Result<Plan> {
        if (!actor.admin) {
          return MakeError(ErrorCode::kPermissionDenied, "only admins may add corps");
        }
        KRAKEN_RETURN_IF_ERROR(ValidateKey(Table::kCorp, ticker));
        if (const Row* existing = state.roster().Find(Table::kCorp, ticker)) {
          return MakeError(ErrorCode::kAlreadyExists,
                           fmt::format("corp '{}' exists already; change it with `kraken corp set "
                                       "{} field=value`",
                                       existing->key(), existing->key()));
        }
        if (!fields.contains("status")) fields.emplace("status", "member");
        KRAKEN_ASSIGN_OR_RETURN(Fields valid, ValidateFields(state, Table::kCorp, fields));
        Plan plan;
        const std::string stream = CorpStream(ticker);
        Expect(plan, state, stream);
        plan.summary = fmt::format("Added corp {} ({})", ticker, Describe(valid));
        plan.events.push_back(NewEvent(stream, CorpCreated{std::move(valid)}));
        return plan;
      },
      actor, options);
}

Result<CommandResult> RosterService::SetCorp(const Actor& actor, std::string_view ticker,
                                             Fields changes, const CommandOptions& options) {
  return Execute(
      [&](const AllianceState& state) -> Result<Plan> {
        const Row* corp = state.roster().Find(Table::kCorp, ticker);
        if (corp == nullptr) return NotFound(state, Table::kCorp, ticker);
        KRAKEN_ASSIGN_OR_RETURN(Fields valid, ValidateFields(state, Table::kCorp, changes));
        Fields changed;
        std::vector<std::string> words;
        for (auto& [name, value] : valid) {
          const auto index = *schema_.IndexOf(Table::kCorp, name);
          KRAKEN_RETURN_IF_ERROR(
              CheckMayEdit(state, actor, Table::kCorp, corp, schema_.columns(Table::kCorp)[index]));
          if (Value(*corp, index) == value) continue;
          words.push_back(fmt::format("{} {} -> {}", name, Value(*corp, index), value));
          changed.emplace(name, std::move(value));
        }
        Plan plan;
        if (changed.empty()) {
          plan.summary = fmt::format("{}: nothing to change", corp->key());
          return plan;
        }
        const std::string stream = CorpStream(corp->key());
        Expect(plan, state, stream);
        plan.summary = fmt::format("{}: {}", corp->key(), fmt::join(words, ", "));
        plan.events.push_back(NewEvent(stream, CorpChanged{std::move(changed)}));
        return plan;
      },
      actor, options);
}

Result<CommandResult> RosterService::RemoveCorp(const Actor& actor, std::string_view ticker,
                                                std::string reason, const CommandOptions& options) {
  return Execute(
      [&](const AllianceState& state) -> Result<Plan> {
        if (!actor.admin) {
          return MakeError(ErrorCode::kPermissionDenied, "only admins may remove corps");
        }
        const Row* corp = state.roster().Find(Table::kCorp, ticker);
        if (corp == nullptr) return NotFound(state, Table::kCorp, ticker);
        std::uint64_t members = 0;
        for (const Row* p : state.roster().Rows(Table::kPilot)) {
          if (Value(*p, kPilotCorp) == corp->key()) ++members;
        }
        if (members > 0) {
          return MakeError(ErrorCode::kInvalidArgument,
                           fmt::format("corp {} still has {} pilot(s); move them to another corp "
                                       "first, or keep the corp with status=former",
                                       corp->key(), members));
        }
        Plan plan;
        const std::string stream = CorpStream(corp->key());
        Expect(plan, state, stream);
        plan.summary = fmt::format("Removed corp {}", corp->key());
        plan.events.push_back(NewEvent(stream, CorpRemoved{reason}));
        return plan;
      },
      actor, options);
}

}  // namespace kraken
