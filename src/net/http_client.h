#pragma once
// A small synchronous HTTP/1.1 client over Boost.Beast, shared by the Discord
// REST client, the Google token exchange and the Sheets client.
//
// - https with certificate and host-name verification against the system CA
//   store (or `ca_file`), SNI set; http only to loopback (see ParseUrl).
// - Keep-alive: one idle connection per origin is kept and reused; a reused
//   connection that turns out to be closed by the peer (it fails before any
//   response byte arrives) is reopened once, transparently, before anything is
//   reported. `Connection: close` in a response is honoured.
// - Timeouts: connect (resolve + TCP + TLS handshake) and whole-request
//   (write the request, read the response) deadlines. A DNS lookup cannot be
//   interrupted, so a hung one ends when getaddrinfo gives up.
// - Error messages name the method and origin, never the path or query (they
//   can carry tokens, as Discord's webhook URLs do).
// - Thread-safe: concurrent Send calls each get their own connection.
//
// Any HTTP status is a response, not an error; errors are transport failures
// (kUnavailable: refused, reset, timed out, TLS failure) or a bad URL
// (kInvalidArgument).

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "events/result.h"

namespace kraken::net {

using Headers = std::vector<std::pair<std::string, std::string>>;

// The value of the first header named `name` (case-insensitive), or "".
std::string_view FindHeader(const Headers& headers, std::string_view name);

struct HttpRequest {
  std::string method = "GET";
  std::string url;  // absolute
  // Host, Content-Length and User-Agent are added unless set here, and
  // Content-Type: application/json when there is a body. A name that is not
  // an HTTP token or a value with a line break is kInvalidArgument.
  Headers headers;
  std::string body;
};

struct HttpResponse {
  int status = 0;
  Headers headers;
  std::string body;
  std::string_view Header(std::string_view name) const { return FindHeader(headers, name); }
};

struct HttpClientOptions {
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds request_timeout{30'000};
  std::string user_agent = "KRAKEN (https://github.com/kraken-eve/kraken, 0.1)";
  std::string ca_file;  // PEM CA certificates to trust; empty: the system store
  std::size_t max_response_bytes = 64u << 20;  // a larger body is kUnavailable
};

class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  Result<HttpResponse> Send(const HttpRequest& request);

  // Connections opened so far (tests use it to check reuse).
  std::size_t connections_opened() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kraken::net
