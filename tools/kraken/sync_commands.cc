// `kraken sync`, `kraken sheet pull [--plan] | push | set TAB CELL VALUE`, and
// `kraken conflicts [resolve ID sheet|log]`: the sheet projector from the CLI
// (docs/sheet-projector.md). They run against the configured backend: Google
// Sheets, or the embedded emulator in the data directory.

#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "events/json_text.h"
#include "src/sheets/a1.h"
#include "src/sheets_emulator/embedded_backend.h"
#include "src/sync/projector.h"
#include "tools/kraken/cli_context.h"
#include "tools/kraken/text_table.h"

namespace kraken::cli {
namespace {

std::string ReportJson(const sync::CycleReport& r) {
  JsonWriter w;
  auto list = [&](const char* key, const std::vector<std::string>& lines) {
    w.Key(key).BeginArray();
    for (const auto& l : lines) w.String(l);
    w.EndArray();
  };
  w.BeginObject();
  w.Key("idle").Bool(r.idle);
  list("imported", r.imported);
  list("conflicts", r.conflicts);
  list("rejected", r.rejected);
  list("repairs", r.repairs);
  w.Key("events_appended").Uint(r.events_appended);
  w.Key("cells_written").Uint(r.cells_written);
  w.Key("rows_added").Uint(r.rows_added);
  w.Key("rows_deleted").Uint(r.rows_deleted);
  w.Key("requests").Uint(r.requests);
  w.Key("bytes_sent").Uint(r.bytes_sent);
  w.Key("log_seq").Uint(r.log_seq);
  w.EndObject();
  return w.Take() + "\n";
}

Status RunCycle(CliContext& ctx, sync::CycleMode mode) {
  KRAKEN_ASSIGN_OR_RETURN(const Config* config, ctx.config());
  KRAKEN_ASSIGN_OR_RETURN(RosterService * roster, ctx.service());
  KRAKEN_ASSIGN_OR_RETURN(std::unique_ptr<sheets::SheetsBackend> backend,
                          sheets::OpenSheetsBackend(*config));
  sync::ProjectorOptions options = sync::ProjectorOptionsFromConfig(config->sync);
  options.lock_file = config->data_dir + "/sync.lock";  // `kraken serve` may be syncing too
  sync::SheetProjector projector(*roster, backend->client(), std::move(options));
  KRAKEN_ASSIGN_OR_RETURN(sync::CycleReport report, projector.RunCycle(mode));
  if (ctx.json) {
    Print(ReportJson(report));
    return Ok{};
  }
  const char* what = mode == sync::CycleMode::kPlan   ? "The next pull would do this"
                     : mode == sync::CycleMode::kPull ? "Pulled"
                     : mode == sync::CycleMode::kPush ? "Pushed"
                                                      : "Synced";
  Print(fmt::format("{} ({}):\n{}\n", what, backend->description(), report.Summary()));
  return Ok{};
}

struct SetArgs {
  std::string tab, cell, value;
};

// Edits the sheet the way a person typing into it would (USER_ENTERED), so the
// next cycle sees an admin's edit.
Status SetCell(CliContext& ctx, const SetArgs& args) {
  auto cell = sheets::ParseA1(args.cell);
  if (!cell.ok() || !cell->sheet.empty() || !cell->start_row || !cell->start_col ||
      cell->end_row.value_or(*cell->start_row + 1) != *cell->start_row + 1 ||
      cell->end_col.value_or(*cell->start_col + 1) != *cell->start_col + 1) {
    return Usage(fmt::format("'{}' is not one cell; name it like C12 (column letters, then the "
                             "row number)",
                             args.cell));
  }
  KRAKEN_ASSIGN_OR_RETURN(const Config* config, ctx.config());
  KRAKEN_ASSIGN_OR_RETURN(std::unique_ptr<sheets::SheetsBackend> backend,
                          sheets::OpenSheetsBackend(*config));
  sheets::A1Range range = *cell;
  range.sheet = args.tab;
  range.end_row = *range.start_row + 1;
  range.end_col = *range.start_col + 1;
  auto done = backend->client().BatchUpdate(
      {sheets::ValueRange{sheets::FormatA1ForRequest(range), {{sheets::Cell::String(args.value)}}}},
      sheets::ValueInput::kUserEntered);
  if (!done.ok()) return done.take_error();
  Print(fmt::format("{}!{} = {} ({}); `kraken sync` imports it\n", args.tab, args.cell,
                    JsonString(args.value), backend->description()));
  return Ok{};
}

Result<sync::ConflictLog> LoadConflicts(CliContext& ctx) {
  KRAKEN_ASSIGN_OR_RETURN(EventLog * log, ctx.log());
  KRAKEN_ASSIGN_OR_RETURN(std::uint64_t head, log->Head());
  sync::ConflictLog conflicts;
  if (head > 0) {
    KRAKEN_RETURN_IF_ERROR(log->Scan(1, head, [&](const Event& e) {
      conflicts.Apply(e);
      return true;
    }));
  }
  return conflicts;
}

Status ListConflicts(CliContext& ctx, bool all) {
  KRAKEN_ASSIGN_OR_RETURN(sync::ConflictLog conflicts, LoadConflicts(ctx));
  TextTable table({"ID", "WHERE", "ROW", "FIELD", "SHEET", "LOG", "STATUS"});
  std::size_t shown = 0;
  for (const auto& e : conflicts.entries()) {
    if (!all && (e.rejection || !e.open)) continue;
    std::string status = e.rejection ? "not applied: " + e.reason
                         : e.open    ? "open"
                                     : fmt::format("{} won ({})", e.winner, e.policy);
    table.AddRow({e.id, e.origin, e.table + " " + e.key, e.field, e.sheet_value, e.log_value,
                  status});
    ++shown;
  }
  if (shown == 0) {
    Print(all ? "No conflicts or rejected sheet edits recorded.\n"
              : "No open conflicts. (--all lists resolved ones and rejected sheet edits.)\n");
    return Ok{};
  }
  Print(table.Render());
  if (!all) Print("Settle one with: kraken conflicts resolve ID sheet|log\n");
  return Ok{};
}

struct ResolveArgs {
  std::string id, pick;
};

Status Resolve(CliContext& ctx, const ResolveArgs& args) {
  KRAKEN_ASSIGN_OR_RETURN(sync::ConflictLog conflicts, LoadConflicts(ctx));
  KRAKEN_ASSIGN_OR_RETURN(RosterService * roster, ctx.service());
  KRAKEN_ASSIGN_OR_RETURN(CommandResult result,
                          sync::ResolveConflict(*roster, conflicts, args.id, ToLower(args.pick),
                                                ctx.actor()));
  Print(result.summary + "\n");
  return Ok{};
}

}  // namespace

void AddSyncCommands(CLI::App& app, CliContext& ctx) {
  CLI::App* sync_cmd = app.add_subcommand(
      "sync", "One sheet sync cycle: import the sheet's edits, then write the projection");
  sync_cmd->callback(ctx.Run([&ctx] { return RunCycle(ctx, sync::CycleMode::kFull); }));

  CLI::App* sheet = app.get_subcommand("sheet");
  auto plan = std::make_shared<bool>(false);
  CLI::App* pull = sheet->add_subcommand("pull", "Import the sheet's edits into the log");
  pull->add_flag("--plan", *plan, "Only show what the import would do");
  pull->callback(ctx.Run([&ctx, plan] {
    return RunCycle(ctx, *plan ? sync::CycleMode::kPlan : sync::CycleMode::kPull);
  }));
  CLI::App* push = sheet->add_subcommand(
      "push", "Write the projection to the sheet (edits found there stay for the next pull)");
  push->callback(ctx.Run([&ctx] { return RunCycle(ctx, sync::CycleMode::kPush); }));
  auto set = std::make_shared<SetArgs>();
  CLI::App* set_cmd = sheet->add_subcommand(
      "set", "Type a value into a cell, as a person would: kraken sheet set Pilots D3 KRKN");
  set_cmd->add_option("tab", set->tab, "The tab, e.g. Pilots")->required();
  set_cmd->add_option("cell", set->cell, "The cell, e.g. D3")->required();
  set_cmd->add_option("value", set->value, "What to type")->required();
  set_cmd->callback(ctx.Run([&ctx, set] { return SetCell(ctx, *set); }));

  auto all = std::make_shared<bool>(false);
  CLI::App* conflicts = app.add_subcommand(
      "conflicts", "Cells changed in the sheet and in the log: list them, or settle one");
  conflicts->add_flag("--all", *all, "Also resolved conflicts and rejected sheet edits");
  conflicts->callback(ctx.Run([&ctx, all, conflicts] {
    if (!conflicts->get_subcommands().empty()) return Status(Ok{});
    return ListConflicts(ctx, *all);
  }));
  auto resolve = std::make_shared<ResolveArgs>();
  CLI::App* resolve_cmd =
      conflicts->add_subcommand("resolve", "Pick the value that stands: sheet or log");
  resolve_cmd->add_option("id", resolve->id, "The conflict's id (kraken conflicts lists them)")
      ->required();
  resolve_cmd->add_option("pick", resolve->pick, "sheet or log")->required();
  resolve_cmd->callback(ctx.Run([&ctx, resolve] { return Resolve(ctx, *resolve); }));
}

}  // namespace kraken::cli
