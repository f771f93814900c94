// `kraken corp ...`, `kraken pilot ...`, `kraken pilots`, `kraken corps`: the
// current tables, and changes to them through the roster service.

#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "events/json_text.h"
#include "tools/kraken/cli_context.h"
#include "tools/kraken/render.h"

namespace kraken::cli {
namespace {

Result<Fields> ParseAssignments(const std::vector<std::string>& args) {
  Fields fields;
  for (const auto& arg : args) {
    const auto eq = arg.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Usage(
          fmt::format("expected field=value, got '{}' (quote values with spaces: "
                      "notes=\"back in May\")",
                      arg));
    }
    fields[arg.substr(0, eq)] = arg.substr(eq + 1);
  }
  return fields;
}

void PrintResult(const CliContext& ctx, const CommandResult& result) {
  if (!ctx.json) {
    Print(result.summary + "\n");
    if (!result.events.empty()) {
      Print(fmt::format(
          "recorded as event{} {}{}\n", result.events.size() == 1 ? "" : "s",
          result.events.front().seq,
          result.events.size() == 1 ? "" : fmt::format("-{}", result.events.back().seq)));
    }
    return;
  }
  std::string out = "{\"summary\":" + JsonString(result.summary) +
                    fmt::format(",\"duplicate\":{},\"events\":[", result.duplicate);
  for (std::size_t i = 0; i < result.events.size(); ++i) {
    out += (i ? "," : "") + EventJson(result.events[i]);
  }
  Print(out + "]}\n");
}

// Wraps a service call: opens the service, runs `fn`, prints the result.
std::function<void()> Change(
    CliContext& ctx, std::function<Result<CommandResult>(RosterService&, const Actor&)> fn) {
  return ctx.Run([&ctx, fn = std::move(fn)]() -> Status {
    KRAKEN_ASSIGN_OR_RETURN(RosterService * service, ctx.service());
    KRAKEN_ASSIGN_OR_RETURN(CommandResult result, fn(*service, ctx.actor()));
    PrintResult(ctx, result);
    return Ok{};
  });
}

Status PrintRows(CliContext& ctx, Table table, const std::string& corp_filter) {
  KRAKEN_ASSIGN_OR_RETURN(RosterService * service, ctx.service());
  return service->Read([&](const AllianceState& state) -> Status {
    const Roster& roster = state.roster();
    std::vector<const Row*> rows;
    if (!corp_filter.empty() && roster.Find(Table::kCorp, corp_filter) == nullptr) {
      return NotFound(state, Table::kCorp, corp_filter);
    }
    for (const Row* row : roster.Rows(table)) {
      if (corp_filter.empty() || EqualsIgnoreCase(row->values[kPilotCorp], corp_filter)) {
        rows.push_back(row);
      }
    }
    Print(ctx.json ? RowsJson(roster.schema(), table, rows)
                   : RowsText(roster.schema(), table, rows));
    return Ok{};
  });
}

struct Args {
  std::string key;
  std::string name, ceo, status, corp, clone, main, reason;
  std::vector<std::string> assignments;
  bool remove = false;
};

}  // namespace

void AddRosterCommands(CLI::App& app, CliContext& ctx) {
  auto args = std::make_shared<Args>();

  CLI::App* corp =
      app.add_subcommand("corp", "Add, change or remove a corp")->require_subcommand(1);
  CLI::App* corp_add =
      corp->add_subcommand("add", "Add a corp: kraken corp add TICKER --name NAME");
  corp_add->add_option("ticker", args->key, "Ticker, 1-5 characters")->required();
  corp_add->add_option("--name", args->name, "Full corp name")->required();
  corp_add->add_option("--ceo", args->ceo, "CEO pilot");
  corp_add->add_option("--status", args->status, "member, blue or former (default member)");
  corp_add->add_option("fields", args->assignments, "More columns as field=value");
  corp_add->callback(Change(ctx, [args](RosterService& s, const Actor& a) -> Result<CommandResult> {
    KRAKEN_ASSIGN_OR_RETURN(Fields fields, ParseAssignments(args->assignments));
    fields["name"] = args->name;
    if (!args->ceo.empty()) fields["ceo"] = args->ceo;
    if (!args->status.empty()) fields["status"] = args->status;
    return s.AddCorp(a, args->key, std::move(fields));
  }));

  CLI::App* corp_set =
      corp->add_subcommand("set", "Change a corp: kraken corp set TICKER field=value ...");
  corp_set->add_option("ticker", args->key, "Ticker")->required();
  corp_set->add_option("fields", args->assignments, "field=value ...")->required();
  corp_set->callback(Change(ctx, [args](RosterService& s, const Actor& a) -> Result<CommandResult> {
    KRAKEN_ASSIGN_OR_RETURN(Fields fields, ParseAssignments(args->assignments));
    return s.SetCorp(a, args->key, std::move(fields));
  }));

  CLI::App* corp_remove = corp->add_subcommand("remove", "Remove a corp that has no pilots");
  corp_remove->add_option("ticker", args->key, "Ticker")->required();
  corp_remove->add_option("--reason", args->reason, "Why, for the log");
  corp_remove->callback(Change(ctx, [args](RosterService& s, const Actor& a) {
    return s.RemoveCorp(a, args->key, args->reason);
  }));

  CLI::App* pilot =
      app.add_subcommand("pilot", "Add, change, link or remove a pilot")->require_subcommand(1);
  CLI::App* pilot_add =
      pilot->add_subcommand("add", "Register a pilot: kraken pilot add NAME --corp TICKER");
  pilot_add->add_option("name", args->key, "In-game name (quote it if it has spaces)")->required();
  pilot_add->add_option("--corp", args->corp, "Corp ticker");
  pilot_add->add_option("--clone", args->clone, "Alpha or Omega");
  pilot_add->add_option("--main", args->main, "Main pilot, if this is an alt");
  pilot_add->add_option("fields", args->assignments, "More columns as field=value");
  pilot_add->callback(
      Change(ctx, [args](RosterService& s, const Actor& a) -> Result<CommandResult> {
        KRAKEN_ASSIGN_OR_RETURN(Fields fields, ParseAssignments(args->assignments));
        if (!args->corp.empty()) fields["corp"] = args->corp;
        if (!args->clone.empty()) fields["clone"] = args->clone;
        if (!args->main.empty()) fields["main"] = args->main;
        return s.RegisterPilot(a, args->key, std::move(fields));
      }));

  CLI::App* pilot_set =
      pilot->add_subcommand("set", "Change a pilot: kraken pilot set NAME field=value ...");
  pilot_set->add_option("name", args->key, "Pilot name")->required();
  pilot_set->add_option("fields", args->assignments, "field=value ...")->required();
  pilot_set->callback(
      Change(ctx, [args](RosterService& s, const Actor& a) -> Result<CommandResult> {
        KRAKEN_ASSIGN_OR_RETURN(Fields fields, ParseAssignments(args->assignments));
        return s.SetPilot(a, args->key, std::move(fields));
      }));

  CLI::App* pilot_alt =
      pilot->add_subcommand("alt", "Link an alt to its main: kraken pilot alt NAME --main MAIN");
  pilot_alt->add_option("name", args->key, "The alt")->required();
  auto* main_opt = pilot_alt->add_option("--main", args->main, "Its main pilot");
  pilot_alt->add_flag("--remove", args->remove, "Unlink the alt from its main")->excludes(main_opt);
  pilot_alt->callback(
      Change(ctx, [args](RosterService& s, const Actor& a) -> Result<CommandResult> {
        if (args->remove) return s.UnlinkAlt(a, args->key);
        if (args->main.empty()) return Usage("kraken pilot alt NAME --main MAIN (or --remove)");
        return s.LinkAlt(a, args->key, args->main);
      }));

  CLI::App* pilot_leave = pilot->add_subcommand("leave", "A pilot left the alliance");
  pilot_leave->add_option("name", args->key, "Pilot name")->required();
  pilot_leave->add_option("--reason", args->reason, "Why, for the log");
  pilot_leave->callback(Change(ctx, [args](RosterService& s, const Actor& a) {
    return s.PilotLeave(a, args->key, args->reason);
  }));

  CLI::App* pilot_show = pilot->add_subcommand("show", "One pilot, with alts");
  pilot_show->add_option("name", args->key, "Pilot name")->required();
  pilot_show->callback(ctx.Run([&ctx, args]() -> Status {
    KRAKEN_ASSIGN_OR_RETURN(RosterService * service, ctx.service());
    return service->Read([&](const AllianceState& state) -> Status {
      const Row* row = state.roster().Find(Table::kPilot, args->key);
      if (row == nullptr) return NotFound(state, Table::kPilot, args->key);
      std::vector<const Row*> rows{row};
      for (const Row* alt : state.roster().AltsOf(row->key())) rows.push_back(alt);
      const Schema& schema = state.roster().schema();
      Print(ctx.json ? RowsJson(schema, Table::kPilot, rows)
                     : RowsText(schema, Table::kPilot, rows));
      return Ok{};
    });
  }));

  CLI::App* pilots = app.add_subcommand("pilots", "The pilots table");
  pilots->add_option("--corp", args->corp, "Only this corp's pilots");
  pilots->callback(ctx.Run([&ctx, args] { return PrintRows(ctx, Table::kPilot, args->corp); }));

  CLI::App* corps = app.add_subcommand("corps", "The corps table");
  corps->callback(ctx.Run([&ctx] { return PrintRows(ctx, Table::kCorp, ""); }));
}

}  // namespace kraken::cli
