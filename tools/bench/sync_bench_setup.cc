#include "tools/bench/sync_bench_setup.h"

#include <fmt/format.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <utility>

#include "src/app/csv.h"
#include "src/app/import_planner.h"
#include "src/sheets_emulator/emulator.h"
#include "tools/bench/bench_util.h"

namespace kraken::bench {
namespace {

void WriteAll(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    text.remove_prefix(static_cast<std::size_t>(n));
  }
}

std::string ReadAll(int fd) {
  std::string out;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return out;
    out.append(buffer, static_cast<std::size_t>(n));
  }
}

double CpuMs(const rusage& usage) {
  auto ms = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_usec) / 1e3;
  };
  return ms(usage.ru_utime) + ms(usage.ru_stime);
}

// The child: starts the emulator, reports "ok\nURL\nID\nKEY_JSON" (or "error\nWHY")
// on `report_fd`, then serves until `keep_alive_fd` reaches end of file.
[[noreturn]] void ServeInChild(const std::string& email, int report_fd, int keep_alive_fd) {
  auto fail = [&](std::string_view what, const Error& error) {
    WriteAll(report_fd, fmt::format("error\n{}: {}", what, error.message));
    ::_exit(1);
  };
  sheets::EmulatorOptions options;
  options.reads_per_minute = 0;
  options.writes_per_minute = 0;
  auto emulator = sheets::SheetsEmulator::Start(options);
  if (!emulator.ok()) fail("starting the emulator", emulator.error());
  auto key = (*emulator)->ServiceAccountKey(email);
  if (!key.ok()) fail("making a service account key", key.error());
  auto id = (*emulator)->CreateSpreadsheet("Roster", {"Pilots", "Corps"}, email);
  if (!id.ok()) fail("creating the spreadsheet", id.error());
  WriteAll(report_fd, fmt::format("ok\n{}\n{}\n{}", (*emulator)->base_url(), *id, *key));
  ::close(report_fd);
  for (char byte;;) {
    const ssize_t n = ::read(keep_alive_fd, &byte, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
  }
  (*emulator)->Stop();
  ::_exit(0);
}

}  // namespace

ChildEmulator ChildEmulator::Start(const std::string& email) {
  int report[2], keep_alive[2];
  if (::pipe(report) != 0 || ::pipe(keep_alive) != 0) Die("making pipes", std::strerror(errno));
  std::fflush(stdout);  // the child must not print this process's buffered output again
  std::fflush(stderr);
  const pid_t pid = ::fork();
  if (pid < 0) Die("forking the emulator process", std::strerror(errno));
  if (pid == 0) {
    ::close(report[0]);
    ::close(keep_alive[1]);
    ServeInChild(email, report[1], keep_alive[0]);
  }
  ::close(report[1]);
  ::close(keep_alive[0]);
  ChildEmulator child;
  child.pid_ = pid;
  child.keep_alive_fd_ = keep_alive[1];
  const std::string text = ReadAll(report[0]);
  ::close(report[0]);
  auto line = [&text](std::size_t& at) {
    const std::size_t end = text.find('\n', at);
    std::string out = text.substr(at, end == std::string::npos ? end : end - at);
    at = end == std::string::npos ? text.size() : end + 1;
    return out;
  };
  std::size_t at = 0;
  if (line(at) != "ok") {
    child.Stop();
    Die("the emulator process", text.empty() ? "it exited without a word" : text.substr(at));
  }
  child.base_url_ = line(at);
  child.spreadsheet_id_ = line(at);
  child.key_json_ = text.substr(at);
  return child;
}

ChildEmulator::ChildEmulator(ChildEmulator&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      keep_alive_fd_(std::exchange(other.keep_alive_fd_, -1)),
      base_url_(std::move(other.base_url_)),
      spreadsheet_id_(std::move(other.spreadsheet_id_)),
      key_json_(std::move(other.key_json_)) {}

ChildEmulator::~ChildEmulator() { Stop(); }

double ChildEmulator::Stop() {
  if (keep_alive_fd_ >= 0) ::close(std::exchange(keep_alive_fd_, -1));
  if (pid_ < 0) return 0;
  int status = 0;
  rusage usage{};
  while (::wait4(pid_, &status, 0, &usage) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  return CpuMs(usage);
}

void SeedRoster(RosterService& service, const Actor& admin, int corps, int pilots) {
  auto import = [&](CsvTable csv, const std::string& batch) {
    for (std::size_t i = 0; i < csv.rows.size(); ++i) csv.lines.push_back(i + 2);
    ImportOptions options;
    options.origin = batch + ".csv";
    options.batch_id = batch;
    CommandOptions command;
    command.correlation_id = batch;
    auto result = service.Execute(
        [&](const AllianceState& state) -> Result<Plan> {
          KRAKEN_ASSIGN_OR_RETURN(ImportPlan planned, PlanImport(state, csv, options));
          if (!planned.rejected.empty()) {
            const CellRejection& r = planned.rejected.front();
            return MakeError(ErrorCode::kInvalidArgument,
                             fmt::format("{} cell(s) rejected, first {} {}: {}",
                                         planned.rejected.size(), r.key, r.column, r.reason));
          }
          Plan plan;
          plan.events = std::move(planned.events);
          plan.expected_versions = std::move(planned.expected_versions);
          return plan;
        },
        admin, command);
    OrDie(std::move(result), "importing " + batch);
  };
  CsvTable corp_csv;
  corp_csv.header = {"ticker", "name", "status"};
  for (int c = 0; c < corps; ++c) {
    corp_csv.rows.push_back(
        {fmt::format("C{}", c), fmt::format("Bench Corp {}", c), c % 4 == 3 ? "blue" : "member"});
  }
  import(std::move(corp_csv), "bench-corps");
  CsvTable pilot_csv;
  pilot_csv.header = {"name", "corp", "clone", "timezone", "notes"};
  for (int p = 0; p < pilots; ++p) {
    pilot_csv.rows.push_back({fmt::format("Pilot {:05}", p), fmt::format("C{}", p % corps),
                              p % 3 == 0 ? "Omega" : "Alpha", fmt::format("UTC{:+}", p % 13 - 6),
                              p % 4 == 0 ? fmt::format("logi, fleet {}", p % 50) : ""});
  }
  import(std::move(pilot_csv), "bench-pilots");
}

double ProcessCpuMs() {
  timespec t{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

std::size_t CellsDiffering(const CellRows& a, const CellRows& b) {
  static const sheets::Cell kEmpty;
  auto at = [](const CellRows& g, std::size_t r, std::size_t c) -> const sheets::Cell& {
    return r < g.size() && c < g[r].size() ? g[r][c] : kEmpty;
  };
  std::size_t differing = 0;
  for (std::size_t r = 0; r < std::max(a.size(), b.size()); ++r) {
    const std::size_t width =
        std::max(r < a.size() ? a[r].size() : 0, r < b.size() ? b[r].size() : 0);
    for (std::size_t c = 0; c < width; ++c) differing += at(a, r, c) == at(b, r, c) ? 0 : 1;
  }
  return differing;
}

}  // namespace kraken::bench
