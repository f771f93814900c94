// /corp list, /corp show, /roster: read-only views of the tables, with the
// numbers `kraken stats` shows (both come from Summarize).

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "projections/alliance_analytics.h"
#include "src/discord/handlers.h"

namespace kraken::discord {
namespace {

// "4 pilots: 2 Omega, 1 Alpha, 1 unknown; 1 not linked to Discord", with
// `where` ("in 3 corps") after the pilots.
std::string Headcount(const CorpHeadcount& h, std::string_view where = "") {
  std::string out =
      fmt::format("{} pilot{}{}{}: {} Omega, {} Alpha", h.pilots, h.pilots == 1 ? "" : "s",
                  where.empty() ? "" : " ", where, h.omega, h.alpha);
  if (h.unknown_clone > 0) out += fmt::format(", {} unknown", h.unknown_clone);
  out += fmt::format("; {} not linked to Discord", h.unlinked);
  return out;
}

const CorpHeadcount* BucketOf(const AllianceSummary& summary, std::string_view ticker) {
  for (const CorpHeadcount& h : summary.corps) {
    if (EqualsIgnoreCase(h.ticker, ticker)) return &h;
  }
  return nullptr;
}

std::string Names(const std::vector<std::string>& names) {
  std::vector<std::string> escaped;
  escaped.reserve(names.size());
  for (const auto& n : names) escaped.push_back(EscapeMarkdown(n));
  return fmt::format("{}", fmt::join(escaped, ", "));
}

}  // namespace

Result<Answer> CorpList(Call& call) {
  return call.roster.Read([&](const AllianceState& state) -> Result<Answer> {
    const Roster& roster = state.roster();
    const AllianceSummary summary = Summarize(roster);
    Embed embed;
    embed.color = kColorInfo;
    const auto corps = roster.Rows(Table::kCorp);
    embed.title = fmt::format("Corps ({})", corps.size());
    for (const Row* corp : corps) {
      const CorpHeadcount* h = BucketOf(summary, corp->key());
      std::string line = fmt::format("**{}** {} · {} pilots", EscapeMarkdown(corp->key()),
                                     EscapeMarkdown(corp->values[kCorpName]), h ? h->pilots : 0);
      if (!corp->values[kCorpCeo].empty()) {
        line += " · CEO " + EscapeMarkdown(corp->values[kCorpCeo]);
      }
      if (!corp->values[kCorpStatus].empty()) line += " · " + corp->values[kCorpStatus];
      embed.description += (embed.description.empty() ? "" : "\n") + line;
    }
    if (corps.empty())
      embed.description = "No corps yet; an admin adds them with `kraken corp add`.";
    Answer answer;
    answer.message.ephemeral = !call.Public();
    answer.message.embeds.push_back(std::move(embed));
    return answer;
  });
}

Result<Answer> CorpShow(Call& call) {
  const std::string ticker = call.String("ticker");
  return call.roster.Read([&](const AllianceState& state) -> Result<Answer> {
    const Roster& roster = state.roster();
    const Row* corp = roster.Find(Table::kCorp, ticker);
    if (corp == nullptr) return NotFound(state, Table::kCorp, ticker);
    const auto& columns = roster.schema().columns(Table::kCorp);
    Embed embed;
    embed.color = kColorInfo;
    embed.title = corp->values[kCorpName].empty()
                      ? corp->key()
                      : fmt::format("{}: {}", corp->key(), corp->values[kCorpName]);
    for (std::size_t i = 1; i < columns.size(); ++i) {
      if (i == kCorpName || corp->values[i].empty()) continue;
      embed.fields.push_back({columns[i].name, EscapeMarkdown(corp->values[i]), true});
    }
    const AllianceSummary summary = Summarize(roster);
    if (const CorpHeadcount* h = BucketOf(summary, corp->key())) {
      embed.description = Headcount(*h);
    }
    std::vector<std::string> members;
    for (const Row* pilot : roster.Rows(Table::kPilot)) {
      if (EqualsIgnoreCase(pilot->values[kPilotCorp], corp->key())) members.push_back(pilot->key());
    }
    if (!members.empty()) embed.fields.push_back({"pilots", Names(members)});
    Answer answer;
    answer.message.ephemeral = !call.Public();
    answer.message.embeds.push_back(std::move(embed));
    return answer;
  });
}

Result<Answer> RosterSummary(Call& call) {
  const std::string ticker = call.String("corp");
  return call.roster.Read([&](const AllianceState& state) -> Result<Answer> {
    const Roster& roster = state.roster();
    const AllianceSummary summary = Summarize(roster);
    Embed counts;
    counts.color = kColorInfo;
    std::vector<std::string> unlinked;
    if (ticker.empty()) {
      counts.title = "Alliance roster";
      counts.description =
          Headcount(summary.total, fmt::format("in {} corps", roster.size(Table::kCorp)));
      for (const CorpHeadcount& h : summary.corps) {
        counts.fields.push_back({h.ticker.empty() ? "(no corp)" : h.ticker, Headcount(h), true});
      }
      unlinked = summary.unlinked_pilots;
    } else {
      const Row* corp = roster.Find(Table::kCorp, ticker);
      if (corp == nullptr) return NotFound(state, Table::kCorp, ticker);
      counts.title = "Roster of " + corp->key();
      counts.description = Headcount(*BucketOf(summary, corp->key()));
      for (const std::string& name : summary.unlinked_pilots) {
        const Row* pilot = roster.Find(Table::kPilot, name);
        if (pilot != nullptr && EqualsIgnoreCase(pilot->values[kPilotCorp], corp->key())) {
          unlinked.push_back(name);
        }
      }
    }
    Answer answer;
    answer.message.ephemeral = !call.Public();
    answer.message.embeds.push_back(std::move(counts));
    if (!unlinked.empty()) {
      Embed list;
      list.title = fmt::format("Not linked to Discord ({})", unlinked.size());
      list.description = Names(unlinked);
      list.footer = "Claim yours with /pilot register";
      answer.message.embeds.push_back(std::move(list));
    }
    return answer;
  });
}

}  // namespace kraken::discord
