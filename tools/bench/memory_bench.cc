// memory_bench: what the in-memory roster costs. Builds an AllianceState of many
// pilots (realistic values: corp, clone, timezone, notes, Discord ids, a quarter
// of them alts) by Apply()ing events directly, no log, and reports how much the
// process's resident memory grew, and per pilot.
#include <fmt/format.h>
#include <malloc.h>

#include <algorithm>
#include <memory>
#include <string>

#include "events/schema.h"
#include "projections/alliance_state.h"
#include "tools/bench/bench_util.h"
#include "tools/bench/roster_event_mix.h"

namespace kraken::bench {
namespace {

constexpr char kUsage[] =
    "usage: memory_bench [--pilots=100000] [--corps=1000] [--alt-every=4] [--quick]\n"
    "  --pilots     pilots registered\n"
    "  --corps      corps they are spread over\n"
    "  --alt-every  every n-th pilot is an alt of the pilot before it (0: no alts)\n"
    "  --quick      --pilots=20000\n";

// The size the memory target (< 100 MB) is set for.
constexpr std::size_t kTargetPilots = 100'000;
constexpr std::int64_t kFirstTsUs = 1767225600000000;  // 2026-01-01T00:00:00Z
constexpr std::int64_t kEventGapUs = 30'000'000;       // an event every 30 s

std::uint64_t HeapInUse() {
  const struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

double Mb(std::uint64_t bytes) { return static_cast<double>(bytes) / 1e6; }

int Run(int argc, char** argv) {
  Flags flags(argc, argv, kUsage);
  const bool quick = flags.Has("quick");
  const std::size_t pilots =
      std::max<std::uint64_t>(1, flags.Int("pilots", quick ? 20'000 : kTargetPilots));
  const std::size_t corps = std::max<std::uint64_t>(1, flags.Int("corps", 1000));
  const std::size_t alt_every = flags.Int("alt-every", 4);
  flags.RejectUnknown();

  const Schema schema = Schema::Core();
  RosterEventMix::Options options;
  options.pilots = pilots;
  options.corps = corps;
  RosterEventMix mix(options);  // its own bookkeeping is allocated before the baseline

  std::uint64_t seq = 0;
  auto apply = [&](AllianceState& state, Event event) {
    event.seq = ++seq;
    event.version = 1;
    event.ts_us = kFirstTsUs + static_cast<std::int64_t>(seq) * kEventGapUs;
    state.Apply(event);
  };

  malloc_trim(0);
  const std::uint64_t rss_before = ResidentBytes();
  const std::uint64_t heap_before = HeapInUse();
  auto state = std::make_unique<AllianceState>(schema);
  for (std::size_t i = 0; i < mix.setup_events(); ++i) apply(*state, mix.Next());
  std::size_t alts = 0;
  if (alt_every > 1) {
    for (std::size_t p = alt_every - 1; p < pilots; p += alt_every) {
      apply(*state, mix.LinkAlt(p, p - 1));
      ++alts;
    }
  }
  const std::uint64_t rss_after = ResidentBytes();
  const std::uint64_t heap_after = HeapInUse();

  const std::size_t rows = state->roster().size(Table::kPilot);
  const std::uint64_t rss_growth = rss_after > rss_before ? rss_after - rss_before : 0;
  const std::uint64_t heap_growth = heap_after > heap_before ? heap_after - heap_before : 0;
  fmt::print("memory ({} pilots in {} corps, {} of them alts; {} events applied):\n", rows,
             state->roster().size(Table::kCorp), alts, seq);
  const std::string target =
      pilots == kTargetPilots
          ? fmt::format("target < 100 MB: {}", rss_growth < 100'000'000 ? "met" : "MISSED")
          : fmt::format("the < 100 MB target is for {} pilots", kTargetPilots);
  fmt::print("  RSS {:.1f} MB -> {:.1f} MB: growth {:.1f} MB ({})\n", Mb(rss_before), Mb(rss_after),
             Mb(rss_growth), target);
  fmt::print("  per pilot: {:.0f} bytes of RSS, {:.0f} bytes of heap in use\n",
             static_cast<double>(rss_growth) / static_cast<double>(rows),
             static_cast<double>(heap_growth) / static_cast<double>(rows));
  const std::string snapshot = state->EncodeSnapshot();
  fmt::print("  for scale: the snapshot encoding is {:.1f} MB ({:.0f} bytes per pilot)\n",
             Mb(snapshot.size()), static_cast<double>(snapshot.size()) / static_cast<double>(rows));
  return 0;
}

}  // namespace
}  // namespace kraken::bench

int main(int argc, char** argv) { return kraken::bench::Run(argc, argv); }
