#include "src/net/http_client.h"

#include <fmt/format.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <optional>

#include "src/net/boost_net.h"
#include "src/net/url.h"

namespace kraken::net {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::uint32_t kMaxResponseHeaderBytes = 64 * 1024;

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return beast::iequals(ToBeast(a), ToBeast(b));
}

// One connection to one origin. It owns its io_context, so a Send runs all of
// its I/O on the calling thread and a pooled connection carries everything it
// needs to be reused by another thread later.
struct Connection {
  explicit Connection(std::string origin_in) : origin(std::move(origin_in)) {}

  std::string origin;
  asio::io_context ioc{1};  // declared first: the sockets below need it alive
  std::optional<tcp::socket> plain;
  std::optional<ssl::stream<tcp::socket>> tls;
  beast::flat_buffer buffer;

  tcp::socket& Socket() { return tls ? tls->next_layer() : *plain; }

  // Runs the io_context until `done` or `deadline`. On the deadline `cancel`
  // (by default: close the socket) completes the pending operation with
  // operation_aborted, and false is returned. A connection that timed out is
  // never reused.
  bool RunUntil(const bool& done, Clock::time_point deadline,
                const std::function<void()>& cancel = nullptr) {
    ioc.restart();
    while (!done && Clock::now() < deadline) {
      if (ioc.run_one_until(deadline) == 0 && ioc.stopped()) break;
    }
    if (done) return true;
    if (cancel) {
      cancel();
    } else {
      error_code ignored;
      Socket().close(ignored);
    }
    ioc.restart();
    ioc.run();  // let the aborted handlers run before anything is destroyed
    return false;
  }
};

// What went wrong with one exchange, enough to decide on a retry.
struct Failure {
  error_code ec;
  bool timed_out = false;
  bool got_response_bytes = false;
  std::string message;
};

std::string HostHeader(const Url& url) {
  std::string host = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
  const bool default_port = (url.tls() && url.port == "443") || (!url.tls() && url.port == "80");
  if (!default_port) host += ":" + url.port;
  return host;
}

bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    if (c <= 0x20 || c >= 0x7f ||
        std::string_view("()<>@,;:\\\"/[]?={}").find(static_cast<char>(c)) !=
            std::string_view::npos) {
      return false;
    }
  }
  return true;
}

bool HasLineBreak(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

// Asio reports TLS failures as "certificate verify failed" at best; the verify
// result says why, which is what a person needs to fix it.
std::string DescribeTlsFailure(Connection& conn, const Url& url, const error_code& ec) {
  if (conn.tls) {
    const long verify = SSL_get_verify_result(conn.tls->native_handle());
    if (verify != X509_V_OK) {
      return fmt::format(
          "the TLS certificate of {} was rejected: {}; if the server uses a private CA, set "
          "ca_file to that CA's PEM certificate",
          url.host, X509_verify_cert_error_string(verify));
    }
  }
  std::string reason = ec.message();
  if (ec.category() == asio::error::get_ssl_category()) {
    const char* r = ERR_reason_error_string(static_cast<unsigned long>(ec.value()));
    if (r != nullptr) reason = r;
  }
  return fmt::format("the TLS handshake with {}:{} failed: {}", url.host, url.port, reason);
}

}  // namespace

std::string_view FindHeader(const Headers& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreCase(key, name)) return value;
  }
  return {};
}

struct HttpClient::Impl {
  explicit Impl(HttpClientOptions options_in) : options(std::move(options_in)) {}

  Result<std::unique_ptr<Connection>> Connect(const Url& url);
  // One request on `conn`: the response, or what failed and how far it got.
  // `reusable` says whether the connection may serve another request.
  std::variant<HttpResponse, Failure> Exchange(Connection& conn, const Url& url,
                                               const http::request<http::string_body>& req,
                                               bool* reusable);
  Result<ssl::context*> TlsContext();

  std::unique_ptr<Connection> TakeIdle(const std::string& origin) {
    std::lock_guard lock(mu);
    auto it = idle.find(origin);
    if (it == idle.end()) return nullptr;
    std::unique_ptr<Connection> conn = std::move(it->second);
    idle.erase(it);
    return conn;
  }

  void ReturnIdle(std::unique_ptr<Connection> conn) {
    std::unique_ptr<Connection> extra;  // closed outside the lock
    std::lock_guard lock(mu);
    auto& slot = idle[conn->origin];
    if (slot) {
      extra = std::move(conn);
    } else {
      slot = std::move(conn);
    }
  }

  const HttpClientOptions options;
  std::atomic<std::size_t> opened{0};
  std::mutex mu;
  std::map<std::string, std::unique_ptr<Connection>> idle;  // one per origin
  std::optional<ssl::context> tls_context;                  // built on first https use
  std::optional<Error> tls_context_error;
};

Result<ssl::context*> HttpClient::Impl::TlsContext() {
  std::lock_guard lock(mu);
  if (tls_context) return &*tls_context;
  if (tls_context_error) return *tls_context_error;
  ssl::context ctx(ssl::context::tls_client);
  ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                  ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  error_code ec;
  if (options.ca_file.empty()) {
    ctx.set_default_verify_paths(ec);
    if (ec) {
      tls_context_error = MakeError(ErrorCode::kUnavailable,
                                    "cannot load the system CA certificates (" + ec.message() +
                                        "); install the ca-certificates package or set ca_file");
    }
  } else {
    ctx.load_verify_file(options.ca_file, ec);
    if (ec) {
      tls_context_error =
          MakeError(ErrorCode::kInvalidArgument,
                    "cannot load ca_file '" + options.ca_file + "' (" + ec.message() +
                        "); it must be a readable PEM file of CA certificates");
    }
  }
  if (tls_context_error) return *tls_context_error;
  ctx.set_verify_mode(ssl::verify_peer);
  tls_context.emplace(std::move(ctx));
  return &*tls_context;
}

Result<std::unique_ptr<Connection>> HttpClient::Impl::Connect(const Url& url) {
  auto conn = std::make_unique<Connection>(url.Origin());
  const Clock::time_point deadline = Clock::now() + options.connect_timeout;
  const std::string where = url.Origin();
  if (url.tls()) {
    KRAKEN_ASSIGN_OR_RETURN(ssl::context * ctx, TlsContext());
    conn->tls.emplace(conn->ioc, *ctx);
  } else {
    conn->plain.emplace(conn->ioc);
  }

  // Resolve (IP literals skip the resolver).
  std::vector<tcp::endpoint> endpoints;
  error_code ec;
  const std::uint16_t port = static_cast<std::uint16_t>(std::stoi(url.port));
  const asio::ip::address literal = asio::ip::make_address(url.host, ec);
  const bool is_literal = !ec;
  if (is_literal) {
    endpoints.emplace_back(literal, port);
  } else {
    tcp::resolver resolver(conn->ioc);
    bool done = false;
    resolver.async_resolve(url.host, url.port,
                           [&](const error_code& e, const tcp::resolver::results_type& results) {
                             ec = e;
                             for (const auto& entry : results)
                               endpoints.push_back(entry.endpoint());
                             done = true;
                           });
    // Asio resolves with getaddrinfo on a helper thread, which cannot be
    // interrupted: a lookup past the deadline is reported once it returns.
    if (!conn->RunUntil(done, deadline, [&] { resolver.cancel(); }) || ec) {
      return MakeError(ErrorCode::kUnavailable,
                       fmt::format("cannot resolve host '{}' ({}); check the URL and DNS", url.host,
                                   ec ? ec.message() : "timed out"));
    }
  }

  bool done = false;
  asio::async_connect(conn->Socket(), endpoints, [&](const error_code& e, const tcp::endpoint&) {
    ec = e;
    done = true;
  });
  if (!conn->RunUntil(done, deadline)) {
    return MakeError(ErrorCode::kUnavailable,
                     fmt::format("cannot connect to {} within {} ms (connect_timeout)", where,
                                 options.connect_timeout.count()));
  }
  if (ec) {
    return MakeError(ErrorCode::kUnavailable,
                     fmt::format("cannot connect to {}: {}", where, ec.message()));
  }
  opened.fetch_add(1, std::memory_order_relaxed);
  conn->Socket().set_option(tcp::no_delay(true), ec);

  if (conn->tls) {
    SSL* ssl_handle = conn->tls->native_handle();
    // OpenSSL's own host check (rather than a verify callback) so that a
    // mismatch is reported as such by SSL_get_verify_result.
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl_handle);
    if (is_literal) {
      X509_VERIFY_PARAM_set1_ip_asc(param, url.host.c_str());
    } else {
      X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
      X509_VERIFY_PARAM_set1_host(param, url.host.c_str(), url.host.size());
      SSL_set_tlsext_host_name(ssl_handle, url.host.c_str());  // SNI: names only, never IPs
    }
    done = false;
    conn->tls->async_handshake(ssl::stream_base::client, [&](const error_code& e) {
      ec = e;
      done = true;
    });
    if (!conn->RunUntil(done, deadline)) {
      return MakeError(ErrorCode::kUnavailable,
                       fmt::format("the TLS handshake with {} did not finish within {} ms "
                                   "(connect_timeout)",
                                   where, options.connect_timeout.count()));
    }
    if (ec) {
      // A certificate that does not verify will not verify on a retry either:
      // the fix is in the configuration (ca_file), so callers should not wait.
      const bool rejected =
          SSL_get_verify_result(conn->tls->native_handle()) != X509_V_OK;
      return MakeError(rejected ? ErrorCode::kInvalidArgument : ErrorCode::kUnavailable,
                       DescribeTlsFailure(*conn, url, ec));
    }
  }
  return conn;
}

std::variant<HttpResponse, Failure> HttpClient::Impl::Exchange(
    Connection& conn, const Url& url, const http::request<http::string_body>& req, bool* reusable) {
  *reusable = false;
  const Clock::time_point deadline = Clock::now() + options.request_timeout;
  error_code ec;
  bool done = false;
  auto on_done = [&](const error_code& e, std::size_t) {
    ec = e;
    done = true;
  };
  if (conn.tls) {
    http::async_write(*conn.tls, req, on_done);
  } else {
    http::async_write(*conn.plain, req, on_done);
  }
  Failure failure;
  if (!conn.RunUntil(done, deadline)) {
    failure.timed_out = true;
    return failure;
  }
  if (ec) {
    failure.ec = ec;
    return failure;
  }

  http::response_parser<http::string_body> parser;
  parser.header_limit(kMaxResponseHeaderBytes);
  parser.body_limit(options.max_response_bytes);
  if (req.method() == http::verb::head) parser.skip(true);
  // The header is read on its own first: Beast 1.74 skips the Content-Length
  // versus body_limit check when the header and the body arrive in one read.
  done = false;
  if (conn.tls) {
    http::async_read_header(*conn.tls, conn.buffer, parser, on_done);
  } else {
    http::async_read_header(*conn.plain, conn.buffer, parser, on_done);
  }
  bool finished = conn.RunUntil(done, deadline);
  if (finished && !ec && !parser.is_done()) {
    done = false;
    if (conn.tls) {
      http::async_read(*conn.tls, conn.buffer, parser, on_done);
    } else {
      http::async_read(*conn.plain, conn.buffer, parser, on_done);
    }
    finished = conn.RunUntil(done, deadline);
  }
  failure.got_response_bytes = parser.got_some() || conn.buffer.size() != 0;
  if (!finished) {
    failure.timed_out = true;
    return failure;
  }
  if (ec) {
    failure.ec = ec;
    if (ec == http::error::body_limit) {
      failure.message = fmt::format("the response body from {} exceeds max_response_bytes ({})",
                                    url.Origin(), options.max_response_bytes);
    }
    return failure;
  }

  auto& res = parser.get();
  HttpResponse out;
  out.status = static_cast<int>(res.result_int());
  for (const auto& field : res) {
    out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  *reusable = res.keep_alive() && !res.need_eof() && conn.buffer.size() == 0;
  out.body = std::move(res.body());
  return out;
}

HttpClient::HttpClient(HttpClientOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

HttpClient::~HttpClient() = default;

std::size_t HttpClient::connections_opened() const {
  return impl_->opened.load(std::memory_order_relaxed);
}

Result<HttpResponse> HttpClient::Send(const HttpRequest& request) {
  KRAKEN_ASSIGN_OR_RETURN(Url url, ParseUrl(request.url));
  if (!IsToken(request.method)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "HTTP method '" + request.method + "' is not a valid token (e.g. GET, POST)");
  }
  http::request<http::string_body> req;
  const http::verb verb = http::string_to_verb(request.method);
  if (verb == http::verb::unknown) {
    req.method_string(request.method);
  } else {
    req.method(verb);
  }
  req.target(url.target);
  req.version(11);
  for (const auto& [name, value] : request.headers) {
    if (!IsToken(name) || HasLineBreak(value)) {
      return MakeError(
          ErrorCode::kInvalidArgument,
          "request header '" + name + "' has an invalid name or a line break in its value");
    }
    req.insert(name, value);
  }
  if (req.find(http::field::host) == req.end()) req.set(http::field::host, HostHeader(url));
  if (req.find(http::field::user_agent) == req.end()) {
    req.set(http::field::user_agent, impl_->options.user_agent);
  }
  if (!request.body.empty() && req.find(http::field::content_type) == req.end()) {
    req.set(http::field::content_type, "application/json");
  }
  req.body() = request.body;
  req.prepare_payload();
  if (!request.body.empty() || verb == http::verb::post || verb == http::verb::put ||
      verb == http::verb::patch) {
    req.content_length(request.body.size());
  }
  req.keep_alive(true);

  const std::string origin = url.Origin();
  std::unique_ptr<Connection> conn = impl_->TakeIdle(origin);
  bool reused = conn != nullptr;
  for (int attempt = 0;; ++attempt) {
    if (!conn) {
      KRAKEN_ASSIGN_OR_RETURN(conn, impl_->Connect(url));
      reused = false;
    }
    bool reusable = false;
    auto outcome = impl_->Exchange(*conn, url, req, &reusable);
    if (auto* response = std::get_if<HttpResponse>(&outcome)) {
      if (reusable) impl_->ReturnIdle(std::move(conn));
      return std::move(*response);
    }
    Failure& failure = std::get<Failure>(outcome);
    // A kept-alive connection the server has since closed fails before any
    // response byte; the request never reached a handler, so one fresh
    // connection is tried. A timeout is not retried: it would double the wait.
    if (reused && attempt == 0 && !failure.timed_out && !failure.got_response_bytes) {
      conn.reset();
      continue;
    }
    if (failure.timed_out) {
      return MakeError(ErrorCode::kUnavailable,
                       fmt::format("{} {}: no complete response within {} ms (request_timeout)",
                                   request.method, origin, impl_->options.request_timeout.count()));
    }
    if (!failure.message.empty()) return MakeError(ErrorCode::kUnavailable, failure.message);
    return MakeError(ErrorCode::kUnavailable,
                     fmt::format("{} {}: the connection failed: {}", request.method, origin,
                                 failure.ec.message()));
  }
}

}  // namespace kraken::net
