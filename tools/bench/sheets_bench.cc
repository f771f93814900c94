// sheets_bench: the Google Sheets client against the emulator over loopback HTTP.
//   1. Resilience: with a share of API requests failing (429 or 500), write a
//      tab of many rows in batches from several threads, read it back, and check
//      that every cell came back as written and that the client never sent more
//      requests in any sliding minute than its configured per-minute limit.
//   2. Traffic: the requests and bytes of reading every managed tab (one
//      values.batchGet) and of writing a scattered set of cell changes (one
//      values.batchUpdate), with their median latency.
// Bytes are the URL and body sent and the body received (HTTP headers excluded).
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "src/sheets/a1.h"
#include "src/sheets/sheets_client.h"
#include "src/sheets_emulator/emulator.h"
#include "tools/bench/bench_util.h"

namespace kraken::bench {
namespace {

using sheets::Cell;
using sheets::ValueRange;

constexpr char kUsage[] =
    "usage: sheets_bench [--rows=10000] [--columns=8] [--fail-percent=30] [--rate=600]\n"
    "                    [--write-rows=20] [--read-rows=100] [--threads=4] [--pilots=2000]\n"
    "                    [--changes=100] [--runs=20] [--seed=1] [--quick]\n"
    "  --rows          rows of the tab written and read back under faults\n"
    "  --fail-percent  API requests failing, half 429 and half 500\n"
    "  --rate          the client's limit: reads and writes per minute each\n"
    "  --write-rows    rows per values.batchUpdate; --read-rows per values.batchGet\n"
    "  --threads       concurrent callers sharing one client\n"
    "  --pilots        rows of the Pilots tab in the traffic measurement (Corps: 1/30 of it)\n"
    "  --changes       scattered cell changes written in one values.batchUpdate\n"
    "  --runs          repetitions of each traffic measurement\n"
    "  --quick         --rows=2000 --pilots=500 --runs=5\n";

constexpr char kEmail[] = "kraken-bench@kraken-local.iam.gserviceaccount.com";

// A cell of every kind KRAKEN writes: ids, names (some not ASCII), text that
// looks like numbers or dates, numbers, booleans, serial dates, blanks.
Cell Value(int row, int col) {
  switch (col % 8) {
    case 0:
      return Cell::String(fmt::format("P{:05}", row));
    case 1:
      return Cell::String(row % 7 == 0    ? fmt::format("Ærith Ünder {}", row)
                          : row % 11 == 0 ? fmt::format("山田 太郎 {}", row)
                                          : fmt::format("Pilot {}", row));
    case 2:
      return Cell::String(fmt::format("{:04}", row % 1000));
    case 3:
      return Cell::Number(row * 1.5);
    case 4:
      return Cell::Bool(row % 2 == 0);
    case 5:
      return Cell::Date(2020 + row % 5, 1 + row % 12, 1 + row % 28);
    case 6:
      return Cell::String(row % 5 == 0 ? "=A1" : fmt::format("{}/{}", 1 + row % 12, 1 + row % 28));
    default:
      return row % 3 == 0 ? Cell() : Cell::String(fmt::format("note {} col {}", row, col));
  }
}

std::string RangeOf(const std::string& tab, int first_row, int rows, int columns) {
  return sheets::FormatA1ForRequest(sheets::A1Range{tab, first_row, 0, first_row + rows, columns});
}

// Every attempt the client made, from its on_request hook.
struct Attempts {
  std::mutex mu;
  std::vector<sheets::RequestRecord> records;

  void Attach(sheets::SheetsClientOptions& options) {
    options.on_request = [this](const sheets::RequestRecord& r) {
      std::lock_guard lock(mu);
      records.push_back(r);
    };
  }
  std::vector<sheets::RequestRecord> Take() {
    std::lock_guard lock(mu);
    return std::exchange(records, {});
  }
};

std::size_t MostInAnyMinute(const std::vector<sheets::RequestRecord>& records,
                            sheets::RequestRecord::Kind kind) {
  std::vector<sheets::Clock::TimePoint> at;
  for (const auto& r : records) {
    if (r.kind == kind) at.push_back(r.sent_at);
  }
  std::sort(at.begin(), at.end());
  std::size_t most = 0;
  for (std::size_t i = 0, j = 0; i < at.size(); ++i) {
    while (j < at.size() && at[j] < at[i] + std::chrono::minutes(1)) ++j;
    most = std::max(most, j - i);
  }
  return most;
}

std::string StatusSummary(const std::vector<sheets::RequestRecord>& records) {
  std::map<int, int> by_status;
  for (const auto& r : records) ++by_status[r.status];
  std::string out;
  for (const auto& [status, count] : by_status) {
    out += fmt::format("{}{} x {}", out.empty() ? "" : ", ", count,
                       status == 0 ? std::string("dropped") : std::to_string(status));
  }
  return out;
}

// Runs `calls` calls of `fn(i)` on `threads` threads; Dies on a failed call.
void RunConcurrently(int calls, int threads, const std::function<Status(int)>& fn) {
  std::atomic<int> next{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (int i = next++; i < calls; i = next++) OrDie(fn(i), "a Sheets call");
    });
  }
  for (auto& t : pool) t.join();
}

struct Setup {
  std::unique_ptr<sheets::SheetsEmulator> emulator;
  std::unique_ptr<sheets::SheetsClient> client;
};

Setup Start(const sheets::EmulatorOptions& emulator_options, sheets::SheetsClientOptions options,
            const std::vector<std::string>& tabs) {
  Setup s;
  s.emulator = OrDie(sheets::SheetsEmulator::Start(emulator_options), "starting the emulator");
  const std::string key_json = OrDie(s.emulator->ServiceAccountKey(kEmail), "making a key");
  options.spreadsheet_id = OrDie(s.emulator->CreateSpreadsheet("Bench", tabs, kEmail), "a sheet");
  options.sheets_root = s.emulator->base_url();
  options.drive_root = s.emulator->base_url();
  auto key = OrDie(sheets::ParseServiceAccountKey(key_json, "bench key"), "parsing the key");
  s.client = OrDie(sheets::SheetsClient::Create(key, options), "creating the client");
  return s;
}

// Grows tab `title` to `rows` rows (grids start at 1000).
void GrowTo(sheets::SheetsClient& client, const std::string& title, int rows) {
  auto info = OrDie(client.GetSpreadsheet(), "spreadsheets.get");
  const sheets::SheetInfo* tab = info.Find(title);
  if (!tab) Die("setup", "tab " + title + " is missing");
  if (tab->rows >= rows) return;
  OrDie(client.BatchUpdateSpreadsheet({sheets::SpreadsheetRequest::AppendDimension(
            tab->sheet_id, sheets::Dimension::kRows, rows - tab->rows)}),
        "growing the tab");
}

struct Options {
  int rows, columns, fail_percent, rate, write_rows, read_rows, threads;
  std::uint64_t seed;
  int pilots, changes, runs;
};

Options ReadFlags(Flags& flags) {
  const bool quick = flags.Has("quick");
  auto at_least = [&](const char* name, std::uint64_t fallback, std::uint64_t low,
                      std::uint64_t high) {
    return static_cast<int>(std::clamp<std::uint64_t>(flags.Int(name, fallback), low, high));
  };
  Options o;
  o.rows = at_least("rows", quick ? 2000 : 10'000, 1, 1'000'000);
  o.columns = at_least("columns", 8, 1, 26);
  o.fail_percent = at_least("fail-percent", 30, 0, 90);
  o.rate = at_least("rate", 600, 0, 1'000'000);
  o.write_rows = at_least("write-rows", 20, 1, 100'000);
  o.read_rows = at_least("read-rows", 100, 1, 100'000);
  o.threads = at_least("threads", 4, 1, 64);
  o.seed = flags.Int("seed", 1);
  o.pilots = at_least("pilots", quick ? 500 : 2000, 1, 100'000);
  o.changes = at_least("changes", 100, 1, 100'000);
  o.runs = at_least("runs", quick ? 5 : 20, 1, 10'000);
  (void)flags.Text("tmp-dir", "");  // run_all.sh passes it; nothing here touches the disk
  flags.RejectUnknown();
  return o;
}

bool Resilience(const Options& o) {
  const int rows = o.rows, columns = o.columns, fail_percent = o.fail_percent, rate = o.rate;
  const int write_rows = o.write_rows, read_rows = o.read_rows, threads = o.threads;
  const std::uint64_t seed = o.seed;

  sheets::EmulatorOptions emulator_options;
  emulator_options.reads_per_minute = 0;  // the client's own limit is what is measured
  emulator_options.writes_per_minute = 0;
  emulator_options.fail_429 = fail_percent / 200.0;
  emulator_options.fail_500 = fail_percent / 200.0;
  emulator_options.seed = seed;
  sheets::SheetsClientOptions options;
  options.reads_per_minute = rate;
  options.writes_per_minute = rate;
  options.retry.initial_backoff = std::chrono::milliseconds(100);
  options.retry.max_backoff = std::chrono::milliseconds(2000);
  options.retry.deadline = std::chrono::minutes(10);
  options.seed = seed;
  Attempts attempts;
  attempts.Attach(options);
  Setup s = Start(emulator_options, options, {"Pilots"});
  GrowTo(*s.client, "Pilots", rows);
  attempts.Take();  // setup calls are not part of the measurement

  const int write_calls = (rows + write_rows - 1) / write_rows;
  std::int64_t start = NowNs();
  RunConcurrently(write_calls, threads, [&](int i) -> Status {
    const int first = i * write_rows;
    ValueRange vr;
    vr.range = RangeOf("Pilots", first, std::min(write_rows, rows - first), columns);
    for (int r = first; r < first + write_rows && r < rows; ++r) {
      auto& row = vr.rows.emplace_back();
      for (int c = 0; c < columns; ++c) row.push_back(Value(r, c));
    }
    return s.client->BatchUpdate({vr}, sheets::ValueInput::kRaw);
  });
  const double write_s = static_cast<double>(NowNs() - start) / 1e9;
  const auto writes = attempts.Take();

  const int read_calls = (rows + read_rows - 1) / read_rows;
  std::atomic<std::int64_t> differing{0}, compared{0};
  start = NowNs();
  RunConcurrently(read_calls, threads, [&](int i) -> Status {
    const int first = i * read_rows;
    const int count = std::min(read_rows, rows - first);
    KRAKEN_ASSIGN_OR_RETURN(auto ranges,
                            s.client->BatchGet({RangeOf("Pilots", first, count, columns)}));
    const auto& got = ranges.front().rows;
    for (int r = 0; r < count; ++r) {
      for (int c = 0; c < columns; ++c) {
        const bool same = r < static_cast<int>(got.size()) && c < static_cast<int>(got[r].size()) &&
                          got[r][c] == Value(first + r, c);
        if (!same) ++differing;
        ++compared;
      }
    }
    return Ok{};
  });
  const double read_s = static_cast<double>(NowNs() - start) / 1e9;
  const auto reads = attempts.Take();

  const std::size_t most_writes = MostInAnyMinute(writes, sheets::RequestRecord::Kind::kWrite);
  const std::size_t most_reads = MostInAnyMinute(reads, sheets::RequestRecord::Kind::kRead);
  const bool nothing_lost = differing == 0 && compared == static_cast<std::int64_t>(rows) * columns;
  const bool within_rate =
      rate == 0 || (static_cast<int>(most_writes) <= rate && static_cast<int>(most_reads) <= rate);
  fmt::print(
      "sheets under faults ({} rows x {} columns; {}% of API requests fail, half 429, half 500; "
      "client limit {} reads + {} writes a minute; {} threads):\n",
      rows, columns, fail_percent, rate, rate, threads);
  fmt::print("  write: {} values.batchUpdate of {} rows: {} attempts ({}) in {:.1f} s\n",
             write_calls, write_rows, writes.size(), StatusSummary(writes), write_s);
  fmt::print("  read:  {} values.batchGet of {} rows: {} attempts ({}) in {:.1f} s\n", read_calls,
             read_rows, reads.size(), StatusSummary(reads), read_s);
  fmt::print("  cells compared {}, differing or missing {} (target 0: {})\n", compared.load(),
             differing.load(), nothing_lost ? "met" : "MISSED");
  fmt::print("  most requests in any sliding minute: writes {}, reads {} (target <= {}: {})\n",
             most_writes, most_reads, rate, within_rate ? "met" : "MISSED");
  return nothing_lost && within_rate;
}

void Traffic(const Options& o) {
  const int pilots = o.pilots, changes = o.changes, runs = o.runs;
  const int corps = std::max(1, pilots / 30);
  constexpr int kPilotColumns = 12, kCorpColumns = 8;

  sheets::EmulatorOptions emulator_options;
  emulator_options.reads_per_minute = 0;
  emulator_options.writes_per_minute = 0;
  sheets::SheetsClientOptions options;
  options.reads_per_minute = 0;
  options.writes_per_minute = 0;
  Setup s = Start(emulator_options, options, {"Pilots", "Corps"});
  GrowTo(*s.client, "Pilots", pilots + 1);
  auto fill = [&](const std::string& tab, int rows, int columns) {
    ValueRange vr{RangeOf(tab, 0, rows + 1, columns), {}};
    for (int r = 0; r <= rows; ++r) {
      auto& row = vr.rows.emplace_back();
      for (int c = 0; c < columns; ++c) {
        row.push_back(r == 0 ? Cell::String(fmt::format("Column {}", c)) : Value(r, c));
      }
    }
    OrDie(s.client->BatchUpdate({vr}, sheets::ValueInput::kRaw), "filling " + tab);
  };
  fill("Pilots", pilots, kPilotColumns);
  fill("Corps", corps, kCorpColumns);

  auto measure = [&](const std::function<Status()>& call) {
    std::vector<double> ms;
    sheets::SheetsTraffic one{};
    for (int i = 0; i < runs; ++i) {
      const sheets::SheetsTraffic before = s.client->traffic();
      const std::int64_t t0 = NowNs();
      OrDie(call(), "a measured call");
      ms.push_back(Ms(NowNs() - t0));
      const sheets::SheetsTraffic after = s.client->traffic();
      one = {after.requests - before.requests, after.bytes_sent - before.bytes_sent,
             after.bytes_received - before.bytes_received, 0};
    }
    return std::pair{one, Median(ms)};
  };

  const auto [read, read_ms] = measure([&]() -> Status {
    return s.client->BatchGet({"'Pilots'", "'Corps'"});
  });
  std::mt19937 rng(7);
  std::vector<ValueRange> edits;
  for (int i = 0; i < changes; ++i) {
    const bool pilot = i % 5 != 0;
    const int row = 1 + static_cast<int>(rng() % static_cast<unsigned>(pilot ? pilots : corps));
    const int col = static_cast<int>(rng() % (pilot ? kPilotColumns : kCorpColumns));
    edits.push_back({sheets::FormatA1ForRequest(
                         sheets::A1Range{pilot ? "Pilots" : "Corps", row, col, row + 1, col + 1}),
                     {{Value(row + i, col)}}});
  }
  const auto [write, write_ms] =
      measure([&]() -> Status { return s.client->BatchUpdate(edits, sheets::ValueInput::kRaw); });

  fmt::print(
      "sheets traffic (Pilots {} x {} cells, Corps {} x {}, a header row each; no faults; "
      "{} runs):\n",
      pilots, kPilotColumns, corps, kCorpColumns, runs);
  fmt::print(
      "  read every managed tab (one values.batchGet): {} request, {} bytes sent, {} bytes "
      "received; median {}\n",
      read.requests, read.bytes_sent, read.bytes_received, FormatMs(read_ms));
  fmt::print(
      "  write {} scattered cell changes (one values.batchUpdate): {} request, {} bytes "
      "sent, {} bytes received; median {}\n",
      changes, write.requests, write.bytes_sent, write.bytes_received, FormatMs(write_ms));
}

int Run(int argc, char** argv) {
  Flags flags(argc, argv, kUsage);
  const Options options = ReadFlags(flags);
  const bool met = Resilience(options);
  Traffic(options);
  return met ? 0 : 1;
}

}  // namespace
}  // namespace kraken::bench

int main(int argc, char** argv) { return kraken::bench::Run(argc, argv); }
