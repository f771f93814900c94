#pragma once
// The slash-command handlers, one per runnable command path of the catalogue
// (commands.h). Each does what the matching `kraken` CLI command does, through
// the same RosterService and planner calls, and answers with a message.
// Internal to src/discord; InteractionHandler (interactions.h) dispatches.

#include <string_view>
#include <vector>

#include "src/discord/call.h"
#include "src/discord/commands.h"

namespace kraken::discord {

// pilot_handlers.cc: self-service, for everyone.
Result<Answer> PilotRegister(Call& call);
Result<Answer> PilotSet(Call& call);
Result<Answer> PilotAltAdd(Call& call);
Result<Answer> PilotAltRemove(Call& call);
Result<Answer> PilotShow(Call& call);

// roster_handlers.cc: read-only views, for everyone.
Result<Answer> CorpList(Call& call);
Result<Answer> CorpShow(Call& call);
Result<Answer> RosterSummary(Call& call);

// admin_handlers.cc: for members with an admin role (checked before dispatch).
Result<Answer> AdminSetPilot(Call& call);
Result<Answer> AdminSetCorp(Call& call);
Result<Answer> AdminHistoryPilot(Call& call);
Result<Answer> AdminHistoryCorp(Call& call);
Result<Answer> AdminRevert(Call& call);
Result<Answer> AdminSync(Call& call);
Result<Answer> AdminConflicts(Call& call);

// The handler for a command path ("pilot alt add"), or nullptr.
Handler FindHandler(std::string_view path);

// autocomplete.cc: the suggestions for the focused option of an autocomplete
// interaction, best first, at most 25. Empty for an admin command asked by a
// non-admin, and for options that suggest nothing (free text).
std::vector<AutocompleteChoice> Complete(const Catalogue& catalogue, const Call& call);

// Ranks `candidates` against what was typed, ignoring ASCII case: an exact
// match, then prefixes, then a word's prefix, then substrings, each group
// alphabetical; the rest are left out. At most 25. Empty `typed` matches all.
// Matches the values, and the shown names too when `match_names` (a corp's
// full name; not a pilot's corp, which would match every pilot of a corp).
std::vector<AutocompleteChoice> Rank(std::vector<AutocompleteChoice> candidates,
                                     std::string_view typed, bool match_names = true);

}  // namespace kraken::discord
