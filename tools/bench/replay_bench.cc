// replay_bench: how fast the roster is rebuilt from the log at start-up.
//   kraken LoadState without a snapshot: a full replay of every event;
//   the same record bytes read in order out of a SQLite table, decoded with the
//     same EventDecoder and folded into the same AllianceState (the peer);
//   log.Scan alone (read + decode, no fold), to split storage+decode from folding;
//   start-up with a snapshot at the head: EventLog::Open + LoadState.
// The log is generated first (a realistic mix; see roster_event_mix.h) through
// EventLog::Append in large batches, or reused with --log-dir.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "events/codec.h"
#include "events/schema.h"
#include "projections/alliance_state.h"
#include "src/app/state_loader.h"
#include "src/store/event_log.h"
#include "tools/bench/bench_util.h"
#include "tools/bench/roster_event_mix.h"
#include "tools/bench/sqlite_event_table.h"

namespace kraken::bench {
namespace {

constexpr char kUsage[] =
    "usage: replay_bench [--events=1000000] [--pilots=2000] [--corps=30] [--batch=1000]\n"
    "                    [--runs=5] [--log-dir=DIR] [--tmp-dir=DIR] [--quick]\n"
    "  --events   events in the log\n"
    "  --batch    events per AppendRequest while generating the log\n"
    "  --runs     repetitions of each measurement (the median is reported)\n"
    "  --log-dir  keep the generated log and its SQLite peer in DIR and reuse them when DIR\n"
    "             already holds exactly --events events (the default: a temp dir, removed)\n"
    "  --quick    --events=100000 --runs=3\n";

// The size the replay target (< 1 s) is set for.
constexpr std::uint64_t kTargetEvents = 1'000'000;

struct Setup {
  std::size_t events;
  std::size_t pilots;
  std::size_t corps;
  std::size_t batch;
};

// Appends the generated mix in batches; returns the seconds it took.
double Generate(EventLog& log, const Setup& s) {
  RosterEventMix::Options options;
  options.pilots = s.pilots;
  options.corps = s.corps;
  RosterEventMix mix(options);
  const std::int64_t start = NowNs();
  for (std::size_t done = 0; done < s.events;) {
    AppendRequest request;
    const std::size_t n = std::min(s.batch, s.events - done);
    request.events.reserve(n);
    for (std::size_t i = 0; i < n; ++i) request.events.push_back(mix.Next());
    OrDie(log.Append(std::move(request)), "appending a generated batch");
    done += n;
  }
  return static_cast<double>(NowNs() - start) / 1e9;
}

// Fills the SQLite peer with every record of the log, in one transaction.
void FillPeer(const EventLog& log, SqliteEventTable& peer, std::uint64_t head) {
  OrDie(peer.Begin(), "starting the SQLite load");
  Status inserted = Ok{};
  OrDie(log.Scan(1, head,
                 [&](const Event& e) {
                   // The record as the log stores it: the codec is canonical and the
                   // hash is the stored one, so this re-encoding gives the same bytes.
                   inserted = peer.Insert(e.seq, EncodeRecord(e));
                   return inserted.ok();
                 }),
        "reading the log");
  OrDie(std::move(inserted), "loading the SQLite peer");
  OrDie(peer.Commit(), "committing the SQLite load");
}

AllianceState ReplayFromSqlite(SqliteEventTable& peer, const Schema& schema) {
  AllianceState state(schema);
  EventDecoder decoder;
  std::optional<Error> failed;
  OrDie(peer.Scan([&](std::uint64_t seq, std::string_view record) {
    auto event = decoder.Decode(record, seq);
    if (!event.ok()) {
      failed = event.take_error();
      return false;
    }
    state.Apply(*event);
    return true;
  }),
        "reading the SQLite peer");
  if (failed) Die("decoding a SQLite record", failed->message);
  return state;
}

std::uint64_t DirBytes(const std::string& dir) {
  std::uint64_t bytes = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_regular_file()) bytes += entry.file_size();
  }
  return bytes;
}

double SecondsSince(std::int64_t start) { return static_cast<double>(NowNs() - start) / 1e9; }

std::string Met(bool met) { return met ? "met" : "MISSED"; }

int Run(int argc, char** argv) {
  Flags flags(argc, argv, kUsage);
  const bool quick = flags.Has("quick");
  Setup s;
  s.events = std::max<std::uint64_t>(1, flags.Int("events", quick ? 100'000 : kTargetEvents));
  s.pilots = std::max<std::uint64_t>(2, flags.Int("pilots", 2000));
  s.corps = std::max<std::uint64_t>(1, flags.Int("corps", 30));
  s.batch = std::max<std::uint64_t>(1, flags.Int("batch", 1000));
  const std::size_t runs = std::max<std::uint64_t>(1, flags.Int("runs", quick ? 3 : 5));
  const std::string kept_dir = flags.Text("log-dir", "");
  const std::string base = ScratchBase(flags);
  flags.RejectUnknown();

  std::optional<TempDir> temp;
  std::string dir = kept_dir;
  if (dir.empty()) {
    temp.emplace(base, "replay");
    dir = temp->path();
  }
  const std::string log_dir = dir + "/log";
  const std::string peer_path = dir + "/peer.sqlite";
  const Schema schema = Schema::Core();

  // The log, generated or reused.
  auto log = OrDie(EventLog::Open(log_dir), "opening the kraken log");
  std::uint64_t head = OrDie(log->Head(), "reading the head");
  std::string origin;
  if (head == 0) {
    const double seconds = Generate(*log, s);
    head = OrDie(log->Head(), "reading the head");
    origin = fmt::format("generated in {:.1f} s ({:.0f} events/s, batches of {})", seconds,
                         static_cast<double>(head) / seconds, s.batch);
  } else if (head == s.events) {
    origin = fmt::format("reused from {}", log_dir);
  } else {
    Die("reusing " + log_dir,
        fmt::format("it holds {} events, not {}; remove it or pick another --log-dir", head,
                    s.events));
  }
  auto peer = OrDie(SqliteEventTable::Open(peer_path), "opening the SQLite peer");
  if (OrDie(peer->Count(), "counting the SQLite peer") != head) {
    peer.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(peer_path + suffix);
    peer = OrDie(SqliteEventTable::Open(peer_path), "creating the SQLite peer");
    const std::int64_t start = NowNs();
    FillPeer(*log, *peer, head);
    origin += fmt::format("; SQLite peer filled in {:.1f} s", SecondsSince(start));
  }

  // Full replays, alternating between the two stores.
  std::vector<double> kraken_s, sqlite_s, scan_s;
  std::string kraken_snapshot, sqlite_snapshot;
  std::size_t pilots = 0, corps = 0;
  LoadOptions no_snapshot;
  no_snapshot.use_snapshot = false;
  for (std::size_t run = 0; run < runs; ++run) {
    for (int k = 0; k < 2; ++k) {
      if ((run + k) % 2 == 0) {
        std::int64_t start = NowNs();
        AllianceState state = OrDie(LoadState(*log, schema, no_snapshot), "LoadState");
        kraken_s.push_back(SecondsSince(start));
        if (run == 0) {
          kraken_snapshot = state.EncodeSnapshot();
          pilots = state.roster().size(Table::kPilot);
          corps = state.roster().size(Table::kCorp);
        }
      } else {
        const std::int64_t start = NowNs();
        AllianceState state = ReplayFromSqlite(*peer, schema);
        sqlite_s.push_back(SecondsSince(start));
        if (run == 0) sqlite_snapshot = state.EncodeSnapshot();
      }
    }
    std::uint64_t seen = 0;
    const std::int64_t start = NowNs();
    OrDie(log->Scan(1, head, [&](const Event&) { return ++seen > 0; }), "scanning the log");
    scan_s.push_back(SecondsSince(start));
  }

  // Start-up from a snapshot at the head, as a restarted server does it.
  {
    AllianceState state = OrDie(LoadState(*log, schema, no_snapshot), "LoadState");
    OrDie(SaveSnapshot(*log, state), "saving the snapshot");
  }
  log.reset();
  std::vector<double> startup_s, load_s;
  LoadReport report;
  for (std::size_t run = 0; run < runs; ++run) {
    const std::int64_t start = NowNs();
    auto reopened = OrDie(EventLog::Open(log_dir), "reopening the kraken log");
    const std::int64_t opened = NowNs();
    AllianceState state = OrDie(LoadState(*reopened, schema, LoadOptions{}, &report), "LoadState");
    const std::int64_t loaded = NowNs();
    startup_s.push_back(static_cast<double>(loaded - start) / 1e9);
    load_s.push_back(static_cast<double>(loaded - opened) / 1e9);
  }

  const double kraken = Median(kraken_s), sqlite = Median(sqlite_s);
  const double startup = Median(startup_s);
  fmt::print(
      "replay ({} events: {} pilots in {} corps, realistic mix; log {:.0f} MB, "
      "SQLite peer {:.0f} MB):\n",
      head, s.pilots, s.corps, static_cast<double>(DirBytes(log_dir)) / 1e6,
      static_cast<double>(std::filesystem::file_size(peer_path)) / 1e6);
  fmt::print("  log {}\n", origin);
  fmt::print("  kraken LoadState, no snapshot      median {:>8}  ({:.0f} events/s)\n",
             FormatMs(kraken * 1e3), static_cast<double>(head) / kraken);
  fmt::print("  SQLite read + same decode + fold   median {:>8}\n", FormatMs(sqlite * 1e3));
  fmt::print("  kraken log.Scan only (no fold)     median {:>8}\n", FormatMs(Median(scan_s) * 1e3));
  if (head == kTargetEvents) {
    fmt::print("  full replay {:.2f} s (target < 1 s: {})\n", kraken, Met(kraken < 1.0));
  } else {
    fmt::print("  full replay {:.2f} s (the < 1 s target is for {} events)\n", kraken,
               kTargetEvents);
  }
  fmt::print("  ratio kraken/SQLite replay = {:.2f}\n", kraken / sqlite);
  fmt::print(
      "  snapshot {:.1f} MB; start-up with it: Open + LoadState median {:>8} "
      "(LoadState alone {}) (target < 100 ms: {})\n",
      static_cast<double>(kraken_snapshot.size()) / 1e6, FormatMs(startup * 1e3),
      FormatMs(Median(load_s) * 1e3), Met(startup < 0.1));
  if (report.snapshot_seq != head) {
    fmt::print("  WARNING: the snapshot was not used (at {}, head {}): {}\n", report.snapshot_seq,
               head, report.snapshot_note);
  }
  fmt::print("  state: {} pilots, {} corps; SQLite replay gives the same state: {}\n", pilots,
             corps, kraken_snapshot == sqlite_snapshot ? "yes" : "NO");
  return kraken_snapshot == sqlite_snapshot ? 0 : 1;
}

}  // namespace
}  // namespace kraken::bench

int main(int argc, char** argv) { return kraken::bench::Run(argc, argv); }
