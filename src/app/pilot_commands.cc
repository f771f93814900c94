// RosterService commands on pilots: register, change, alts, leave.

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "src/app/command_support.h"
#include "src/app/roster_service.h"

namespace kraken {

using command_support::CheckAltLink;
using command_support::CheckMayEdit;
using command_support::Describe;
using command_support::Expect;
using command_support::NewEvent;
using command_support::OwnsPilot;
using command_support::SplitFields;
using command_support::SplitPilotFields;
using command_support::Value;

Result<CommandResult> RosterService::RegisterPilot(const Actor& actor, std::string_view name,
                                                   Fields fields, const CommandOptions& options) {
  return Execute(
      [&](const AllianceState& state) -> Result<Plan> {
        KRAKEN_RETURN_IF_ERROR(ValidateKey(Table::kPilot, name));
        if (const Row* existing = state.roster().Find(Table::kPilot, name)) {
          return MakeError(ErrorCode::kAlreadyExists,
                           fmt::format("pilot '{}' is registered already; change it with "
                                       "`kraken pilot set \"{}\" field=value`",
                                       existing->key(), existing->key()));
        }
        KRAKEN_ASSIGN_OR_RETURN(SplitFields split, SplitPilotFields(fields));
        for (const auto& [column_name, value] : split.plain) {
          const Column* column = schema_.Find(Table::kPilot, column_name);
          if (column != nullptr) {
            KRAKEN_RETURN_IF_ERROR(CheckMayEdit(state, actor, Table::kPilot, nullptr, *column));
          }
        }
        KRAKEN_ASSIGN_OR_RETURN(Fields valid, ValidateFields(state, Table::kPilot, split.plain));
        Plan plan;
        const std::string stream = PilotStream(name);
        Expect(plan, state, stream);
        plan.summary = fmt::format("Registered pilot {}{}{}", name, valid.empty() ? "" : " (",
                                   valid.empty() ? "" : Describe(valid) + ")");
        plan.events.push_back(NewEvent(stream, PilotRegistered{std::move(valid)}));
        if (split.discord_id && !split.discord_id->empty()) {
          KRAKEN_ASSIGN_OR_RETURN(
              std::string id, schema_.Normalize(Table::kPilot, "discord_id", *split.discord_id));
          if (!actor.admin && id != actor.id) {
            return MakeError(ErrorCode::kPermissionDenied,
                             "you may only register pilots linked to your own Discord account");
          }
          plan.events.push_back(NewEvent(stream, PilotLinkedToDiscord{id}));
          plan.summary += fmt::format(", linked to Discord user {}", id);
        }
        if (split.main && !split.main->empty()) {
          const Row* main = state.roster().Find(Table::kPilot, *split.main);
          if (main == nullptr) return NotFound(state, Table::kPilot, *split.main);
          // An alt belongs to its main's owner: registering one for someone else's main
          // would edit their pilots (and keep that main from ever becoming an alt).
          if (!actor.admin && !OwnsPilot(state, actor, *main)) {
            return MakeError(
                ErrorCode::kPermissionDenied,
                fmt::format("you may only register alts of your own pilots, not of '{}'",
                            main->key()));
          }
          if (!Value(*main, kPilotMain).empty()) {
            return MakeError(
                ErrorCode::kInvalidArgument,
                fmt::format("'{}' is itself an alt of '{}'; use '{}' as main", main->key(),
                            Value(*main, kPilotMain), Value(*main, kPilotMain)));
          }
          plan.events.push_back(NewEvent(stream, AltLinked{main->key()}));
          plan.summary += fmt::format(", alt of {}", main->key());
        }
        return plan;
      },
      actor, options);
}

Result<CommandResult> RosterService::SetPilot(const Actor& actor, std::string_view name,
                                              Fields changes, const CommandOptions& options) {
  return Execute(
      [&](const AllianceState& state) -> Result<Plan> {
        const Row* pilot = state.roster().Find(Table::kPilot, name);
        if (pilot == nullptr) return NotFound(state, Table::kPilot, name);
        KRAKEN_ASSIGN_OR_RETURN(SplitFields split, SplitPilotFields(changes));
        KRAKEN_ASSIGN_OR_RETURN(Fields valid, ValidateFields(state, Table::kPilot, split.plain));
        const std::string stream = PilotStream(pilot->key());
        Plan plan;
        std::vector<std::string> words;
        Fields changed;
        for (auto& [column_name, value] : valid) {
          const auto index = *schema_.IndexOf(Table::kPilot, column_name);
          KRAKEN_RETURN_IF_ERROR(CheckMayEdit(state, actor, Table::kPilot, pilot,
                                              schema_.columns(Table::kPilot)[index]));
          if (Value(*pilot, index) == value) continue;
          words.push_back(
              fmt::format("{} {} -> {}", column_name,
                          Value(*pilot, index).empty() ? "(empty)" : Value(*pilot, index),
                          value.empty() ? "(empty)" : value));
          changed.emplace(column_name, std::move(value));
        }
        if (!changed.empty()) plan.events.push_back(NewEvent(stream, PilotFieldsChanged{changed}));
        if (split.discord_id) {
          if (!actor.admin) {
            return MakeError(ErrorCode::kPermissionDenied,
                             "only admins may link a pilot to another Discord user");
          }
          KRAKEN_ASSIGN_OR_RETURN(
              std::string id, schema_.Normalize(Table::kPilot, "discord_id", *split.discord_id));
          if (id != Value(*pilot, kPilotDiscordId)) {
            plan.events.push_back(NewEvent(stream, PilotLinkedToDiscord{id}));
            words.push_back(fmt::format("discord_id -> {}", id.empty() ? "(unlinked)" : id));
          }
        }
        if (split.main) {
          const std::string& current = Value(*pilot, kPilotMain);
          if (split.main->empty() && !current.empty()) {
            if (!actor.admin && !OwnsPilot(state, actor, *pilot)) {
              return MakeError(ErrorCode::kPermissionDenied, "you may only unlink your own alts");
            }
            plan.events.push_back(NewEvent(stream, AltUnlinked{current}));
            words.push_back(fmt::format("no longer an alt of {}", current));
          } else if (!split.main->empty()) {
            const Row* main = state.roster().Find(Table::kPilot, *split.main);
            if (main == nullptr) return NotFound(state, Table::kPilot, *split.main);
            if (!EqualsIgnoreCase(main->key(), current)) {
              KRAKEN_RETURN_IF_ERROR(CheckAltLink(state, *pilot, *main));
              if (!actor.admin &&
                  !(OwnsPilot(state, actor, *pilot) && OwnsPilot(state, actor, *main))) {
                return MakeError(ErrorCode::kPermissionDenied,
                                 "you may only link pilots that are both yours");
              }
              plan.events.push_back(NewEvent(stream, AltLinked{main->key()}));
              words.push_back(fmt::format("alt of {}", main->key()));
            }
          }
        }
        if (plan.events.empty()) {
          plan.summary = fmt::format("{}: nothing to change", pilot->key());
          return plan;
        }
        Expect(plan, state, stream);
        plan.summary = fmt::format("{}: {}", pilot->key(), fmt::join(words, ", "));
        return plan;
      },
      actor, options);
}

Result<CommandResult> RosterService::LinkAlt(const Actor& actor, std::string_view alt,
                                             std::string_view main, const CommandOptions& options) {
  return SetPilot(actor, alt, Fields{{"main", std::string(main)}}, options);
}

Result<CommandResult> RosterService::UnlinkAlt(const Actor& actor, std::string_view alt,
                                               const CommandOptions& options) {
  return Execute(
      [&](const AllianceState& state) -> Result<Plan> {
        const Row* pilot = state.roster().Find(Table::kPilot, alt);
        if (pilot == nullptr) return NotFound(state, Table::kPilot, alt);
        if (Value(*pilot, kPilotMain).empty()) {
          return MakeError(ErrorCode::kInvalidArgument,
                           fmt::format("'{}' is not an alt of anyone", pilot->key()));
        }
        if (!actor.admin && !OwnsPilot(state, actor, *pilot)) {
          return MakeError(ErrorCode::kPermissionDenied, "you may only unlink your own alts");
        }
        Plan plan;
        const std::string stream = PilotStream(pilot->key());
        Expect(plan, state, stream);
        plan.summary =
            fmt::format("{} is no longer an alt of {}", pilot->key(), Value(*pilot, kPilotMain));
        plan.events.push_back(NewEvent(stream, AltUnlinked{Value(*pilot, kPilotMain)}));
        return plan;
      },
      actor, options);
}

Result<CommandResult> RosterService::PilotLeave(const Actor& actor, std::string_view name,
                                                std::string reason, const CommandOptions& options) {
  return Execute(
      [&](const AllianceState& state) -> Result<Plan> {
        const Row* pilot = state.roster().Find(Table::kPilot, name);
        if (pilot == nullptr) return NotFound(state, Table::kPilot, name);
        if (!actor.admin && !OwnsPilot(state, actor, *pilot)) {
          return MakeError(ErrorCode::kPermissionDenied,
                           "you may only remove your own pilots; ask an admin");
        }
        Plan plan;
        std::vector<std::string> notes;
        for (const Row* alt : state.roster().AltsOf(pilot->key())) {
          const std::string stream = PilotStream(alt->key());
          Expect(plan, state, stream);
          plan.events.push_back(NewEvent(stream, AltUnlinked{pilot->key()}));
          notes.push_back(fmt::format("unlinked alt {}", alt->key()));
        }
        for (const Row* corp : state.roster().Rows(Table::kCorp)) {
          if (Value(*corp, kCorpCeo) != pilot->key()) continue;
          const std::string stream = CorpStream(corp->key());
          Expect(plan, state, stream);
          plan.events.push_back(NewEvent(stream, CorpChanged{Fields{{"ceo", ""}}}));
          notes.push_back(fmt::format("cleared as CEO of {}", corp->key()));
        }
        const std::string stream = PilotStream(pilot->key());
        Expect(plan, state, stream);
        plan.events.push_back(NewEvent(stream, PilotLeftAlliance{reason}));
        plan.summary = fmt::format("{} left the alliance{}{}", pilot->key(),
                                   notes.empty() ? "" : "; ", fmt::join(notes, "; "));
        return plan;
      },
      actor, options);
}

}  // namespace kraken
