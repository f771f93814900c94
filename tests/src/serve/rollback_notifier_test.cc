// Telling a Discord user that a sheet conflict rolled their change back: a
// follow-up while the interaction's token is valid, else a channel message,
// against a fake Discord on loopback that records what arrives.

#include "src/serve/rollback_notifier.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include <future>

#include "tests/src/serve/fake_discord.h"

namespace kraken::serve {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using Clock = InteractionTokens::Clock;

constexpr std::string_view kUser = "100000000000000042";

class RollbackNotifierTest : public ::testing::Test {
 protected:
  RollbackNotifierTest() : tokens_([this] { return now_; }) {
    discord::RestOptions options;
    options.api_base = discord_.base();
    options.bot_token = "bot-token-for-the-test";
    options.retry_backoff = std::chrono::milliseconds(5);
    rest_ = std::move(*discord::RestClient::Create(options));
  }

  Rollback Sample(std::string interaction_id = "1400000000000000001") const {
    return {std::string(kUser), std::move(interaction_id),
            "Your change of corp for Ryn Calder to 'SNSE' was replaced by an admin's edit in the "
            "alliance sheet: it is now 'KRKN'."};
  }

  static simdjson::dom::element Parse(simdjson::dom::parser& parser, const std::string& json) {
    simdjson::dom::element doc;
    EXPECT_EQ(parser.parse(json).get(doc), simdjson::SUCCESS) << json;
    return doc;
  }

  Clock::time_point now_ = Clock::now();
  InteractionTokens tokens_;
  testing::FakeDiscord discord_;
  std::unique_ptr<discord::RestClient> rest_;
};

TEST_F(RollbackNotifierTest, TokensAreUsableForFourteenMinutesThenForgotten) {
  tokens_.Remember("1", "app", "token-1");
  now_ += std::chrono::minutes(10);
  tokens_.Remember("2", "app", "token-2");
  ASSERT_TRUE(tokens_.Find("1").has_value());
  EXPECT_EQ(tokens_.Find("1")->token, "token-1");
  now_ += std::chrono::minutes(4);
  EXPECT_FALSE(tokens_.Find("1").has_value());  // 14 minutes old
  EXPECT_TRUE(tokens_.Find("2").has_value());
  tokens_.Remember("3", "app", "token-3");  // remembering drops what expired
  EXPECT_EQ(tokens_.size(), 2u);
  EXPECT_FALSE(tokens_.Find("unknown").has_value());
}

TEST_F(RollbackNotifierTest, AValidTokenGetsAnEphemeralFollowupThatPingsNoOne) {
  tokens_.Remember("1400000000000000001", "1300000000000000002", "the-interaction-token");
  RollbackNotifier notifier(rest_.get(), tokens_, "1500000000000000009");
  EXPECT_EQ(notifier.Deliver(Sample()), NoticeOutcome::kFollowup);
  const auto got = discord_.received();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].method, "POST");
  EXPECT_EQ(got[0].target, "/api/v10/webhooks/1300000000000000002/the-interaction-token?wait=true");
  EXPECT_EQ(got[0].Header("Authorization"), "");  // the token in the path is the credential
  simdjson::dom::parser parser;
  auto doc = Parse(parser, got[0].body);
  EXPECT_EQ(std::int64_t(doc["flags"]), 64);
  EXPECT_THAT(std::string(std::string_view(doc["content"])), HasSubstr("it is now 'KRKN'"));
  EXPECT_EQ(doc["allowed_mentions"]["parse"].get_array().size(), 0u);
}

TEST_F(RollbackNotifierTest, AnExpiredTokenFallsBackToTheChannelMentioningOnlyTheUser) {
  tokens_.Remember("1400000000000000001", "1300000000000000002", "the-interaction-token");
  now_ += std::chrono::minutes(20);
  RollbackNotifier notifier(rest_.get(), tokens_, "1500000000000000009");
  EXPECT_EQ(notifier.Deliver(Sample()), NoticeOutcome::kChannel);
  const auto got = discord_.received();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].method, "POST");
  EXPECT_EQ(got[0].target, "/api/v10/channels/1500000000000000009/messages");
  EXPECT_EQ(got[0].Header("Authorization"), "Bot bot-token-for-the-test");
  simdjson::dom::parser parser;
  auto doc = Parse(parser, got[0].body);
  EXPECT_THAT(std::string(std::string_view(doc["content"])),
              StartsWith("<@100000000000000042> Your change of corp"));
  EXPECT_EQ(doc["allowed_mentions"]["parse"].get_array().size(), 0u);
  auto users = doc["allowed_mentions"]["users"].get_array();
  ASSERT_EQ(users.size(), 1u);
  EXPECT_EQ(std::string_view(users.at(0)), kUser);
  EXPECT_TRUE(doc["flags"].error());  // a channel message cannot be ephemeral
}

TEST_F(RollbackNotifierTest, AFailedFollowupFallsBackToTheChannel) {
  tokens_.Remember("1400000000000000001", "1300000000000000002", "a-token-discord-forgot");
  for (int i = 0; i < 3; ++i) {  // the webhook stays unknown through the retries
    discord_.Answer(
        testing::FakeDiscord::Json(404, R"({"message":"Unknown Webhook","code":10015})"));
  }
  discord_.Answer(testing::FakeDiscord::Json(200, R"({"id":"1600000000000000001"})"));
  RollbackNotifier notifier(rest_.get(), tokens_, "1500000000000000009");
  EXPECT_EQ(notifier.Deliver(Sample()), NoticeOutcome::kChannel);
  const auto got = discord_.received();
  ASSERT_GE(got.size(), 2u);
  EXPECT_THAT(got.front().target, StartsWith("/api/v10/webhooks/"));
  EXPECT_EQ(got.back().target, "/api/v10/channels/1500000000000000009/messages");
}

TEST_F(RollbackNotifierTest, WithNoTokenAndNoChannelNothingIsSent) {
  RollbackNotifier notifier(rest_.get(), tokens_, "");
  EXPECT_EQ(notifier.Deliver(Sample("1400000000000000777")), NoticeOutcome::kUndeliverable);
  EXPECT_EQ(notifier.Deliver(Sample("")), NoticeOutcome::kUndeliverable);
  RollbackNotifier without_rest(nullptr, tokens_, "1500000000000000009");
  EXPECT_EQ(without_rest.Deliver(Sample()), NoticeOutcome::kUndeliverable);
  EXPECT_TRUE(discord_.received().empty());
}

TEST_F(RollbackNotifierTest, NotifyQueuesAndStopSendsWhatIsQueued) {
  tokens_.Remember("1400000000000000001", "1300000000000000002", "the-interaction-token");
  std::promise<NoticeOutcome> first;
  int done = 0;
  RollbackNotifier notifier(rest_.get(), tokens_, "1500000000000000009",
                            [&](const Rollback&, NoticeOutcome outcome) {
                              if (done++ == 0) first.set_value(outcome);
                            });
  notifier.Notify(Sample());
  notifier.Notify(Sample("1400000000000000002"));  // no token: the channel
  EXPECT_EQ(first.get_future().get(), NoticeOutcome::kFollowup);
  notifier.Stop();
  EXPECT_EQ(done, 2);
  ASSERT_EQ(discord_.received().size(), 2u);
  EXPECT_EQ(discord_.received()[1].target, "/api/v10/channels/1500000000000000009/messages");
}

}  // namespace
}  // namespace kraken::serve
