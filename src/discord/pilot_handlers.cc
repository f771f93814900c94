// /pilot register, set, alt add|remove, show: a pilot looking after their own
// rows. RosterService enforces who may change what (the actor is the Discord
// user, admin only with an admin role); this file picks the pilot meant and
// tells back what happened.

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "src/app/command_support.h"
#include "src/discord/handlers.h"

namespace kraken::discord {
namespace {

using command_support::Expect;
using command_support::NewEvent;

// Given fields only, so that a left-out option changes nothing.
Fields Given(std::initializer_list<std::pair<const char*, std::string>> fields) {
  Fields out;
  for (const auto& [k, v] : fields) {
    if (!v.empty()) out.emplace(k, v);
  }
  return out;
}

// Claims an existing pilot nobody has linked yet (typically one imported from
// the sheet): links it to the caller, or with `main`, makes it an alt of one of
// the caller's pilots; and applies `fields` where they differ. Validated
// against `state`, so a claim racing another is caught as a version conflict.
Result<Plan> PlanClaim(const AllianceState& state, const Actor& actor, std::string_view name,
                       const Fields& fields, const std::string& main) {
  const Roster& roster = state.roster();
  const Row* pilot = roster.Find(Table::kPilot, name);
  if (pilot == nullptr) return NotFound(state, Table::kPilot, name);
  const bool mine = Owns(roster, actor.id, *pilot);
  if (!mine && Claimed(roster, *pilot)) {
    return MakeError(ErrorCode::kPermissionDenied,
                     fmt::format("pilot '{}' is linked to another Discord account already; if it "
                                 "is yours, ask an admin to fix the link",
                                 pilot->key()));
  }
  const std::string stream = PilotStream(pilot->key());
  Plan plan;
  Expect(plan, state, stream);
  // Who owns the pilot depends on its main's link too.
  if (!pilot->values[kPilotMain].empty()) {
    Expect(plan, state, PilotStream(pilot->values[kPilotMain]));
  }
  std::vector<std::string> words;
  if (!main.empty()) {
    const Row* owner = roster.Find(Table::kPilot, main);
    if (owner == nullptr) return NotFound(state, Table::kPilot, main);
    if (!Owns(roster, actor.id, *owner)) {
      return MakeError(
          ErrorCode::kPermissionDenied,
          fmt::format("you may only add alts to your own pilots, not to '{}'", owner->key()));
    }
    if (EqualsIgnoreCase(owner->key(), pilot->key())) {
      return MakeError(ErrorCode::kInvalidArgument,
                       fmt::format("'{}' cannot be its own alt", pilot->key()));
    }
    if (!owner->values[kPilotMain].empty()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       fmt::format("'{}' is itself an alt of '{}'; use '{}' as main", owner->key(),
                                   owner->values[kPilotMain], owner->values[kPilotMain]));
    }
    if (!roster.AltsOf(pilot->key()).empty()) {
      return MakeError(
          ErrorCode::kInvalidArgument,
          fmt::format("'{}' has alts of its own; it cannot become an alt", pilot->key()));
    }
    Expect(plan, state, PilotStream(owner->key()));
    if (!EqualsIgnoreCase(pilot->values[kPilotMain], owner->key())) {
      plan.events.push_back(NewEvent(stream, AltLinked{owner->key()}));
      words.push_back(fmt::format("alt of {}", owner->key()));
    }
  } else if (!mine) {
    plan.events.push_back(NewEvent(stream, PilotLinkedToDiscord{actor.id}));
    words.push_back("linked to you");
  }
  const Schema& schema = roster.schema();
  for (const auto& [column, value] : fields) {
    const Column* c = schema.Find(Table::kPilot, column);
    if (c != nullptr && !actor.admin && c->editor != Editor::kSelf) {
      return MakeError(ErrorCode::kPermissionDenied,
                       fmt::format("only admins may change pilot {}", column));
    }
  }
  KRAKEN_ASSIGN_OR_RETURN(Fields valid, ValidateFields(state, Table::kPilot, fields));
  Fields changed;
  for (auto& [column, value] : valid) {
    if (pilot->values[*schema.IndexOf(Table::kPilot, column)] != value) {
      changed.emplace(column, std::move(value));
    }
  }
  if (!changed.empty()) plan.events.push_back(NewEvent(stream, PilotFieldsChanged{changed}));
  plan.summary = plan.events.empty()
                     ? fmt::format("{} is yours already; nothing to change", pilot->key())
                     : fmt::format("{}: {}", pilot->key(), fmt::join(words, ", "));
  return plan;
}

bool Registers(const CommandResult& result) {
  for (const Event& e : result.events) {
    if (std::holds_alternative<PilotRegistered>(e.payload)) return true;
  }
  return false;
}

std::string NamesOf(const std::vector<const Column*>& columns) {
  std::vector<std::string_view> names;
  for (const Column* c : columns) names.push_back(c->name);
  return fmt::format("{}", fmt::join(names, ", "));
}

Embed PilotEmbed(const Roster& roster, const Row& pilot) {
  const Schema& schema = roster.schema();
  const auto& columns = schema.columns(Table::kPilot);
  Embed embed;
  embed.title = pilot.key();
  embed.color = kColorInfo;
  for (std::size_t i = 1; i < columns.size(); ++i) {
    const std::string& value = pilot.values[i];
    if (value.empty()) continue;
    EmbedField field;
    field.name = columns[i].name;
    field.value = i == kPilotDiscordId ? "<@" + value + ">" : EscapeMarkdown(value);
    field.inline_field = value.size() <= 40;
    embed.fields.push_back(std::move(field));
  }
  std::vector<std::string> alts;
  for (const Row* alt : roster.AltsOf(pilot.key())) {
    std::vector<std::string_view> facts;
    for (std::size_t column : {kPilotCorp, kPilotClone}) {
      if (!alt->values[column].empty()) facts.push_back(alt->values[column]);
    }
    alts.push_back(EscapeMarkdown(alt->key()) +
                   (facts.empty() ? "" : fmt::format(" ({})", fmt::join(facts, ", "))));
  }
  if (!alts.empty()) embed.fields.push_back({"alts", fmt::format("{}", fmt::join(alts, "\n"))});
  embed.footer = fmt::format("registered in event {}", pilot.created_seq);
  return embed;
}

}  // namespace

Result<Answer> PilotRegister(Call& call) {
  const std::string name = call.String("name");
  Fields fields = Given({{"corp", call.String("corp")}, {"clone", call.String("clone")}});
  const bool exists = call.roster.Read([&](const AllianceState& state) {
    return state.roster().Find(Table::kPilot, name) != nullptr;
  });
  Result<CommandResult> result = [&]() -> Result<CommandResult> {
    if (!exists) {
      fields["discord_id"] = call.actor.id;
      return call.roster.RegisterPilot(call.actor, name, fields, call.options);
    }
    return call.roster.Execute(
        [&](const AllianceState& state) { return PlanClaim(state, call.actor, name, fields, ""); },
        call.actor, call.options);
  }();
  if (!result.ok()) return result.take_error();
  // Titled by what the events did: a redelivery finds the row and takes the
  // claim path, yet gets the first delivery's events back.
  return ChangeAnswer(Registers(*result) ? "Pilot registered" : "Pilot linked", *result);
}

Result<Answer> PilotSet(Call& call) {
  const std::string field = call.String("field");
  const Schema& schema = call.roster.schema();
  const auto allowed = SettableColumns(schema, Table::kPilot, false);
  const Column* column = schema.Find(Table::kPilot, field);
  if (column == nullptr || field == schema.columns(Table::kPilot)[0].name) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("there is no pilot field '{}' to set; you may set: {}", field,
                                 NamesOf(allowed)));
  }
  if (!call.actor.admin && column->editor != Editor::kSelf) {
    return MakeError(ErrorCode::kPermissionDenied,
                     fmt::format("only admins may change a pilot's {}; you may set: {}", field,
                                 NamesOf(allowed)));
  }
  KRAKEN_ASSIGN_OR_RETURN(const std::string pilot, TargetPilot(call, "pilot"));
  KRAKEN_ASSIGN_OR_RETURN(
      CommandResult result,
      call.roster.SetPilot(call.actor, pilot, Fields{{field, call.String("value")}}, call.options));
  return ChangeAnswer("Pilot updated", result);
}

Result<Answer> PilotAltAdd(Call& call) {
  const std::string name = call.String("name");
  KRAKEN_ASSIGN_OR_RETURN(const std::string main, TargetPilot(call, "main"));
  Fields fields = Given({{"corp", call.String("corp")}, {"clone", call.String("clone")}});
  enum class Path { kRegister, kLink, kClaim };
  const Path path = call.roster.Read([&](const AllianceState& state) {
    const Row* alt = state.roster().Find(Table::kPilot, name);
    if (alt == nullptr) {
      // A new alt joins its main's corp unless told otherwise.
      const Row* owner = state.roster().Find(Table::kPilot, main);
      if (owner != nullptr && !fields.count("corp") && !owner->values[kPilotCorp].empty()) {
        fields.emplace("corp", owner->values[kPilotCorp]);
      }
      return Path::kRegister;
    }
    return call.actor.admin || Owns(state.roster(), call.actor.id, *alt) ? Path::kLink
                                                                         : Path::kClaim;
  });
  Result<CommandResult> result = [&]() -> Result<CommandResult> {
    switch (path) {
      case Path::kRegister:
        fields.emplace("main", main);
        return call.roster.RegisterPilot(call.actor, name, fields, call.options);
      case Path::kLink:
        fields.emplace("main", main);
        return call.roster.SetPilot(call.actor, name, fields, call.options);
      case Path::kClaim:
        break;
    }
    return call.roster.Execute(
        [&](const AllianceState& state) {
          return PlanClaim(state, call.actor, name, fields, main);
        },
        call.actor, call.options);
  }();
  if (!result.ok()) return result.take_error();
  return ChangeAnswer("Alt added", *result);
}

Result<Answer> PilotAltRemove(Call& call) {
  KRAKEN_ASSIGN_OR_RETURN(CommandResult result,
                          call.roster.UnlinkAlt(call.actor, call.String("name"), call.options));
  return ChangeAnswer("Alt removed", result);
}

Result<Answer> PilotShow(Call& call) {
  const std::string name = call.String("name");
  const std::string user = call.String("user");
  return call.roster.Read([&](const AllianceState& state) -> Result<Answer> {
    const Roster& roster = state.roster();
    std::vector<const Row*> rows;
    if (!name.empty()) {
      const Row* row = roster.Find(Table::kPilot, name);
      if (row == nullptr) return NotFound(state, Table::kPilot, name);
      rows.push_back(row);
    } else {
      const std::string& id = user.empty() ? call.actor.id : user;
      for (const Row* row : LinkedPilots(roster, id)) rows.push_back(row);
      if (rows.empty()) {
        return MakeError(ErrorCode::kNotFound,
                         user.empty() ? std::string("no pilot is linked to your Discord account "
                                                    "yet; link yours with /pilot register")
                                      : fmt::format("no pilot is linked to <@{}>", user));
      }
    }
    Answer answer;
    answer.message.ephemeral = !call.Public();
    for (const Row* row : rows) answer.message.embeds.push_back(PilotEmbed(roster, *row));
    return answer;
  });
}

}  // namespace kraken::discord
