#pragma once
// An HTTP/1.1 server over Boost.Beast and Asio, shared by `kraken serve` and the
// Sheets emulator. Beast stays inside the .cc files; handlers see plain structs.
//
// - Keep-alive; a read deadline per request (a slow client gets 408 or is
//   dropped), an idle deadline between requests.
// - Limits: header bytes (431), body bytes (413), both answered and closed;
//   connections open at once (beyond it: 503 and closed at once).
// - Optional TLS (certificate chain and key files, PEM) through Asio's SSL stream.
// - Handlers run on a pool of `handler_threads` so they may block (a durable
//   append does); the reply is written by the connection's strand.
// - Stop() is graceful: stop accepting, let requests in flight finish and their
//   replies go out, close idle connections, then return.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "events/result.h"
#include "src/net/http_client.h"  // Headers, FindHeader

namespace kraken::net {

struct ServerRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path and query as sent
  Headers headers;
  std::string body;
  std::string remote;  // "127.0.0.1:53122"
  std::string_view Header(std::string_view name) const { return FindHeader(headers, name); }
  std::string_view Path() const;   // target without the query
  std::string_view Query() const;  // after '?', or ""
};

struct ServerResponse {
  int status = 200;
  std::string content_type = "application/json";
  Headers headers;  // extra headers
  std::string body;
  bool close = false;  // close the connection after this reply
  // Close the connection without any reply, as a crashed upstream would (the
  // Sheets emulator's fault injection). The client sees the connection drop.
  bool drop = false;
};

// Must be called exactly once, from any thread, at any time: a reply for a
// connection that has since closed, or after the server stopped, is dropped.
// A handler that lets its Responder go without calling it gets a 500 sent for
// it (and an error logged): that is a bug, but it should not hang a client.
using Responder = std::function<void(ServerResponse)>;
// Runs on a handler thread (or the I/O thread if handler_threads is 0). An
// exception escaping it is logged and answered 500; handlers should not
// throw. Request bodies and headers are never logged by the server.
using Handler = std::function<void(ServerRequest&& request, Responder respond)>;

struct ServerOptions {
  // host:port, "[::1]:port" for IPv6, 0.0.0.0 for every interface; port 0
  // picks a free one (see port()).
  std::string listen = "127.0.0.1:8080";
  std::size_t header_limit = 16 * 1024;  // request line + headers; more: 431
  std::size_t body_limit = 1 << 20;      // more: 413, before the handler sees it
  // To read one whole request from its first byte (and the TLS handshake);
  // late: 408. A new connection that sends nothing in this time is closed.
  std::chrono::milliseconds read_timeout{10'000};
  std::chrono::milliseconds idle_timeout{60'000};  // keep-alive between requests
  // Connections open at once, in any state (handshake, reading, handled, idle,
  // closing). One more is accepted, answered 503 (plain HTTP; a TLS one is just
  // closed) and closed at once, so an idle crowd costs a file descriptor each
  // and no more; a warning is logged at most every 10 s. 0: no limit.
  std::size_t max_connections = 1024;
  int io_threads = 1;
  int handler_threads = 8;    // 0: handlers run on the I/O thread and must not block
  std::string tls_cert_file;  // both set: https
  std::string tls_key_file;
  std::string server_name = "kraken";
  // How long Stop() waits for requests in flight before closing their
  // connections anyway (a late reply is then dropped).
  std::chrono::milliseconds stop_timeout{30'000};
};

class HttpServer {
 public:
  // Binds and starts serving on background threads. A bad listen address, a
  // port in use or unreadable TLS files are errors that say so.
  static Result<std::unique_ptr<HttpServer>> Start(ServerOptions options, Handler handler);
  ~HttpServer();  // Stop()s
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  std::uint16_t port() const;
  std::string address() const;  // "127.0.0.1:8080"
  // Connections open right now (for metrics, and for tests that wait for an
  // idle connection to be closed).
  std::size_t open_connections() const;
  // Connections turned away since Start() because max_connections were open.
  std::uint64_t refused_connections() const;
  // Graceful, idempotent, thread-safe: stops accepting, closes idle
  // connections, lets requests in flight finish (their replies carry
  // `Connection: close`) for up to stop_timeout, then closes the rest and
  // joins the threads. It waits for running handler calls to return, so it must
  // not be called from a handler.
  void Stop();
  void Wait();  // blocks until Stop() has finished (on any thread)

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Blocks the calling thread until SIGINT or SIGTERM arrives; returns the signal.
int WaitForTerminationSignal();

}  // namespace kraken::net
