#pragma once
// The catalogue of slash commands, declared once: CommandsJson() registers it
// with Discord, and the handler checks every incoming interaction against it
// (is the path a command, is each option declared, is its value of the
// declared type, are the required ones there). Catalogue for people:
// docs/discord-commands.md.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "events/result.h"
#include "events/schema.h"
#include "src/discord/interaction.h"

namespace kraken::discord {

// What an option's autocomplete suggests.
enum class Completion {
  kNone,
  kPilot,       // any pilot name
  kOwnPilot,    // the caller's pilots and alts (every pilot for an admin)
  kClaimable,   // pilots no Discord user has claimed yet, and the caller's own
  kCorp,        // corp tickers
  kField,       // column names of `table` (used when there are too many for choices)
  kFieldValue,  // values for the column named by the sibling option "field"
};

struct Choice {
  std::string name;
  std::string value;
};

struct OptionSpec {
  OptionType type = OptionType::kString;
  std::string name;
  std::string description;
  bool required = false;
  std::vector<Choice> choices;
  // Whether a value outside `choices` is rejected before the handler runs. The
  // field options are not: their handlers say which fields the caller may set.
  bool strict_choices = true;
  Completion completion = Completion::kNone;
  Table table = Table::kPilot;  // for kField and kFieldValue
  std::optional<std::int64_t> min_value, max_value;
  std::optional<std::size_t> min_length, max_length;
  std::vector<OptionSpec> options;  // a subcommand's or group's
};

struct CommandSpec {
  std::string name;
  std::string description;
  // "0": hidden from everyone but server administrators until a server admin
  // grants it to roles (Server Settings > Integrations). Not a security check.
  std::optional<std::string> default_member_permissions;
  std::vector<int> contexts;  // 0 guild, 1 bot DM
  std::vector<OptionSpec> options;
};

class Catalogue {
 public:
  explicit Catalogue(const Schema& schema);

  const std::vector<CommandSpec>& commands() const { return commands_; }

  // The options of the runnable command at `path` ({"pilot", "alt", "add"}), or
  // nullptr when the path names no command, or a command or group that needs a
  // subcommand.
  const std::vector<OptionSpec>* Find(const std::vector<std::string>& path) const;

  // The JSON array for Discord's bulk overwrite.
  std::string Json() const;

 private:
  std::vector<CommandSpec> commands_;
};

// Checks an interaction's options against `specs`: each declared, of the
// declared type, within min/max, and (unless `partial`, for autocomplete, where
// options may be missing or half-typed) the required ones present.
// kInvalidArgument with a message for the user.
Status CheckOptions(const std::vector<OptionSpec>& specs, const Interaction& interaction,
                    bool partial);
const OptionSpec* FindOption(const std::vector<OptionSpec>& specs, std::string_view name);

// The columns a field option offers: the self-editable pilot columns for
// `/pilot set`, every column but the key for `/admin set`.
std::vector<const Column*> SettableColumns(const Schema& schema, Table table, bool admin);

}  // namespace kraken::discord
