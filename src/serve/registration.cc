#include "src/serve/registration.h"

#include <simdjson.h>

namespace kraken::serve {

Result<Registration> RegisterCommands(discord::RestClient& rest, std::string_view commands_json,
                                      std::string_view guild_id) {
  Registration out;
  KRAKEN_ASSIGN_OR_RETURN(out.response, rest.BulkOverwriteCommands(commands_json, guild_id));
  simdjson::dom::parser parser;
  simdjson::dom::array registered;
  if (parser.parse(out.response).get(registered) == simdjson::SUCCESS) {
    out.commands = registered.size();
  }
  return out;
}

}  // namespace kraken::serve
