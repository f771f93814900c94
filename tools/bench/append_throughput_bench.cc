// append_throughput_bench: durable appends per second with many concurrent
// writers, each on its own stream, every event individually durable:
//   kraken EventLog: each thread calls Append per event; the caller leading each
//     group merges whatever is queued into one commit and one sync (group commit);
//   SQLite in WAL mode with synchronous=FULL: one connection per thread,
//     BEGIN IMMEDIATE + INSERT + COMMIT per event.
// Each run starts from an empty store; the runs alternate between the two.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <latch>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "events/codec.h"
#include "src/store/event_log.h"
#include "tools/bench/bench_util.h"
#include "tools/bench/roster_event_mix.h"
#include "tools/bench/sqlite_event_table.h"

namespace kraken::bench {
namespace {

constexpr char kUsage[] =
    "usage: append_throughput_bench [--threads=64] [--per-thread=1000] [--sqlite-per-thread=50]\n"
    "                               [--runs=3] [--tmp-dir=DIR] [--quick]\n"
    "  --threads            concurrent writers, each appending to its own stream\n"
    "  --per-thread         durable single-event appends per kraken writer\n"
    "  --sqlite-per-thread  the same per SQLite writer; fewer by default, because SQLite\n"
    "                       commits one event per sync and would take minutes otherwise\n"
    "                       (the rate is steady, so the count does not change it)\n"
    "  --runs               runs per store (alternating kraken, SQLite)\n"
    "  --quick              --per-thread=200 --sqlite-per-thread=20 --runs=1\n";

struct Workload {
  std::size_t threads;
  std::size_t per_thread;
  std::size_t total() const { return threads * per_thread; }
};

// Runs `work(thread)` on `threads` threads released together; the wall time in
// seconds from the release until the last one finished.
template <typename Work>
double TimeThreads(std::size_t threads, Work work) {
  std::latch ready(static_cast<std::ptrdiff_t>(threads) + 1);
  std::latch go(1);
  std::vector<std::thread> pool;
  pool.reserve(threads);
  for (std::size_t t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      ready.count_down();
      go.wait();
      work(t);
    });
  }
  ready.arrive_and_wait();
  const std::int64_t start = NowNs();
  go.count_down();
  for (auto& thread : pool) thread.join();
  return static_cast<double>(NowNs() - start) / 1e9;
}

double KrakenRun(const std::string& base, const Workload& w) {
  TempDir dir(base, "throughput_kraken");
  auto log = OrDie(EventLog::Open(dir.path()), "opening the kraken log");
  // Every request is built before the clock starts: measured is the log, not
  // the making of events. Thread t owns pilot t's stream: registered, then changed.
  RosterEventMix::Options options;
  options.pilots = w.threads;
  options.corps = 1;
  RosterEventMix mix(options);
  mix.Next();  // the corp, not appended
  std::vector<std::vector<AppendRequest>> requests(w.threads);
  for (std::size_t t = 0; t < w.threads; ++t) {
    requests[t].resize(w.per_thread);
    requests[t][0].events.push_back(mix.Next());
  }
  for (std::size_t t = 0; t < w.threads; ++t) {
    for (std::size_t i = 0; i < w.per_thread; ++i) {
      AppendRequest& request = requests[t][i];
      if (i > 0) request.events.push_back(mix.ChangeFields(t));
      request.expected_versions[request.events[0].stream] = i;
    }
  }
  std::atomic<bool> failed = false;
  const double seconds = TimeThreads(w.threads, [&](std::size_t t) {
    for (AppendRequest& request : requests[t]) {
      auto appended = log->Append(std::move(request));
      if (!appended.ok()) {
        if (!failed.exchange(true)) Die("kraken append", appended.error().message);
      }
    }
  });
  if (OrDie(log->Head(), "reading the head") != w.total()) Die("kraken run", "events missing");
  return static_cast<double>(w.total()) / seconds;
}

double SqliteRun(const std::string& base, const Workload& w, const std::string& record) {
  TempDir dir(base, "throughput_sqlite");
  const std::string path = dir.path() + "/events.sqlite";
  std::vector<std::unique_ptr<SqliteEventTable>> connections;
  for (std::size_t t = 0; t < w.threads; ++t) {
    connections.push_back(OrDie(SqliteEventTable::Open(path), "opening a SQLite connection"));
  }
  const double seconds = TimeThreads(w.threads, [&](std::size_t t) {
    for (std::size_t i = 0; i < w.per_thread; ++i) {
      OrDie(connections[t]->AppendDurable(0, record), "SQLite append");
    }
  });
  if (OrDie(connections[0]->Count(), "counting") != w.total()) Die("SQLite run", "rows missing");
  return static_cast<double>(w.total()) / seconds;
}

// The record of a typical PilotFieldsChanged, as the log stores it.
std::string TypicalRecord() {
  RosterEventMix mix({});
  Event event = mix.ChangeFields(7);
  event.seq = 123456;
  event.version = 42;
  event.ts_us = 1796398313123456;  // 2026-12-04T15:31:53.123456Z
  event.hash = std::string(kHashHexLength, 'c');
  return EncodeRecord(event);
}

std::string Runs(const std::vector<double>& rates) {
  std::string out;
  for (double r : rates) out += fmt::format("{}{:.0f}", out.empty() ? "" : ", ", r);
  return out;
}

int Run(int argc, char** argv) {
  Flags flags(argc, argv, kUsage);
  const bool quick = flags.Has("quick");
  Workload w, ws;
  w.threads = ws.threads = std::max<std::uint64_t>(1, flags.Int("threads", 64));
  w.per_thread = std::max<std::uint64_t>(1, flags.Int("per-thread", quick ? 200 : 1000));
  ws.per_thread = std::max<std::uint64_t>(1, flags.Int("sqlite-per-thread", quick ? 20 : 50));
  const std::size_t runs = std::max<std::uint64_t>(1, flags.Int("runs", quick ? 1 : 3));
  const std::string base = ScratchBase(flags);
  flags.RejectUnknown();

  const std::string record = TypicalRecord();
  std::vector<double> kraken, sqlite;
  const std::int64_t started = NowNs();
  for (std::size_t run = 0; run < runs; ++run) {
    // Alternate which store goes first, so neither always inherits the other's
    // dirty page cache and write-back.
    if (run % 2 == 0) {
      kraken.push_back(KrakenRun(base, w));
      sqlite.push_back(SqliteRun(base, ws, record));
    } else {
      sqlite.push_back(SqliteRun(base, ws, record));
      kraken.push_back(KrakenRun(base, w));
    }
  }
  const double elapsed_s = static_cast<double>(NowNs() - started) / 1e9;

  fmt::print(
      "append throughput ({} threads, each its own stream, durable single-event appends: "
      "kraken {} x {}, SQLite {} x {}; {} runs each, alternating; {:.1f} s):\n",
      w.threads, w.threads, w.per_thread, ws.threads, ws.per_thread, runs, elapsed_s);
  const double k = Median(kraken), s = Median(sqlite);
  fmt::print("  kraken EventLog (group commit)   median {:>7.0f} events/s  (runs: {})\n", k,
             Runs(kraken));
  fmt::print("  SQLite WAL FULL, conn per thread median {:>7.0f} events/s  (runs: {})\n", s,
             Runs(sqlite));
  fmt::print("  kraken events/s = {:.0f} (target >= 30000: {})\n", k,
             k >= 30000 ? "met" : "MISSED");
  fmt::print("  ratio kraken/SQLite = {:.1f}x (target >= 5x: {})\n", k / s,
             k / s >= 5 ? "met" : "MISSED");
  return 0;
}

}  // namespace
}  // namespace kraken::bench

int main(int argc, char** argv) { return kraken::bench::Run(argc, argv); }
