#include "src/discord/call.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <type_traits>

namespace kraken::discord {
namespace {

std::string Bold(std::string_view s) { return "**" + EscapeMarkdown(s) + "**"; }

std::string Shown(std::string_view value) {
  return value.empty() ? std::string("(cleared)") : EscapeMarkdown(value);
}

std::string Changes(const Fields& fields, std::string_view arrow) {
  std::vector<std::string> parts;
  for (const auto& [k, v] : fields) parts.push_back(fmt::format("{}{}{}", k, arrow, Shown(v)));
  return fmt::format("{}", fmt::join(parts, ", "));
}

}  // namespace

Call::Call(const Interaction& i, RosterService& r, const HandlerOptions& h, bool admin)
    : interaction(i), roster(r), handler(h), actor{Source::kDiscord, i.user_id, admin} {
  options.idempotency_key = i.id;
}

std::string Call::String(std::string_view name) const {
  const OptionValue* o = interaction.Option(name);
  return o != nullptr && o->kind == OptionValue::Kind::kString ? o->string_value : std::string();
}

std::optional<std::int64_t> Call::Integer(std::string_view name) const {
  const OptionValue* o = interaction.Option(name);
  if (o == nullptr || o->kind != OptionValue::Kind::kInteger) return std::nullopt;
  return o->int_value;
}

bool Call::Bool(std::string_view name) const {
  const OptionValue* o = interaction.Option(name);
  return o != nullptr && o->kind == OptionValue::Kind::kBool && o->bool_value;
}

std::vector<const Row*> LinkedPilots(const Roster& roster, std::string_view user_id) {
  if (user_id.empty()) return {};
  return roster.LinkedTo(user_id);
}

bool Owns(const Roster& roster, std::string_view user_id, const Row& pilot) {
  if (user_id.empty()) return false;
  if (pilot.values[kPilotDiscordId] == user_id) return true;
  const Row* main = roster.Find(Table::kPilot, pilot.values[kPilotMain]);
  return main != nullptr && main->values[kPilotDiscordId] == user_id;
}

bool Claimed(const Roster& roster, const Row& pilot) {
  if (!pilot.values[kPilotDiscordId].empty()) return true;
  const Row* main = roster.Find(Table::kPilot, pilot.values[kPilotMain]);
  return main != nullptr && !main->values[kPilotDiscordId].empty();
}

Result<std::string> TargetPilot(const Call& call, std::string_view option) {
  std::string named = call.String(option);
  if (!named.empty()) return named;
  return call.roster.Read([&](const AllianceState& state) -> Result<std::string> {
    std::vector<std::string> mains;
    for (const Row* row : LinkedPilots(state.roster(), call.actor.id)) {
      if (row->values[kPilotMain].empty()) mains.push_back(row->key());
    }
    if (mains.empty()) {
      return MakeError(ErrorCode::kNotFound,
                       "no pilot is linked to your Discord account yet; link yours with "
                       "/pilot register");
    }
    if (mains.size() > 1) {
      return MakeError(ErrorCode::kInvalidArgument,
                       fmt::format("you have several pilots ({}); say which with the {} option",
                                   fmt::join(mains, ", "), option));
    }
    return mains.front();
  });
}

std::string DescribePayload(const Payload& payload) {
  std::string words = std::visit(
      [](const auto& p) -> std::string {
        using T = std::decay_t<decltype(p)>;
        if constexpr (std::is_same_v<T, PilotRegistered> || std::is_same_v<T, CorpCreated>) {
          return p.fields.empty() ? "created" : "created: " + Changes(p.fields, " = ");
        } else if constexpr (std::is_same_v<T, PilotFieldsChanged> ||
                             std::is_same_v<T, CorpChanged>) {
          return Changes(p.changes, " \xE2\x86\x92 ");  // →
        } else if constexpr (std::is_same_v<T, PilotLinkedToDiscord>) {
          // A mention renders as the user's name; allowed_mentions keeps it silent.
          return p.user_id.empty() ? "unlinked from Discord" : "linked to <@" + p.user_id + ">";
        } else if constexpr (std::is_same_v<T, AltLinked>) {
          return "alt of " + Bold(p.main);
        } else if constexpr (std::is_same_v<T, AltUnlinked>) {
          return "no longer an alt of " + Bold(p.main);
        } else if constexpr (std::is_same_v<T, PilotLeftAlliance>) {
          return "left the alliance" +
                 (p.reason.empty() ? "" : " (" + EscapeMarkdown(p.reason) + ")");
        } else if constexpr (std::is_same_v<T, CorpRemoved>) {
          return "removed" + (p.reason.empty() ? "" : " (" + EscapeMarkdown(p.reason) + ")");
        } else if constexpr (std::is_same_v<T, ImportBatchCommitted>) {
          return fmt::format("import {}: {} added, {} changed, {} removed",
                             EscapeMarkdown(p.batch_id), p.rows_added, p.rows_changed,
                             p.rows_removed);
        } else if constexpr (std::is_same_v<T, ConflictDetected>) {
          return fmt::format("conflict on {} {} {}: sheet '{}', log '{}'", p.table,
                             EscapeMarkdown(p.key), p.field, EscapeMarkdown(p.sheet_value),
                             EscapeMarkdown(p.log_value));
        } else if constexpr (std::is_same_v<T, ConflictResolved>) {
          return fmt::format("conflict resolved: {} wins ('{}')", p.winner,
                             EscapeMarkdown(p.value));
        } else if constexpr (std::is_same_v<T, EventReverted>) {
          return fmt::format("event {} reverted", p.reverted_seq);
        } else if constexpr (std::is_same_v<T, SheetEditRejected>) {
          return fmt::format("sheet edit rejected{}{}: {}",
                             p.field.empty() ? "" : " (" + p.field + ")",
                             p.sheet_origin.empty() ? "" : " at " + EscapeMarkdown(p.sheet_origin),
                             EscapeMarkdown(p.reason));
        } else {
          return std::string();  // a type added later: named below
        }
      },
      payload);
  return words.empty() ? std::string(TypeName(payload)) : words;
}

std::string DescribeEvent(const Event& event) {
  return fmt::format("{}: {}", Bold(SplitStream(event.stream).second),
                     DescribePayload(event.payload));
}

std::string EventRange(const std::vector<Event>& events) {
  if (events.empty()) return "no events";
  if (events.size() == 1) return fmt::format("event {}", events.front().seq);
  return fmt::format("events {}-{}", events.front().seq, events.back().seq);
}

std::string DiscordTime(std::int64_t ts_us) {
  std::int64_t seconds = ts_us / 1'000'000;
  if (ts_us % 1'000'000 < 0) --seconds;
  return fmt::format("<t:{}:f>", seconds);
}

Answer ChangeAnswer(std::string title, const CommandResult& result) {
  Answer answer;
  answer.duplicate = result.duplicate;
  if (result.events.empty()) {
    answer.message = TextMessage(result.summary);
    return answer;
  }
  Embed embed;
  embed.title = std::move(title);
  embed.color = kColorDone;
  for (const Event& e : result.events) {
    if (!embed.description.empty()) embed.description += '\n';
    embed.description += DescribeEvent(e);
  }
  embed.footer = "Recorded as " + EventRange(result.events);
  answer.message.embeds.push_back(std::move(embed));
  return answer;
}

Error ForDiscord(Error error) {
  struct Hint {
    std::string_view cli, discord;
  };
  static constexpr Hint kHints[] = {
      {"; list pilots with `kraken pilots`", "; start typing a name and pick one from the list"},
      {"; list corps with `kraken corps`", "; see /corp list"},
  };
  for (const Hint& h : kHints) {
    if (auto at = error.message.find(h.cli); at != std::string::npos) {
      error.message.replace(at, h.cli.size(), h.discord);
    }
  }
  if (auto at = error.message.find("; change it with `kraken pilot set"); at != std::string::npos) {
    error.message.replace(at, std::string::npos, "; change it with /pilot set");
  }
  return error;
}

}  // namespace kraken::discord
