// The Discord REST client against a fake Discord on loopback that checks what
// it receives: registration, follow-ups, and the rate-limit rules.

#include "src/discord/rest_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "src/serve/registration.h"
#include "tests/src/serve/fake_discord.h"

namespace kraken::discord {
namespace {

using serve::testing::FakeDiscord;
using std::chrono::milliseconds;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr std::string_view kCommands = R"([{"name":"pilot","type":1,"description":"Pilots"}])";

class RestClientTest : public ::testing::Test {
 protected:
  std::unique_ptr<RestClient> Client(RestOptions options = {}) {
    options.api_base = fake_.base();
    options.application_id = "1380486651436073092";
    options.bot_token = "bot-token-secret";
    options.retry_backoff = milliseconds(10);
    auto client = RestClient::Create(std::move(options));
    EXPECT_TRUE(client.ok()) << client.error().message;
    return std::move(*client);
  }
  static double Gap(const serve::testing::Received& a, const serve::testing::Received& b) {
    return std::chrono::duration<double>(b.at - a.at).count();
  }

  FakeDiscord fake_;
};

TEST_F(RestClientTest, GlobalRegistrationPutsTheCommandsWithBotAuthAndUserAgent) {
  fake_.Answer(FakeDiscord::Json(200, R"([{"id":"1","name":"pilot"}])"));
  auto answer = Client()->BulkOverwriteCommands(kCommands);
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  EXPECT_EQ(*answer, R"([{"id":"1","name":"pilot"}])");

  const auto got = fake_.received();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].method, "PUT");
  EXPECT_EQ(got[0].target, "/api/v10/applications/1380486651436073092/commands");
  EXPECT_EQ(got[0].Header("Authorization"), "Bot bot-token-secret");
  EXPECT_THAT(got[0].Header("User-Agent"), StartsWith("DiscordBot (https://"));
  EXPECT_THAT(got[0].Header("Content-Type"), StartsWith("application/json"));
  EXPECT_EQ(got[0].body, kCommands);
}

TEST_F(RestClientTest, RegistrationCountsTheCommandsDiscordAccepted) {
  fake_.Answer(FakeDiscord::Json(200, R"([{"id":"1","name":"pilot"},{"id":"2","name":"corp"}])"));
  auto client = Client();
  auto registered = serve::RegisterCommands(*client, kCommands, "");
  ASSERT_TRUE(registered.ok()) << registered.error().message;
  EXPECT_EQ(registered->commands, 2u);
  EXPECT_THAT(registered->response, HasSubstr(R"("name":"corp")"));
}

TEST_F(RestClientTest, GuildRegistrationPutsToTheGuildRoute) {
  ASSERT_TRUE(Client()->BulkOverwriteCommands(kCommands, "1380488052169769110").ok());
  const auto got = fake_.received();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].method, "PUT");
  EXPECT_EQ(got[0].target,
            "/api/v10/applications/1380486651436073092/guilds/1380488052169769110/commands");
  EXPECT_EQ(got[0].body, kCommands);
}

TEST_F(RestClientTest, MissingCredentialsNameTheVariableToSetAndSendNothing) {
  RestOptions options;
  options.api_base = fake_.base();
  auto client = RestClient::Create(options);
  ASSERT_TRUE(client.ok());
  auto answer = (*client)->BulkOverwriteCommands(kCommands);
  ASSERT_FALSE(answer.ok());
  EXPECT_THAT(answer.error().message, HasSubstr("DISCORD_APPLICATION_ID"));
  options.application_id = "1";
  client = RestClient::Create(options);
  answer = (*client)->BulkOverwriteCommands(kCommands);
  ASSERT_FALSE(answer.ok());
  EXPECT_THAT(answer.error().message, HasSubstr("DISCORD_BOT_TOKEN"));
  EXPECT_TRUE(fake_.received().empty());
}

TEST_F(RestClientTest, PlainHttpIsRefusedForANonLoopbackBase) {
  RestOptions options;
  options.api_base = "http://discord.com/api/v10";
  auto client = RestClient::Create(options);
  ASSERT_FALSE(client.ok());
  EXPECT_THAT(client.error().message, HasSubstr("DISCORD_API_BASE"));
}

TEST_F(RestClientTest, EditOriginalPatchesTheWebhookWithoutTheBotToken) {
  ASSERT_TRUE(
      Client()->EditOriginal("1380486651436073092", "tok.EN-1", R"({"content":"done"})").ok());
  const auto got = fake_.received();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].method, "PATCH");
  EXPECT_EQ(got[0].target, "/api/v10/webhooks/1380486651436073092/tok.EN-1/messages/@original");
  EXPECT_EQ(got[0].Header("Authorization"), "");
  EXPECT_THAT(got[0].Header("User-Agent"), StartsWith("DiscordBot ("));
  EXPECT_EQ(got[0].body, R"({"content":"done"})");
}

TEST_F(RestClientTest, CreateFollowupPostsToTheWebhookAndWaits) {
  fake_.Answer(FakeDiscord::Json(200, R"({"id":"99","content":"more"})"));
  auto posted = Client()->CreateFollowup("1380486651436073092", "tok", R"({"content":"more"})");
  ASSERT_TRUE(posted.ok()) << posted.error().message;
  EXPECT_THAT(*posted, HasSubstr(R"("id":"99")"));
  const auto got = fake_.received();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].method, "POST");
  EXPECT_EQ(got[0].target, "/api/v10/webhooks/1380486651436073092/tok?wait=true");
}

TEST_F(RestClientTest, A429IsWaitedOutForItsRetryAfterAndRetriedOnce) {
  fake_.Answer(FakeDiscord::Json(
      429, R"({"message":"You are being rate limited.","retry_after":0.05,"global":false})",
      {{"X-RateLimit-Scope", "user"}}));
  auto client = Client();
  ASSERT_TRUE(client->BulkOverwriteCommands(kCommands).ok());
  const auto got = fake_.received();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_GE(Gap(got[0], got[1]), 0.05);
  EXPECT_LT(Gap(got[0], got[1]), 1.0);
  EXPECT_EQ(client->requests_sent(), 2);
}

TEST_F(RestClientTest, AnEmptyBucketMakesTheNextCallWaitForResetAfter) {
  fake_.Answer(FakeDiscord::Json(200, "[]",
                                 {{"X-RateLimit-Bucket", "d721dea6054f6322373d361f98e5c38b"},
                                  {"X-RateLimit-Limit", "2"},
                                  {"X-RateLimit-Remaining", "0"},
                                  {"X-RateLimit-Reset-After", "0.2"}}));
  auto client = Client();
  ASSERT_TRUE(client->BulkOverwriteCommands(kCommands).ok());
  ASSERT_TRUE(client->BulkOverwriteCommands(kCommands).ok());
  const auto got = fake_.received();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_GE(Gap(got[0], got[1]), 0.2);  // fractional: not truncated to 0
  EXPECT_LT(Gap(got[0], got[1]), 1.0);
}

TEST_F(RestClientTest, AGlobal429HoldsBackTheNextAuthenticatedCall) {
  fake_.Answer(FakeDiscord::Json(
      429, R"({"message":"You are being rate limited.","retry_after":0.1,"global":true})",
      {{"X-RateLimit-Global", "true"}, {"X-RateLimit-Scope", "global"}}));
  auto client = Client();
  ASSERT_TRUE(client->BulkOverwriteCommands(kCommands, "1").ok());
  ASSERT_TRUE(client->BulkOverwriteCommands(kCommands, "2").ok());  // another route
  const auto got = fake_.received();
  ASSERT_EQ(got.size(), 3u);
  EXPECT_GE(Gap(got[0], got[1]), 0.1);
}

TEST_F(RestClientTest, ARateLimitLongerThanTheDeadlineFailsAtOnce) {
  fake_.Answer(FakeDiscord::Json(429, R"({"message":"slow down","retry_after":30})"));
  RestOptions options;
  options.deadline = milliseconds(500);
  auto client = Client(options);
  const auto start = std::chrono::steady_clock::now();
  auto answer = client->BulkOverwriteCommands(kCommands);
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error().code, ErrorCode::kUnavailable);
  EXPECT_THAT(answer.error().message, HasSubstr("rate limit"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
  EXPECT_EQ(fake_.received().size(), 1u);
}

TEST_F(RestClientTest, AServerErrorIsRetried) {
  fake_.Answer(FakeDiscord::Json(502, "bad gateway"));
  ASSERT_TRUE(Client()->BulkOverwriteCommands(kCommands).ok());
  EXPECT_EQ(fake_.received().size(), 2u);
}

TEST_F(RestClientTest, A403IsNotRetriedAndSaysWhatDiscordSaid) {
  fake_.Answer(FakeDiscord::Json(403, R"({"message":"Missing Access","code":50001})"));
  auto answer = Client()->BulkOverwriteCommands(kCommands, "1380488052169769110");
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error().code, ErrorCode::kPermissionDenied);
  EXPECT_THAT(answer.error().message, HasSubstr("403 Missing Access (code 50001)"));
  EXPECT_THAT(answer.error().message, HasSubstr("applications.commands"));
  EXPECT_EQ(fake_.received().size(), 1u);
}

TEST_F(RestClientTest, ARejectedBotTokenIsReportedAndNotSentAgain) {
  fake_.Answer(FakeDiscord::Json(401, R"({"message":"401: Unauthorized","code":0})"));
  auto client = Client();
  auto answer = client->BulkOverwriteCommands(kCommands);
  ASSERT_FALSE(answer.ok());
  EXPECT_THAT(answer.error().message, HasSubstr("DISCORD_BOT_TOKEN was rejected"));
  EXPECT_THAT(answer.error().message, ::testing::Not(HasSubstr("bot-token-secret")));
  answer = client->BulkOverwriteCommands(kCommands, "1");
  ASSERT_FALSE(answer.ok());
  EXPECT_THAT(answer.error().message, HasSubstr("DISCORD_BOT_TOKEN"));
  EXPECT_EQ(fake_.received().size(), 1u);
}

TEST_F(RestClientTest, ARegistration404IsNotRetried) {
  fake_.Answer(FakeDiscord::Json(404, R"({"message":"Unknown Application","code":10002})"));
  auto answer = Client()->BulkOverwriteCommands(kCommands);
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error().code, ErrorCode::kNotFound);
  EXPECT_THAT(answer.error().message, HasSubstr("Unknown Application (code 10002)"));
  EXPECT_THAT(answer.error().message, HasSubstr("DISCORD_APPLICATION_ID"));
  EXPECT_EQ(fake_.received().size(), 1u);
}

// Right after a deferral Discord may briefly not know the message: a webhook
// 404 is retried a few times; one that stays 404 is dead and not called again.
TEST_F(RestClientTest, AWebhookThatStays404IsRetriedBrieflyThenNeverCalledAgain) {
  for (int i = 0; i < 3; ++i) {
    fake_.Answer(FakeDiscord::Json(404, R"({"message":"Unknown Webhook","code":10015})"));
  }
  RestOptions options;
  options.not_found_retries = 2;
  auto client = Client(options);
  Status edited = client->EditOriginal("1", "dead-token", R"({"content":"x"})");
  ASSERT_FALSE(edited.ok());
  EXPECT_EQ(edited.error().code, ErrorCode::kNotFound);
  EXPECT_THAT(edited.error().message, HasSubstr("Unknown Webhook"));
  EXPECT_THAT(edited.error().message, ::testing::Not(HasSubstr("dead-token")));
  EXPECT_EQ(fake_.received().size(), 3u);

  edited = client->EditOriginal("1", "dead-token", R"({"content":"again"})");
  ASSERT_FALSE(edited.ok());
  EXPECT_THAT(edited.error().message, HasSubstr("not calling"));
  EXPECT_EQ(fake_.received().size(), 3u);  // refused without a request

  ASSERT_TRUE(client->EditOriginal("1", "live-token", R"({"content":"x"})").ok());
  EXPECT_EQ(fake_.received().size(), 4u);
}

TEST_F(RestClientTest, AWebhook404ThatClearsUpSucceeds) {
  fake_.Answer(FakeDiscord::Json(404, R"({"message":"Unknown Message","code":10008})"));
  ASSERT_TRUE(Client()->EditOriginal("1", "tok", R"({"content":"x"})").ok());
  EXPECT_EQ(fake_.received().size(), 2u);
}

TEST_F(RestClientTest, ConnectionsAreReusedAcrossCalls) {
  auto client = Client();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(client->EditOriginal("1", "tok", "{}").ok());
  EXPECT_EQ(client->connections_opened(), 1u);
}

}  // namespace
}  // namespace kraken::discord
