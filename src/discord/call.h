#pragma once
// One slash command being run: the interaction, who runs it, and the helpers
// every command handler shares (whose pilot is meant, how a change is told
// back). Internal to src/discord.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "events/event.h"
#include "events/result.h"
#include "projections/alliance_state.h"
#include "src/app/roster_service.h"
#include "src/discord/interaction.h"
#include "src/discord/reply.h"

namespace kraken::discord {

// What a handler answers: the message, and whether the command had been run
// before under the same idempotency key (so nothing new was recorded).
struct Answer {
  Message message;
  bool duplicate = false;
};

struct HandlerOptions;

struct Call {
  Call(const Interaction& interaction, RosterService& roster, const HandlerOptions& handler,
       bool admin);

  const Interaction& interaction;
  RosterService& roster;
  const HandlerOptions& handler;  // the endpoint's settings and hooks
  Actor actor;                    // {discord, the user id, admin}
  CommandOptions options;         // the interaction id as idempotency key

  // An option's value; empty/nullopt/false when it was not given. The types
  // were checked against the catalogue before the handler runs.
  std::string String(std::string_view name) const;
  std::optional<std::int64_t> Integer(std::string_view name) const;
  bool Bool(std::string_view name) const;
  // Whether the answer may be shown to the channel (option "public").
  bool Public() const { return Bool("public"); }
};

using Handler = Result<Answer> (*)(Call&);

// Pilots linked to Discord user `user_id` themselves (mains, usually one).
std::vector<const Row*> LinkedPilots(const Roster& roster, std::string_view user_id);
// Whether `user_id` owns `pilot`: it is linked to them, or its main is.
bool Owns(const Roster& roster, std::string_view user_id, const Row& pilot);
// Whether any Discord user owns `pilot`.
bool Claimed(const Roster& roster, const Row& pilot);

// The pilot a self-service command is about: option `option` if given, else
// the caller's main (the pilot linked to their user id that is no alt).
// kNotFound when they have none, kInvalidArgument when they have several.
Result<std::string> TargetPilot(const Call& call, std::string_view option);

// The answer to a change: what the events did, in words, with their sequence
// numbers in the footer. Built from the events alone, so that a redelivered
// interaction (RosterService returns the original events, duplicate = true)
// gets the same answer as the first delivery. With no events, the summary.
Answer ChangeAnswer(std::string title, const CommandResult& result);

// "**Kaelen Voss**: clone → Alpha". Markdown in names and values is escaped.
std::string DescribeEvent(const Event& event);
// The same without the row: "clone → Alpha".
std::string DescribePayload(const Payload& payload);
// "event 12", "events 12-14".
std::string EventRange(const std::vector<Event>& events);
// Discord's timestamp markup, shown in the reader's time zone: "<t:1733326313:f>".
std::string DiscordTime(std::int64_t ts_us);

// The service's messages name CLI commands in their hints; a Discord user
// gets the Discord way instead.
Error ForDiscord(Error error);

}  // namespace kraken::discord
