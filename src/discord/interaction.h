#pragma once
// One incoming Discord interaction, parsed out of its JSON body (simdjson stays
// in interaction.cc). Only what KRAKEN uses is kept: who asked (the user id from
// member.user in a guild, from user in a DM, and the member's roles), the
// command path and its leaf options. The shapes are in
// ../shared/reference/discord-api.md, section 2.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "events/result.h"

namespace kraken::discord {

// Interaction types.
inline constexpr int kPing = 1;
inline constexpr int kApplicationCommand = 2;
inline constexpr int kAutocomplete = 4;

// Application command option types.
enum class OptionType : int {
  kSubcommand = 1,
  kGroup = 2,
  kString = 3,
  kInteger = 4,
  kBoolean = 5,
  kUser = 6,
  kChannel = 7,
  kRole = 8,
  kMentionable = 9,
  kNumber = 10,
  kAttachment = 11,
};

// One leaf option as sent. Which member holds the value depends on the JSON
// type of "value", which is checked against the declared type later
// (commands.h), so that a wrong type is reported rather than guessed at.
struct OptionValue {
  enum class Kind { kNone, kString, kInteger, kNumber, kBool };
  std::string name;
  int type = 0;  // as sent by Discord
  Kind kind = Kind::kNone;
  std::string string_value;
  std::int64_t int_value = 0;
  double number_value = 0;
  bool bool_value = false;
  bool focused = false;  // the option being typed, in an autocomplete
};

struct Interaction {
  std::string id;  // the snowflake, as sent; also the idempotency key
  std::string application_id;
  std::string token;  // a secret: never logged
  int type = 0;
  std::string guild_id;  // empty in a DM
  std::string user_id;   // member.user.id in a guild, user.id in a DM
  std::string user_name;
  std::vector<std::string> roles;  // member.roles; empty in a DM
  // The command path: {"pilot", "alt", "add"}. Empty for a PING.
  std::vector<std::string> path;
  std::vector<OptionValue> options;  // the leaf options, under the subcommand

  // "pilot alt add".
  std::string PathString() const;
  const OptionValue* Option(std::string_view name) const;
  const OptionValue* Focused() const;
};

// Parses a request body. kInvalidArgument when it is not JSON, or not an
// interaction (no numeric "type", no "id", a command without data.name, options
// that are neither values nor nested options).
Result<Interaction> ParseInteraction(std::string_view body);

}  // namespace kraken::discord
