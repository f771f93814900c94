// sync_bench: the sheet projector's cycle (src/sync) against the Sheets emulator,
// on a real log in a temp dir holding --corps corps and --pilots pilots.
//   1. Cycles after k cells changed (k = 1, 10, 100): in the log through
//      RosterService commands, and separately typed into the sheet by an admin
//      (a second client). For each: requests by kind (the projector's client's
//      on_request hook), cells written (managed ones apart from the Analytics
//      and Conflicts tabs, whose changes are read back and counted), bytes sent,
//      wall time and process CPU time around RunCycle.
//   2. Idle cycles: one Drive files.get, no writes.
//   3. The peer: a naive bot rewriting the whole Pilots tab in one
//      values.batchUpdate, with the same client in the same run.
// The emulator runs in a child process, as Google would be remote, so the CPU
// time of this process (every thread: projector, client, log writer) is KRAKEN's.
// Medians over --runs cycles; counts are the most seen in any run.
#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <memory>
#include <mutex>
#include <numeric>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "events/schema.h"
#include "src/app/roster_service.h"
#include "src/sheets/a1.h"
#include "src/sheets/sheets_client.h"
#include "src/store/event_log.h"
#include "src/sync/projector.h"
#include "tools/bench/bench_util.h"
#include "tools/bench/sync_bench_setup.h"

namespace kraken::bench {
namespace {

using sheets::Cell;
using sheets::RequestRecord;
using sheets::ValueRange;

constexpr char kUsage[] =
    "usage: sync_bench [--pilots=5000] [--corps=10] [--runs=9] [--seed=1] [--tmp-dir=DIR]\n"
    "                  [--quick]\n"
    "  --pilots   rows of the Pilots tab\n"
    "  --runs     cycles measured per scenario (the median is reported)\n"
    "  --tmp-dir  where the log goes (default: <build dir>/bench-tmp)\n"
    "  --quick    --pilots=500 --runs=3\n";

constexpr char kEmail[] = "kraken-bench@kraken-local.iam.gserviceaccount.com";
constexpr int kTargetPilots = 5000;  // the size the CPU target is set for
constexpr double kTargetCpuMs = 50;
constexpr int kKs[] = {1, 10, 100};

const char* Met(bool met) { return met ? "met" : "MISSED"; }

std::string Bytes(double bytes) {
  if (bytes < 1e3) return fmt::format("{:.0f} B", bytes);
  if (bytes < 1e6) return fmt::format("{:.1f} kB", bytes / 1e3);
  return fmt::format("{:.2f} MB", bytes / 1e6);
}

// Every attempt the projector's client made, from its on_request hook.
struct Attempts {
  std::mutex mu;
  std::vector<RequestRecord> records;

  std::vector<RequestRecord> Take() {
    std::lock_guard lock(mu);
    return std::exchange(records, {});
  }
};

struct Counts {
  int drive = 0, read = 0, write = 0, failed = 0;  // failed: attempts not answered 200
  int total() const { return drive + read + write; }
};

Counts Count(const std::vector<RequestRecord>& records) {
  Counts c;
  for (const RequestRecord& r : records) {
    if (r.kind == RequestRecord::Kind::kDrive) ++c.drive;
    if (r.kind == RequestRecord::Kind::kRead) ++c.read;
    if (r.kind == RequestRecord::Kind::kWrite) ++c.write;
    if (r.status != 200) ++c.failed;
  }
  return c;
}

struct Sample {
  sync::CycleReport report;
  Counts counts;
  double wall_ms = 0, cpu_ms = 0;
  std::size_t analytics = 0, conflicts = 0;  // cells that changed on those tabs
  std::int64_t managed = 0;                  // cells_written less those: Pilots and Corps
};

struct Scenario {
  std::string name;
  int k = 0;
  bool from_sheet = false;
  std::vector<Sample> samples;
  std::size_t changed_managed = 0;  // cells of Pilots and Corps the first cycle changed

  template <typename F>
  std::vector<double> Each(F f) const {
    std::vector<double> out;
    for (const Sample& s : samples) out.push_back(static_cast<double>(f(s)));
    return out;
  }
  template <typename F>
  double Max(F f) const {
    const auto v = Each(f);
    return v.empty() ? 0 : *std::max_element(v.begin(), v.end());
  }
  double WallMs() const {
    return Median(Each([](const Sample& s) { return s.wall_ms; }));
  }
  double CpuMs() const {
    return Median(Each([](const Sample& s) { return s.cpu_ms; }));
  }
  double BytesSent() const {
    return Median(Each([](const Sample& s) { return s.report.bytes_sent; }));
  }
  bool RequestsOk() const {
    return std::all_of(samples.begin(), samples.end(), [](const Sample& s) {
      return s.counts.read == 1 && s.counts.write <= 2 && s.counts.failed == 0;
    });
  }
  // Log changes: exactly k managed cells written. Sheet edits: k imported and
  // nothing written back to Pilots or Corps (the sheet already shows them).
  bool CellsOk() const {
    const std::size_t want = from_sheet ? 0 : static_cast<std::size_t>(k);
    return changed_managed == want &&
           std::all_of(samples.begin(), samples.end(), [&](const Sample& s) {
             return s.managed == static_cast<std::int64_t>(want) &&
                    (!from_sheet || s.report.imported.size() == static_cast<std::size_t>(k));
           });
  }
};

class Bench {
 public:
  Bench(RosterService& roster, sheets::SheetsClient& client, sheets::SheetsClient& admin,
        Attempts& attempts, int pilots, std::uint64_t seed)
      : roster_(roster),
        client_(client),
        admin_(admin),
        attempts_(attempts),
        projector_(roster, client, sync::ProjectorOptions{}),
        pilots_(pilots),
        rng_(seed) {}

  // The first cycle: creates the tabs and writes every row.
  Sample Fill() {
    Sample s = Cycle(false);
    extra_ = Read({"Analytics", "Conflicts"});
    const std::vector<ValueRange> pilots = Read({"Pilots"});
    const auto& header = pilots[0].rows.at(0);
    for (std::size_t c = 0; c < header.size(); ++c) {
      if (header[c].text() == "notes") notes_col_ = static_cast<int>(c);
    }
    if (notes_col_ < 0) Die("the filled sheet", "the Pilots tab has no 'notes' header");
    if (pilots[0].rows.size() != static_cast<std::size_t>(pilots_) + 1) {
      Die("the filled sheet", fmt::format("the Pilots tab shows {} rows, not {} and a header",
                                          pilots[0].rows.size(), pilots_));
    }
    return s;
  }

  Scenario Changes(int k, bool from_sheet, int runs) {
    Scenario sc;
    sc.name = fmt::format("{}, k={}", from_sheet ? "sheet edits" : "log changes", k);
    sc.k = k;
    sc.from_sheet = from_sheet;
    const Actor admin{Source::kCli, "bench", true};
    std::vector<int> all(static_cast<std::size_t>(pilots_));
    std::iota(all.begin(), all.end(), 0);
    for (int run = 0; run < runs; ++run) {
      std::vector<int> picked;
      std::sample(all.begin(), all.end(), std::back_inserter(picked), k, rng_);
      if (from_sheet) {
        // One admin paste of k cells; rows 1..pilots each hold a pilot.
        std::vector<ValueRange> typed;
        for (int i : picked) {
          sheets::A1Range at{"Pilots", i + 1, notes_col_, i + 2, notes_col_ + 1};
          typed.push_back({sheets::FormatA1ForRequest(at),
                           {{Cell::String(fmt::format("sheet {} {} {}", k, run, i))}}});
        }
        OrDie(admin_.BatchUpdate(typed, sheets::ValueInput::kUserEntered), "typing into the sheet");
      } else {
        for (int i : picked) {
          OrDie(roster_.SetPilot(admin, fmt::format("Pilot {:05}", i),
                                 {{"notes", fmt::format("log {} {} {}", k, run, i)}}),
                "changing a pilot");
        }
      }
      std::vector<ValueRange> before;
      if (run == 0) before = Read({"Pilots", "Corps"});
      sc.samples.push_back(Cycle(true));
      if (run == 0) sc.changed_managed = Differing(before, Read({"Pilots", "Corps"}));
    }
    return sc;
  }

  Scenario Idle(int runs) {
    (void)Cycle(true);  // settles anything the last scenario left
    Scenario sc;
    sc.name = "idle";
    for (int run = 0; run < runs; ++run) sc.samples.push_back(Cycle(true));
    return sc;
  }

  // The naive bot: the whole Pilots tab (as it now is) in one values.batchUpdate.
  struct Peer {
    int rows = 0, columns = 0;
    std::uint64_t requests = 0;
    double bytes_sent = 0, wall_ms = 0, cpu_ms = 0;
  };
  Peer Naive(int runs) {
    Peer peer;
    ValueRange all = Read({"Pilots"})[0];
    // The used columns only: the read is padded to the grid's width (26).
    for (const auto& row : all.rows) {
      for (std::size_t c = 0; c < row.size(); ++c) {
        if (!row[c].empty()) peer.columns = std::max(peer.columns, static_cast<int>(c) + 1);
      }
    }
    for (auto& row : all.rows) row.resize(static_cast<std::size_t>(peer.columns));
    peer.rows = static_cast<int>(all.rows.size());
    all.range =
        sheets::FormatA1ForRequest(sheets::A1Range{"Pilots", 0, 0, peer.rows, peer.columns});
    std::vector<double> bytes, wall, cpu;
    for (int run = 0; run < runs; ++run) {
      const sheets::SheetsTraffic before = client_.traffic();
      const double cpu0 = ProcessCpuMs();
      const std::int64_t t0 = NowNs();
      OrDie(client_.BatchUpdate({all}, sheets::ValueInput::kRaw), "the naive rewrite");
      wall.push_back(Ms(NowNs() - t0));
      cpu.push_back(ProcessCpuMs() - cpu0);
      const sheets::SheetsTraffic after = client_.traffic();
      bytes.push_back(static_cast<double>(after.bytes_sent - before.bytes_sent));
      peer.requests = std::max(peer.requests, after.requests - before.requests);
    }
    attempts_.Take();
    peer.bytes_sent = Median(bytes);
    peer.wall_ms = Median(wall);
    peer.cpu_ms = Median(cpu);
    return peer;
  }

 private:
  // One measured cycle; with `diff_extra`, the Analytics and Conflicts cells it
  // changed are counted by reading those tabs after it (they were read before).
  Sample Cycle(bool diff_extra) {
    attempts_.Take();
    const double cpu0 = ProcessCpuMs();
    const std::int64_t t0 = NowNs();
    auto report = projector_.RunCycle();
    const std::int64_t t1 = NowNs();
    const double cpu1 = ProcessCpuMs();
    Sample s;
    s.report = OrDie(std::move(report), "a sync cycle");
    s.wall_ms = Ms(t1 - t0);
    s.cpu_ms = cpu1 - cpu0;
    s.counts = Count(attempts_.Take());
    if (diff_extra) {
      std::vector<ValueRange> now = Read({"Analytics", "Conflicts"});
      s.analytics = CellsDiffering(extra_[0].rows, now[0].rows);
      s.conflicts = CellsDiffering(extra_[1].rows, now[1].rows);
      extra_ = std::move(now);
    }
    s.managed = static_cast<std::int64_t>(s.report.cells_written) -
                static_cast<std::int64_t>(s.analytics + s.conflicts);
    return s;
  }

  std::vector<ValueRange> Read(const std::vector<std::string>& tabs) {
    std::vector<std::string> ranges;
    for (const auto& t : tabs) ranges.push_back(sheets::QuoteSheetName(t, true));
    return OrDie(admin_.BatchGet(ranges), "reading the sheet as the admin");
  }

  static std::size_t Differing(const std::vector<ValueRange>& a, const std::vector<ValueRange>& b) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < a.size() && i < b.size(); ++i)
      n += CellsDiffering(a[i].rows, b[i].rows);
    return n;
  }

  RosterService& roster_;
  sheets::SheetsClient& client_;
  sheets::SheetsClient& admin_;
  Attempts& attempts_;
  sync::SheetProjector projector_;
  const int pilots_;
  std::mt19937_64 rng_;
  int notes_col_ = -1;
  std::vector<ValueRange> extra_;  // Analytics and Conflicts as the last cycle left them
};

std::unique_ptr<sheets::SheetsClient> Client(const ChildEmulator& emulator, Attempts* attempts) {
  sheets::SheetsClientOptions options;
  options.spreadsheet_id = emulator.spreadsheet_id();
  options.sheets_root = emulator.base_url();
  options.drive_root = emulator.base_url();
  options.reads_per_minute = 0;
  options.writes_per_minute = 0;
  options.seed = 42;
  if (attempts != nullptr) {
    options.on_request = [attempts](const RequestRecord& r) {
      std::lock_guard lock(attempts->mu);
      attempts->records.push_back(r);
    };
  }
  auto key = OrDie(sheets::ParseServiceAccountKey(emulator.key_json(), "bench key"), "the key");
  return OrDie(sheets::SheetsClient::Create(key, options), "creating a Sheets client");
}

// The columns of the cycle table; PrintRow fills them.
constexpr char kRowFormat[] = "  {:<18} {:>11}  {:>13}  {:>7}  {:>6}  {:>10}  {:>9}  {:>9}\n";

void PrintRow(const Scenario& sc) {
  const auto max = [&](auto f) { return static_cast<long long>(sc.Max(f)); };
  const std::string requests =
      fmt::format("{} ({}/{}/{})", max([](const Sample& s) { return s.counts.total(); }),
                  max([](const Sample& s) { return s.counts.drive; }),
                  max([](const Sample& s) { return s.counts.read; }),
                  max([](const Sample& s) { return s.counts.write; }));
  const std::string cells = fmt::format("{}/{}/{}", max([](const Sample& s) { return s.managed; }),
                                        max([](const Sample& s) { return s.analytics; }),
                                        max([](const Sample& s) { return s.conflicts; }));
  fmt::print(kRowFormat, sc.name, requests, cells,
             sc.name == "idle" ? std::string("-") : std::to_string(sc.changed_managed),
             max([](const Sample& s) { return s.report.events_appended; }), Bytes(sc.BytesSent()),
             FormatMs(sc.WallMs()), FormatMs(sc.CpuMs()));
}

int Run(int argc, char** argv) {
  Flags flags(argc, argv, kUsage);
  const bool quick = flags.Has("quick");
  const int pilots = static_cast<int>(
      std::clamp<std::uint64_t>(flags.Int("pilots", quick ? 500 : kTargetPilots), 100, 100'000));
  const int corps = static_cast<int>(std::clamp<std::uint64_t>(flags.Int("corps", 10), 1, 1000));
  const int runs =
      static_cast<int>(std::clamp<std::uint64_t>(flags.Int("runs", quick ? 3 : 9), 1, 1000));
  const std::uint64_t seed = flags.Int("seed", 1);
  const std::string scratch = ScratchBase(flags);
  flags.RejectUnknown();

  // Before any thread exists here (the log's writer, the clients' I/O).
  ChildEmulator emulator = ChildEmulator::Start(kEmail);
  TempDir dir(scratch, "sync_bench");
  const Schema schema = Schema::Core();
  auto log = OrDie(EventLog::Open(dir.path() + "/log"), "opening the log");
  auto roster = OrDie(RosterService::Open(*log, schema), "opening the roster");
  const std::int64_t t0 = NowNs();
  SeedRoster(*roster, Actor{Source::kCli, "bench", true}, corps, pilots);
  const double seed_ms = Ms(NowNs() - t0);

  Attempts attempts;
  auto client = Client(emulator, &attempts);
  auto admin = Client(emulator, nullptr);
  Bench bench(*roster, *client, *admin, attempts, pilots, seed);
  const Sample fill = bench.Fill();

  std::vector<Scenario> scenarios;
  for (bool from_sheet : {false, true}) {
    for (int k : kKs) {
      if (k <= pilots) scenarios.push_back(bench.Changes(k, from_sheet, runs));
    }
  }
  const Scenario idle = bench.Idle(runs);
  const Bench::Peer peer = bench.Naive(runs);
  const double emulator_cpu_ms = emulator.Stop();

  fmt::print(
      "sync cycle (Pilots {} rows, Corps {}, a header each; the Sheets emulator in a child "
      "process on loopback, no quotas or faults; {} runs per row):\n",
      pilots, corps, runs);
  fmt::print("  roster registered as two import batches in {}\n", FormatMs(seed_ms));
  fmt::print(
      "  first cycle (creates tabs, fills the sheet): {} requests (drive {}, read {}, write "
      "{}), {} cells written, {} sent; wall {}, cpu {}\n",
      fill.counts.total(), fill.counts.drive, fill.counts.read, fill.counts.write,
      fill.report.cells_written, Bytes(static_cast<double>(fill.report.bytes_sent)),
      FormatMs(fill.wall_ms), FormatMs(fill.cpu_ms));
  fmt::print(kRowFormat, "cycle after", "requests", "cells written", "changed", "events",
             "bytes sent", "median", "median");
  fmt::print(kRowFormat, "", "(drv/rd/wr)", "mng/anl/cnf", "mng", "", "median", "wall", "cpu");
  for (const Scenario& sc : scenarios) PrintRow(sc);
  PrintRow(idle);
  fmt::print(
      "  (max over runs except medians; mng: Pilots+Corps cells, anl: Analytics, cnf: "
      "Conflicts; 'changed': Pilots+Corps cells that differ after the first run's cycle)\n");
  fmt::print(
      "  peer: naive rewrite of Pilots, one values.batchUpdate of {} rows x {} columns: {} "
      "request, {} sent; median wall {}, cpu {}\n",
      peer.rows, peer.columns, peer.requests, Bytes(peer.bytes_sent), FormatMs(peer.wall_ms),
      FormatMs(peer.cpu_ms));
  for (const Scenario& sc : scenarios) {
    fmt::print("  ratio {:<18} cycle / naive rewrite: bytes sent {:.4f}, median wall {:.2f}\n",
               sc.name, sc.BytesSent() / peer.bytes_sent, sc.WallMs() / peer.wall_ms);
  }
  fmt::print("  emulator process CPU over the whole run (not counted above): {}\n",
             FormatMs(emulator_cpu_ms));

  fmt::print("summary:\n");
  bool all_met = true;
  std::string per;
  for (const Scenario& sc : scenarios) {
    const bool ok = sc.RequestsOk() && sc.CellsOk();
    all_met = all_met && ok;
    per += fmt::format("{}{} {}", per.empty() ? "" : "; ", sc.name,
                       ok ? "met"
                          : fmt::format("MISSED (requests {}, cells {})", Met(sc.RequestsOk()),
                                        Met(sc.CellsOk())));
  }
  fmt::print(
      "  target one read request, at most two write requests, exactly k cells (sheet "
      "edits: k imported, none written back): {}\n",
      per);
  const bool idle_ok = std::all_of(idle.samples.begin(), idle.samples.end(), [](const Sample& s) {
    return s.report.idle && s.counts.total() == 1 && s.counts.drive == 1 &&
           s.report.cells_written == 0 && s.counts.failed == 0;
  });
  all_met = all_met && idle_ok;
  fmt::print(
      "  target idle: one request, no writes: {} request(s), {} cells; median wall {}, "
      "cpu {}: {}\n",
      static_cast<int>(idle.Max([](const Sample& s) { return s.counts.total(); })),
      static_cast<int>(idle.Max([](const Sample& s) { return s.report.cells_written; })),
      FormatMs(idle.WallMs()), FormatMs(idle.CpuMs()), Met(idle_ok));
  const Scenario* worst = nullptr;
  for (const Scenario& sc : scenarios) {
    if (worst == nullptr || sc.CpuMs() > worst->CpuMs()) worst = &sc;
  }
  if (worst != nullptr) {
    const double cpu = worst->CpuMs();
    const double typical = scenarios.front().CpuMs();
    if (pilots == kTargetPilots) {
      const bool met = cpu < kTargetCpuMs;
      all_met = all_met && met;
      fmt::print("  target full cycle CPU < {:.0f} ms: worst median {} ({}), {} {}; {}{}\n",
                 kTargetCpuMs, FormatMs(cpu), worst->name, scenarios.front().name,
                 FormatMs(typical), Met(met),
                 met ? "" : fmt::format(" by {}", FormatMs(cpu - kTargetCpuMs)));
    } else {
      fmt::print(
          "  full cycle CPU: worst median {} ({}), {} {} (the < {:.0f} ms target is for "
          "{} rows)\n",
          FormatMs(cpu), worst->name, scenarios.front().name, FormatMs(typical), kTargetCpuMs,
          kTargetPilots);
    }
  }
  return all_met ? 0 : 1;
}

}  // namespace
}  // namespace kraken::bench

int main(int argc, char** argv) { return kraken::bench::Run(argc, argv); }
