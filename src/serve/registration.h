#pragma once
// `kraken discord register`: the command catalogue, bulk-overwritten on
// Discord globally or in one guild.

#include <cstddef>
#include <string>
#include <string_view>

#include "events/result.h"
#include "src/discord/rest_client.h"

namespace kraken::serve {

struct Registration {
  std::size_t commands = 0;  // as Discord's answer lists them
  std::string response;      // Discord's answer: the commands with their ids
};

// PUTs `commands_json` (CommandsJson()) to the guild's commands, or the global
// ones when `guild_id` is empty. The errors are RestClient's (they name the
// variable to set or what Discord refused).
Result<Registration> RegisterCommands(discord::RestClient& rest, std::string_view commands_json,
                                      std::string_view guild_id);

}  // namespace kraken::serve
