// SheetsClient's resilience against the emulator's injected faults (429, 500,
// dropped connections) and its rate limit, over real HTTP. Backoff and quota
// waits run on a fake clock, so they cost no time.
#include <arpa/inet.h>
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "src/sheets/sheets_client.h"
#include "tests/src/sheets/emulator_fixture.h"
#include "tests/src/sheets/fake_clock.h"

namespace kraken::sheets {
namespace {

using testing::EmulatedSheet;
using testing::FakeClock;
using ::testing::HasSubstr;
using testing::StartEmulatedSheet;

// Every attempt the client makes, as its on_request hook reports them.
struct Recorder {
  std::mutex mu;
  std::vector<RequestRecord> records;
  void Attach(SheetsClientOptions& options) {
    options.on_request = [this](const RequestRecord& r) {
      std::lock_guard lock(mu);
      records.push_back(r);
    };
  }
  std::map<int, int> ByStatus() {
    std::lock_guard lock(mu);
    std::map<int, int> out;
    for (const auto& r : records) ++out[r.status];
    return out;
  }
};

std::string RowText(int row, int col) { return fmt::format("r{}c{}-{:04}", row, col, row * col); }

TEST(SheetsClientFaultsTest, UnderInjectedFaultsEveryCallSucceedsAndNothingIsLost) {
  EmulatorOptions faults;
  faults.fail_429 = 0.15;
  faults.fail_500 = 0.15;
  faults.drop = 0.1;
  faults.seed = 20261204;
  EmulatedSheet sheet = StartEmulatedSheet(faults);
  FakeClock clock;
  SheetsClientOptions options = sheet.ClientOptions(&clock);
  Recorder recorder;
  recorder.Attach(options);
  auto client = SheetsClient::Create(sheet.key, options).value();

  constexpr int kBatches = 20, kRowsPerBatch = 10, kColumns = 4;
  for (int b = 0; b < kBatches; ++b) {
    ValueRange vr;
    vr.range = fmt::format("'Pilots'!A{}:D{}", b * kRowsPerBatch + 1, (b + 1) * kRowsPerBatch);
    for (int r = 0; r < kRowsPerBatch; ++r) {
      auto& row = vr.rows.emplace_back();
      for (int c = 0; c < kColumns; ++c) row.push_back(Cell::String(RowText(b * 10 + r, c)));
    }
    auto written = client->BatchUpdate({vr}, ValueInput::kRaw);
    ASSERT_TRUE(written.ok()) << written.error().message;
  }
  for (int b = 0; b < kBatches; b += 5) {
    auto read = client->BatchGet(
        {fmt::format("'Pilots'!A{}:D{}", b * kRowsPerBatch + 1, (b + 5) * kRowsPerBatch)});
    ASSERT_TRUE(read.ok()) << read.error().message;
    const auto& rows = read->front().rows;
    ASSERT_EQ(rows.size(), 5u * kRowsPerBatch);
    for (int r = 0; r < 5 * kRowsPerBatch; ++r) {
      for (int c = 0; c < kColumns; ++c) {
        ASSERT_EQ(rows[r][c], Cell::String(RowText(b * kRowsPerBatch + r, c))) << r << "," << c;
      }
    }
  }
  const auto by_status = recorder.ByStatus();
  EXPECT_GT(by_status.count(429) ? by_status.at(429) : 0, 0);
  EXPECT_GT(by_status.count(500) ? by_status.at(500) : 0, 0);
  // Drops are not counted: depending on the emulator they come as a 503 with the
  // connection closed or as a silent close, which HttpClient may re-send once on
  // a new connection; the test below drops every connection for real.
  EXPECT_EQ(by_status.at(200), kBatches + kBatches / 5);
  EXPECT_GT(clock.sleeps(), 0);  // the retries backed off
}

TEST(SheetsClientFaultsTest, PastTheDeadlineACallIsAClearUnavailable) {
  EmulatorOptions faults;
  faults.fail_500 = 1.0;
  EmulatedSheet sheet = StartEmulatedSheet(faults);
  FakeClock clock;
  SheetsClientOptions options = sheet.ClientOptions(&clock);
  options.retry.initial_backoff = std::chrono::milliseconds(1000);
  options.retry.max_backoff = std::chrono::milliseconds(32'000);
  options.retry.deadline = std::chrono::milliseconds(120'000);
  auto client = SheetsClient::Create(sheet.key, options).value();
  const auto start = clock.Now();
  auto read = client->BatchGet({"'Pilots'!A1:B2"});
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code, ErrorCode::kUnavailable);
  EXPECT_THAT(read.error().message, HasSubstr("values.batchGet failed"));
  EXPECT_THAT(read.error().message, HasSubstr("120 s retry deadline"));
  EXPECT_THAT(read.error().message, HasSubstr("HTTP 500"));
  EXPECT_GT(client->traffic().requests, 3u);
  EXPECT_LE(clock.Now() - start, std::chrono::seconds(120));
}

// A loopback listener that accepts connections, reads the request and closes
// the connection without a word: a dropped connection, on a real socket.
class DroppingServer {
 public:
  DroppingServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 || ::listen(fd_, 16) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      throw std::runtime_error("cannot listen on loopback");
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] {
      for (;;) {
        const int conn = ::accept(fd_, nullptr, nullptr);
        if (conn < 0) return;  // shut down
        char buffer[4096];
        (void)::recv(conn, buffer, sizeof buffer, 0);
        ++dropped_;
        ::close(conn);
      }
    });
  }
  ~DroppingServer() {
    ::shutdown(fd_, SHUT_RDWR);  // wakes accept()
    thread_.join();
    ::close(fd_);
  }
  std::string url() const { return fmt::format("http://127.0.0.1:{}", port_); }
  int dropped() const { return dropped_; }

 private:
  int fd_ = -1;
  int port_ = 0;
  std::atomic<int> dropped_{0};
  std::thread thread_;
};

TEST(SheetsClientFaultsTest, DroppedConnectionsAreRetriedAsTransient) {
  EmulatedSheet sheet = StartEmulatedSheet();  // the token endpoint
  DroppingServer dropper;                      // the Sheets API
  FakeClock clock;
  SheetsClientOptions options = sheet.ClientOptions(&clock);
  options.sheets_root = dropper.url();
  Recorder recorder;
  recorder.Attach(options);
  auto client = SheetsClient::Create(sheet.key, options).value();
  auto written = client->BatchUpdate({{"'Pilots'!A1", {{Cell::String("x")}}}}, ValueInput::kRaw);
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.error().code, ErrorCode::kUnavailable);
  EXPECT_THAT(written.error().message, HasSubstr("values.batchUpdate failed"));
  const auto by_status = recorder.ByStatus();
  ASSERT_EQ(by_status.size(), 1u);
  ASSERT_EQ(by_status.count(0), 1u);  // no response at all
  EXPECT_GT(by_status.at(0), 3);      // every attempt dropped, each one retried
  EXPECT_GE(dropper.dropped(), by_status.at(0));
}

// The most attempts inside any `window`.
std::size_t MostInAnyWindow(std::vector<Clock::TimePoint> at, std::chrono::nanoseconds window) {
  std::sort(at.begin(), at.end());
  std::size_t most = 0;
  for (std::size_t i = 0, j = 0; i < at.size(); ++i) {
    while (j < at.size() && at[j] < at[i] + window) ++j;
    most = std::max(most, j - i);
  }
  return most;
}

TEST(SheetsClientFaultsTest, TheClientKeepsReadsAndWritesWithinTheirOwnRates) {
  EmulatedSheet sheet = StartEmulatedSheet();
  FakeClock clock;
  SheetsClientOptions options = sheet.ClientOptions(&clock);
  options.reads_per_minute = 4;
  options.writes_per_minute = 3;
  Recorder recorder;
  recorder.Attach(options);
  auto client = SheetsClient::Create(sheet.key, options).value();
  const auto start = clock.Now();
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(client->BatchGet({"'Pilots'!A1"}).ok());
    ASSERT_TRUE(client->BatchUpdate({{"'Pilots'!A1", {{Cell::Number(i)}}}}, ValueInput::kRaw).ok());
  }
  std::vector<Clock::TimePoint> reads, writes;
  for (const auto& r : recorder.records) {
    (r.kind == RequestRecord::Kind::kRead ? reads : writes).push_back(r.sent_at);
  }
  ASSERT_EQ(reads.size(), 10u);
  ASSERT_EQ(writes.size(), 10u);
  EXPECT_LE(MostInAnyWindow(reads, std::chrono::minutes(1)), 4u);
  EXPECT_EQ(MostInAnyWindow(writes, std::chrono::minutes(1)), 3u);
  // Ten writes at three a minute: the last goes out in the fourth minute.
  EXPECT_GE(clock.Now() - start, std::chrono::minutes(3));
}

}  // namespace
}  // namespace kraken::sheets
