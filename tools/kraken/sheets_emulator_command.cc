// kraken sheets-emulator: the local Google Sheets stand-in, on its own. Serves
// Sheets v4, Drive files.get and the OAuth token endpoint until SIGINT/SIGTERM,
// keeping its spreadsheets in a state file, and prints what to export so KRAKEN
// (or any Sheets client) talks to it instead of Google.

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "events/json_text.h"
#include "src/net/http_server.h"
#include "src/sheets_emulator/emulator.h"
#include "src/sheets_emulator/state_file.h"
#include "tools/kraken/cli_context.h"

namespace kraken::cli {
namespace {

// The local development account, the same one the embedded backend signs in as.
constexpr char kDevAccount[] = "kraken-dev@kraken-local.iam.gserviceaccount.com";

struct EmulatorArgs {
  std::string listen = "127.0.0.1:8090";
  std::optional<std::string> state;
  std::optional<std::string> key_out;
  std::string account = kDevAccount;
  std::string spreadsheet = "KRAKEN (local emulator)";
  std::vector<std::string> tabs = {"Pilots", "Corps"};
  double fail_429 = 0, fail_500 = 0, drop = 0;
  int latency_ms = 0;
  std::uint64_t seed = 1;
  int reads_per_minute = 60;
  int writes_per_minute = 60;
};

std::optional<std::string> ReadIfExists(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

Status RunEmulator(CliContext& ctx, const EmulatorArgs& args) {
  KRAKEN_ASSIGN_OR_RETURN(const Config* cfg, ctx.config());
  const std::string state = args.state.value_or(cfg->data_dir + "/sheets-emulator.json");
  const std::string key_out = args.key_out.value_or(cfg->data_dir + "/sheets-dev-key.json");
  for (const std::string& file : {state, key_out}) {
    const auto dir = std::filesystem::path(file).parent_path();
    std::error_code ec;
    if (!dir.empty()) std::filesystem::create_directories(dir, ec);
    if (ec) {
      return MakeError(ErrorCode::kIo,
                       fmt::format("cannot create directory {}: {}", dir.string(), ec.message()));
    }
  }

  sheets::EmulatorOptions options;
  options.listen = args.listen;
  options.state_file = state;
  options.reads_per_minute = args.reads_per_minute;
  options.writes_per_minute = args.writes_per_minute;
  options.fail_429 = args.fail_429;
  options.fail_500 = args.fail_500;
  options.drop = args.drop;
  options.latency = std::chrono::milliseconds(args.latency_ms);
  options.seed = args.seed;
  KRAKEN_ASSIGN_OR_RETURN(auto emulator, sheets::SheetsEmulator::Start(options));

  // A key file kept from an earlier run is reused (the state has only public keys),
  // so exported credentials stay valid; its token_uri is rewritten for this port.
  if (auto existing = ReadIfExists(key_out)) {
    if (Status imported = emulator->ImportServiceAccountKey(*existing); !imported.ok()) {
      fmt::print(stderr, "kraken: not reusing {} ({}); writing a new key\n", key_out,
                 imported.error().message);
    }
  }
  KRAKEN_ASSIGN_OR_RETURN(std::string key, emulator->ServiceAccountKey(args.account));
  KRAKEN_RETURN_IF_ERROR(sheets::emu::WriteFileAtomically(key_out, key));

  std::string id = emulator->FindSpreadsheet(args.spreadsheet);
  const bool created = id.empty();
  if (created) {
    KRAKEN_ASSIGN_OR_RETURN(id,
                            emulator->CreateSpreadsheet(args.spreadsheet, args.tabs, args.account));
  } else {
    KRAKEN_RETURN_IF_ERROR(emulator->Share(id, args.account));
  }

  const std::string url = emulator->base_url();
  const std::string key_path = std::filesystem::absolute(key_out).string();
  if (ctx.json) {
    JsonWriter w;
    w.BeginObject().Key("base_url").String(url).Key("spreadsheet_id").String(id);
    w.Key("spreadsheet_title").String(args.spreadsheet).Key("service_account").String(args.account);
    w.Key("key_file").String(key_path).Key("state_file").String(state).EndObject();
    Print(w.Take() + "\n");
  } else {
    Print(fmt::format(
        "Sheets emulator listening on {url}\n"
        "  spreadsheet  {id} \"{title}\" ({how}, shared with {account})\n"
        "  state        {state}\n"
        "  key file     {key}\n"
        "Point KRAKEN (or any Sheets client) at it:\n"
        "  export KRAKEN_SHEETS_ROOT={url}\n"
        "  export KRAKEN_DRIVE_ROOT={url}\n"
        "  export KRAKEN_SPREADSHEET_ID={id}\n"
        "  export GOOGLE_APPLICATION_CREDENTIALS={key}\n"
        "Ctrl-C stops it.\n",
        fmt::arg("url", url), fmt::arg("id", id), fmt::arg("title", args.spreadsheet),
        fmt::arg("how", created ? "created" : "existing"), fmt::arg("account", args.account),
        fmt::arg("state", state), fmt::arg("key", key_path)));
  }
  std::fflush(stdout);
  net::WaitForTerminationSignal();
  emulator->Stop();
  if (!ctx.json) Print("stopped\n");
  return Ok{};
}

}  // namespace

void AddSheetsEmulatorCommand(CLI::App& app, CliContext& ctx) {
  auto args = std::make_shared<EmulatorArgs>();
  CLI::App* cmd = app.add_subcommand(
      "sheets-emulator",
      "Run a local Google Sheets stand-in (Sheets v4, Drive files.get, OAuth token endpoint)");
  cmd->add_option("--listen", args->listen, "host:port to serve on")->capture_default_str();
  cmd->add_option(
      "--state", args->state,
      "State file, persisted after each change (default: <data dir>/sheets-emulator.json)");
  cmd->add_option("--key-out", args->key_out,
                  "Where to write the service-account key file, mode 0600 "
                  "(default: <data dir>/sheets-dev-key.json; an existing one is reused)");
  cmd->add_option("--account", args->account, "The service account's client_email")
      ->capture_default_str();
  cmd->add_option("--spreadsheet", args->spreadsheet,
                  "Title of the spreadsheet to use, created if none has it")
      ->capture_default_str();
  cmd->add_option("--tab", args->tabs, "Tabs of a newly created spreadsheet (repeatable)")
      ->capture_default_str();
  cmd->add_option("--fail-429", args->fail_429, "Fraction of API requests answered 429")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--fail-500", args->fail_500, "Fraction of API requests answered 500")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--drop", args->drop, "Fraction of API requests whose connection is dropped")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--latency-ms", args->latency_ms, "Delay added to every reply")
      ->check(CLI::Range(0, 600'000));
  cmd->add_option("--seed", args->seed, "Seed of the fault draws")->capture_default_str();
  cmd->add_option("--reads-per-minute", args->reads_per_minute,
                  "Read quota per service account (0: unlimited)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--writes-per-minute", args->writes_per_minute,
                  "Write quota per service account (0: unlimited)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->callback(ctx.Run([&ctx, args] { return RunEmulator(ctx, *args); }));
}

}  // namespace kraken::cli
