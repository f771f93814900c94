#pragma once
// An HTTP/1.1 server over Boost.Beast and Asio, shared by `kraken serve` and the
// Sheets emulator. Beast stays inside the .cc files; handlers see plain structs.
//
// - Keep-alive; a read deadline per request (a slow client gets 408 or is
//   dropped), an idle deadline between requests.
// - Limits: header bytes (431), body bytes (413), both answered and closed.
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
};

// Must call `respond` exactly once, from any thread.
using Responder = std::function<void(ServerResponse)>;
using Handler = std::function<void(ServerRequest&& request, Responder respond)>;

struct ServerOptions {
  std::string listen = "127.0.0.1:8080";  // host:port; port 0 picks a free one
  std::size_t header_limit = 16 * 1024;
  std::size_t body_limit = 1 << 20;
  std::chrono::milliseconds read_timeout{10'000};  // to read one whole request
  std::chrono::milliseconds idle_timeout{60'000};  // keep-alive between requests
  int io_threads = 1;
  int handler_threads = 8;  // 0: handlers run on the I/O thread and must not block
  std::string tls_cert_file;  // both set: https
  std::string tls_key_file;
  std::string server_name = "kraken";
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
  void Stop();                  // graceful, idempotent, thread-safe
  void Wait();                  // blocks until stopped

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Blocks the calling thread until SIGINT or SIGTERM arrives; returns the signal.
int WaitForTerminationSignal();

}  // namespace kraken::net
