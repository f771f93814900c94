#include "src/net/http_client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <stdexcept>
#include <thread>
#include <vector>

#include "src/net/http_server.h"
#include "tests/src/net/raw_client.h"

namespace kraken::net {
namespace {

using namespace std::chrono_literals;
using testing::WaitFor;

std::unique_ptr<HttpServer> StartOrDie(ServerOptions options, Handler handler) {
  options.listen = "127.0.0.1:0";
  auto server = HttpServer::Start(std::move(options), std::move(handler));
  if (!server.ok()) throw std::runtime_error(server.error().message);
  return std::move(server).value();
}

HttpRequest Get(const HttpServer& server, std::string_view target = "/") {
  return {.method = "GET",
          .url = "http://127.0.0.1:" + std::to_string(server.port()) + std::string(target),
          .headers = {},
          .body = ""};
}

TEST(HttpClientTest, ReconnectsTransparentlyAfterTheServerClosedAnIdleConnection) {
  std::atomic<int> calls{0};
  ServerOptions options;
  options.idle_timeout = 100ms;
  auto server = StartOrDie(options, [&](ServerRequest&&, Responder respond) {
    ++calls;
    respond(ServerResponse{});
  });
  HttpClient client;
  auto first = client.Send(Get(*server));
  ASSERT_TRUE(first.ok()) << first.error().message;
  // The client keeps the connection; the server drops it when idle.
  ASSERT_TRUE(WaitFor([&] { return server->open_connections() == 0; }));

  auto second = client.Send(Get(*server));
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(second->status, 200);
  EXPECT_EQ(client.connections_opened(), 2u);
  EXPECT_EQ(calls.load(), 2);  // nothing was sent twice
}

TEST(HttpClientTest, ARefusedConnectionIsUnavailableQuickly) {
  const std::uint16_t port = testing::UnusedPort();
  HttpClient client;
  const auto start = std::chrono::steady_clock::now();
  auto response = client.Send({.method = "GET",
                               .url = "http://127.0.0.1:" + std::to_string(port) + "/",
                               .headers = {},
                               .body = ""});
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(response.error().message.find("refused"), std::string::npos)
      << response.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_EQ(client.connections_opened(), 0u);
}

TEST(HttpClientTest, PlainHttpToARemoteHostIsRefusedBeforeConnecting) {
  HttpClient client;
  auto response =
      client.Send({.method = "GET", .url = "http://example.com/", .headers = {}, .body = ""});
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(client.connections_opened(), 0u);
}

TEST(HttpClientTest, HeaderInjectionIsRefused) {
  HttpClient client;
  auto response = client.Send({.method = "GET",
                               .url = "http://127.0.0.1:1/",
                               .headers = {{"X-A", "1\r\nX-Injected: 2"}},
                               .body = ""});
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, ErrorCode::kInvalidArgument);
}

TEST(HttpClientTest, ConnectionCloseInAResponseIsHonoured) {
  auto server = StartOrDie({}, [](ServerRequest&&, Responder respond) {
    ServerResponse r;
    r.close = true;
    respond(std::move(r));
  });
  HttpClient client;
  for (int i = 0; i < 2; ++i) {
    auto response = client.Send(Get(*server));
    ASSERT_TRUE(response.ok()) << response.error().message;
    EXPECT_EQ(response->Header("Connection"), "close");
  }
  EXPECT_EQ(client.connections_opened(), 2u);
}

TEST(HttpClientTest, AnOversizedResponseBodyIsAnError) {
  auto server = StartOrDie({}, [](ServerRequest&&, Responder respond) {
    ServerResponse r;
    r.body = std::string(1000, 'x');
    respond(std::move(r));
  });
  HttpClientOptions options;
  options.max_response_bytes = 100;
  HttpClient client(options);
  auto response = client.Send(Get(*server));
  ASSERT_FALSE(response.ok()) << response->status << " " << response->body.size();
  EXPECT_EQ(response.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(response.error().message.find("max_response_bytes"), std::string::npos);
}

TEST(HttpClientTest, ASlowServerHitsTheRequestTimeout) {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  auto server = StartOrDie({}, [released](ServerRequest&&, Responder respond) {
    released.wait();
    respond(ServerResponse{});
  });
  HttpClientOptions options;
  options.request_timeout = 200ms;
  HttpClient client(options);
  const auto start = std::chrono::steady_clock::now();
  auto response = client.Send(Get(*server));
  const auto took = std::chrono::steady_clock::now() - start;
  release.set_value();
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(response.error().message.find("request_timeout"), std::string::npos);
  EXPECT_GE(took, 200ms);
  EXPECT_LT(took, 2s);
}

TEST(HttpClientTest, StatusCodesAreResponsesNotErrors) {
  auto server = StartOrDie({}, [](ServerRequest&& request, Responder respond) {
    ServerResponse r;
    r.status = request.Path() == "/missing" ? 404 : 503;
    r.body = R"({"error":"x"})";
    respond(std::move(r));
  });
  HttpClient client;
  auto missing = client.Send(Get(*server, "/missing"));
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->status, 404);
  auto busy = client.Send(Get(*server, "/busy"));
  ASSERT_TRUE(busy.ok());
  EXPECT_EQ(busy->status, 503);
  EXPECT_EQ(busy->body, R"({"error":"x"})");
}

TEST(HttpClientTest, HeadResponsesHaveNoBodyAndKeepTheConnection) {
  auto server = StartOrDie({}, [](ServerRequest&&, Responder respond) {
    ServerResponse r;
    r.body = "0123456789";
    respond(std::move(r));
  });
  HttpClient client;
  HttpRequest head = Get(*server);
  head.method = "HEAD";
  auto response = client.Send(head);
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->Header("Content-Length"), "10");
  EXPECT_EQ(response->body, "");
  auto get = client.Send(Get(*server));
  ASSERT_TRUE(get.ok()) << get.error().message;
  EXPECT_EQ(get->body, "0123456789");
  EXPECT_EQ(client.connections_opened(), 1u);
}

TEST(HttpClientTest, ConcurrentSendsFromManyThreadsAllSucceed) {
  std::atomic<int> calls{0};
  auto server = StartOrDie({}, [&](ServerRequest&& request, Responder respond) {
    ++calls;
    ServerResponse r;
    r.body = request.body;
    respond(std::move(r));
  });
  HttpClient client;
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        HttpRequest request = Get(*server);
        request.method = "POST";
        request.body = std::to_string(t * 100 + i);
        auto response = client.Send(request);
        if (response.ok() && response->body == request.body) ++good;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(good.load(), 20);
  EXPECT_EQ(calls.load(), 20);
  EXPECT_LE(client.connections_opened(), 20u);
}

}  // namespace
}  // namespace kraken::net
