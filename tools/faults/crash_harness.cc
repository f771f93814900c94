// kraken_crash_harness: crash consistency of `kraken serve` (issue 6, section 1).
//
// Runs the real `kraken serve` on a fresh log with the sample alliance, loads it
// with signed Discord interactions (tools/faults/discord_load.h) while `kraken
// pilot set` runs from the CLI against the same log (cli_load.h), and kills the
// server with SIGKILL at random moments, restarting it each time. After every
// restart it checks (consistency.h) that every acknowledged change is in the log
// and the roster, exactly once, and `kraken verify` passes; unanswered
// interactions are re-sent with the same id. At the end it stops the server,
// runs a sheet sync and checks the Pilots tab equals the roster.
// Exit 0 only when nothing was lost, duplicated or corrupt. docs/faults.md.

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <random>
#include <set>
#include <thread>

#include "events/schema.h"
#include "src/discord/interactions.h"
#include "src/net/http_client.h"
#include "src/serve/dev_key.h"
#include "tools/faults/cli_load.h"
#include "tools/faults/consistency.h"
#include "tools/faults/discord_load.h"
#include "tools/faults/subprocess.h"

namespace kraken::faults {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr char kAdminRole[] = "799000000000000009";  // the role whose members may /admin sync

struct Flags {
  std::string kraken;
  std::string samples = KRAKEN_SAMPLE_DIR;
  std::string work_dir;
  int kills = 200;
  std::uint64_t seed = 1;
  int min_delay_ms = 20;
  int max_delay_ms = 300;
  int users = 4;
  int start_timeout_ms = 60'000;
  bool keep = false;
  bool sync_load = true;
  bool tolerate_sheet_conflicts = false;
};

struct Figures {
  int kills = 0;
  std::size_t verify_failures = 0;
  std::set<std::string> committed_unanswered;  // interaction ids
  std::size_t spurious_sheet_events = 0;
  Findings findings;
};

Error Failed(std::string message) { return MakeError(ErrorCode::kInternal, std::move(message)); }

// A loopback port nobody listens on now; the server gets it on every restart
// (its listener sets SO_REUSEADDR, so the killed one's connections do not hold it).
Result<int> FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return Failed("cannot create a socket to find a free port");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  ::close(fd);
  if (!ok) return Failed("cannot bind a loopback port");
  return static_cast<int>(ntohs(addr.sin_port));
}

std::string Tail(const std::string& path, std::size_t bytes = 2000) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return "";
  std::fseek(f, 0, SEEK_END);
  const long size = std::ftell(f);
  std::fseek(f, size > static_cast<long>(bytes) ? size - static_cast<long>(bytes) : 0, SEEK_SET);
  std::string out(bytes, '\0');
  out.resize(std::fread(out.data(), 1, out.size(), f));
  std::fclose(f);
  return out;
}

class Harness {
 public:
  Harness(Flags flags, std::string data_dir, int port)
      : flags_(std::move(flags)),
        data_dir_(std::move(data_dir)),
        url_(fmt::format("http://127.0.0.1:{}", port)),
        serve_log_(flags_.work_dir + "/serve.log"),
        env_(ChildEnvironment(
            {"KRAKEN_DATA_DIR=" + data_dir_, fmt::format("KRAKEN_LISTEN=127.0.0.1:{}", port),
             "KRAKEN_ACTOR=crash-harness", std::string("KRAKEN_ADMIN_ROLE_IDS=") + kAdminRole,
             // A deferred reply's follow-up goes nowhere off this machine.
             "DISCORD_API_BASE=http://127.0.0.1:9"})) {}

  Status Run();

 private:
  Result<ProcessOutput> Kraken(std::vector<std::string> args, bool must_succeed = true);
  Status StartServer();
  Status Check(const std::string& when, DiscordLoad& discord, CliLoad& cli);
  Status CheckSheetConverges();
  void PrintFigures(const DiscordLoad& discord, const CliLoad& cli, Clock::duration took) const;

  const Flags flags_;
  const std::string data_dir_;
  const std::string url_;
  const std::string serve_log_;
  const std::vector<std::string> env_;
  std::optional<ChildProcess> server_;
  Figures figures_;
};

Result<ProcessOutput> Harness::Kraken(std::vector<std::string> args, bool must_succeed) {
  args.insert(args.begin(), flags_.kraken);
  KRAKEN_ASSIGN_OR_RETURN(ProcessOutput out, RunProcess(args, env_, std::chrono::seconds(120)));
  if (must_succeed && out.exit_code != 0) {
    return Failed(fmt::format("`kraken {}` exited {}: {}", args[1], out.exit_code, out.err));
  }
  return out;
}

Status Harness::StartServer() {
  KRAKEN_ASSIGN_OR_RETURN(ChildProcess started,
                          ChildProcess::Start({flags_.kraken, "serve"}, env_, serve_log_));
  server_.emplace(std::move(started));
  net::HttpClientOptions http;
  http.connect_timeout = milliseconds(1000);
  http.request_timeout = milliseconds(5000);
  net::HttpClient client(http);
  const auto deadline = Clock::now() + milliseconds(flags_.start_timeout_ms);
  while (Clock::now() < deadline) {
    int exit_code = 0;
    if (server_->Exited(&exit_code)) {
      return Failed(fmt::format("`kraken serve` exited {} while starting; the end of {}:\n{}",
                                exit_code, serve_log_, Tail(serve_log_)));
    }
    net::HttpRequest request;
    request.url = url_ + "/healthz";
    auto response = client.Send(request);
    if (response.ok() && response->status == 200) return Ok{};
    // Not listening yet: poll again shortly (the deadline bounds the wait).
    std::this_thread::sleep_for(milliseconds(10));
  }
  return Failed(fmt::format("`kraken serve` did not answer /healthz within {} ms; see {}",
                            flags_.start_timeout_ms, serve_log_));
}

// Ok if there are none; else a failure listing the first 20, which ends the run.
Status Problems(std::string_view when, const std::vector<std::string>& problems) {
  if (problems.empty()) return Ok{};
  std::string message = fmt::format("{}: {} problem(s):", when, problems.size());
  for (std::size_t i = 0; i < problems.size() && i < 20; ++i) message += "\n  " + problems[i];
  return Failed(message);
}

Status Harness::Check(const std::string& when, DiscordLoad& discord, CliLoad& cli) {
  KRAKEN_ASSIGN_OR_RETURN(ProcessOutput log, Kraken({"log", "--json"}));
  KRAKEN_ASSIGN_OR_RETURN(ProcessOutput pilots, Kraken({"pilots", "--json"}));
  KRAKEN_ASSIGN_OR_RETURN(ProcessOutput verify, Kraken({"verify"}, false));
  KRAKEN_ASSIGN_OR_RETURN(std::vector<LoggedEvent> events, ParseLog(log.out));
  KRAKEN_ASSIGN_OR_RETURN(PilotTable table, ParsePilots(pilots.out));
  Findings found = CheckConsistency(events, table, discord.Interactions(), cli.Changes(),
                                    flags_.tolerate_sheet_conflicts);
  figures_.spurious_sheet_events = found.spurious_sheet_events;
  if (verify.exit_code != 0) {
    ++figures_.verify_failures;
    found.problems.push_back(fmt::format("`kraken verify` failed (exit {}): {}{}", verify.exit_code,
                                         verify.out, verify.err));
  }
  figures_.committed_unanswered.insert(found.committed_unanswered.begin(),
                                       found.committed_unanswered.end());
  Findings& total = figures_.findings;
  total.lost = std::max(total.lost, found.lost);
  total.duplicated = std::max(total.duplicated, found.duplicated);
  total.phantom = std::max(total.phantom, found.phantom);
  total.projection = std::max(total.projection, found.projection);
  return Problems(when, found.problems);
}

// Stops the server gracefully, syncs twice and compares the Pilots tab with the
// roster: the first cycle may repair what the killed ones left half done, the
// second must find nothing left to do.
Status Harness::CheckSheetConverges() {
  KRAKEN_ASSIGN_OR_RETURN(ProcessOutput first, Kraken({"sync", "--json"}));
  KRAKEN_ASSIGN_OR_RETURN(ProcessOutput second, Kraken({"sync", "--json"}));
  KRAKEN_ASSIGN_OR_RETURN(ProcessOutput pilots, Kraken({"pilots", "--json"}));
  KRAKEN_ASSIGN_OR_RETURN(PilotTable table, ParsePilots(pilots.out));
  KRAKEN_ASSIGN_OR_RETURN(ProcessOutput sheet,
                          Kraken({"sheet", "show", "Pilots", "--json", "--range",
                                  fmt::format("A1:Z{}", table.size() + 100)}));
  Findings found = CheckSheetMatches(table, sheet.out);
  if (second.out.find("\"events_appended\":0") == std::string::npos ||
      second.out.find("\"cells_written\":0") == std::string::npos) {
    found.problems.push_back(
        fmt::format("a second sync still had work to do, so the first did not converge: {} "
                    "(the first: {})",
                    second.out, first.out));
  }
  figures_.findings.projection += found.projection;
  figures_.findings.duplicated += found.duplicated;
  figures_.findings.phantom += found.phantom;
  return Problems("the sheet did not converge", found.problems);
}

void Harness::PrintFigures(const DiscordLoad& discord, const CliLoad& cli,
                           Clock::duration took) const {
  const DiscordLoadFigures d = discord.Figures();
  std::size_t cli_ok = 0, cli_failed = 0;
  for (const CliChange& c : cli.Changes()) (c.exit_code == 0 ? cli_ok : cli_failed)++;
  const Findings& f = figures_.findings;
  fmt::print(
      "kills:                           {}\n"
      "acknowledged Discord changes:    {} (of {} sent; {} refused, {} unanswered)\n"
      "acknowledged CLI changes:        {} ({} failed)\n"
      "sheet syncs asked for (/admin):  {}\n"
      "unacknowledged and re-sent:      {} ({} of them committed before the kill; {} deferral "
      "replies)\n"
      "duplicates found:                {}\n"
      "lost:                            {}\n"
      "phantom (refused yet recorded):  {}\n"
      "sheet events nobody caused:      {}{}\n"
      "projection/sheet mismatches:     {}\n"
      "verify failures:                 {}\n"
      "time:                            {:.1f} s\n",
      figures_.kills, d.acknowledged, d.sent, d.rejected, d.pending, cli_ok, cli_failed, d.syncs,
      d.retried, figures_.committed_unanswered.size(), d.deferred, f.duplicated, f.lost, f.phantom,
      figures_.spurious_sheet_events, flags_.tolerate_sheet_conflicts ? " (tolerated)" : "",
      f.projection, figures_.verify_failures, std::chrono::duration<double>(took).count());
  for (const Interaction& it : discord.Interactions()) {
    if (it.state == Interaction::State::kRejected) {
      fmt::print("refused: interaction {} ({}): {}\n", it.id, it.pilot, it.rejection);
    }
  }
  for (const CliChange& c : cli.Changes()) {
    if (c.exit_code != 0) fmt::print("CLI failed: {} notes={}: {}\n", c.pilot, c.value, c.error);
  }
}

Status Harness::Run() {
  const auto started = Clock::now();
  for (const char* csv : {"corps.csv", "pilots.csv"}) {
    KRAKEN_RETURN_IF_ERROR(Kraken({"import", flags_.samples + "/" + csv, "--apply"}));
  }
  KRAKEN_ASSIGN_OR_RETURN(serve::DevKey key, serve::LoadOrCreateDevKey(data_dir_));
  DiscordLoadOptions options;
  options.url = url_;
  options.signing_seed = key.seed;
  options.commands_json = discord::CommandsJson(Schema::Core());
  options.users = flags_.users;
  options.seed = flags_.seed;
  if (flags_.sync_load) options.admin_role_id = kAdminRole;
  DiscordLoad discord(options);
  // Imported pilots nobody on Discord owns: only the CLI changes their notes.
  CliLoad cli(flags_.kraken, env_, {"Ryn Calder", "Fenn Arkwright"});
  std::mt19937_64 rng(flags_.seed);
  std::uniform_int_distribution<int> delay(flags_.min_delay_ms, flags_.max_delay_ms);

  Status outcome = [&]() -> Status {
    for (int round = 0; round < flags_.kills; ++round) {
      KRAKEN_RETURN_IF_ERROR(StartServer());
      cli.Pause();  // a still picture of the log while it is checked
      KRAKEN_RETURN_IF_ERROR(Check(fmt::format("after restart {}", round), discord, cli));
      discord.Resume();
      cli.Resume();
      // The fault schedule, not a synchronisation: the kill lands wherever the
      // server happens to be after this long.
      std::this_thread::sleep_for(milliseconds(delay(rng)));
      server_->Signal(SIGKILL);
      KRAKEN_RETURN_IF_ERROR(server_->Wait(std::chrono::seconds(30)));
      ++figures_.kills;
      discord.Pause();
      if (figures_.kills % 50 == 0) {
        fmt::print("{} kills, {} Discord changes acknowledged so far\n", figures_.kills,
                   discord.Figures().acknowledged);
        std::fflush(stdout);
      }
    }
    KRAKEN_RETURN_IF_ERROR(StartServer());
    cli.Pause();
    KRAKEN_RETURN_IF_ERROR(Check("after the last restart", discord, cli));
    discord.Resume();
    discord.Finish();  // re-sends what is still unanswered
    cli.Stop();
    KRAKEN_RETURN_IF_ERROR(Check("after every interaction was answered", discord, cli));
    if (const DiscordLoadFigures d = discord.Figures(); d.pending > 0) {
      return Failed(
          fmt::format("{} interactions got no answer even from a running server", d.pending));
    }
    server_->Signal(SIGTERM);
    KRAKEN_ASSIGN_OR_RETURN(const int exit_code, server_->Wait(std::chrono::seconds(60)));
    if (exit_code != 0) {
      return Failed(
          fmt::format("`kraken serve` exited {} on SIGTERM; see {}", exit_code, serve_log_));
    }
    return CheckSheetConverges();
  }();
  discord.Finish(0);
  cli.Stop();
  PrintFigures(discord, cli, Clock::now() - started);
  return outcome;
}

}  // namespace
}  // namespace kraken::faults

int main(int argc, char** argv) {
  using kraken::faults::Flags;
  Flags flags;
  CLI::App app{
      "Kills `kraken serve` with SIGKILL under Discord and CLI load, again and again, and checks "
      "that no acknowledged change is lost or duplicated (docs/faults.md)"};
  app.add_option("--kraken", flags.kraken, "The kraken binary")->required();
  app.add_option("--kills", flags.kills, "How many times to kill the server (default 200)");
  app.add_option("--seed", flags.seed, "Seeds the kill moments and the load (default 1)");
  app.add_option("--min-delay-ms", flags.min_delay_ms, "Earliest kill after the server is up");
  app.add_option("--max-delay-ms", flags.max_delay_ms, "Latest kill after the server is up");
  app.add_option("--users", flags.users, "Simulated Discord users, one thread each (default 4)");
  app.add_option("--samples", flags.samples, "The directory of corps.csv and pilots.csv");
  app.add_option("--work-dir", flags.work_dir,
                 "Where the log and serve.log go (default: a new directory in $TMPDIR or /tmp; "
                 "removed after a run that passes)");
  app.add_option("--start-timeout-ms", flags.start_timeout_ms,
                 "How long a (re)started server may take to answer /healthz");
  app.add_flag("--keep", flags.keep, "Keep the work directory even when the run passes");
  app.add_flag("--tolerate-spurious-conflicts", flags.tolerate_sheet_conflicts,
               "Count sheet events nobody caused (a known sync bug, docs/faults.md) instead of "
               "failing on them");
  app.add_flag("--sync-load,!--no-sync-load", flags.sync_load,
               "An admin also asks for sheet syncs (/admin sync) all along, so kills land inside "
               "sync cycles (default: on)");
  CLI11_PARSE(app, argc, argv);
  if (flags.min_delay_ms < 0 || flags.max_delay_ms < flags.min_delay_ms || flags.kills < 0 ||
      flags.users < 1) {
    std::fprintf(stderr,
                 "need 0 <= --min-delay-ms <= --max-delay-ms, --kills >= 0, --users >= 1\n");
    return 2;
  }
  std::signal(SIGPIPE, SIG_IGN);
  const bool own_dir = flags.work_dir.empty();
  if (own_dir) {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/kraken-crash-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
      std::perror("mkdtemp");
      return 1;
    }
    flags.work_dir = pattern;
  }
  std::error_code ec;
  std::filesystem::create_directories(flags.work_dir, ec);
  auto port = kraken::faults::FreePort();
  if (!port.ok()) {
    std::fprintf(stderr, "%s\n", port.error().message.c_str());
    return 1;
  }
  const std::string data_dir = flags.work_dir + "/data";
  const bool keep = flags.keep;
  const std::string work_dir = flags.work_dir;
  fmt::print("crash harness: {} kills, seed {}, work dir {}\n", flags.kills, flags.seed, work_dir);
  std::fflush(stdout);
  kraken::faults::Harness harness(std::move(flags), data_dir, *port);
  const kraken::Status status = harness.Run();
  if (!status.ok()) {
    fmt::print(stderr, "FAILED: {}\n(the log and serve.log are kept in {})\n",
               status.error().message, work_dir);
    return 1;
  }
  fmt::print("PASSED: every acknowledged change survived, exactly once\n");
  if (own_dir && !keep) std::filesystem::remove_all(work_dir, ec);
  return 0;
}
