#include "src/net/http_server.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <csignal>
#include <thread>
#include <vector>

#include "events/json_text.h"
#include "src/net/boost_net.h"
#include "src/net/http_session.h"

namespace kraken::net {
namespace {

constexpr std::chrono::milliseconds kAcceptRetryDelay{100};
// A crowd of refused connections is one warning per interval, not one per
// connection: the log must not become the next exhausted resource.
constexpr std::chrono::seconds kRefusalLogInterval{10};

// The whole reply to a connection beyond max_connections, built once.
std::string RefusalReply(const ServerOptions& o) {
  JsonWriter w;
  w.BeginObject()
      .Key("error")
      .String("too_many_connections")
      .Key("message")
      .String("the server already has " + std::to_string(o.max_connections) +
              " connections open, its limit; retry in a moment")
      .EndObject();
  const std::string body = w.Take();
  return "HTTP/1.1 503 Service Unavailable\r\nServer: " + o.server_name +
         "\r\nContent-Type: application/json\r\nRetry-After: 1\r\nConnection: close\r\n"
         "Content-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

struct ListenAddress {
  std::string host;
  std::string port;
};

Result<ListenAddress> ParseListen(std::string_view listen) {
  auto bad = [&](std::string_view why) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "listen address '" + std::string(listen) + "' " + std::string(why) +
                         "; use host:port, e.g. 127.0.0.1:8080, 0.0.0.0:8443 or [::1]:8080");
  };
  ListenAddress out;
  std::string_view port;
  if (!listen.empty() && listen.front() == '[') {
    const std::size_t close = listen.find(']');
    if (close == std::string_view::npos || close + 1 >= listen.size() || listen[close + 1] != ':') {
      return bad("has a malformed [IPv6] host");
    }
    out.host = std::string(listen.substr(1, close - 1));
    port = listen.substr(close + 2);
  } else {
    const std::size_t colon = listen.rfind(':');
    if (colon == std::string_view::npos) return bad("has no port");
    out.host = std::string(listen.substr(0, colon));
    port = listen.substr(colon + 1);
    if (out.host.find(':') != std::string::npos) return bad("needs brackets around an IPv6 host");
  }
  if (out.host.empty()) return bad("has no host");
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string_view::npos ||
      std::stoi(std::string(port)) > 65535) {
    return bad("has an invalid port (0 to 65535; 0 picks a free one)");
  }
  out.port = std::string(port);
  return out;
}

Status LoadTls(ServerCore& core) {
  const ServerOptions& o = core.options;
  if (o.tls_cert_file.empty() && o.tls_key_file.empty()) return Ok{};
  if (o.tls_cert_file.empty() || o.tls_key_file.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "TLS needs both a certificate chain file and a private key file; only " +
                         std::string(o.tls_cert_file.empty() ? "the key" : "the certificate") +
                         " is set");
  }
  ssl::context ctx(ssl::context::tls_server);
  ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                  ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                  ssl::context::single_dh_use);
  error_code ec;
  ctx.use_certificate_chain_file(o.tls_cert_file, ec);
  if (ec) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "cannot load the TLS certificate chain file '" + o.tls_cert_file + "' (" +
                         ec.message() +
                         "); it must be a readable PEM file, server certificate "
                         "first");
  }
  ctx.use_private_key_file(o.tls_key_file, ssl::context::pem, ec);
  if (ec) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "cannot load the TLS private key file '" + o.tls_key_file + "' (" +
                         ec.message() +
                         "); it must be a readable, unencrypted PEM key matching the "
                         "certificate");
  }
  core.tls.emplace(std::move(ctx));
  return Ok{};
}

}  // namespace

std::string_view ServerRequest::Path() const {
  std::string_view t = target;
  return t.substr(0, t.find('?'));
}

std::string_view ServerRequest::Query() const {
  std::string_view t = target;
  const std::size_t q = t.find('?');
  return q == std::string_view::npos ? std::string_view() : t.substr(q + 1);
}

struct HttpServer::Impl {
  // Declared before the io_context: sessions destroyed along with it still
  // unregister themselves from the core.
  ServerCore core;
  std::unique_ptr<asio::io_context> ioc;
  std::optional<tcp::acceptor> acceptor;
  std::optional<asio::steady_timer> accept_retry;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::vector<std::thread> io_threads;
  tcp::endpoint local;

  // Refusals: the counter is read by any thread; the rest lives on the
  // acceptor's strand.
  std::string refusal_reply;
  std::atomic<std::uint64_t> refused{0};
  std::uint64_t refused_since_log = 0;
  std::optional<std::chrono::steady_clock::time_point> last_refusal_log;

  std::mutex stop_mu;
  std::condition_variable stop_cv;
  bool stop_started = false;
  bool stopped = false;

  void Accept();
  bool AtCapacity();
  void Refuse(tcp::socket socket);
  void DoStop();
};

void HttpServer::Impl::Accept() {
  acceptor->async_accept(asio::make_strand(*ioc), [this](const error_code& ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor->is_open()) return;
    if (ec) {
      // Out of file descriptors, typically: wait a little instead of spinning.
      spdlog::warn("accepting a connection failed: {}", ec.message());
      accept_retry->expires_after(kAcceptRetryDelay);
      accept_retry->async_wait([this](const error_code& e) {
        if (!e && acceptor->is_open()) Accept();
      });
      return;
    }
    if (AtCapacity()) {
      Refuse(std::move(socket));
    } else {
      std::make_shared<HttpSession>(core, std::move(socket))->Start();
    }
    Accept();
  });
}

bool HttpServer::Impl::AtCapacity() {
  if (core.options.max_connections == 0) return false;
  std::lock_guard lock(core.mu);
  return core.sessions.size() >= core.options.max_connections;
}

// The socket is new, so its send buffer is empty and the short reply fits in
// it without waiting: one non-blocking write, then close. Nothing is read, so
// a refused connection holds no buffer and no timer. A client that had already
// sent its request may see a reset instead of the 503; either way it learns at
// once that it must retry.
void HttpServer::Impl::Refuse(tcp::socket socket) {
  refused.fetch_add(1);  // before the client can see the refusal
  error_code ignored;
  if (!core.tls) {
    socket.non_blocking(true, ignored);
    socket.write_some(asio::buffer(refusal_reply), ignored);
  }
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
  ++refused_since_log;
  const auto now = std::chrono::steady_clock::now();
  if (!last_refusal_log || now - *last_refusal_log >= kRefusalLogInterval) {
    spdlog::warn(
        "HTTP server at its limit of {} open connections: refused {} connection(s) since the "
        "last such message; raise [server] max_connections if the clients are legitimate",
        core.options.max_connections, refused_since_log);
    last_refusal_log = now;
    refused_since_log = 0;
  }
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { Stop(); }

Result<std::unique_ptr<HttpServer>> HttpServer::Start(ServerOptions options, Handler handler) {
  if (!handler) return MakeError(ErrorCode::kInvalidArgument, "HttpServer needs a handler");
  KRAKEN_ASSIGN_OR_RETURN(ListenAddress where, ParseListen(options.listen));
  auto impl = std::make_unique<Impl>();
  impl->core.options = std::move(options);
  impl->core.handler = std::move(handler);
  KRAKEN_RETURN_IF_ERROR(LoadTls(impl->core));
  const ServerOptions& o = impl->core.options;
  impl->refusal_reply = RefusalReply(o);
  const int io_threads = std::max(1, o.io_threads);
  impl->ioc = std::make_unique<asio::io_context>(io_threads);

  error_code ec;
  tcp::resolver resolver(*impl->ioc);
  const auto endpoints = resolver.resolve(
      where.host, where.port, tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || endpoints.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "cannot resolve listen host '" + where.host +
                                                      "' (" + (ec ? ec.message() : "no address") +
                                                      "); use an IP address or a name "
                                                      "of this machine");
  }
  const tcp::endpoint endpoint = endpoints.begin()->endpoint();
  impl->acceptor.emplace(asio::make_strand(*impl->ioc));
  auto fail = [&](std::string_view step) {
    const ErrorCode code =
        ec == asio::error::address_in_use ? ErrorCode::kUnavailable : ErrorCode::kIo;
    return MakeError(code, "cannot listen on " + o.listen + ": " + std::string(step) + " failed (" +
                               ec.message() + ")" +
                               (ec == asio::error::address_in_use
                                    ? "; another process uses the port: stop it or pick another "
                                      "port"
                                    : ""));
  };
  if (impl->acceptor->open(endpoint.protocol(), ec)) return fail("open");
  if (impl->acceptor->set_option(asio::socket_base::reuse_address(true), ec)) {
    return fail("SO_REUSEADDR");
  }
  if (impl->acceptor->bind(endpoint, ec)) return fail("bind");
  if (impl->acceptor->listen(asio::socket_base::max_listen_connections, ec)) return fail("listen");
  impl->local = impl->acceptor->local_endpoint(ec);
  if (ec) return fail("getsockname");

  impl->accept_retry.emplace(impl->acceptor->get_executor());
  if (o.handler_threads > 0) {
    impl->core.handlers =
        std::make_unique<asio::thread_pool>(static_cast<std::size_t>(o.handler_threads));
  }
  impl->work.emplace(impl->ioc->get_executor());
  Impl* raw = impl.get();
  asio::post(impl->acceptor->get_executor(), [raw] { raw->Accept(); });
  for (int i = 0; i < io_threads; ++i) {
    impl->io_threads.emplace_back([raw] {
      // Handlers run elsewhere and catch their own exceptions; anything that
      // escapes to here is a bug in this file, and losing the thread silently
      // would hang the server.
      for (;;) {
        try {
          raw->ioc->run();
          return;
        } catch (const std::exception& e) {
          spdlog::error("HTTP server I/O thread caught: {}", e.what());
        }
      }
    });
  }
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

std::uint16_t HttpServer::port() const { return impl_->local.port(); }

std::string HttpServer::address() const {
  const auto a = impl_->local.address();
  return (a.is_v6() ? "[" + a.to_string() + "]" : a.to_string()) + ":" +
         std::to_string(impl_->local.port());
}

std::size_t HttpServer::open_connections() const {
  std::lock_guard lock(impl_->core.mu);
  return impl_->core.sessions.size();
}

std::uint64_t HttpServer::refused_connections() const { return impl_->refused.load(); }

void HttpServer::Stop() {
  std::unique_lock lock(impl_->stop_mu);
  if (impl_->stop_started) {
    impl_->stop_cv.wait(lock, [&] { return impl_->stopped; });
    return;
  }
  impl_->stop_started = true;
  lock.unlock();
  impl_->DoStop();
  lock.lock();
  impl_->stopped = true;
  impl_->stop_cv.notify_all();
}

void HttpServer::Wait() {
  std::unique_lock lock(impl_->stop_mu);
  impl_->stop_cv.wait(lock, [&] { return impl_->stopped; });
}

void HttpServer::Impl::DoStop() {
  core.stopping.store(true);
  asio::post(acceptor->get_executor(), [this] {
    error_code ignored;
    acceptor->close(ignored);
    accept_retry->cancel();
  });

  auto for_each_session = [this](void (HttpSession::*action)()) {
    std::vector<std::shared_ptr<HttpSession>> live;
    {
      std::lock_guard guard(core.mu);
      for (auto& [ptr, weak] : core.sessions) {
        if (auto sp = weak.lock()) live.push_back(std::move(sp));
      }
    }
    for (auto& sp : live) {
      asio::post(sp->executor(), [sp, action] { ((*sp).*action)(); });
    }
  };
  for_each_session(&HttpSession::OnStop);

  // Requests in flight finish and their replies go out; idle connections are
  // closed by OnStop. A handler stuck beyond stop_timeout is abandoned: its
  // connection is closed and a late reply is dropped at the gate.
  {
    std::unique_lock guard(core.mu);
    const bool drained = core.changed.wait_for(guard, core.options.stop_timeout,
                                               [this] { return core.sessions.empty(); });
    if (!drained) {
      spdlog::warn("HTTP server stop: {} connection(s) still busy after {} ms; closing them",
                   core.sessions.size(), core.options.stop_timeout.count());
    }
  }
  for_each_session(&HttpSession::CloseNow);

  work.reset();
  ioc->stop();
  for (auto& t : io_threads) t.join();
  io_threads.clear();
  {
    std::lock_guard guard(core.gate->mu);
    core.gate->open = false;
  }
  if (core.handlers) core.handlers->join();
  std::unordered_map<HttpSession*, std::shared_ptr<HttpSession>> handling;
  {
    std::lock_guard guard(core.mu);
    handling.swap(core.handling);
  }
  handling.clear();  // outside the lock: a session's destructor takes it
  acceptor.reset();
  accept_retry.reset();
  ioc.reset();  // destroys what is still queued, and the sessions it holds
}

int WaitForTerminationSignal() {
  asio::io_context ioc(1);
  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  int received = 0;
  signals.async_wait([&](const error_code& ec, int signal) {
    if (!ec) received = signal;
  });
  ioc.run();
  return received;
}

}  // namespace kraken::net
