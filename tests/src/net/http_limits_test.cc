// What hostile or careless clients cost the server: a crowd of connections,
// clients that trickle a request a byte at a time, endless headers and huge
// bodies. Each is cut off at its limit, and the other clients carry on.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <cstring>
#include <future>
#include <stdexcept>
#include <thread>

#include "src/net/http_client.h"
#include "src/net/http_server.h"
#include "tests/src/net/raw_client.h"

namespace kraken::net {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using testing::WaitFor;

ServerOptions LocalOptions() {
  ServerOptions o;
  o.listen = "127.0.0.1:0";
  o.handler_threads = 2;
  return o;
}

struct Served {
  std::unique_ptr<HttpServer> server;
  std::shared_ptr<std::atomic<int>> calls = std::make_shared<std::atomic<int>>(0);
};

// A server that answers every request 200 "ok" and counts them.
Served Serve(ServerOptions options) {
  Served s;
  auto server =
      HttpServer::Start(std::move(options), [calls = s.calls](ServerRequest&&, Responder respond) {
        ++*calls;
        ServerResponse r;
        r.content_type = "text/plain";
        r.body = "ok";
        respond(std::move(r));
      });
  if (!server.ok()) throw std::runtime_error(server.error().message);
  s.server = std::move(server).value();
  return s;
}

// A blocking loopback connection the test holds open for as long as it likes.
class Connection {
 public:
  explicit Connection(std::uint16_t port) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd_ < 0 || connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      throw std::runtime_error(std::string("connect: ") + std::strerror(errno));
    }
  }
  ~Connection() { close(fd_); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // False if the server already hung up.
  bool Send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // Reads until `needle` has arrived, the server closes, or `limit` passes.
  testing::RawReply ReadUntil(std::string_view needle, std::chrono::milliseconds limit) {
    testing::RawReply reply;
    const auto deadline = Clock::now() + limit;
    while (needle.empty() || reply.bytes.find(needle) == std::string::npos) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      pollfd p{fd_, POLLIN, 0};
      if (left.count() <= 0 || poll(&p, 1, static_cast<int>(left.count())) == 0) {
        reply.timed_out = true;
        break;
      }
      char chunk[4096];
      const ssize_t n = recv(fd_, chunk, sizeof(chunk), 0);
      if (n <= 0) {
        reply.closed = true;
        break;
      }
      reply.bytes.append(chunk, static_cast<std::size_t>(n));
    }
    return reply;
  }
  testing::RawReply ReadUntilClosed(std::chrono::milliseconds limit) {
    return ReadUntil("", limit);
  }

 private:
  int fd_;
};

TEST(HttpLimitsTest, ConnectionsBeyondTheLimitGet503AtOnceWhileAdmittedOnesAreServed) {
  ServerOptions options = LocalOptions();
  options.max_connections = 4;
  Served s = Serve(options);
  const std::uint16_t port = s.server->port();

  // Four idle connections: the limit (a client that connects and says nothing
  // is one of the cheapest ways to hold a slot).
  std::vector<std::unique_ptr<Connection>> admitted;
  for (int i = 0; i < 4; ++i) admitted.push_back(std::make_unique<Connection>(port));
  ASSERT_TRUE(WaitFor([&] { return s.server->open_connections() == 4; }));

  const auto start = Clock::now();
  for (int i = 0; i < 3; ++i) {
    Connection extra(port);
    const auto reply = extra.ReadUntilClosed(5s);
    EXPECT_TRUE(reply.closed) << "extra connection " << i << " was kept open";
    EXPECT_EQ(reply.bytes.rfind("HTTP/1.1 503", 0), 0u) << reply.bytes;
    EXPECT_NE(reply.bytes.find("too_many_connections"), std::string::npos) << reply.bytes;
    EXPECT_NE(reply.bytes.find("Retry-After: 1"), std::string::npos) << reply.bytes;
  }
  // Promptly: well within the 10 s read timeout an admitted idle client gets.
  EXPECT_LT(Clock::now() - start, 3s);
  EXPECT_EQ(s.server->refused_connections(), 3u);
  EXPECT_EQ(s.server->open_connections(), 4u);

  // The admitted connections were not disturbed: each is still served.
  for (auto& connection : admitted) {
    ASSERT_TRUE(connection->Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    const auto reply = connection->ReadUntil("\r\n\r\nok", 5s);
    EXPECT_EQ(reply.bytes.rfind("HTTP/1.1 200", 0), 0u) << reply.bytes;
  }
  EXPECT_EQ(s.calls->load(), 4);

  // A slot freed is a slot available again.
  admitted.pop_back();
  ASSERT_TRUE(WaitFor([&] { return s.server->open_connections() == 3; }));
  HttpClient client;
  auto response = client.Send({.method = "GET",
                               .url = "http://127.0.0.1:" + std::to_string(port) + "/",
                               .headers = {},
                               .body = ""});
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(s.server->refused_connections(), 3u);
}

// Clients that send one byte of a request every `interval`, driven by timers
// on a thread of their own, until the server answers or hangs up.
class Tricklers {
 public:
  Tricklers(std::uint16_t port, int count, std::string request, std::chrono::milliseconds interval)
      : request_(std::move(request)), interval_(interval) {
    for (int i = 0; i < count; ++i) {
      auto c = std::make_unique<Client>(ioc_);
      c->socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
      clients_.push_back(std::move(c));
    }
    for (auto& c : clients_) {
      SendNext(*c);
      ReadMore(*c);
    }
    thread_ = std::thread([this] { ioc_.run_for(30s); });
  }
  ~Tricklers() {
    if (thread_.joinable()) thread_.join();
  }

  struct Result {
    std::string reply;
    std::size_t sent = 0;
    std::chrono::milliseconds first_byte_to_close{0};
  };
  // Blocks until every client has been hung up on (or the 30 s safety limit).
  std::vector<Result> Finish() {
    thread_.join();
    std::vector<Result> out;
    for (auto& c : clients_) {
      out.push_back(
          {c->reply, c->sent,
           std::chrono::duration_cast<std::chrono::milliseconds>(c->closed_at - c->first_byte_at)});
    }
    return out;
  }
  // How many have been hung up on so far (any thread).
  int closed() const { return closed_.load(); }

 private:
  struct Client {
    explicit Client(boost::asio::io_context& ioc) : socket(ioc), timer(ioc) {}
    boost::asio::ip::tcp::socket socket;
    boost::asio::steady_timer timer;
    std::array<char, 1024> chunk{};
    std::string reply;
    std::size_t sent = 0;
    bool done = false;
    Clock::time_point first_byte_at, closed_at;
  };

  void SendNext(Client& c) {
    if (c.done || c.sent == request_.size()) return;
    if (c.sent == 0) c.first_byte_at = Clock::now();
    boost::system::error_code ec;
    boost::asio::write(c.socket, boost::asio::buffer(&request_[c.sent], 1), ec);
    if (ec) return;  // the server hung up; the reader notices
    ++c.sent;
    c.timer.expires_after(interval_);
    c.timer.async_wait([this, &c](const boost::system::error_code& e) {
      if (!e) SendNext(c);
    });
  }

  void ReadMore(Client& c) {
    c.socket.async_read_some(boost::asio::buffer(c.chunk),
                             [this, &c](const boost::system::error_code& ec, std::size_t n) {
                               c.reply.append(c.chunk.data(), n);
                               if (!ec) {
                                 ReadMore(c);
                                 return;
                               }
                               c.done = true;
                               c.closed_at = Clock::now();
                               c.timer.cancel();
                               ++closed_;
                             });
  }

  boost::asio::io_context ioc_;
  std::string request_;
  std::chrono::milliseconds interval_;
  std::vector<std::unique_ptr<Client>> clients_;
  std::atomic<int> closed_{0};
  std::thread thread_;
};

TEST(HttpLimitsTest, ByteAtATimeClientsGet408AtTheReadDeadlineAndDoNotDelayOthers) {
  ServerOptions options = LocalOptions();
  options.read_timeout = 400ms;
  Served s = Serve(options);
  // Every byte arrives well within the deadline, so only a deadline over the
  // whole request (not one per read) can stop them; sent whole, the request
  // would take 50 × 100 ms = 5 s.
  const std::string request =
      "POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n0123456789";
  Tricklers slow(s.server->port(), 3, request, 100ms);

  // Meanwhile a normal client is answered at once, before the slow ones are cut off.
  HttpClient client;
  auto response = client.Send({.method = "GET",
                               .url = "http://127.0.0.1:" + std::to_string(s.server->port()) + "/",
                               .headers = {},
                               .body = ""});
  const int closed_when_answered = slow.closed();
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(closed_when_answered, 0);

  for (const auto& r : slow.Finish()) {
    EXPECT_EQ(r.reply.rfind("HTTP/1.1 408", 0), 0u) << r.reply;
    EXPECT_NE(r.reply.find("Connection: close"), std::string::npos) << r.reply;
    EXPECT_LT(r.sent, request.size());
    EXPECT_GE(r.first_byte_to_close, 350ms);  // the deadline, give or take a timer tick
    EXPECT_LT(r.first_byte_to_close, 3s);
  }
  EXPECT_EQ(s.calls->load(), 1);  // no trickled request reached the handler
}

TEST(HttpLimitsTest, AnEndlessHeaderIs431OnceItPassesTheLimitNotWhenItEnds) {
  ServerOptions options = LocalOptions();
  options.header_limit = 1024;
  Served s = Serve(options);
  Connection connection(s.server->port());
  // 8 KB of header lines and no blank line: the header never ends.
  std::string flood = "GET / HTTP/1.1\r\nHost: x\r\n";
  while (flood.size() < 8192) flood += "X-Pad: " + std::string(57, 'p') + "\r\n";
  ASSERT_TRUE(connection.Send(flood));
  const auto reply = connection.ReadUntilClosed(5s);
  EXPECT_TRUE(reply.closed);
  EXPECT_EQ(reply.bytes.rfind("HTTP/1.1 431", 0), 0u) << reply.bytes;
  EXPECT_EQ(s.calls->load(), 0);
}

TEST(HttpLimitsTest, AGigabyteContentLengthIs413BeforeAnyOfTheBodyIsSent) {
  ServerOptions options = LocalOptions();
  options.body_limit = 1024;
  Served s = Serve(options);
  Connection connection(s.server->port());
  // No Expect: 100-continue: the client would send the body right away, and
  // the server answers from the headers alone instead of reading (or
  // allocating) a gigabyte first.
  ASSERT_TRUE(connection.Send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000\r\n\r\n"));
  const auto reply = connection.ReadUntil("\r\n\r\n", 5s);
  EXPECT_FALSE(reply.timed_out);
  EXPECT_EQ(reply.bytes.rfind("HTTP/1.1 413", 0), 0u) << reply.bytes;
  EXPECT_NE(reply.bytes.find("Connection: close"), std::string::npos) << reply.bytes;
  // The client starting its body late changes nothing: the server hangs up.
  connection.Send(std::string(64 * 1024, 'b'));
  EXPECT_TRUE(connection.ReadUntilClosed(5s).closed);
  EXPECT_EQ(s.calls->load(), 0);
}

TEST(HttpLimitsTest, AChunkLargerThanTheBodyLimitIs413BeforeItsDataIsSent) {
  ServerOptions options = LocalOptions();
  options.body_limit = 1024;
  Served s = Serve(options);
  Connection connection(s.server->port());
  // A chunked body announcing a 1 GiB chunk (hex 40000000) and none of its data.
  ASSERT_TRUE(connection.Send(
      "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n40000000\r\n"));
  const auto reply = connection.ReadUntilClosed(5s);
  EXPECT_TRUE(reply.closed);
  EXPECT_EQ(reply.bytes.rfind("HTTP/1.1 413", 0), 0u) << reply.bytes;
  EXPECT_EQ(s.calls->load(), 0);
}

TEST(HttpLimitsTest, SmallChunksAddingUpPastTheLimitAre413) {
  ServerOptions options = LocalOptions();
  options.body_limit = 1024;
  Served s = Serve(options);
  Connection connection(s.server->port());
  std::string request = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 5; ++i) request += "100\r\n" + std::string(256, 'c') + "\r\n";
  ASSERT_TRUE(connection.Send(request));  // 1280 bytes of body, never terminated
  const auto reply = connection.ReadUntilClosed(5s);
  EXPECT_TRUE(reply.closed);
  EXPECT_EQ(reply.bytes.rfind("HTTP/1.1 413", 0), 0u) << reply.bytes;
  EXPECT_EQ(s.calls->load(), 0);
}

TEST(HttpLimitsTest, AnIdleKeepAliveConnectionIsClosedAtTheIdleTimeout) {
  ServerOptions options = LocalOptions();
  options.idle_timeout = 300ms;
  Served s = Serve(options);
  Connection idle(s.server->port());
  ASSERT_TRUE(idle.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_EQ(idle.ReadUntil("\r\n\r\nok", 5s).bytes.rfind("HTTP/1.1 200", 0), 0u);
  const auto served = Clock::now();
  const auto rest = idle.ReadUntilClosed(10s);
  EXPECT_TRUE(rest.closed) << "an idle keep-alive connection was kept open";
  EXPECT_TRUE(rest.bytes.empty()) << rest.bytes;  // closed without a word
  EXPECT_GE(Clock::now() - served, 250ms);
  EXPECT_TRUE(WaitFor([&] { return s.server->open_connections() == 0; }));
}

TEST(HttpLimitsTest, AClientThatNeverReadsItsReplyIsCutOffAtTheWriteDeadline) {
  // A reply far larger than the kernel buffers both sockets together: the
  // server's write stalls until it gives up on the client (the write deadline,
  // at least 5 s), and serves everyone else meanwhile.
  ServerOptions options = LocalOptions();
  options.read_timeout = 300ms;
  auto server = HttpServer::Start(options, [](ServerRequest&& request, Responder respond) {
    ServerResponse r;
    r.content_type = "text/plain";
    r.body = request.Path() == "/big" ? std::string(64u << 20, 'x') : "ok";
    respond(std::move(r));
  });
  ASSERT_TRUE(server.ok()) << server.error().message;
  const std::uint16_t port = (*server)->port();
  Connection stalled(port);
  ASSERT_TRUE(stalled.Send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n"));  // and never reads
  const auto start = Clock::now();

  {
    HttpClient client;  // closes its keep-alive connection at the end of the block
    auto other = client.Send({.method = "GET",
                              .url = "http://127.0.0.1:" + std::to_string(port) + "/",
                              .headers = {},
                              .body = ""});
    ASSERT_TRUE(other.ok()) << other.error().message;
    EXPECT_EQ(other->body, "ok");
    EXPECT_LT(Clock::now() - start, 3s) << "a stalled reader held up another client";
  }
  EXPECT_TRUE(WaitFor([&] { return (*server)->open_connections() == 0; }, 20s))
      << "the connection of a client that never reads was kept open";
  EXPECT_GE(Clock::now() - start, 4s);  // not before the write deadline
}

}  // namespace
}  // namespace kraken::net
