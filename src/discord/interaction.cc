#include "src/discord/interaction.h"

#include <fmt/format.h>
#include <simdjson.h>

namespace kraken::discord {
namespace {

namespace dom = simdjson::dom;

Error NotAnInteraction(std::string_view why) {
  return MakeError(ErrorCode::kInvalidArgument, fmt::format("not a Discord interaction: {}", why));
}

// A string member, or "" when it is missing or not a string. Snowflakes are
// strings in Discord's JSON; a number is taken too, as its digits.
std::string Text(dom::element object, std::string_view key) {
  dom::element v;
  if (object[key].get(v) != simdjson::SUCCESS) return {};
  std::string_view s;
  if (v.get(s) == simdjson::SUCCESS) return std::string(s);
  std::uint64_t n = 0;
  if (v.get(n) == simdjson::SUCCESS) return std::to_string(n);
  return {};
}

Status ReadValue(dom::element value, OptionValue& out) {
  using Kind = OptionValue::Kind;
  std::string_view text;
  std::uint64_t big = 0;
  if (value.get(text) == simdjson::SUCCESS) {
    out.kind = Kind::kString;
    out.string_value = std::string(text);
  } else if (value.get(out.int_value) == simdjson::SUCCESS) {
    out.kind = Kind::kInteger;
  } else if (value.get(big) == simdjson::SUCCESS) {
    // Beyond int64: Discord's integers stay within 2^53, so this is a number.
    out.kind = Kind::kNumber;
    out.number_value = static_cast<double>(big);
  } else if (value.get(out.number_value) == simdjson::SUCCESS) {
    out.kind = Kind::kNumber;
  } else if (value.get(out.bool_value) == simdjson::SUCCESS) {
    out.kind = Kind::kBool;
  } else {
    return NotAnInteraction(
        fmt::format("option '{}' has a value that is not a string, number or boolean", out.name));
  }
  return Ok{};
}

// Walks data.options: a subcommand or group adds its name to the path and holds
// the next level; anything else is a leaf option.
Status ReadOptions(dom::element options, Interaction& out, int depth) {
  dom::array array;
  if (options.get(array) != simdjson::SUCCESS) return NotAnInteraction("options is not an array");
  for (dom::element option : array) {
    OptionValue leaf;
    leaf.name = Text(option, "name");
    if (leaf.name.empty()) return NotAnInteraction("an option has no name");
    std::int64_t type = 0;
    if (option["type"].get(type) != simdjson::SUCCESS) {
      return NotAnInteraction(fmt::format("option '{}' has no numeric type", leaf.name));
    }
    leaf.type = static_cast<int>(type);
    if (type == static_cast<int>(OptionType::kSubcommand) ||
        type == static_cast<int>(OptionType::kGroup)) {
      // Discord nests at most command -> group -> subcommand, one of each.
      if (depth >= 2 || array.size() != 1) {
        return NotAnInteraction("subcommands are nested too deep or not alone");
      }
      out.path.push_back(leaf.name);
      dom::element nested;
      if (option["options"].get(nested) == simdjson::SUCCESS) {
        return ReadOptions(nested, out, depth + 1);
      }
      return Ok{};
    }
    dom::element value;
    if (option["value"].get(value) == simdjson::SUCCESS) {
      KRAKEN_RETURN_IF_ERROR(ReadValue(value, leaf));
    }
    bool focused = false;
    if (option["focused"].get(focused) == simdjson::SUCCESS) leaf.focused = focused;
    out.options.push_back(std::move(leaf));
  }
  return Ok{};
}

}  // namespace

std::string Interaction::PathString() const {
  std::string out;
  for (const auto& part : path) {
    if (!out.empty()) out += ' ';
    out += part;
  }
  return out;
}

const OptionValue* Interaction::Option(std::string_view name) const {
  for (const auto& o : options) {
    if (o.name == name) return &o;
  }
  return nullptr;
}

const OptionValue* Interaction::Focused() const {
  for (const auto& o : options) {
    if (o.focused) return &o;
  }
  return nullptr;
}

Result<Interaction> ParseInteraction(std::string_view body) {
  // A parser per call: the handler runs on many threads, and an interaction is
  // a few kilobytes at most.
  dom::parser parser;
  dom::element doc;
  if (auto error = parser.parse(body.data(), body.size()).get(doc); error) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("the body is not JSON: {}", simdjson::error_message(error)));
  }
  if (!doc.is_object()) return NotAnInteraction("the body is not a JSON object");
  Interaction out;
  std::int64_t type = 0;
  if (doc["type"].get(type) != simdjson::SUCCESS) return NotAnInteraction("no numeric \"type\"");
  out.type = static_cast<int>(type);
  out.id = Text(doc, "id");
  if (out.id.empty()) return NotAnInteraction("no \"id\"");
  out.application_id = Text(doc, "application_id");
  out.token = Text(doc, "token");
  out.guild_id = Text(doc, "guild_id");

  dom::element member, user;
  if (doc["member"].get(member) == simdjson::SUCCESS && member.is_object()) {
    if (member["user"].get(user) == simdjson::SUCCESS) {
      out.user_id = Text(user, "id");
      out.user_name = Text(user, "username");
    }
    dom::array roles;
    if (member["roles"].get(roles) == simdjson::SUCCESS) {
      for (dom::element role : roles) {
        std::string_view id;
        if (role.get(id) == simdjson::SUCCESS) out.roles.emplace_back(id);
      }
    }
  } else if (doc["user"].get(user) == simdjson::SUCCESS && user.is_object()) {
    out.user_id = Text(user, "id");
    out.user_name = Text(user, "username");
  }

  if (out.type == kPing) return out;
  dom::element data;
  if (doc["data"].get(data) != simdjson::SUCCESS || !data.is_object()) {
    return NotAnInteraction("no \"data\" object");
  }
  const std::string name = Text(data, "name");
  if (out.type == kApplicationCommand || out.type == kAutocomplete) {
    if (name.empty()) return NotAnInteraction("a command without data.name");
    out.path.push_back(name);
    dom::element options;
    if (data["options"].get(options) == simdjson::SUCCESS) {
      KRAKEN_RETURN_IF_ERROR(ReadOptions(options, out, 0));
    }
  }
  return out;
}

}  // namespace kraken::discord
