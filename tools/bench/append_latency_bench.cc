// append_latency_bench: how long one durable append takes with one writer.
// Measures, interleaved in blocks so machine noise hits all three alike:
//   kraken EventLog::Append of one PilotFieldsChanged with an expected version,
//   raw LMDB: one mdb_put(MDB_APPEND) of the same record bytes per commit,
//   SQLite in WAL mode with synchronous=FULL: one INSERT of the same bytes per transaction.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <string>
#include <vector>

#include "events/codec.h"
#include "src/store/event_log.h"
#include "tools/bench/bench_util.h"
#include "tools/bench/raw_lmdb_log.h"
#include "tools/bench/roster_event_mix.h"
#include "tools/bench/sqlite_event_table.h"

namespace kraken::bench {
namespace {

constexpr char kUsage[] =
    "usage: append_latency_bench [--n=2000] [--block=100] [--pilots=16] [--tmp-dir=DIR] [--quick]\n"
    "  --n       durable single appends per store\n"
    "  --block   appends per store before switching to the next (the order rotates)\n"
    "  --pilots  pilot streams the kraken appends rotate over\n"
    "  --quick   --n=300\n";

constexpr std::size_t kWarmupAppends = 20;
constexpr std::size_t kStores = 3;

struct Latencies {
  const char* label;
  std::vector<double> ms;
};

int Run(int argc, char** argv) {
  Flags flags(argc, argv, kUsage);
  const bool quick = flags.Has("quick");
  const std::size_t n = flags.Int("n", quick ? 300 : 2000);
  const std::size_t block = std::max<std::uint64_t>(1, flags.Int("block", 100));
  const std::size_t pilots = std::max<std::uint64_t>(1, flags.Int("pilots", 16));
  const std::string base = ScratchBase(flags);
  flags.RejectUnknown();
  TempDir dir(base, "append_latency");

  auto log = OrDie(EventLog::Open(dir.path() + "/kraken"), "opening the kraken log");
  const std::string lmdb_dir = dir.path() + "/lmdb";
  std::filesystem::create_directories(lmdb_dir);
  auto lmdb = OrDie(RawLmdbLog::Open(lmdb_dir), "opening raw LMDB");
  auto sqlite = OrDie(SqliteEventTable::Open(dir.path() + "/events.sqlite"), "opening SQLite");

  // The pilots exist before any change is appended to their streams.
  RosterEventMix::Options mix_options;
  mix_options.pilots = pilots;
  mix_options.corps = 1;
  RosterEventMix mix(mix_options);
  mix.Next();  // the corp
  std::vector<std::uint64_t> versions(pilots, 0);
  for (std::size_t p = 0; p < pilots; ++p) {
    AppendRequest request;
    request.events.push_back(mix.Next());
    request.expected_versions[request.events[0].stream] = 0;
    OrDie(log->Append(std::move(request)), "registering a pilot");
    versions[p] = 1;
  }

  std::size_t next_pilot = 0;
  auto kraken_append = [&] {
    const std::size_t p = next_pilot++ % pilots;
    AppendRequest request;
    request.events.push_back(mix.ChangeFields(p));
    request.expected_versions[request.events[0].stream] = versions[p];
    const std::int64_t start = NowNs();
    auto appended = log->Append(std::move(request));
    const std::int64_t took = NowNs() - start;
    if (!appended.ok()) Die("kraken append", appended.error().message);
    ++versions[p];
    return took;
  };

  // The peers store what the log stores for such an event: its record.
  const std::uint64_t head = OrDie(log->Head(), "reading the head");
  kraken_append();
  const std::string record = EncodeRecord(OrDie(log->Get(head + 1), "reading the record back"));
  std::uint64_t lmdb_seq = 0, sqlite_seq = 0;
  auto lmdb_append = [&] {
    const std::int64_t start = NowNs();
    const Status s = lmdb->Append(++lmdb_seq, record);
    const std::int64_t took = NowNs() - start;
    OrDie(s, "raw LMDB append");
    return took;
  };
  auto sqlite_append = [&] {
    const std::int64_t start = NowNs();
    const Status s = sqlite->AppendDurable(++sqlite_seq, record);
    const std::int64_t took = NowNs() - start;
    OrDie(s, "SQLite append");
    return took;
  };

  for (std::size_t i = 0; i < kWarmupAppends; ++i) {
    kraken_append();
    lmdb_append();
    sqlite_append();
  }

  std::array<Latencies, kStores> results = {Latencies{"kraken EventLog", {}},
                                            Latencies{"raw LMDB", {}},
                                            Latencies{"SQLite WAL FULL", {}}};
  for (auto& r : results) r.ms.reserve(n);
  const std::int64_t started = NowNs();
  for (std::size_t round = 0; results[0].ms.size() < n; ++round) {
    const std::size_t count = std::min(block, n - results[0].ms.size());
    for (std::size_t k = 0; k < kStores; ++k) {
      const std::size_t store = (round + k) % kStores;  // each store takes each slot in turn
      for (std::size_t i = 0; i < count; ++i) {
        const std::int64_t ns = store == 0   ? kraken_append()
                                : store == 1 ? lmdb_append()
                                             : sqlite_append();
        results[store].ms.push_back(Ms(ns));
      }
    }
  }
  const double elapsed_s = static_cast<double>(NowNs() - started) / 1e9;

  fmt::print(
      "append latency ({} durable single appends per store, interleaved in blocks of {}; "
      "{:.1f} s):\n",
      n, block, elapsed_s);
  fmt::print("  record: {} bytes (PilotFieldsChanged on a pilot stream, expected version set)\n",
             record.size());
  for (const auto& r : results) {
    fmt::print("  {:<17} median {:>8}  p90 {:>8}  p99 {:>8}\n", r.label, FormatMs(Median(r.ms)),
               FormatMs(Percentile(r.ms, 90)), FormatMs(Percentile(r.ms, 99)));
  }
  const double kraken = Median(results[0].ms);
  const double vs_lmdb = kraken / Median(results[1].ms);
  const double vs_sqlite = kraken / Median(results[2].ms);
  fmt::print("  ratio kraken/raw LMDB = {:.2f} (target <= 1.15: {})\n", vs_lmdb,
             vs_lmdb <= 1.15 ? "met" : "MISSED");
  fmt::print("  ratio kraken/SQLite   = {:.2f} (medians; below 1 means kraken is faster)\n",
             vs_sqlite);
  return 0;
}

}  // namespace
}  // namespace kraken::bench

int main(int argc, char** argv) { return kraken::bench::Run(argc, argv); }
