// `kraken import`, `revert`, `verify`, `backup`, `snapshot`: bulk changes, undo,
// and keeping the log healthy.

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "events/json_text.h"
#include "src/app/csv.h"
#include "src/app/import_planner.h"
#include "src/app/revert_planner.h"
#include "tools/kraken/cli_context.h"
#include "tools/kraken/render.h"

namespace kraken::cli {
namespace {

struct ImportArgs {
  std::string file;
  bool apply = false;
  bool remove_missing = false;
  bool skip_rejected = false;
};

std::string NewBatchId() {
  const auto now = std::chrono::system_clock::now();
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch());
  std::string t = FormatTimestamp(us.count());  // 2026-12-04T15:31:53.123456Z
  std::string compact;
  for (char c : t.substr(0, 19)) {
    if (c != '-' && c != ':') compact.push_back(c);
  }
  std::random_device rd;
  return fmt::format("import-{}-{:04x}", compact, rd() & 0xFFFF);
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("cannot read '{}': {}", path, std::strerror(errno)));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string DescribeChanges(const RowPlan& row, bool added) {
  std::vector<std::string> parts;
  for (const auto& c : row.changes) {
    parts.push_back(added ? fmt::format("{}={}", c.column, c.after)
                          : fmt::format("{} {} -> {}", c.column,
                                        c.before.empty() ? "(empty)" : c.before,
                                        c.after.empty() ? "(empty)" : c.after));
  }
  return fmt::format("{}", fmt::join(parts, ", "));
}

std::string PlanText(const ImportPlan& plan, const ImportArgs& args, const std::string& batch) {
  const std::string rows = fmt::format("{}s", TableName(plan.table));
  std::string out = fmt::format("Import of {} into {} (batch {}):\n", args.file, rows, batch);
  auto section = [&](const std::vector<RowPlan>& list, const std::string& title, bool added) {
    if (list.empty()) return;
    out += fmt::format("  {} {} {}:\n", title, list.size(), rows);
    for (const auto& r : list) {
      out += r.line
                 ? fmt::format("    line {:<4} {}: {}\n", r.line, r.key, DescribeChanges(r, added))
                 : fmt::format("    {}\n", r.key);
    }
  };
  section(plan.added, "add", true);
  section(plan.changed, "change", false);
  section(plan.removed,
          args.remove_missing ? "remove" : "would remove (with --remove-missing) these", false);
  if (!plan.rejected.empty()) {
    out += fmt::format("  reject {} cell(s):\n", plan.rejected.size());
    for (const auto& r : plan.rejected) {
      out += fmt::format("    {:<9} {} {}='{}': {}\n",
                         r.line ? fmt::format("line {}", r.line) : "(no line)",
                         r.key.empty() ? "(no key)" : r.key, r.column, r.value, r.reason);
    }
  }
  out += fmt::format("  unchanged: {} {}\n", plan.unchanged, rows);
  return out;
}

std::string PlanJson(const ImportPlan& plan, const std::string& batch) {
  auto rows = [](const std::vector<RowPlan>& list) {
    std::string out = "[";
    for (std::size_t i = 0; i < list.size(); ++i) {
      out += fmt::format("{}{{\"line\":{},\"key\":{},\"changes\":[", i ? "," : "", list[i].line,
                         JsonString(list[i].key));
      for (std::size_t k = 0; k < list[i].changes.size(); ++k) {
        const auto& c = list[i].changes[k];
        out += fmt::format("{}{{\"field\":{},\"before\":{},\"after\":{}}}", k ? "," : "",
                           JsonString(c.column), JsonString(c.before), JsonString(c.after));
      }
      out += "]}";
    }
    return out + "]";
  };
  std::string rejected = "[";
  for (std::size_t i = 0; i < plan.rejected.size(); ++i) {
    const auto& r = plan.rejected[i];
    rejected += fmt::format("{}{{\"line\":{},\"key\":{},\"field\":{},\"value\":{},\"reason\":{}}}",
                            i ? "," : "", r.line, JsonString(r.key), JsonString(r.column),
                            JsonString(r.value), JsonString(r.reason));
  }
  return fmt::format(
      "{{\"batch\":{},\"table\":\"{}\",\"added\":{},\"changed\":{},\"removed\":{},"
      "\"rejected\":{}],\"unchanged\":{},\"events\":{}}}\n",
      JsonString(batch), TableName(plan.table), rows(plan.added), rows(plan.changed),
      rows(plan.removed), rejected, plan.unchanged, plan.events.size());
}

Status RunImport(CliContext& ctx, const ImportArgs& args) {
  KRAKEN_ASSIGN_OR_RETURN(const std::string text, ReadFile(args.file));
  auto csv = ParseCsv(text);
  if (!csv.ok()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("{}: {}", args.file, csv.error().message));
  }
  KRAKEN_ASSIGN_OR_RETURN(RosterService * service, ctx.service());
  ImportOptions options;
  options.origin = args.file;
  options.batch_id = NewBatchId();
  options.remove_missing = args.remove_missing;
  auto planner = [&](const AllianceState& state) { return PlanImport(state, *csv, options); };
  KRAKEN_ASSIGN_OR_RETURN(const ImportPlan plan, service->Read(planner));
  Print(ctx.json ? PlanJson(plan, options.batch_id) : PlanText(plan, args, options.batch_id));
  if (!args.apply) {
    if (!ctx.json)
      Print("Nothing was changed; run again with --apply to commit this as one batch.\n");
    return Ok{};
  }
  if (!plan.rejected.empty() && !args.skip_rejected) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        fmt::format("{} cell(s) rejected, so nothing was imported; fix them in the file "
                    "or pass --skip-rejected to import the rest",
                    plan.rejected.size()));
  }
  CommandOptions command;
  command.correlation_id = options.batch_id;
  KRAKEN_ASSIGN_OR_RETURN(CommandResult result,
                          service->Execute(
                              [&](const AllianceState& state) -> Result<Plan> {
                                KRAKEN_ASSIGN_OR_RETURN(ImportPlan fresh,
                                                        PlanImport(state, *csv, options));
                                Plan p;
                                p.events = std::move(fresh.events);
                                p.expected_versions = std::move(fresh.expected_versions);
                                return p;
                              },
                              ctx.actor(), command));
  if (result.events.empty()) {
    if (!ctx.json) Print("Nothing to import: the tables already match the file.\n");
    return Ok{};
  }
  if (!ctx.json) {
    Print(fmt::format("Imported as batch {}: events {}-{}. Undo with `kraken revert --batch {}`.\n",
                      options.batch_id, result.events.front().seq, result.events.back().seq,
                      options.batch_id));
  }
  return Ok{};
}

Status RunRevert(CliContext& ctx, std::uint64_t seq, const std::string& batch) {
  if ((seq == 0) == batch.empty()) return Usage("kraken revert SEQ, or kraken revert --batch ID");
  KRAKEN_ASSIGN_OR_RETURN(EventLog * log, ctx.log());
  KRAKEN_ASSIGN_OR_RETURN(std::vector<Event> targets,
                          batch.empty() ? RevertTargets(*log, seq) : BatchEvents(*log, batch));
  KRAKEN_ASSIGN_OR_RETURN(RosterService * service, ctx.service());
  CommandOptions options;
  options.idempotency_key = RevertKey(targets);
  options.correlation_id = batch.empty() ? fmt::format("revert-{}", seq) : "revert-" + batch;
  KRAKEN_ASSIGN_OR_RETURN(
      CommandResult result,
      service->Execute([&](const AllianceState& state) { return PlanRevert(state, *log, targets); },
                       ctx.actor(), options));
  if (ctx.json) {
    std::string out = "{\"summary\":" + JsonString(result.summary) +
                      fmt::format(",\"duplicate\":{},\"events\":[", result.duplicate);
    for (std::size_t i = 0; i < result.events.size(); ++i)
      out += (i ? "," : "") + EventJson(result.events[i]);
    Print(out + "]}\n");
    return Ok{};
  }
  if (result.duplicate) {
    Print(fmt::format("Already reverted, by events {}-{}; nothing new was recorded.\n",
                      result.events.front().seq, result.events.back().seq));
    return Ok{};
  }
  Print(result.summary + "\n" + EventsText(result.events));
  return Ok{};
}

Status RunVerify(CliContext& ctx) {
  // Opening would create an empty log, which verifies fine: a mistyped backup
  // directory must not pass for a good one.
  KRAKEN_ASSIGN_OR_RETURN(const Config* config, ctx.config());
  if (!std::filesystem::exists(std::filesystem::path(config->data_dir) / "data.mdb")) {
    return MakeError(ErrorCode::kNotFound,
                     fmt::format("there is no event log in {} (no data.mdb); check --data-dir or "
                                 "KRAKEN_DATA_DIR",
                                 config->data_dir));
  }
  KRAKEN_ASSIGN_OR_RETURN(EventLog * log, ctx.log());
  KRAKEN_ASSIGN_OR_RETURN(VerifyReport report, log->Verify(ctx.Progress("verifying")));
  if (ctx.json) {
    std::string problems = "[";
    for (std::size_t i = 0; i < report.problems.size(); ++i) {
      problems += (i ? "," : "") + JsonString(report.problems[i]);
    }
    Print(
        fmt::format("{{\"ok\":{},\"events\":{},\"streams\":{},\"idempotency_keys\":{},"
                    "\"problems\":{}]}}\n",
                    report.problems.empty(), report.events_checked, report.streams_checked,
                    report.idempotency_keys_checked, problems));
  } else {
    for (const auto& p : report.problems) Print("problem: " + p + "\n");
  }
  if (!report.problems.empty()) {
    return MakeError(ErrorCode::kCorrupt,
                     fmt::format("verify found {} problem(s) in {}; restore from a backup (see "
                                 "docs/operations.md)",
                                 report.problems.size(), log->dir()));
  }
  if (!ctx.json) {
    Print(fmt::format(
        "ok: {} events, hash chain intact, {} streams and {} idempotency keys "
        "indexed correctly\n",
        report.events_checked, report.streams_checked, report.idempotency_keys_checked));
  }
  return Ok{};
}

}  // namespace

void AddAdminCommands(CLI::App& app, CliContext& ctx) {
  auto import_args = std::make_shared<ImportArgs>();
  CLI::App* import =
      app.add_subcommand("import", "Bulk update from a CSV file (plan, then --apply)");
  import->add_option("file", import_args->file, "CSV with a header row: name,... or ticker,...")
      ->required();
  import->add_flag("--apply", import_args->apply, "Commit the plan as one atomic batch");
  import->add_flag("--remove-missing", import_args->remove_missing,
                   "Remove rows the file does not list");
  import->add_flag("--skip-rejected", import_args->skip_rejected,
                   "Import the valid cells even if some are rejected");
  import->callback(ctx.Run([&ctx, import_args] { return RunImport(ctx, *import_args);
}));

auto seq = std::make_shared<std::uint64_t>(0);
auto batch = std::make_shared<std::string>();
CLI::App* revert =
    app.add_subcommand("revert", "Undo an event or a batch with compensating events");
revert->add_option("seq", *seq, "The event to undo");
revert->add_option("--batch", *batch, "Undo every event of this batch (e.g. an import)");
revert->callback(ctx.Run([&ctx, seq, batch] { return RunRevert(ctx, *seq, *batch); }));

CLI::App* verify = app.add_subcommand("verify", "Check the hash chain and every index");
verify->callback(ctx.Run([&ctx] { return RunVerify(ctx); }));

auto dir = std::make_shared<std::string>();
CLI::App* backup = app.add_subcommand("backup", "A hot, compacted copy of the log");
backup->add_option("dir", *dir, "New directory for the copy")->required();
backup->callback(ctx.Run([&ctx, dir]() -> Status {
  KRAKEN_ASSIGN_OR_RETURN(EventLog * log, ctx.log());
  KRAKEN_RETURN_IF_ERROR(log->Backup(*dir));
  Print(fmt::format("backed up {} to {}; check it with `kraken --data-dir {} verify`\n", log->dir(),
                    *dir, *dir));
  return Ok{};
}));

CLI::App* snapshot =
    app.add_subcommand("snapshot", "Store a snapshot of the tables (faster start-up)");
snapshot->callback(ctx.Run([&ctx]() -> Status {
  KRAKEN_ASSIGN_OR_RETURN(RosterService * service, ctx.service());
  KRAKEN_RETURN_IF_ERROR(service->SaveSnapshot());
  KRAKEN_ASSIGN_OR_RETURN(std::uint64_t head, service->log().Head());
  Print(fmt::format("snapshot stored at event {}\n", head));
  return Ok{};
}));
}  // namespace kraken::cli

}  // namespace kraken::cli
