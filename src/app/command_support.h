#pragma once
// Helpers shared by the RosterService command files (roster_service.cc,
// corp_commands.cc, pilot_commands.cc): building events and plans, and the
// permission and alt checks every command applies. Also used by the planners
// outside src/app that build plans of their own (Discord claims, the sheet projector).

#include <cstddef>
#include <optional>
#include <string>

#include "events/event.h"
#include "events/result.h"
#include "projections/alliance_state.h"
#include "src/app/roster_service.h"

namespace kraken::command_support {

Event NewEvent(std::string stream, Payload payload);
inline const std::string& Value(const Row& row, std::size_t column) { return row.values[column]; }
// "corp=KRKN, clone=Omega" for summaries.
std::string Describe(const Fields& fields);
// Adds the stream's version at the state's sequence to the plan's expectations.
void Expect(Plan& plan, const AllianceState& state, const std::string& stream);
// Whether `actor` is the pilot's Discord user, or its main's.
bool OwnsPilot(const AllianceState& state, const Actor& actor, const Row& pilot);
// Admins may change anything; others self-editable pilot columns of their own pilots.
Status CheckMayEdit(const AllianceState& state, const Actor& actor, Table table, const Row* row,
                    const Column& column);

// The columns set by dedicated events (discord_id, main), split out of `fields`.
struct SplitFields {
  Fields plain;
  std::optional<std::string> discord_id;
  std::optional<std::string> main;
};
Result<SplitFields> SplitPilotFields(Fields fields);

// An alt's main may not be an alt itself, nor may a main with alts become an alt.
Status CheckAltLink(const AllianceState& state, const Row& alt, const Row& main);

}  // namespace kraken::command_support
