// /admin set, history, revert, sync, conflicts: what `kraken pilot|corp set`,
// `kraken history` and `kraken revert` do, for members with an admin role
// (InteractionHandler checks the role before any of these runs).

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>

#include "src/app/revert_planner.h"
#include "src/discord/handlers.h"
#include "src/discord/interactions.h"

namespace kraken::discord {
namespace {

constexpr std::int64_t kDefaultHistory = 20;
// Room left in a 4096-character description for the note on what is not shown.
constexpr std::size_t kHistoryBudget = kMaxDescription - 200;

Status CheckField(const Schema& schema, Table table, std::string_view field) {
  const auto columns = SettableColumns(schema, table, true);
  const bool known = std::any_of(columns.begin(), columns.end(),
                                 [&](const Column* c) { return c->name == field; });
  if (known) return Ok{};
  std::vector<std::string_view> names;
  for (const Column* c : columns) names.push_back(c->name);
  return MakeError(ErrorCode::kInvalidArgument,
                   fmt::format("there is no {} field '{}' to set; the fields are: {}",
                               TableName(table), field, fmt::join(names, ", ")));
}

std::string ActorText(const Event& e) {
  if (e.actor.empty()) return std::string(SourceName(e.source));
  // A Discord actor is a user id: a mention shows their name (and pings no one).
  return e.source == Source::kDiscord
             ? fmt::format("{} <@{}>", SourceName(e.source), e.actor)
             : fmt::format("{} {}", SourceName(e.source), EscapeMarkdown(e.actor));
}

// Like `kraken history TABLE KEY`: the stream of the row as stored, or as
// typed when the row is gone (a pilot who left still has a history).
Result<Answer> History(Call& call, Table table, const std::string& key) {
  const std::string stream = call.roster.Read([&](const AllianceState& state) {
    const Row* row = state.roster().Find(table, key);
    const std::string& stored = row ? row->key() : key;
    return table == Table::kPilot ? PilotStream(stored) : CorpStream(stored);
  });
  KRAKEN_ASSIGN_OR_RETURN(std::vector<Event> events, call.roster.log().ReadStream(stream));
  if (events.empty()) {
    return call.roster.Read(
        [&](const AllianceState& state) -> Error { return NotFound(state, table, key); });
  }
  const auto last = static_cast<std::size_t>(call.Integer("last").value_or(kDefaultHistory));
  // Newest first until the budget is spent, then shown oldest first.
  std::vector<std::string> lines;
  std::size_t used = 0;
  for (auto it = events.rbegin(); it != events.rend() && lines.size() < last; ++it) {
    std::string line = fmt::format("`#{}` {} · {} · {}: {}", it->seq, DiscordTime(it->ts_us),
                                   ActorText(*it), it->type(), DescribePayload(it->payload));
    line = Truncate(line, 400);
    if (used + DiscordLength(line) + 1 > kHistoryBudget) break;
    used += DiscordLength(line) + 1;
    lines.push_back(std::move(line));
  }
  std::reverse(lines.begin(), lines.end());
  Embed embed;
  embed.color = kColorInfo;
  embed.title = fmt::format("History of {} {}", TableName(table), SplitStream(stream).second);
  if (lines.size() < events.size()) {
    embed.description = fmt::format(
        "… {} earlier event(s) not shown; `kraken history {} \"{}\"` "
        "lists them all\n",
        events.size() - lines.size(), TableName(table), SplitStream(stream).second);
  }
  embed.description += fmt::format("{}", fmt::join(lines, "\n"));
  embed.footer = fmt::format("{} event(s) in total", events.size());
  Answer answer;
  answer.message.embeds.push_back(std::move(embed));
  return answer;
}

}  // namespace

Result<Answer> AdminSetPilot(Call& call) {
  const std::string field = call.String("field");
  KRAKEN_RETURN_IF_ERROR(CheckField(call.roster.schema(), Table::kPilot, field));
  KRAKEN_ASSIGN_OR_RETURN(
      CommandResult result,
      call.roster.SetPilot(call.actor, call.String("name"), Fields{{field, call.String("value")}},
                           call.options));
  return ChangeAnswer("Pilot updated", result);
}

Result<Answer> AdminSetCorp(Call& call) {
  const std::string field = call.String("field");
  KRAKEN_RETURN_IF_ERROR(CheckField(call.roster.schema(), Table::kCorp, field));
  KRAKEN_ASSIGN_OR_RETURN(CommandResult result,
                          call.roster.SetCorp(call.actor, call.String("ticker"),
                                              Fields{{field, call.String("value")}}, call.options));
  return ChangeAnswer("Corp updated", result);
}

Result<Answer> AdminHistoryPilot(Call& call) {
  return History(call, Table::kPilot, call.String("name"));
}

Result<Answer> AdminHistoryCorp(Call& call) {
  return History(call, Table::kCorp, call.String("ticker"));
}

Result<Answer> AdminRevert(Call& call) {
  const std::optional<std::int64_t> seq = call.Integer("event");
  const std::string batch = call.String("batch");
  if (seq.has_value() == !batch.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "give either the event option (a sequence number) or the batch option (a "
                     "batch id), not both and not neither");
  }
  EventLog& log = call.roster.log();
  KRAKEN_ASSIGN_OR_RETURN(std::vector<Event> targets,
                          batch.empty() ? RevertTargets(log, static_cast<std::uint64_t>(*seq))
                                        : BatchEvents(log, batch));
  // As `kraken revert` does: the key names the targets, so reverting them again
  // (a redelivery, or another admin) records nothing and gets the same answer.
  CommandOptions options;
  options.idempotency_key = RevertKey(targets);
  options.correlation_id = batch.empty() ? fmt::format("revert-{}", *seq) : "revert-" + batch;
  KRAKEN_ASSIGN_OR_RETURN(CommandResult result, call.roster.Execute(
                                                    [&](const AllianceState& state) {
                                                      return PlanRevert(state, log, targets);
                                                    },
                                                    call.actor, options));
  return ChangeAnswer(
      batch.empty() ? fmt::format("Reverted event {}", *seq) : "Reverted batch " + batch, result);
}

Result<Answer> AdminSync(Call& call) {
  Answer answer;
  if (call.handler.run_sync) {
    KRAKEN_ASSIGN_OR_RETURN(const std::string summary, call.handler.run_sync());
    Embed embed;
    embed.title = "Sheet sync";
    embed.color = kColorDone;
    embed.description = summary;
    answer.message.embeds.push_back(std::move(embed));
    return answer;
  }
  answer.message = TextMessage(
      "The Google Sheet sync is not available on this server yet, so nothing was synced. Every "
      "change is in the event log already; the sheet is brought up to date from it once the "
      "sync runs.");
  return answer;
}

Result<Answer> AdminConflicts(Call& call) {
  EventLog& log = call.roster.log();
  KRAKEN_ASSIGN_OR_RETURN(const std::uint64_t head, log.Head());
  std::map<std::string, Event> open;  // conflict id -> its ConflictDetected
  std::size_t resolved = 0;
  KRAKEN_RETURN_IF_ERROR(log.Scan(1, head, [&](const Event& e) {
    if (const auto* d = std::get_if<ConflictDetected>(&e.payload)) {
      open.insert_or_assign(d->conflict_id, e);
    } else if (const auto* r = std::get_if<ConflictResolved>(&e.payload)) {
      resolved += open.erase(r->conflict_id);
    }
    return true;
  }));
  Answer answer;
  if (open.empty()) {
    answer.message = TextMessage(
        resolved > 0 ? fmt::format("No unresolved conflicts ({} resolved).", resolved)
                     : std::string("No conflicts are recorded. Conflicts between the sheet and "
                                   "the log are found by the sheet sync, and none has been "
                                   "found."));
    return answer;
  }
  Embed embed;
  embed.color = kColorError;
  embed.title = fmt::format("Unresolved conflicts ({})", open.size());
  for (const auto& [id, e] : open) {
    const auto& c = std::get<ConflictDetected>(e.payload);
    embed.fields.push_back(
        {fmt::format("{} {} · {}", c.table, c.key, c.field),
         fmt::format("sheet: '{}'{}\nlog: '{}' (event {})\nconflict {} since {}",
                     EscapeMarkdown(c.sheet_value),
                     c.sheet_origin.empty() ? "" : " (" + EscapeMarkdown(c.sheet_origin) + ")",
                     EscapeMarkdown(c.log_value), c.log_seq, EscapeMarkdown(id),
                     DiscordTime(e.ts_us))});
  }
  answer.message.embeds.push_back(std::move(embed));
  return answer;
}

}  // namespace kraken::discord
