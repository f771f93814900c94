// `kraken serve`'s service on loopback: real Ed25519 signatures, the real
// interaction handler over a real log, simulate's builder for the bodies.

#include "src/serve/service.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <future>

#include "src/crypto/ed25519.h"
#include "src/crypto/encoding.h"
#include "src/serve/simulate.h"
#include "tests/src/app/app_test_support.h"
#include "tests/src/serve/fake_discord.h"
#include "tests/src/serve/raw_socket.h"

namespace kraken::serve {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr std::string_view kUser = "100000000000000001";
constexpr std::string_view kAdminRole = "1380490000000000001";

class ServiceTest : public ::testing::Test {
 protected:
  ServiceTest() {
    roster_.AddSampleAlliance();
    auto key = crypto::GenerateEd25519KeyPair();
    EXPECT_TRUE(key.ok());
    key_ = *key;
    discord::HandlerOptions handler_options;
    handler_options.admin_role_ids = {std::string(kAdminRole)};
    handler_ = std::make_unique<discord::InteractionHandler>(roster_.service(), handler_options);
  }

  // Starts the service with the real handler, or `fn`.
  void Start(InteractionFn fn = {}, ServiceOptions options = {}) {
    options.http.listen = "127.0.0.1:0";
    options.http.handler_threads = 4;
    if (options.public_key.empty()) options.public_key = crypto::HexEncode(key_.public_key);
    if (!fn) fn = [this](std::string_view body) { return handler_->Handle(body); };
    if (!rest_) {
      discord::RestOptions rest;
      rest.api_base = discord_.base();
      rest.retry_backoff = std::chrono::milliseconds(10);
      rest_ = std::move(*discord::RestClient::Create(rest));
    }
    auto service =
        Service::Start(std::move(options), std::move(fn), roster_.service(), rest_.get());
    ASSERT_TRUE(service.ok()) << service.error().message;
    service_ = std::move(*service);
  }

  std::string Url(std::string_view path = "") const {
    return "http://127.0.0.1:" + std::to_string(service_->port()) + std::string(path);
  }

  std::string Build(const std::vector<std::string>& words, std::string id = "") {
    SimulateOptions options;
    options.user.user_id = std::string(kUser);
    options.interaction_id = std::move(id);
    auto body = BuildInteraction(discord::CommandsJson(roster_.schema()), words, options);
    EXPECT_TRUE(body.ok()) << body.error().message;
    return body.ok() ? *body : "";
  }

  net::HttpResponse PostSigned(std::string body, std::int64_t when = std::time(nullptr)) {
    auto signed_request = SignInteraction(std::move(body), key_.seed, when);
    EXPECT_TRUE(signed_request.ok());
    auto response = PostInteraction(client_, Url(), *signed_request);
    EXPECT_TRUE(response.ok()) << response.error().message;
    return response.ok() ? *response : net::HttpResponse{};
  }

  net::HttpResponse Send(std::string method, std::string path, net::Headers headers = {},
                         std::string body = "") {
    net::HttpRequest request;
    request.method = std::move(method);
    request.url = Url(path);
    request.headers = std::move(headers);
    request.body = std::move(body);
    auto response = client_.Send(request);
    EXPECT_TRUE(response.ok()) << response.error().message;
    return response.ok() ? *response : net::HttpResponse{};
  }

  kraken::testing::TestRoster roster_;
  crypto::Ed25519KeyPair key_;
  std::unique_ptr<discord::InteractionHandler> handler_;
  testing::FakeDiscord discord_;
  std::unique_ptr<discord::RestClient> rest_;
  std::unique_ptr<Service> service_;
  net::HttpClient client_;
};

TEST_F(ServiceTest, PingIsAnsweredWithPong) {
  Start();
  SimulateOptions options;
  options.ping = true;
  const auto response = PostSigned(*BuildInteraction("[]", {}, options));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, R"({"type":1})");
  EXPECT_THAT(response.Header("Content-Type"), StartsWith("application/json"));
}

TEST_F(ServiceTest, UnsignedOrWronglySignedRequestsAre401AndAppendNothing) {
  Start();
  const std::uint64_t head = roster_.Head();
  const std::string body =
      Build({"pilot", "register", "name=Nyx Arden", "corp=KRKN", "clone=Omega"});
  auto good = SignInteraction(body, key_.seed, std::time(nullptr));
  ASSERT_TRUE(good.ok());
  auto other_key = crypto::GenerateEd25519KeyPair();
  auto forged = SignInteraction(body, other_key->seed, std::time(nullptr));
  const std::string& ts = good->timestamp;

  struct Case {
    const char* what;
    net::Headers headers;
    std::string body;
  };
  const std::vector<Case> cases = {
      {"no headers", {}, body},
      {"no timestamp", {{"X-Signature-Ed25519", good->signature_hex}}, body},
      {"no signature", {{"X-Signature-Timestamp", ts}}, body},
      {"another key",
       {{"X-Signature-Ed25519", forged->signature_hex}, {"X-Signature-Timestamp", ts}},
       body},
      {"malformed hex",
       {{"X-Signature-Ed25519", std::string(128, 'z')}, {"X-Signature-Timestamp", ts}},
       body},
      {"short signature",
       {{"X-Signature-Ed25519", good->signature_hex.substr(2)}, {"X-Signature-Timestamp", ts}},
       body},
      {"other timestamp",
       {{"X-Signature-Ed25519", good->signature_hex}, {"X-Signature-Timestamp", ts + "1"}},
       body},
      {"body re-serialized",
       {{"X-Signature-Ed25519", good->signature_hex}, {"X-Signature-Timestamp", ts}},
       body + " "},
  };
  for (const Case& c : cases) {
    const auto response = Send("POST", "/interactions", c.headers, c.body);
    EXPECT_EQ(response.status, 401) << c.what;
    EXPECT_LT(response.body.size(), 200u) << c.what;
  }
  EXPECT_EQ(roster_.Head(), head);
  // The same request, correctly signed, is accepted: the refusals were the signature's.
  EXPECT_EQ(
      Send("POST", "/interactions",
           {{"X-Signature-Ed25519", good->signature_hex}, {"X-Signature-Timestamp", ts}}, body)
          .status,
      200);
}

TEST_F(ServiceTest, ASimulatedRegistrationAppendsItsEventsAsTheDiscordUser) {
  Start();
  const std::uint64_t head = roster_.Head();
  const auto response =
      PostSigned(Build({"pilot", "register", "name=Nyx Arden", "corp=KRKN", "clone=Omega"}));
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_THAT(response.body, StartsWith(R"({"type":4,)"));
  EXPECT_THAT(response.body, HasSubstr("Nyx Arden"));

  ASSERT_GT(roster_.Head(), head);
  std::vector<Event> appended;
  ASSERT_TRUE(roster_.log()
                  .Scan(head + 1, roster_.Head(),
                        [&](const Event& e) {
                          appended.push_back(e);
                          return true;
                        })
                  .ok());
  // One command: the registration and the link to the caller's Discord account.
  ASSERT_EQ(appended.size(), 2u);
  EXPECT_EQ(appended[0].type(), "PilotRegistered");
  EXPECT_EQ(appended[1].type(), "PilotLinkedToDiscord");
  EXPECT_EQ(appended[0].stream, "pilot/Nyx Arden");
  for (const Event& e : appended) {
    EXPECT_EQ(e.source, Source::kDiscord);
    EXPECT_EQ(e.actor, kUser);
  }
  EXPECT_EQ(roster_.Get(Table::kPilot, "Nyx Arden", "corp"), "KRKN");
}

TEST_F(ServiceTest, ARedeliveredInteractionAppendsNothingAndGetsTheSameReply) {
  Start();
  const std::string body = Build(
      {"pilot", "register", "name=Nyx Arden", "corp=KRKN", "clone=Omega"}, "1390000000000009999");
  const auto first = PostSigned(body);
  ASSERT_EQ(first.status, 200);
  const std::uint64_t head = roster_.Head();
  const auto again = PostSigned(body);
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(roster_.Head(), head);
}

TEST_F(ServiceTest, VerifiedCommandsLeaveTheirTokenForLaterNotices) {
  InteractionTokens tokens;
  ServiceOptions options;
  options.tokens = &tokens;
  Start({}, options);
  SimulateOptions simulate;
  simulate.user.user_id = std::string(kUser);
  simulate.interaction_id = "1400000000000000111";
  simulate.token = "token-of-the-show-command";
  auto body = BuildInteraction(discord::CommandsJson(roster_.schema()), {"pilot", "show"},
                               simulate);
  ASSERT_TRUE(body.ok()) << body.error().message;
  EXPECT_EQ(PostSigned(*body).status, 200);
  const auto token = tokens.Find("1400000000000000111");
  ASSERT_TRUE(token.has_value());
  EXPECT_EQ(token->token, "token-of-the-show-command");
  EXPECT_EQ(token->application_id, simulate.application_id);

  // A request that fails verification leaves nothing behind.
  simulate.interaction_id = "1400000000000000222";
  body = BuildInteraction(discord::CommandsJson(roster_.schema()), {"pilot", "show"}, simulate);
  auto forged_key = crypto::GenerateEd25519KeyPair();
  auto forged = SignInteraction(*body, forged_key->seed, std::time(nullptr));
  auto response = PostInteraction(client_, Url(), *forged);
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 401);
  EXPECT_FALSE(tokens.Find("1400000000000000222").has_value());
  EXPECT_EQ(tokens.size(), 1u);
}

TEST_F(ServiceTest, AnOversizedBodyIs413) {
  ServiceOptions options;
  options.http.body_limit = 4096;
  Start({}, options);
  const std::uint64_t head = roster_.Head();
  const std::string reply = testing::RawExchange(
      service_->port(),
      "POST /interactions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "X-Signature-Ed25519: " +
          std::string(128, '0') +
          "\r\nX-Signature-Timestamp: 1\r\n"
          "Content-Length: 1000000\r\n\r\n" +
          std::string(1000, '{'));
  EXPECT_THAT(reply, StartsWith("HTTP/1.1 413"));
  EXPECT_EQ(roster_.Head(), head);
}

TEST_F(ServiceTest, MalformedJsonWithAValidSignatureIs400AndAppendsNothing) {
  Start();
  const std::uint64_t head = roster_.Head();
  const auto response = PostSigned(R"({"type":2,"id":"1","data":{"name":)");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(roster_.Head(), head);
}

TEST_F(ServiceTest, AnUnknownCommandGetsAnEphemeralMessage) {
  Start();
  std::string body = Build({"roster"});
  const std::string from = R"("name":"roster")";
  body.replace(body.find(from), from.size(), R"("name":"teleport")");
  const auto response = PostSigned(body);
  EXPECT_EQ(response.status, 200);
  EXPECT_THAT(response.body, HasSubstr(R"("flags":64)"));
}

TEST_F(ServiceTest, AHandlerThatThrowsGetsAGenericEphemeralReplyNotA500) {
  Start([](std::string_view) -> discord::Reply { throw std::runtime_error("boom"); });
  const auto response = PostSigned(Build({"roster"}, "1390000000000000777"));
  EXPECT_EQ(response.status, 200);
  EXPECT_THAT(response.body, HasSubstr(R"("flags":64)"));
  EXPECT_THAT(response.body, HasSubstr("1390000000000000777"));
  EXPECT_EQ(service_->metrics().requests("unknown", "error"), 1u);
}

TEST_F(ServiceTest, ASlowClientIsTimedOut) {
  ServiceOptions options;
  options.http.read_timeout = std::chrono::milliseconds(200);
  Start({}, options);
  // Half a request, then nothing: the server answers 408 or hangs up.
  const std::string reply = testing::RawExchange(
      service_->port(), "POST /interactions HTTP/1.1\r\nHost: x\r\nContent-Le");
  EXPECT_TRUE(reply.empty() || reply.starts_with("HTTP/1.1 408")) << reply;
}

TEST_F(ServiceTest, OtherPathsAre404AndOtherMethods405) {
  Start();
  EXPECT_EQ(Send("GET", "/").status, 404);
  EXPECT_EQ(Send("GET", "/interactions").status, 405);
  const auto response = Send("POST", "/healthz");
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(response.Header("Allow"), "GET");
}

TEST_F(ServiceTest, HealthzReportsTheLogHeadAndTheProjection) {
  Start();
  const auto response = Send("GET", "/healthz");
  EXPECT_EQ(response.status, 200);
  const std::string head = std::to_string(roster_.Head());
  EXPECT_EQ(response.body,
            R"({"status":"ok","log_head_seq":)" + head + R"(,"projection_seq":)" + head + "}");
}

TEST_F(ServiceTest, MetricsCountRequestsByCommandAndOutcome) {
  Start();
  ASSERT_EQ(
      PostSigned(Build({"pilot", "register", "name=Nyx Arden", "corp=KRKN", "clone=Omega"})).status,
      200);
  ASSERT_EQ(PostSigned(Build({"corp", "show", "ticker=NOPE"})).status, 200);
  ASSERT_EQ(Send("POST", "/interactions", {}, "{}").status, 401);
  const auto response = Send("GET", "/metrics");
  EXPECT_EQ(response.status, 200);
  EXPECT_THAT(response.Header("Content-Type"), StartsWith("text/plain; version=0.0.4"));
  const std::string& text = response.body;
  EXPECT_THAT(text,
              HasSubstr("kraken_requests_total{command=\"pilot register\",outcome=\"ok\"} 1\n"));
  EXPECT_THAT(text,
              HasSubstr("kraken_requests_total{command=\"corp show\",outcome=\"not_found\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("kraken_request_duration_seconds_count 2\n"));
  EXPECT_THAT(text, HasSubstr("kraken_append_duration_seconds_count 1\n"));
  EXPECT_THAT(text, HasSubstr("kraken_http_responses_total{code=\"401\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("kraken_log_head_sequence " + std::to_string(roster_.Head()) + "\n"));
  EXPECT_THAT(text, HasSubstr("kraken_projection_lag_events 0\n"));
  EXPECT_THAT(text, HasSubstr("process_resident_memory_bytes "));
}

TEST_F(ServiceTest, AStaleTimestampIsRefusedWhenAWindowIsSet) {
  ServiceOptions options;
  options.timestamp_window_seconds = 300;
  options.unix_now = [] { return std::int64_t{1'700'000'000}; };
  Start({}, options);
  SimulateOptions ping;
  ping.ping = true;
  const std::string body = *BuildInteraction("[]", {}, ping);
  EXPECT_EQ(PostSigned(body, 1'700'000'000 - 301).status, 401);
  EXPECT_EQ(PostSigned(body, 1'700'000'000 + 299).status, 200);
}

// Discord drops answers slower than 3 s: a slow handler is answered with a
// deferral, and its reply then replaces it through PATCH @original.
TEST_F(ServiceTest, ASlowHandlerIsDeferredAndFinishedWithAPatchOfTheOriginal) {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  ServiceOptions options;
  options.defer_after = std::chrono::milliseconds(50);
  Start(
      [released](std::string_view) {
        released.wait();
        discord::Reply reply;
        reply.data = R"({"flags":64,"content":"done at last"})";
        reply.command = "roster";
        reply.application_id = "100000000000000002";
        reply.token = "the-token";
        return reply;
      },
      options);
  const auto response = PostSigned(Build({"roster"}));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, R"({"type":5,"data":{"flags":64}})");
  EXPECT_TRUE(discord_.received().empty());

  release.set_value();
  ASSERT_TRUE(discord_.WaitFor(1));
  const auto got = discord_.received();
  EXPECT_EQ(got[0].method, "PATCH");
  EXPECT_EQ(got[0].target, "/api/v10/webhooks/100000000000000002/the-token/messages/@original");
  EXPECT_EQ(got[0].body, R"({"flags":64,"content":"done at last"})");
  service_->Stop();  // waits for the follow-up's bookkeeping
  EXPECT_EQ(service_->metrics().requests("roster", "ok"), 1u);
}

TEST_F(ServiceTest, AQuickHandlerIsNotDeferred) {
  ServiceOptions options;
  options.defer_after = std::chrono::milliseconds(1000);
  Start({}, options);
  const auto response = PostSigned(Build({"roster"}));
  EXPECT_EQ(response.status, 200);
  EXPECT_THAT(response.body, StartsWith(R"({"type":4,)"));
  service_->Stop();
  EXPECT_TRUE(discord_.received().empty());
}

TEST_F(ServiceTest, StopFinishesTheRequestInFlight) {
  std::promise<void> entered, release;
  std::shared_future<void> released = release.get_future().share();
  ServiceOptions options;
  options.defer_after = std::chrono::seconds(30);
  Start(
      [&entered, released](std::string_view) {
        entered.set_value();
        released.wait();
        discord::Reply reply;
        reply.data = R"({"content":"finished"})";
        return reply;
      },
      options);
  auto body = SignInteraction(Build({"roster"}), key_.seed, std::time(nullptr));
  const std::string url = Url();
  auto answer = std::async(std::launch::async, [&] {
    net::HttpClient client;
    return PostInteraction(client, url, *body);
  });
  entered.get_future().wait();
  auto stopped = std::async(std::launch::async, [&] { service_->Stop(); });
  EXPECT_EQ(stopped.wait_for(std::chrono::milliseconds(100)), std::future_status::timeout);
  release.set_value();
  stopped.wait();
  auto response = answer.get();
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 200);
  EXPECT_THAT(response->body, HasSubstr("finished"));
}

}  // namespace
}  // namespace kraken::serve
