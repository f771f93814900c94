#include "src/net/http_server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <mutex>
#include <set>
#include <stdexcept>

#include "src/net/http_client.h"
#include "tests/src/net/raw_client.h"

namespace kraken::net {
namespace {

using namespace std::chrono_literals;
using testing::RawExchange;
using testing::WaitFor;

ServerOptions LocalOptions() {
  ServerOptions o;
  o.listen = "127.0.0.1:0";
  o.handler_threads = 2;
  o.server_name = "kraken-test";
  return o;
}

std::unique_ptr<HttpServer> StartOrDie(ServerOptions options, Handler handler) {
  auto server = HttpServer::Start(std::move(options), std::move(handler));
  if (!server.ok()) throw std::runtime_error(server.error().message);
  return std::move(server).value();
}

std::string UrlOf(const HttpServer& server, std::string_view target = "/") {
  return "http://127.0.0.1:" + std::to_string(server.port()) + std::string(target);
}

// A handler that answers 200 "ok" and counts what reached it.
struct CountingHandler {
  std::atomic<int> calls{0};
  std::mutex mu;
  std::set<std::string> remotes;
  Handler AsHandler() {
    return [this](ServerRequest&& request, Responder respond) {
      {
        std::lock_guard lock(mu);
        remotes.insert(request.remote);
      }
      ++calls;
      ServerResponse r;
      r.content_type = "text/plain";
      r.body = "ok";
      respond(std::move(r));
    };
  }
};

TEST(HttpServerTest, ADroppedReplyClosesTheConnectionWithoutAnswering) {
  std::atomic<int> calls{0};
  auto server = StartOrDie(LocalOptions(), [&](ServerRequest&&, Responder respond) {
    ++calls;
    ServerResponse r;
    r.drop = true;
    respond(std::move(r));
  });
  HttpClient client;
  auto result = client.Send({"GET", UrlOf(*server), {}, ""});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kUnavailable);
  EXPECT_GE(calls.load(), 1);
  // The server itself carries on.
  EXPECT_TRUE(WaitFor([&] { return server->open_connections() == 0; }, 5s));
}

TEST(HttpServerTest, RequestAndResponseCarryMethodTargetHeadersAndBody) {
  std::promise<ServerRequest> seen;
  auto server = StartOrDie(LocalOptions(), [&](ServerRequest&& request, Responder respond) {
    ServerResponse r;
    r.status = 201;
    r.content_type = "text/plain; charset=utf-8";
    r.headers.emplace_back("X-Reply", "yes");
    r.body = "got " + request.body;
    seen.set_value(std::move(request));
    respond(std::move(r));
  });

  HttpClient client;
  HttpRequest request;
  request.method = "PUT";
  request.url = UrlOf(*server, "/things/1?view=full&x=%20");
  request.headers.emplace_back("X-Test", "value 1");
  request.body = R"({"name":"Kaelen Voss"})";
  auto response = client.Send(request);
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 201);
  EXPECT_EQ(response->body, R"(got {"name":"Kaelen Voss"})");
  EXPECT_EQ(response->Header("x-reply"), "yes");
  EXPECT_EQ(response->Header("Server"), "kraken-test");
  EXPECT_EQ(response->Header("Content-Type"), "text/plain; charset=utf-8");

  ServerRequest got = seen.get_future().get();
  EXPECT_EQ(got.method, "PUT");
  EXPECT_EQ(got.target, "/things/1?view=full&x=%20");
  EXPECT_EQ(got.Path(), "/things/1");
  EXPECT_EQ(got.Query(), "view=full&x=%20");
  EXPECT_EQ(got.Header("x-test"), "value 1");
  EXPECT_EQ(got.Header("Content-Type"), "application/json");  // added by the client
  EXPECT_EQ(got.Header("Content-Length"), "22");
  EXPECT_EQ(got.Header("Host"), "127.0.0.1:" + std::to_string(server->port()));
  EXPECT_FALSE(got.Header("User-Agent").empty());
  EXPECT_EQ(got.remote.rfind("127.0.0.1:", 0), 0u);
}

TEST(HttpServerTest, KeepAliveServesManyRequestsOnOneConnection) {
  CountingHandler counter;
  auto server = StartOrDie(LocalOptions(), counter.AsHandler());
  HttpClient client;
  for (int i = 0; i < 5; ++i) {
    auto response =
        client.Send({.method = "GET", .url = UrlOf(*server), .headers = {}, .body = ""});
    ASSERT_TRUE(response.ok()) << response.error().message;
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->body, "ok");
  }
  EXPECT_EQ(client.connections_opened(), 1u);
  EXPECT_EQ(counter.calls.load(), 5);
  std::lock_guard lock(counter.mu);
  EXPECT_EQ(counter.remotes.size(), 1u);
}

TEST(HttpServerTest, OversizedBodyIs413AndNeverReachesTheHandler) {
  CountingHandler counter;
  ServerOptions options = LocalOptions();
  options.body_limit = 1024;
  auto server = StartOrDie(options, counter.AsHandler());
  HttpClient client;
  auto response = client.Send(
      {.method = "POST", .url = UrlOf(*server), .headers = {}, .body = std::string(4096, 'x')});
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 413);
  EXPECT_NE(response->body.find("payload_too_large"), std::string::npos);
  EXPECT_NE(response->body.find("1024"), std::string::npos);
  EXPECT_EQ(response->Header("Connection"), "close");
  EXPECT_EQ(counter.calls.load(), 0);

  // The limit is inclusive, and the server carries on.
  auto fits = client.Send(
      {.method = "POST", .url = UrlOf(*server), .headers = {}, .body = std::string(1024, 'x')});
  ASSERT_TRUE(fits.ok()) << fits.error().message;
  EXPECT_EQ(fits->status, 200);
  EXPECT_EQ(counter.calls.load(), 1);
}

TEST(HttpServerTest, HugeHeadersAre431) {
  CountingHandler counter;
  ServerOptions options = LocalOptions();
  options.header_limit = 1024;
  auto server = StartOrDie(options, counter.AsHandler());
  HttpClient client;
  auto response = client.Send({.method = "GET",
                               .url = UrlOf(*server),
                               .headers = {{"X-Big", std::string(4096, 'h')}},
                               .body = ""});
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 431);
  EXPECT_EQ(counter.calls.load(), 0);
}

TEST(HttpServerTest, SlowClientGets408AfterTheReadTimeout) {
  CountingHandler counter;
  ServerOptions options = LocalOptions();
  options.read_timeout = 200ms;
  auto server = StartOrDie(options, counter.AsHandler());
  const auto start = std::chrono::steady_clock::now();
  // Headers promise ten bytes of body; only three come.
  auto reply = RawExchange(
      server->port(), "POST /interactions HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
  EXPECT_TRUE(reply.closed);
  EXPECT_EQ(reply.bytes.rfind("HTTP/1.1 408", 0), 0u) << reply.bytes;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  EXPECT_EQ(counter.calls.load(), 0);
}

TEST(HttpServerTest, AConnectionThatSendsNothingIsClosedWithoutAReply) {
  CountingHandler counter;
  ServerOptions options = LocalOptions();
  options.read_timeout = 200ms;
  auto server = StartOrDie(options, counter.AsHandler());
  auto reply = RawExchange(server->port(), "");
  EXPECT_TRUE(reply.closed);
  EXPECT_EQ(reply.bytes, "");
}

TEST(HttpServerTest, MalformedRequestIs400AndClosed) {
  CountingHandler counter;
  auto server = StartOrDie(LocalOptions(), counter.AsHandler());
  auto reply = RawExchange(server->port(), "GET / HTTP/1.1\r\nBad Header Line\r\n\r\n");
  EXPECT_TRUE(reply.closed);
  EXPECT_EQ(reply.bytes.rfind("HTTP/1.1 400", 0), 0u) << reply.bytes;
  EXPECT_EQ(counter.calls.load(), 0);
}

TEST(HttpServerTest, ExpectContinueGets100BeforeTheBody) {
  auto server = StartOrDie(LocalOptions(), [](ServerRequest&& request, Responder respond) {
    ServerResponse r;
    r.body = "got " + request.body;
    respond(std::move(r));
  });
  auto reply = RawExchange(server->port(),
                           "POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                           "Content-Length: 2\r\nConnection: close\r\n\r\nhi");
  EXPECT_EQ(reply.bytes.rfind("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200", 0), 0u) << reply.bytes;
  EXPECT_NE(reply.bytes.find("got hi"), std::string::npos) << reply.bytes;
}

TEST(HttpServerTest, AnOversizedContentLengthIsRefusedBeforeTheBodyIsSent) {
  CountingHandler counter;
  ServerOptions options = LocalOptions();
  options.body_limit = 1024;
  auto server = StartOrDie(options, counter.AsHandler());
  auto reply = RawExchange(server->port(),
                           "POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                           "Content-Length: 5000\r\n\r\n");
  EXPECT_TRUE(reply.closed);
  EXPECT_EQ(reply.bytes.rfind("HTTP/1.1 413", 0), 0u) << reply.bytes;
  EXPECT_EQ(counter.calls.load(), 0);
}

TEST(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
  auto server = StartOrDie(LocalOptions(), [](ServerRequest&& request, Responder respond) {
    ServerResponse r;
    r.body = std::string(request.Path());
    respond(std::move(r));
  });
  auto reply = RawExchange(server->port(),
                           "GET /one HTTP/1.1\r\nHost: x\r\n\r\n"
                           "GET /two HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(reply.closed);
  const std::size_t one = reply.bytes.find("/one");
  const std::size_t two = reply.bytes.find("/two");
  ASSERT_NE(one, std::string::npos) << reply.bytes;
  ASSERT_NE(two, std::string::npos) << reply.bytes;
  EXPECT_LT(one, two);
}

TEST(HttpServerTest, AThrowingHandlerGets500AndTheServerCarriesOn) {
  std::atomic<bool> throw_next{true};
  auto server = StartOrDie(LocalOptions(), [&](ServerRequest&&, Responder respond) {
    if (throw_next.exchange(false)) throw std::runtime_error("bug in a handler");
    respond(ServerResponse{});
  });
  HttpClient client;
  auto failed = client.Send({.method = "GET", .url = UrlOf(*server), .headers = {}, .body = ""});
  ASSERT_TRUE(failed.ok()) << failed.error().message;
  EXPECT_EQ(failed->status, 500);
  EXPECT_EQ(failed->body.find("bug in a handler"), std::string::npos);  // not leaked
  auto fine = client.Send({.method = "GET", .url = UrlOf(*server), .headers = {}, .body = ""});
  ASSERT_TRUE(fine.ok()) << fine.error().message;
  EXPECT_EQ(fine->status, 200);
}

TEST(HttpServerTest, AHandlerThatDropsItsResponderGets500InsteadOfAHang) {
  auto server = StartOrDie(LocalOptions(), [](ServerRequest&&, Responder) {});
  HttpClient client;
  auto response = client.Send({.method = "GET", .url = UrlOf(*server), .headers = {}, .body = ""});
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 500);
}

TEST(HttpServerTest, HandlersCanRunInlineOnTheIoThread) {
  ServerOptions options = LocalOptions();
  options.handler_threads = 0;
  CountingHandler counter;
  auto server = StartOrDie(options, counter.AsHandler());
  HttpClient client;
  auto response = client.Send({.method = "GET", .url = UrlOf(*server), .headers = {}, .body = ""});
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 200);
}

TEST(HttpServerTest, GracefulStopDeliversTheReplyOfABlockedHandler) {
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  auto server = StartOrDie(LocalOptions(), [&](ServerRequest&&, Responder respond) {
    entered.set_value();
    released.wait();
    ServerResponse r;
    r.body = "done";
    respond(std::move(r));
  });
  const std::string url = UrlOf(*server);
  HttpClient client;
  auto reply = std::async(std::launch::async, [&] {
    return client.Send({.method = "POST", .url = url, .headers = {}, .body = "{}"});
  });
  ASSERT_EQ(entered.get_future().wait_for(5s), std::future_status::ready);

  auto stopped = std::async(std::launch::async, [&] { server->Stop(); });
  // New connections are turned away while the handler still runs.
  HttpClient late;
  EXPECT_TRUE(WaitFor(
      [&] { return !late.Send({.method = "GET", .url = url, .headers = {}, .body = ""}).ok(); }));
  EXPECT_EQ(stopped.wait_for(0ms), std::future_status::timeout);

  release.set_value();
  auto response = reply.get();
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "done");
  EXPECT_EQ(response->Header("Connection"), "close");
  EXPECT_EQ(stopped.wait_for(5s), std::future_status::ready);
  server->Stop();  // idempotent
}

TEST(HttpServerTest, StopClosesIdleKeepAliveConnections) {
  CountingHandler counter;
  auto server = StartOrDie(LocalOptions(), counter.AsHandler());
  const std::uint16_t port = server->port();
  // A keep-alive client that reads its reply and then just waits.
  auto idle = std::async(std::launch::async, [port] {
    return RawExchange(port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 10s);
  });
  ASSERT_TRUE(WaitFor([&] { return counter.calls.load() == 1; }));
  const auto start = std::chrono::steady_clock::now();
  server->Stop();
  auto reply = idle.get();
  EXPECT_TRUE(reply.closed);
  EXPECT_EQ(reply.bytes.rfind("HTTP/1.1 200", 0), 0u) << reply.bytes;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST(HttpServerTest, AResponderCalledAfterTheServerIsGoneIsHarmless) {
  std::mutex mu;
  std::optional<Responder> kept;
  std::promise<void> entered;
  ServerOptions options = LocalOptions();
  options.stop_timeout = 100ms;
  auto server = StartOrDie(options, [&](ServerRequest&&, Responder respond) {
    std::lock_guard lock(mu);
    kept = std::move(respond);
    entered.set_value();
  });
  HttpClientOptions client_options;
  client_options.request_timeout = 300ms;
  HttpClient client(client_options);
  auto response = client.Send({.method = "GET", .url = UrlOf(*server), .headers = {}, .body = ""});
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, ErrorCode::kUnavailable);
  ASSERT_EQ(entered.get_future().wait_for(5s), std::future_status::ready);
  server.reset();

  std::lock_guard lock(mu);
  ASSERT_TRUE(kept.has_value());
  (*kept)(ServerResponse{});  // dropped: nobody is listening any more
  (*kept)(ServerResponse{});  // a second call is a bug, but not a crash
  kept.reset();
}

TEST(HttpServerTest, AReplyAfterTheClientGaveUpDoesNotDisturbOtherClients) {
  std::promise<Responder> parked;
  std::atomic<bool> park_next{true};
  auto server = StartOrDie(LocalOptions(), [&](ServerRequest&&, Responder respond) {
    if (park_next.exchange(false)) {
      parked.set_value(std::move(respond));
      return;
    }
    respond(ServerResponse{});
  });
  HttpClientOptions client_options;
  client_options.request_timeout = 200ms;
  HttpClient impatient(client_options);
  auto gave_up =
      impatient.Send({.method = "GET", .url = UrlOf(*server), .headers = {}, .body = ""});
  ASSERT_FALSE(gave_up.ok());
  EXPECT_NE(gave_up.error().message.find("request_timeout"), std::string::npos);

  parked.get_future().get()(ServerResponse{});  // written to a closed socket
  HttpClient other;
  auto response = other.Send({.method = "GET", .url = UrlOf(*server), .headers = {}, .body = ""});
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 200);
}

TEST(HttpServerTest, BadListenAddressesAreErrors) {
  auto handler = [](ServerRequest&&, Responder respond) { respond(ServerResponse{}); };
  for (const char* listen : {"127.0.0.1", "127.0.0.1:http", "127.0.0.1:70000", "::1:80", ":80"}) {
    ServerOptions options = LocalOptions();
    options.listen = listen;
    auto server = HttpServer::Start(options, handler);
    ASSERT_FALSE(server.ok()) << listen;
    EXPECT_NE(server.error().message.find("host:port"), std::string::npos) << listen;
  }
  auto first = StartOrDie(LocalOptions(), handler);
  ServerOptions same = LocalOptions();
  same.listen = first->address();
  auto second = HttpServer::Start(same, handler);
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.error().message.find(first->address()), std::string::npos);
}

TEST(HttpServerTest, ListensOnIpv6Loopback) {
  ServerOptions options = LocalOptions();
  options.listen = "[::1]:0";
  auto server = HttpServer::Start(
      options, [](ServerRequest&&, Responder respond) { respond(ServerResponse{}); });
  if (!server.ok()) GTEST_SKIP() << "no IPv6 loopback here: " << server.error().message;
  EXPECT_EQ((*server)->address(), "[::1]:" + std::to_string((*server)->port()));
  HttpClient client;
  auto response = client.Send({.method = "GET",
                               .url = "http://[::1]:" + std::to_string((*server)->port()) + "/",
                               .headers = {},
                               .body = ""});
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 200);
}

}  // namespace
}  // namespace kraken::net
