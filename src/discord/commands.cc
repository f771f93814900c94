// The slash-command catalogue and the checks of incoming options against it.

#include "src/discord/commands.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "events/json_text.h"
#include "src/discord/interactions.h"
#include "src/discord/reply.h"

namespace kraken::discord {
namespace {

constexpr std::size_t kMaxPilotName = 37;  // ValidateKey's limit
constexpr std::size_t kMaxTicker = 5;
constexpr std::size_t kMaxStringOption = 6000;  // Discord's max_length ceiling

OptionSpec Opt(OptionType type, std::string name, std::string description, bool required = false) {
  OptionSpec o;
  o.type = type;
  o.name = std::move(name);
  o.description = std::move(description);
  o.required = required;
  return o;
}

OptionSpec Sub(std::string name, std::string description, std::vector<OptionSpec> options = {}) {
  OptionSpec o = Opt(OptionType::kSubcommand, std::move(name), std::move(description));
  o.options = std::move(options);
  return o;
}

OptionSpec Group(std::string name, std::string description, std::vector<OptionSpec> subs) {
  OptionSpec o = Opt(OptionType::kGroup, std::move(name), std::move(description));
  o.options = std::move(subs);
  return o;
}

OptionSpec PilotName(std::string name, std::string description, bool required,
                     Completion completion = Completion::kPilot) {
  OptionSpec o = Opt(OptionType::kString, std::move(name), std::move(description), required);
  o.min_length = 1;
  o.max_length = kMaxPilotName;
  o.completion = completion;
  return o;
}

OptionSpec Ticker(std::string name, std::string description, bool required) {
  OptionSpec o = Opt(OptionType::kString, std::move(name), std::move(description), required);
  o.min_length = 1;
  o.max_length = kMaxTicker;
  o.completion = Completion::kCorp;
  return o;
}

OptionSpec Clone(const Schema& schema, bool required) {
  OptionSpec o = Opt(OptionType::kString, "clone", "Clone state", required);
  for (const auto& v : schema.columns(Table::kPilot)[kPilotClone].enum_values) {
    o.choices.push_back({v, v});
  }
  return o;
}

OptionSpec Public() {
  return Opt(OptionType::kBoolean, "public", "Show the answer to the channel (default: only you)");
}

// The column to change: choices when they fit, else autocomplete. Not checked
// against the choices here: the handler says which fields the caller may set.
OptionSpec FieldOption(const Schema& schema, Table table, bool admin) {
  OptionSpec o = Opt(OptionType::kString, "field", "The field to change", true);
  o.table = table;
  o.strict_choices = false;
  const auto columns = SettableColumns(schema, table, admin);
  if (columns.size() > kMaxChoices) {
    o.completion = Completion::kField;
    return o;
  }
  for (const Column* c : columns) {
    std::string label = c->description.empty() ? c->name : c->name + ": " + c->description;
    o.choices.push_back({Truncate(label, kMaxChoiceText), c->name});
  }
  return o;
}

OptionSpec ValueOption(const Schema& schema, Table table, bool admin) {
  OptionSpec o =
      Opt(OptionType::kString, "value", "The new value (leave it out to clear the field)");
  o.table = table;
  o.completion = Completion::kFieldValue;
  std::size_t longest = 1;
  for (const Column* c : SettableColumns(schema, table, admin)) {
    longest = std::max(longest, c->max_length);
  }
  o.max_length = std::min(longest, kMaxStringOption);
  return o;
}

OptionSpec Last() {
  OptionSpec o = Opt(OptionType::kInteger, "last", "Only the last N events (default 20)");
  o.min_value = 1;
  o.max_value = 200;
  return o;
}

void WriteOption(JsonWriter& w, const OptionSpec& o) {
  w.BeginObject();
  w.Key("type").Int(static_cast<int>(o.type));
  w.Key("name").String(o.name);
  w.Key("description").String(o.description);
  if (o.required) w.Key("required").Bool(true);
  if (!o.choices.empty()) {
    w.Key("choices").BeginArray();
    for (const Choice& c : o.choices) {
      w.BeginObject().Key("name").String(c.name).Key("value").String(c.value).EndObject();
    }
    w.EndArray();
  }
  if (o.completion != Completion::kNone) w.Key("autocomplete").Bool(true);
  if (o.min_value) w.Key("min_value").Int(*o.min_value);
  if (o.max_value) w.Key("max_value").Int(*o.max_value);
  if (o.min_length) w.Key("min_length").Uint(*o.min_length);
  if (o.max_length) w.Key("max_length").Uint(*o.max_length);
  if (!o.options.empty()) {
    w.Key("options").BeginArray();
    for (const OptionSpec& nested : o.options) WriteOption(w, nested);
    w.EndArray();
  }
  w.EndObject();
}

bool KindFits(OptionType type, OptionValue::Kind kind) {
  using K = OptionValue::Kind;
  switch (type) {
    case OptionType::kInteger:
      return kind == K::kInteger;
    case OptionType::kNumber:
      return kind == K::kInteger || kind == K::kNumber;
    case OptionType::kBoolean:
      return kind == K::kBool;
    default:
      return kind == K::kString;
  }
}

std::string_view TypeWords(OptionType type) {
  switch (type) {
    case OptionType::kInteger:
      return "a whole number";
    case OptionType::kNumber:
      return "a number";
    case OptionType::kBoolean:
      return "true or false";
    case OptionType::kUser:
      return "a user";
    default:
      return "text";
  }
}

Error Invalid(std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, std::move(message));
}

}  // namespace

std::vector<const Column*> SettableColumns(const Schema& schema, Table table, bool admin) {
  std::vector<const Column*> out;
  const auto& columns = schema.columns(table);
  for (std::size_t i = 1; i < columns.size(); ++i) {  // 0 is the key
    if (admin || (table == Table::kPilot && columns[i].editor == Editor::kSelf)) {
      out.push_back(&columns[i]);
    }
  }
  return out;
}

Catalogue::Catalogue(const Schema& schema) {
  constexpr bool kForPilots = false, kForAdmins = true;  // which fields a command offers
  CommandSpec pilot{"pilot", "Your pilots in the alliance roster", std::nullopt, {0, 1}, {}};
  pilot.options = {
      Sub("register", "Link your Discord account to your in-game pilot",
          {PilotName("name", "In-game name, exactly as in EVE Echoes", true,
                     Completion::kClaimable),
           Ticker("corp", "Your corp's ticker", true), Clone(schema, true)}),
      Sub("set", "Change a field of your pilot or one of your alts",
          {FieldOption(schema, Table::kPilot, kForPilots),
           ValueOption(schema, Table::kPilot, kForPilots),
           PilotName("pilot", "Which of your pilots (default: your main)", false,
                     Completion::kOwnPilot)}),
      Group("alt", "Your alts",
            {Sub("add", "Add an alt to your main (registers it if it is new)",
                 {PilotName("name", "The alt's in-game name", true, Completion::kClaimable),
                  PilotName("main", "Its main (default: your main)", false, Completion::kOwnPilot),
                  Ticker("corp", "The alt's corp, if it is new (default: its main's)", false),
                  Clone(schema, false)}),
             Sub("remove", "Unlink one of your alts from its main",
                 {PilotName("name", "The alt", true, Completion::kOwnPilot)})}),
      Sub("show", "Show a pilot and its alts (default: yours)",
          {PilotName("name", "A pilot's in-game name", false),
           Opt(OptionType::kUser, "user", "The pilots of this Discord user"), Public()}),
  };

  CommandSpec corp{"corp", "The alliance's corps", std::nullopt, {0, 1}, {}};
  corp.options = {
      Sub("list", "Every corp with its CEO and headcount", {Public()}),
      Sub("show", "One corp: its fields and its pilots",
          {Ticker("ticker", "The corp's ticker", true), Public()}),
  };

  CommandSpec roster{"roster",
                     "Headcount, Alpha/Omega mix and pilots not linked to Discord",
                     std::nullopt,
                     {0, 1},
                     {}};
  roster.options = {Ticker("corp", "Only this corp", false), Public()};

  CommandSpec admin{"admin", "Roster administration (admin roles only)", "0", {0}, {}};
  OptionSpec revert_event = Opt(OptionType::kInteger, "event", "The event's sequence number");
  revert_event.min_value = 1;
  admin.options = {
      Group("set", "Change any field of any pilot or corp",
            {Sub("pilot", "Change a pilot's field",
                 {PilotName("name", "The pilot", true),
                  FieldOption(schema, Table::kPilot, kForAdmins),
                  ValueOption(schema, Table::kPilot, kForAdmins)}),
             Sub("corp", "Change a corp's field",
                 {Ticker("ticker", "The corp", true), FieldOption(schema, Table::kCorp, kForAdmins),
                  ValueOption(schema, Table::kCorp, kForAdmins)})}),
      Group("history", "Every event of a pilot or corp, like `kraken history`",
            {Sub("pilot", "A pilot's history", {PilotName("name", "The pilot", true), Last()}),
             Sub("corp", "A corp's history", {Ticker("ticker", "The corp", true), Last()})}),
      Sub("revert", "Undo an event or a batch with compensating events, like `kraken revert`",
          {revert_event,
           Opt(OptionType::kString, "batch", "Or the batch id (an import, a command batch)")}),
      Sub("sync", "Sync the Google Sheet with the log"),
      Sub("conflicts", "Unresolved conflicts between the sheet and the log"),
  };
  commands_ = {std::move(pilot), std::move(corp), std::move(roster), std::move(admin)};
}

const std::vector<OptionSpec>* Catalogue::Find(const std::vector<std::string>& path) const {
  if (path.empty()) return nullptr;
  auto command = std::find_if(commands_.begin(), commands_.end(),
                              [&](const CommandSpec& c) { return c.name == path[0]; });
  if (command == commands_.end()) return nullptr;
  const std::vector<OptionSpec>* level = &command->options;
  for (std::size_t i = 1; i < path.size(); ++i) {
    const OptionSpec* next = FindOption(*level, path[i]);
    if (next == nullptr ||
        (next->type != OptionType::kSubcommand && next->type != OptionType::kGroup)) {
      return nullptr;
    }
    level = &next->options;
  }
  // A command or group with subcommands cannot be run on its own.
  for (const OptionSpec& o : *level) {
    if (o.type == OptionType::kSubcommand || o.type == OptionType::kGroup) return nullptr;
  }
  return level;
}

std::string Catalogue::Json() const {
  JsonWriter w;
  w.BeginArray();
  for (const CommandSpec& c : commands_) {
    w.BeginObject();
    w.Key("name").String(c.name);
    w.Key("type").Int(1);  // CHAT_INPUT
    w.Key("description").String(c.description);
    if (c.default_member_permissions) {
      w.Key("default_member_permissions").String(*c.default_member_permissions);
    }
    w.Key("integration_types").BeginArray().Int(0).EndArray();  // installed to the guild
    w.Key("contexts").BeginArray();
    for (int context : c.contexts) w.Int(context);
    w.EndArray();
    w.Key("options").BeginArray();
    for (const OptionSpec& o : c.options) WriteOption(w, o);
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  return w.Take();
}

const OptionSpec* FindOption(const std::vector<OptionSpec>& specs, std::string_view name) {
  for (const OptionSpec& o : specs) {
    if (o.name == name) return &o;
  }
  return nullptr;
}

Status CheckOptions(const std::vector<OptionSpec>& specs, const Interaction& interaction,
                    bool partial) {
  const std::string command = "/" + interaction.PathString();
  for (std::size_t i = 0; i < interaction.options.size(); ++i) {
    const OptionValue& given = interaction.options[i];
    const OptionSpec* spec = FindOption(specs, given.name);
    if (spec == nullptr) {
      std::vector<std::string_view> names;
      for (const OptionSpec& o : specs) names.push_back(o.name);
      return Invalid(
          fmt::format("{} has no option '{}'; its options are: {}", command, given.name,
                      names.empty() ? "none" : fmt::format("{}", fmt::join(names, ", "))));
    }
    for (std::size_t k = 0; k < i; ++k) {
      if (interaction.options[k].name == given.name) {
        return Invalid(fmt::format("the {} option was given twice", given.name));
      }
    }
    // While typing, Discord sends what is typed so far, as text, whatever the type.
    if (partial) continue;
    if (given.type != static_cast<int>(spec->type) || !KindFits(spec->type, given.kind)) {
      return Invalid(fmt::format("the {} option of {} must be {}; nothing was changed", given.name,
                                 command, TypeWords(spec->type)));
    }
    if (given.kind == OptionValue::Kind::kInteger) {
      if ((spec->min_value && given.int_value < *spec->min_value) ||
          (spec->max_value && given.int_value > *spec->max_value)) {
        return Invalid(fmt::format("the {} option must be between {} and {}, not {}", given.name,
                                   spec->min_value.value_or(INT64_MIN),
                                   spec->max_value.value_or(INT64_MAX), given.int_value));
      }
    }
    if (given.kind == OptionValue::Kind::kString && spec->max_length &&
        DiscordLength(given.string_value) > *spec->max_length) {
      return Invalid(fmt::format("the {} option is at most {} characters long", given.name,
                                 *spec->max_length));
    }
    if (spec->type == OptionType::kString && !spec->choices.empty() && spec->strict_choices) {
      const bool listed = std::any_of(
          spec->choices.begin(), spec->choices.end(),
          [&](const Choice& c) { return EqualsIgnoreCase(c.value, given.string_value); });
      if (!listed) {
        std::vector<std::string_view> values;
        for (const Choice& c : spec->choices) values.push_back(c.value);
        return Invalid(fmt::format("the {} option must be one of {}, not '{}'", given.name,
                                   fmt::join(values, ", "), given.string_value));
      }
    }
  }
  if (partial) return Ok{};
  for (const OptionSpec& spec : specs) {
    if (spec.required && interaction.Option(spec.name) == nullptr) {
      return Invalid(fmt::format("{} needs the {} option", command, spec.name));
    }
  }
  return Ok{};
}

std::string CommandsJson(const Schema& schema) { return Catalogue(schema).Json(); }

}  // namespace kraken::discord
