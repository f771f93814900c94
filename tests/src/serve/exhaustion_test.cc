// `kraken serve` with its log on a full disk: the whole stack in-process (real
// signatures over loopback HTTP, the real interaction handler, a real LMDB log
// on a small tmpfs). A member is told politely that the server is out of space,
// nothing is written or corrupted, and the same command works once space returns.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "src/crypto/ed25519.h"
#include "src/crypto/encoding.h"
#include "src/serve/service.h"
#include "src/serve/simulate.h"
#include "tests/src/app/app_test_support.h"
#include "tests/support/small_fs.h"

namespace kraken::serve {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr std::string_view kUser = "100000000000000001";

using kraken::testing::FillUp;
using kraken::testing::SmallFileSystem;

class ExhaustionTest : public ::testing::Test {
 public:
  void SetUp() override {
    fs_ = std::make_unique<SmallFileSystem>(dir_.Sub("tmpfs"), "4m");
    if (!fs_->mounted()) {
      GTEST_SKIP() << "cannot mount a tmpfs at " << dir_.Sub("tmpfs") << " (" << fs_->error()
                   << "); run as root to test a full disk";
    }
    auto key = crypto::GenerateEd25519KeyPair();
    ASSERT_TRUE(key.ok()) << key.error().message;
    key_ = *key;
  }

  void TearDown() override {
    service_.reset();
    handler_.reset();
    roster_.reset();
    log_.reset();
    fs_.reset();
  }

  std::string LogDir() const { return dir_.Sub("tmpfs") + "/log"; }
  std::string Filler() const { return dir_.Sub("tmpfs") + "/filler"; }

  // Opens the log on the tmpfs, loads the sample alliance, starts the service.
  void Start(EventLog::Options options) {
    log_ = kraken::testing::OpenOrDie(LogDir(), options);
    auto roster = RosterService::Open(*log_, schema_);
    ASSERT_TRUE(roster.ok()) << roster.error().message;
    roster_ = std::move(*roster);
    kraken::testing::AddSampleAlliance(*roster_);
    handler_ = std::make_unique<discord::InteractionHandler>(*roster_, discord::HandlerOptions{});
    ServiceOptions service_options;
    service_options.http.listen = "127.0.0.1:0";
    service_options.http.handler_threads = 2;
    service_options.public_key = crypto::HexEncode(key_.public_key);
    // Every reply in the HTTP response itself: this test has no Discord to
    // finish a deferred one.
    service_options.defer_after = std::chrono::seconds(60);
    auto service = Service::Start(
        std::move(service_options),
        [this](std::string_view body) { return handler_->Handle(body); }, *roster_, nullptr);
    ASSERT_TRUE(service.ok()) << service.error().message;
    service_ = std::move(*service);
  }

  net::HttpResponse Register(std::string_view name, const std::string& interaction_id) {
    SimulateOptions options;
    options.user.user_id = std::string(kUser);
    options.interaction_id = interaction_id;
    auto body = BuildInteraction(
        discord::CommandsJson(roster_->schema()),
        {"pilot", "register", "name=" + std::string(name), "corp=KRKN", "clone=Omega"}, options);
    EXPECT_TRUE(body.ok()) << body.error().message;
    auto signed_request = SignInteraction(body.ok() ? *body : "", key_.seed, std::time(nullptr));
    EXPECT_TRUE(signed_request.ok());
    auto response = PostInteraction(client_, "http://127.0.0.1:" + std::to_string(service_->port()),
                                    *signed_request);
    EXPECT_TRUE(response.ok()) << response.error().message;
    return response.ok() ? *response : net::HttpResponse{};
  }

  std::uint64_t Head() const { return *log_->Head(); }
  bool HasPilot(std::string_view name) {
    return roster_->Read([&](const AllianceState& state) {
      return state.roster().Find(Table::kPilot, name) != nullptr;
    });
  }
  void ExpectIntact() {
    auto report = log_->Verify();
    ASSERT_TRUE(report.ok()) << report.error().message;
    EXPECT_TRUE(report->problems.empty()) << report->problems.front();
  }

  kraken::testing::TempDir dir_;
  std::unique_ptr<SmallFileSystem> fs_;
  const Schema schema_ = Schema::Core();  // the service keeps a reference
  crypto::Ed25519KeyPair key_;
  std::unique_ptr<EventLog> log_;
  std::unique_ptr<RosterService> roster_;
  std::unique_ptr<discord::InteractionHandler> handler_;
  std::unique_ptr<Service> service_;
  net::HttpClient client_;
};

// What a member sees when the disk is full: an ordinary, ephemeral message
// (HTTP 200, as Discord needs) that says what happened and what to do.
void ExpectPoliteDiskFullReply(const net::HttpResponse& response, const std::string& id) {
  EXPECT_EQ(response.status, 200) << response.body;
  EXPECT_THAT(response.body, StartsWith(R"({"type":4,)"));
  EXPECT_THAT(response.body, HasSubstr(R"("flags":64)"));
  EXPECT_THAT(response.body, HasSubstr("out of disk space"));
  EXPECT_THAT(response.body, HasSubstr("nothing was changed"));
  EXPECT_THAT(response.body, HasSubstr("try again later"));
  EXPECT_THAT(response.body, HasSubstr("tell an admin"));
  EXPECT_THAT(response.body, HasSubstr(id));
  // The log's path and LMDB's words stay in the server log.
  EXPECT_THAT(response.body, Not(HasSubstr("/log")));
  EXPECT_THAT(response.body, Not(HasSubstr("MDB")));
}

// With the disk full, LMDB still commits into pages it freed earlier (they
// are already on disk), so the first few registrations may succeed, and are
// acknowledged as usual. Registers pilots "<prefix> 0", "<prefix> 1", ...
// until one is refused for lack of space; returns how many succeeded first.
int RegisterUntilOutOfSpace(ExhaustionTest& t, const std::string& prefix, std::uint64_t first_id,
                            std::string* refused_id);

TEST_F(ExhaustionTest, AFullDiskGetsAPoliteReplyAndTheCommandWorksOnceSpaceReturns) {
  EventLog::Options options;
  options.initial_map_bytes = 64 << 20;  // larger than the disk: the disk fills first
  Start(options);
  ASSERT_TRUE(FillUp(Filler())) << std::strerror(errno);

  std::string refused_id;
  const int acknowledged = RegisterUntilOutOfSpace(*this, "Nyx", 1390000000000000100, &refused_id);
  const std::string refused_name = "Nyx " + std::to_string(acknowledged);
  EXPECT_EQ(service_->metrics().requests("pilot register", "error"), 1u);
  // Nothing half written: no event, no idempotency key, no pilot in the tables.
  const std::uint64_t head = Head();
  EXPECT_FALSE(log_->FindIdempotencyKey(refused_id)->has_value());
  EXPECT_FALSE(HasPilot(refused_name));
  ExpectIntact();

  std::filesystem::remove(Filler());
  const auto retried = Register(refused_name, "1390000000000000099");
  EXPECT_EQ(retried.status, 200);
  EXPECT_THAT(retried.body, HasSubstr(refused_name));
  EXPECT_THAT(retried.body, Not(HasSubstr("out of disk space")));
  EXPECT_EQ(Head(), head + 2);  // PilotRegistered and PilotLinkedToDiscord
  EXPECT_TRUE(HasPilot(refused_name));
  ExpectIntact();
}

TEST_F(ExhaustionTest, AMapThatMustGrowGrowsUnderTrafficAndAFullDiskThenLosesNothing) {
  // A small map that grows only when a commit finds it full: registrations
  // through the service until one of them had to grow it.
  EventLog::Options options;
  options.initial_map_bytes = 256 << 10;
  options.grow_at_fraction = 1.0;
  Start(options);
  const std::uint64_t initial_map = log_->Stats()->map_bytes;
  int registered = 0;
  while (log_->Stats()->map_bytes == initial_map && registered < 400) {
    const std::string name = "Filler " + std::to_string(registered);
    const auto response = Register(name, std::to_string(1390000000000010000 + registered));
    ASSERT_EQ(response.status, 200);
    ASSERT_THAT(response.body, HasSubstr(name));
    ++registered;
  }
  ASSERT_GT(log_->Stats()->map_bytes, initial_map) << "the map never had to grow";
  EXPECT_TRUE(HasPilot("Filler 0"));
  EXPECT_TRUE(HasPilot("Filler " + std::to_string(registered - 1)));

  ASSERT_TRUE(FillUp(Filler())) << std::strerror(errno);
  std::string refused_id;
  const int acknowledged = RegisterUntilOutOfSpace(*this, "Nyx", 1390000000000000200, &refused_id);
  const std::uint64_t head = Head();
  ExpectIntact();

  std::filesystem::remove(Filler());
  const std::string refused_name = "Nyx " + std::to_string(acknowledged);
  const auto retried = Register(refused_name, "1390000000000000199");
  EXPECT_EQ(retried.status, 200);
  EXPECT_THAT(retried.body, HasSubstr(refused_name));
  EXPECT_EQ(Head(), head + 2);

  // Closed and opened again: everything acknowledged is there, and intact.
  service_.reset();
  handler_.reset();
  roster_.reset();
  log_.reset();
  log_ = kraken::testing::OpenOrDie(LogDir());
  EXPECT_EQ(Head(), head + 2);
  ExpectIntact();
  std::uint64_t registrations = 0;
  ASSERT_TRUE(log_->Scan(1, Head(),
                         [&](const Event& e) {
                           registrations += e.type() == "PilotRegistered" &&
                                            e.stream.rfind("pilot/Nyx ", 0) == 0;
                           return true;
                         })
                  .ok());
  EXPECT_EQ(registrations, static_cast<std::uint64_t>(acknowledged) + 1);
}

int RegisterUntilOutOfSpace(ExhaustionTest& t, const std::string& prefix, std::uint64_t first_id,
                            std::string* refused_id) {
  constexpr int kMaxAttempts = 200;  // far more than LMDB's free pages can absorb
  for (int i = 0; i < kMaxAttempts; ++i) {
    const std::string name = prefix + " " + std::to_string(i);
    const std::string id = std::to_string(first_id + static_cast<std::uint64_t>(i));
    const std::uint64_t head = t.Head();
    const net::HttpResponse response = t.Register(name, id);
    if (response.body.find("out of disk space") == std::string::npos) {
      EXPECT_THAT(response.body, HasSubstr("Pilot registered")) << response.body;
      EXPECT_EQ(t.Head(), head + 2);
      continue;
    }
    ExpectPoliteDiskFullReply(response, id);
    EXPECT_EQ(t.Head(), head);
    *refused_id = id;
    return i;
  }
  ADD_FAILURE() << kMaxAttempts << " registrations on a full disk all succeeded";
  return kMaxAttempts;
}

}  // namespace
}  // namespace kraken::serve
