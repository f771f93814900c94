// decode_fold_bench: the CPU half of a full replay, without storage. Generates the
// replay_bench mix (roster_event_mix.h) as record bytes in memory, then times,
// on one thread:
//   decode only, through EventDecoder::Decode (a new Event per record) and through
//     EventDecoder::DecodeInto (one Event reused, as a scan loop can);
//   fold only: AllianceState::Apply of events decoded beforehand, a chunk at a time;
//   decode + fold, both ways: what a replay costs on one core, minus the reads.
// Each state folded is checked against one built by Apply()ing the generated events.
#include <fmt/format.h>
#include <time.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "events/codec.h"
#include "events/schema.h"
#include "projections/alliance_state.h"
#include "tools/bench/bench_util.h"
#include "tools/bench/roster_event_mix.h"

namespace kraken::bench {
namespace {

constexpr char kUsage[] =
    "usage: decode_fold_bench [--events=1000000] [--pilots=2000] [--corps=30] [--runs=5]\n"
    "                         [--only=TEXT] [--quick]\n"
    "  --events  records generated (in memory)\n"
    "  --runs    repetitions of each measurement (the median is reported)\n"
    "  --only    run only the measurements whose name contains TEXT (for profiling)\n"
    "  --quick   --events=100000 --runs=3\n";

constexpr std::int64_t kFirstTsUs = 1796342400000000;  // 2026-12-04T00:00:00Z
constexpr std::int64_t kMaxGapUs = 500'000;            // events up to 0.5 s apart
constexpr std::size_t kChunk = 1024;  // events per chunk, as EventLog::Scan has them

// The records as a log holds them: one contiguous block, each record at an offset.
struct Records {
  std::string bytes;
  std::vector<std::pair<std::size_t, std::size_t>> spans;  // offset, size
  std::string_view operator[](std::size_t i) const {
    return std::string_view(bytes).substr(spans[i].first, spans[i].second);
  }
  std::size_t size() const { return spans.size(); }
};

// 64 hex digits that look like a hash (splitmix64 of the sequence).
std::string FakeHash(std::uint64_t seq) {
  std::string out;
  std::uint64_t x = seq;
  for (int i = 0; i < 4; ++i) {
    x += 0x9E3779B97F4A7C15ULL;
    std::uint64_t z = x;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    out += fmt::format("{:016x}", z ^ (z >> 31));
  }
  return out;
}

// Encodes the mix with what the log would assign (seq, stream version, a
// non-decreasing ts, a hash) and folds the same events into `reference`.
Records Generate(std::size_t events, RosterEventMix::Options options, AllianceState& reference) {
  RosterEventMix mix(options);
  std::unordered_map<std::string, std::uint64_t> versions;
  std::uint64_t rng = 20261204;
  std::int64_t ts = kFirstTsUs;
  Records records;
  records.spans.reserve(events);
  for (std::uint64_t seq = 1; seq <= events; ++seq) {
    Event event = mix.Next();
    event.seq = seq;
    event.version = ++versions[event.stream];
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    ts += static_cast<std::int64_t>((rng >> 33) % kMaxGapUs);
    event.ts_us = ts;
    event.hash = FakeHash(seq);
    const std::string record = EncodeRecord(event);
    records.spans.emplace_back(records.bytes.size(), record.size());
    records.bytes += record;
    reference.Apply(event);
  }
  return records;
}

// CPU time of the calling thread, in nanoseconds: on a shared machine it leaves
// out the time other jobs held the core, which wall time counts.
std::int64_t ThreadCpuNs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

struct Samples {
  std::vector<double> wall_s;
  std::vector<double> cpu_s;
};

void Time(Samples& samples, const std::function<void()>& body) {
  const std::int64_t wall = NowNs(), cpu = ThreadCpuNs();
  body();
  samples.cpu_s.push_back(static_cast<double>(ThreadCpuNs() - cpu) / 1e9);
  samples.wall_s.push_back(static_cast<double>(NowNs() - wall) / 1e9);
}

int Run(int argc, char** argv) {
  Flags flags(argc, argv, kUsage);
  const bool quick = flags.Has("quick");
  const std::size_t events =
      std::max<std::uint64_t>(1, flags.Int("events", quick ? 100'000 : 1'000'000));
  RosterEventMix::Options options;
  options.pilots = std::max<std::uint64_t>(2, flags.Int("pilots", options.pilots));
  options.corps = std::max<std::uint64_t>(1, flags.Int("corps", options.corps));
  const std::size_t runs = std::max<std::uint64_t>(1, flags.Int("runs", quick ? 3 : 5));
  const std::string only = flags.Text("only", "");
  flags.RejectUnknown();

  const Schema schema = Schema::Core();
  AllianceState reference(schema);
  const std::int64_t generate_start = NowNs();
  const Records records = Generate(events, options, reference);
  const double generate_s = static_cast<double>(NowNs() - generate_start) / 1e9;
  const std::string expected = reference.EncodeSnapshot();

  std::uint64_t sink = 0;  // keeps the decode-only loops from being optimised away
  bool same_state = true;
  auto check = [&](const AllianceState& state) {
    same_state = same_state && state.EncodeSnapshot() == expected;
  };
  auto decode_only = [&](Samples& out) {
    EventDecoder decoder;
    Time(out, [&] {
      for (std::size_t i = 0; i < records.size(); ++i) {
        auto event = decoder.Decode(records[i], i + 1);
        if (!event.ok()) Die("decoding", event.error().message);
        sink += event->version;
      }
    });
  };
  auto decode_into_only = [&](Samples& out) {
    EventDecoder decoder;
    Event event;
    Time(out, [&] {
      for (std::size_t i = 0; i < records.size(); ++i) {
        OrDie(decoder.DecodeInto(records[i], i + 1, event), "decoding");
        sink += event.version;
      }
    });
  };
  // As a scan delivers them: a chunk of events decoded (not timed), then folded.
  auto fold_only = [&](Samples& out) {
    EventDecoder decoder;
    AllianceState state(schema);
    std::vector<Event> chunk(kChunk);
    std::int64_t wall_ns = 0, cpu_ns = 0;
    for (std::size_t first = 0; first < records.size(); first += kChunk) {
      const std::size_t n = std::min(kChunk, records.size() - first);
      for (std::size_t i = 0; i < n; ++i) {
        chunk[i] = OrDie(decoder.Decode(records[first + i], first + i + 1), "decoding");
      }
      const std::int64_t wall = NowNs(), cpu = ThreadCpuNs();
      for (std::size_t i = 0; i < n; ++i) state.Apply(chunk[i]);
      cpu_ns += ThreadCpuNs() - cpu;
      wall_ns += NowNs() - wall;
    }
    out.wall_s.push_back(static_cast<double>(wall_ns) / 1e9);
    out.cpu_s.push_back(static_cast<double>(cpu_ns) / 1e9);
    check(state);
  };
  auto decode_and_fold = [&](Samples& out) {
    EventDecoder decoder;
    AllianceState state(schema);
    Time(out, [&] {
      for (std::size_t i = 0; i < records.size(); ++i) {
        auto event = decoder.Decode(records[i], i + 1);
        if (!event.ok()) Die("decoding", event.error().message);
        state.Apply(*event);
      }
    });
    check(state);
  };
  auto decode_into_and_fold = [&](Samples& out) {
    EventDecoder decoder;
    AllianceState state(schema);
    Event event;
    Time(out, [&] {
      for (std::size_t i = 0; i < records.size(); ++i) {
        OrDie(decoder.DecodeInto(records[i], i + 1, event), "decoding");
        state.Apply(event);
      }
    });
    check(state);
  };
  struct Measure {
    std::string name;
    std::function<void(Samples&)> run;
    Samples samples;
  };
  std::vector<Measure> measures = {
      {"decode only, Decode", decode_only, {}},
      {"decode only, DecodeInto", decode_into_only, {}},
      {"fold only (AllianceState::Apply)", fold_only, {}},
      {"decode + fold, Decode", decode_and_fold, {}},
      {"decode + fold, DecodeInto", decode_into_and_fold, {}},
  };

  std::erase_if(measures, [&](const Measure& m) { return m.name.find(only) == std::string::npos; });
  // Interleaved, the order rotating each run, so machine noise hits all alike.
  for (std::size_t run = 0; run < runs; ++run) {
    for (std::size_t k = 0; k < measures.size(); ++k) {
      Measure& m = measures[(run + k) % measures.size()];
      m.run(m.samples);
    }
  }

  fmt::print(
      "decode and fold from memory ({} records, {:.0f} MB, avg {:.0f} bytes; {} pilots in "
      "{} corps; generated in {:.1f} s), one thread, {} runs:\n",
      records.size(), static_cast<double>(records.bytes.size()) / 1e6,
      static_cast<double>(records.bytes.size()) / static_cast<double>(records.size()),
      options.pilots, options.corps, generate_s, runs);
  for (const Measure& m : measures) {
    const double median = Median(m.samples.wall_s);
    fmt::print("  {:<34} median {:>8}  ({:.0f} ns/event; min {}; thread CPU median {})\n", m.name,
               FormatMs(median * 1e3), median * 1e9 / static_cast<double>(records.size()),
               FormatMs(*std::min_element(m.samples.wall_s.begin(), m.samples.wall_s.end()) * 1e3),
               FormatMs(Median(m.samples.cpu_s) * 1e3));
  }
  fmt::print("  every fold gives the state of Apply()ing the generated events: {}\n",
             same_state ? "yes" : "NO");
  if (sink == 0) fmt::print(" \n");
  return same_state ? 0 : 1;
}

}  // namespace
}  // namespace kraken::bench

int main(int argc, char** argv) { return kraken::bench::Run(argc, argv); }
