// `kraken log`, `history`, `blame`, `replay`, `stats`: who changed what, when,
// from where, and the roster as it was.

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <charconv>

#include "events/json_text.h"
#include "projections/alliance_analytics.h"
#include "src/app/state_loader.h"
#include "tools/kraken/cli_context.h"
#include "tools/kraken/render.h"
#include "tools/kraken/text_table.h"

namespace kraken::cli {
namespace {

struct LogFilter {
  std::string stream, type, source, since, batch;
  std::uint64_t limit = 0;
};

Status CheckFilter(const LogFilter& f, std::optional<std::int64_t>& since_us) {
  if (!f.type.empty()) {
    const auto& names = AllTypeNames();
    if (std::find(names.begin(), names.end(), f.type) == names.end()) {
      return Usage(
          fmt::format("--type {} is not an event type; types: {}", f.type, fmt::join(names, ", ")));
    }
  }
  if (!f.source.empty() && !ParseSource(f.source)) {
    return Usage(
        fmt::format("--source {} is not a source; use discord, sheet, cli or system", f.source));
  }
  if (!f.since.empty()) {
    since_us = ParseTimestamp(f.since);
    if (!since_us) {
      return Usage(
          fmt::format("--since {}: use a UTC time like 2026-12-04 or 2026-12-04T15:30", f.since));
    }
  }
  return Ok{};
}

Status PrintLog(CliContext& ctx, const LogFilter& f) {
  std::optional<std::int64_t> since_us;
  KRAKEN_RETURN_IF_ERROR(CheckFilter(f, since_us));
  KRAKEN_ASSIGN_OR_RETURN(EventLog * log, ctx.log());
  KRAKEN_ASSIGN_OR_RETURN(const std::uint64_t head, log->Head());
  std::vector<Event> events;
  KRAKEN_RETURN_IF_ERROR(log->Scan(1, head, [&](const Event& e) {
    if (!f.stream.empty() && e.stream != f.stream) return true;
    if (!f.type.empty() && e.type() != f.type) return true;
    if (!f.source.empty() && SourceName(e.source) != f.source) return true;
    if (since_us && e.ts_us < *since_us) return true;
    if (!f.batch.empty() && e.correlation_id != f.batch) return true;
    if (ctx.json) {
      Print(EventJson(e) + "\n");  // streamed: the log may be long
    } else {
      events.push_back(e);
    }
    return true;
  }));
  if (ctx.json) return Ok{};
  if (f.limit > 0 && events.size() > f.limit) {
    events.erase(events.begin(), events.end() - static_cast<std::ptrdiff_t>(f.limit));
  }
  Print(events.empty() ? "no events match\n" : EventsText(events));
  return Ok{};
}

Result<Table> ParseTable(const std::string& word) {
  if (word == "pilot") return Table::kPilot;
  if (word == "corp") return Table::kCorp;
  return Usage(fmt::format("expected 'pilot' or 'corp', not '{}'", word));
}

// The stream of a row, current or gone: the stored key's case if it exists.
Result<std::string> StreamFor(CliContext& ctx, Table table, const std::string& key) {
  KRAKEN_ASSIGN_OR_RETURN(RosterService * service, ctx.service());
  return service->Read([&](const AllianceState& state) -> Result<std::string> {
    const Row* row = state.roster().Find(table, key);
    const std::string stored = row ? row->key() : key;
    return table == Table::kPilot ? PilotStream(stored) : CorpStream(stored);
  });
}

Status PrintHistory(CliContext& ctx, const std::string& table_word, const std::string& key) {
  KRAKEN_ASSIGN_OR_RETURN(const Table table, ParseTable(table_word));
  KRAKEN_ASSIGN_OR_RETURN(const std::string stream, StreamFor(ctx, table, key));
  KRAKEN_ASSIGN_OR_RETURN(EventLog * log, ctx.log());
  KRAKEN_ASSIGN_OR_RETURN(std::vector<Event> events, log->ReadStream(stream));
  if (events.empty()) {
    KRAKEN_ASSIGN_OR_RETURN(RosterService * service, ctx.service());
    return service->Read([&](const AllianceState& s) -> Status { return NotFound(s, table, key); });
  }
  if (ctx.json) {
    for (const Event& e : events) Print(EventJson(e) + "\n");
  } else {
    Print(EventsText(events));
  }
  return Ok{};
}

Status PrintBlame(CliContext& ctx, const std::string& table_word, const std::string& key) {
  KRAKEN_ASSIGN_OR_RETURN(const Table table, ParseTable(table_word));
  KRAKEN_ASSIGN_OR_RETURN(RosterService * service, ctx.service());
  KRAKEN_ASSIGN_OR_RETURN(EventLog * log, ctx.log());
  return service->Read([&](const AllianceState& state) -> Status {
    const Row* row = state.roster().Find(table, key);
    if (row == nullptr) return NotFound(state, table, key);
    const auto& columns = state.roster().schema().columns(table);
    TextTable text({"FIELD", "VALUE", "SEQ", "TIME (UTC)", "SOURCE", "ACTOR"});
    std::string json = "[";
    for (std::size_t i = 0; i < columns.size(); ++i) {
      std::vector<std::string> line{columns[i].name, row->values[i], "", "", "", ""};
      std::string ev_json = "null";
      if (row->set_by[i] != 0) {
        KRAKEN_ASSIGN_OR_RETURN(Event e, log->Get(row->set_by[i]));
        line[2] = std::to_string(e.seq);
        line[3] = ShortTime(e.ts_us);
        line[4] = SourceName(e.source);
        line[5] = e.actor;
        ev_json = EventJson(e);
      }
      json += fmt::format("{}\n  {{\"field\":{},\"value\":{},\"set_by\":{}}}", i ? "," : "",
                          JsonString(columns[i].name), JsonString(row->values[i]), ev_json);
      text.AddRow(std::move(line));
    }
    Print(ctx.json ? json + "\n]\n" : text.Render());
    return Ok{};
  });
}

Result<ReplayLimit> ParseUntil(const std::string& until) {
  ReplayLimit limit;
  std::uint64_t seq = 0;
  auto [p, ec] = std::from_chars(until.data(), until.data() + until.size(), seq);
  if (ec == std::errc() && p == until.data() + until.size()) {
    limit.until_seq = seq;
    return limit;
  }
  limit.until_ts_us = ParseTimestamp(until);
  if (!limit.until_ts_us) {
    return Usage(
        fmt::format("--until {}: give a sequence number (e.g. 120) or a UTC time (e.g. "
                    "2026-12-04 or 2026-12-04T15:30)",
                    until));
  }
  // A bare date means the end of that day.
  if (until.size() == 10) *limit.until_ts_us += 86'400'000'000LL - 1;
  return limit;
}

// The tables `--table` names: both when it is empty.
Result<std::vector<Table>> ParseReplayTables(const std::string& which) {
  if (which.empty()) return std::vector<Table>{Table::kCorp, Table::kPilot};
  for (Table t : {Table::kCorp, Table::kPilot}) {
    if (which == TableName(t) || which == std::string(TableName(t)) + "s") {
      return std::vector<Table>{t};
    }
  }
  return Usage(fmt::format("--table {}: use pilots or corps", which));
}

Status PrintReplay(CliContext& ctx, const std::string& until, const std::string& which) {
  KRAKEN_ASSIGN_OR_RETURN(const ReplayLimit limit, ParseUntil(until));
  KRAKEN_ASSIGN_OR_RETURN(const std::vector<Table> tables, ParseReplayTables(which));
  KRAKEN_ASSIGN_OR_RETURN(EventLog * log, ctx.log());
  KRAKEN_ASSIGN_OR_RETURN(const Config* config, ctx.config());
  LoadOptions options;
  options.limit = limit;
  options.progress = ctx.Progress("replaying");
  KRAKEN_ASSIGN_OR_RETURN(AllianceState state, LoadState(*log, config->schema, options));
  const Roster& roster = state.roster();
  if (!ctx.json) {
    Print(state.seq() ? fmt::format("The roster as of event {} ({} UTC)\n\n", state.seq(),
                                    ShortTime(roster.ts_us()))
                      : std::string("The roster before the first event\n\n"));
  }
  if (ctx.json && tables.size() > 1) {
    // One JSON document, so a script can parse the output as a whole.
    Print(fmt::format("{{\"seq\":{},\"corps\":{},\"pilots\":{}}}\n", state.seq(),
                      RowsJson(roster.schema(), Table::kCorp, roster.Rows(Table::kCorp)),
                      RowsJson(roster.schema(), Table::kPilot, roster.Rows(Table::kPilot))));
    return Ok{};
  }
  for (Table t : tables) {
    const auto rows = roster.Rows(t);
    Print(ctx.json ? RowsJson(roster.schema(), t, rows)
                   : RowsText(roster.schema(), t, rows) + "\n");
  }
  return Ok{};
}

Status PrintStats(CliContext& ctx) {
  KRAKEN_ASSIGN_OR_RETURN(EventLog * log, ctx.log());
  KRAKEN_ASSIGN_OR_RETURN(LogStats stats, log->Stats());
  KRAKEN_ASSIGN_OR_RETURN(RosterService * service, ctx.service());
  return service->Read([&](const AllianceState& state) -> Status {
    const AllianceSummary summary = Summarize(state.roster());
    const std::int64_t now = state.roster().ts_us();
    if (ctx.json) {
      std::string out = fmt::format(
          "{{\"head_seq\":{},\"streams\":{},\"map_bytes\":{},\"used_bytes\":{},\"snapshot_seq\":{},"
          "\"pilots\":{},\"corps\":{},\"alpha\":{},\"omega\":{},\"unlinked\":{},"
          "\"changes_7d\":{},\"changes_30d\":{},\"headcount\":[",
          stats.head_seq, stats.streams, stats.map_bytes, stats.used_bytes, stats.snapshot_seq,
          summary.total.pilots, state.roster().size(Table::kCorp), summary.total.alpha,
          summary.total.omega, summary.total.unlinked, state.changes().LastDays(now, 7),
          state.changes().LastDays(now, 30));
      for (std::size_t i = 0; i < summary.corps.size(); ++i) {
        const auto& c = summary.corps[i];
        out +=
            fmt::format("{}{{\"corp\":{},\"pilots\":{},\"alpha\":{},\"omega\":{},\"unlinked\":{}}}",
                        i ? "," : "", JsonString(c.ticker), c.pilots, c.alpha, c.omega, c.unlinked);
      }
      Print(out + "]}\n");
      return Ok{};
    }
    Print(
        fmt::format("log: {} events in {} streams, {:.1f} MiB used of a {:.1f} MiB map; snapshot "
                    "at event {}\n",
                    stats.head_seq, stats.streams, stats.used_bytes / 1048576.0,
                    stats.map_bytes / 1048576.0, stats.snapshot_seq));
    Print(
        fmt::format("roster: {} pilots in {} corps; {} Omega, {} Alpha, {} unknown; {} not "
                    "linked to Discord\n",
                    summary.total.pilots, state.roster().size(Table::kCorp), summary.total.omega,
                    summary.total.alpha, summary.total.unknown_clone, summary.total.unlinked));
    Print(fmt::format(
        "changes: {} in the last 7 days, {} in the last 30 days (to the last event)\n\n",
        state.changes().LastDays(now, 7), state.changes().LastDays(now, 30)));
    TextTable table({"CORP", "PILOTS", "OMEGA", "ALPHA", "UNLINKED"});
    for (const auto& c : summary.corps) {
      table.AddRow({c.ticker.empty() ? "(none)" : c.ticker, std::to_string(c.pilots),
                    std::to_string(c.omega), std::to_string(c.alpha), std::to_string(c.unlinked)});
    }
    Print(table.Render());
    return Ok{};
  });
}

}  // namespace

void AddAuditCommands(CLI::App& app, CliContext& ctx) {
  auto filter = std::make_shared<LogFilter>();
  CLI::App* log = app.add_subcommand("log", "The event log, oldest first");
  log->add_option("--stream", filter->stream, "Only this stream, e.g. \"pilot/Kaelen Voss\"");
  log->add_option("--type", filter->type, "Only this event type, e.g. PilotFieldsChanged");
  log->add_option("--source", filter->source, "Only discord, sheet, cli or system");
  log->add_option("--since", filter->since, "Only events at or after this UTC time");
  log->add_option("--batch", filter->batch, "Only the events of this batch (correlation id)");
  log->add_option("--last", filter->limit, "Only the last N matching events (text output)");
  log->callback(ctx.Run([&ctx, filter] { return PrintLog(ctx, *filter); }));

  auto table = std::make_shared<std::string>();
  auto key = std::make_shared<std::string>();
  CLI::App* history = app.add_subcommand("history", "Every event of one pilot or corp");
  history->add_option("table", *table, "pilot or corp")->required();
  history->add_option("key", *key, "Pilot name or corp ticker")->required();
  history->callback(ctx.Run([&ctx, table, key] { return PrintHistory(ctx, *table, *key); }));

  CLI::App* blame = app.add_subcommand("blame", "Who last set each field of a pilot or corp");
  blame->add_option("table", *table, "pilot or corp")->required();
  blame->add_option("key", *key, "Pilot name or corp ticker")->required();
  blame->callback(ctx.Run([&ctx, table, key] { return PrintBlame(ctx, *table, *key); }));

  auto until = std::make_shared<std::string>();
  auto which = std::make_shared<std::string>();
  CLI::App* replay = app.add_subcommand("replay", "The tables as they were at an event or a time");
  replay->add_option("--until", *until, "A sequence number, or a UTC time like 2026-12-04T15:30")
      ->required();
  replay->add_option("--table", *which, "Only pilots or corps");
  replay->callback(ctx.Run([&ctx, until, which] { return PrintReplay(ctx, *until, *which); }));

  CLI::App* stats =
      app.add_subcommand("stats", "Log size, headcount per corp, Alpha/Omega mix, activity");
  stats->callback(ctx.Run([&ctx] { return PrintStats(ctx); }));
}

}  // namespace kraken::cli
