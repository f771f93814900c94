// Per-account quotas and injected faults (../shared/reference/sheets-api.md,
// sections 4 and 5), on the core's fake clock.

#include <gtest/gtest.h>

#include <map>

#include "tests/src/sheets_emulator/core_fixture.h"

namespace kraken::sheets::emu::testing {
namespace {

class QuotaTest : public CoreTest {
 protected:
  void SetUp() override {
    CoreOptions options;
    options.reads_per_minute = 3;
    options.writes_per_minute = 2;
    Open(options, /*keep_quotas=*/true);
    MakeSpreadsheet();
  }
};

TEST_F(QuotaTest, ReadsOverTheLimitGet429InGooglesShape) {
  for (int i = 0; i < 3; ++i) ASSERT_EQ(Get("Sheet1").status, 200) << i;
  const auto r = Get("Sheet1");
  ASSERT_EQ(r.status, 429);
  EXPECT_EQ(ErrorStatus(r), "RESOURCE_EXHAUSTED");
  EXPECT_EQ(ErrorMessage(r),
            "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute "
            "per user' of service 'sheets.googleapis.com' for consumer "
            "'project_number:100000000001'.");
  const JsonValue detail = Json(r).Get("error")->Get("details")->items()[0];
  EXPECT_EQ(detail.Get("@type")->string(), "type.googleapis.com/google.rpc.ErrorInfo");
  EXPECT_EQ(detail.Get("reason")->string(), "RATE_LIMIT_EXCEEDED");
  EXPECT_EQ(detail.Get("metadata")->Get("quota_limit")->string(), "ReadRequestsPerMinutePerUser");
  EXPECT_EQ(detail.Get("metadata")->Get("quota_metric")->string(),
            "sheets.googleapis.com/read_requests");
}

TEST_F(QuotaTest, ReadsAndWritesAndAccountsHaveSeparateBucketsThatRefillAfterAMinute) {
  for (int i = 0; i < 3; ++i) ASSERT_EQ(Get("Sheet1").status, 200);
  ASSERT_EQ(Get("Sheet1").status, 429);
  // Writes have their own bucket of 2.
  EXPECT_EQ(Write("Sheet1!A1", R"([["x"]])").status, 200);
  EXPECT_EQ(Write("Sheet1!A1", R"([["y"]])").status, 200);
  const auto third = Write("Sheet1!A1", R"([["z"]])");
  EXPECT_EQ(third.status, 429);
  EXPECT_EQ(Json(third)
                .Get("error")
                ->Get("details")
                ->items()[0]
                .Get("metadata")
                ->Get("quota_limit")
                ->string(),
            "WriteRequestsPerMinutePerUser");
  // Another account is not affected; the token endpoint and Drive are not counted.
  ASSERT_TRUE(core_->Share(id_, kOtherAccount).ok());
  const std::string other = TokenFor(kOtherAccount);
  EXPECT_EQ(Call("GET", "/v4/spreadsheets/" + id_, "", &other).status, 200);
  EXPECT_EQ(Call("GET", "/drive/v3/files/" + id_ + "?fields=version").status, 200);
  // A refused request does not count: a minute after the window opened, all is whole.
  now_ += std::chrono::seconds(59);
  EXPECT_EQ(Get("Sheet1").status, 429);
  now_ += std::chrono::seconds(1);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Get("Sheet1").status, 200);
  EXPECT_EQ(Get("Sheet1").status, 429);  // the 4th read of the new window
  EXPECT_EQ(Write("Sheet1!A1", R"([["z"]])").status, 200);
}

class FaultTest : public CoreTest {
 protected:
  std::vector<int> Run(double fail_429, double fail_500, double drop, std::uint64_t seed, int n,
                       std::vector<bool>* dropped = nullptr) {
    CoreOptions options;
    options.fail_429 = fail_429;
    options.fail_500 = fail_500;
    options.drop = drop;
    options.seed = seed;
    Open(options);
    token_.clear();
    MakeSpreadsheet();
    std::vector<int> statuses;
    for (int i = 0; i < n; ++i) {
      const auto r = Get("Sheet1!A1");
      statuses.push_back(r.status);
      if (dropped != nullptr) dropped->push_back(r.drop);
    }
    return statuses;
  }
};

TEST_F(FaultTest, InjectedFaultRatesFollowTheConfiguredFractions) {
  std::vector<bool> dropped;
  const std::vector<int> statuses = Run(0.2, 0.1, 0.05, 7, 2000, &dropped);
  std::map<int, int> count;
  for (int s : statuses) ++count[s];
  // Binomial spreads for n = 2000: about +/- 18, 13 and 10 (one sigma); allow 4 sigma.
  EXPECT_NEAR(count[429], 400, 72);
  EXPECT_NEAR(count[500], 200, 54);
  EXPECT_NEAR(count[503], 100, 40);
  EXPECT_EQ(count[200] + count[429] + count[500] + count[503], 2000);
  // Drops are marked for the server to close the connection with no reply (the
  // 503 is only what a server unable to drop would send).
  for (std::size_t i = 0; i < statuses.size(); ++i) {
    EXPECT_EQ(dropped[i], statuses[i] == 503) << i;
  }
}

TEST_F(FaultTest, TheSameSeedGivesTheSameFaultsAndTheTokenEndpointIsNeverFaulted) {
  const std::vector<int> a = Run(0.3, 0.3, 0, 11, 100);
  const std::vector<int> b = Run(0.3, 0.3, 0, 11, 100);
  const std::vector<int> c = Run(0.3, 0.3, 0, 12, 100);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  // Every run above fetched its token through a 60%-faulty emulator without a failure
  // (TokenFor asserts 200); here, many more times.
  for (int i = 0; i < 20; ++i) EXPECT_FALSE(TokenFor(kAccount).empty());
}

TEST_F(FaultTest, NoFaultsWhenTheFractionsAreZero) {
  for (int s : Run(0, 0, 0, 1, 200)) EXPECT_EQ(s, 200);
}

}  // namespace
}  // namespace kraken::sheets::emu::testing
