#include "src/net/http_session.h"

#include <spdlog/spdlog.h>

#include <array>
#include <exception>

#include "events/json_text.h"

namespace kraken::net {
namespace {

// After a final reply the server half-closes and reads what the client still
// sends for a moment: closing with unread bytes would make the kernel send a
// reset, which can destroy the reply (a 413, say) before the client reads it.
constexpr std::chrono::milliseconds kLingerTime{1000};
constexpr std::size_t kLingerMaxBytes = 1 << 20;
constexpr std::chrono::milliseconds kMinWriteTimeout{5000};

std::string ErrorJson(std::string_view code, std::string_view message) {
  JsonWriter w;
  w.BeginObject().Key("error").String(code).Key("message").String(message).EndObject();
  return w.Take();
}

std::string FormatEndpoint(const tcp::endpoint& ep) {
  const auto address = ep.address();
  const std::string host = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
  return host + ":" + std::to_string(ep.port());
}

bool HasLineBreak(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

// The Responder's state: one reply per request, delivered through the gate. A
// handler that drops its Responder without calling it is a bug; the client
// then gets a 500 rather than a connection that hangs until a timeout.
class ReplyState {
 public:
  ReplyState(std::weak_ptr<HttpSession> session, std::shared_ptr<ReplyGate> gate, std::string what)
      : session_(std::move(session)), gate_(std::move(gate)), what_(std::move(what)) {}
  ReplyState(const ReplyState&) = delete;
  ReplyState& operator=(const ReplyState&) = delete;
  ~ReplyState() {
    if (!used_.load()) {
      spdlog::error("HTTP handler for {} returned without responding; replying 500", what_);
      Deliver(ServerResponse{500,
                             "application/json",
                             {},
                             ErrorJson("internal", "the request handler did not respond"),
                             false, false});
    }
  }

  void Deliver(ServerResponse response) {
    if (used_.exchange(true)) {
      spdlog::error("HTTP handler for {} responded more than once; the extra reply is dropped",
                    what_);
      return;
    }
    std::lock_guard lock(gate_->mu);
    if (!gate_->open) return;
    std::shared_ptr<HttpSession> session = session_.lock();
    if (!session) return;  // the connection is gone; nobody is waiting
    asio::post(session->executor(),
               [session, r = std::move(response)]() mutable { session->WriteReply(std::move(r)); });
  }

 private:
  std::weak_ptr<HttpSession> session_;
  std::shared_ptr<ReplyGate> gate_;
  std::string what_;  // "POST /interactions", for logs
  std::atomic<bool> used_{false};
};

void RunHandler(const Handler& handler, ServerRequest request, std::shared_ptr<ReplyState> state,
                const std::string& what) {
  Responder respond = [state](ServerResponse response) { state->Deliver(std::move(response)); };
  try {
    handler(std::move(request), respond);
  } catch (const std::exception& e) {
    spdlog::error("HTTP handler for {} threw: {}", what, e.what());
    respond(ServerResponse{500,
                           "application/json",
                           {},
                           ErrorJson("internal", "the request handler failed; see the server log"),
                           false, false});
  } catch (...) {
    spdlog::error("HTTP handler for {} threw a non-standard exception", what);
    respond(ServerResponse{500,
                           "application/json",
                           {},
                           ErrorJson("internal", "the request handler failed; see the server log"),
                           false, false});
  }
}

}  // namespace

HttpSession::HttpSession(ServerCore& core, tcp::socket socket)
    : core_(core), executor_(socket.get_executor()), timer_(socket.get_executor()) {
  error_code ec;
  const tcp::endpoint ep = socket.remote_endpoint(ec);
  remote_ = ec ? "unknown" : FormatEndpoint(ep);
  socket.set_option(tcp::no_delay(true), ec);
  if (core_.tls) {
    tls_.emplace(beast::tcp_stream(std::move(socket)), *core_.tls);
  } else {
    plain_.emplace(std::move(socket));
  }
}

HttpSession::~HttpSession() {
  std::lock_guard lock(core_.mu);
  core_.sessions.erase(this);
  core_.changed.notify_all();
}

template <typename F>
void HttpSession::ArmTimer(std::chrono::milliseconds after, F on_expiry) {
  const std::uint64_t generation = ++timer_generation_;
  timer_.expires_after(after);
  timer_.async_wait([self = shared_from_this(), generation, on_expiry](const error_code& ec) {
    if (ec || generation != self->timer_generation_) return;
    on_expiry(*self);
  });
}

void HttpSession::DisarmTimer() {
  ++timer_generation_;
  timer_.cancel();
}

void HttpSession::Start() {
  {
    std::lock_guard lock(core_.mu);
    core_.sessions.emplace(this, weak_from_this());
  }
  // Checked after registering: either Stop() sees this session, or this sees
  // that the server is stopping.
  if (core_.stopping.load()) {
    CloseNow();
    return;
  }
  if (!tls_) {
    WaitForRequest(core_.options.read_timeout);
    return;
  }
  phase_ = Phase::kHandshake;
  ArmTimer(core_.options.read_timeout, [](HttpSession& s) { s.CloseNow(); });
  tls_->async_handshake(
      ssl::stream_base::server, [self = shared_from_this()](const error_code& ec) {
        if (self->phase_ != Phase::kHandshake) return;
        self->DisarmTimer();
        if (ec) {
          spdlog::debug("TLS handshake with {} failed: {}", self->remote_, ec.message());
          self->CloseNow();
          return;
        }
        self->WaitForRequest(self->core_.options.read_timeout);
      });
}

void HttpSession::OnStop() {
  // A request being read or handled is finished; its reply carries
  // `Connection: close` because core_.stopping is set.
  if (phase_ == Phase::kHandshake || phase_ == Phase::kIdle) CloseNow();
}

void HttpSession::CloseNow() {
  if (phase_ == Phase::kClosed) return;
  phase_ = Phase::kClosed;
  DisarmTimer();
  error_code ignored;
  Lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
  Lowest().close();
}

// Waits for the first byte of the next request: nothing received before
// `idle` means the connection is simply closed (there is no request to answer).
void HttpSession::WaitForRequest(std::chrono::milliseconds idle) {
  if (core_.stopping.load()) {
    CloseNow();
    return;
  }
  if (buffer_.size() != 0) {  // a pipelined request is already here
    ReadRequest();
    return;
  }
  phase_ = Phase::kIdle;
  ArmTimer(idle, [](HttpSession& s) {
    if (s.phase_ == Phase::kIdle) s.CloseNow();
  });
  Lowest().expires_never();
  WithStream([&](auto& stream) {
    stream.async_read_some(
        buffer_.prepare(4096), [self = shared_from_this()](const error_code& ec, std::size_t n) {
          if (self->phase_ != Phase::kIdle) return;
          if (ec) {
            if (ec != asio::error::eof && ec != asio::error::operation_aborted) {
              spdlog::debug("connection from {} failed: {}", self->remote_, ec.message());
            }
            self->CloseNow();
            return;
          }
          self->buffer_.commit(n);
          self->ReadRequest();
        });
  });
}

void HttpSession::ReadRequest() {
  phase_ = Phase::kReading;
  read_timed_out_ = false;
  // The deadline covers the whole request from its first byte: a client that
  // trickles a request (slowloris) gets a 408 instead of holding a connection.
  ArmTimer(core_.options.read_timeout, [](HttpSession& s) {
    if (s.phase_ != Phase::kReading) return;
    s.read_timed_out_ = true;
    s.Lowest().cancel();
  });
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(core_.options.header_limit));
  parser_->body_limit(core_.options.body_limit);
  Lowest().expires_never();
  WithStream([&](auto& stream) {
    http::async_read_header(
        stream, buffer_, *parser_,
        [self = shared_from_this()](const error_code& ec, std::size_t) { self->OnHeader(ec); });
  });
}

void HttpSession::OnHeader(const error_code& ec) {
  if (phase_ != Phase::kReading) return;
  if (FailedRead(ec)) return;
  const auto& req = parser_->get();
  // curl and others wait for "100 Continue" before sending a larger body.
  if (beast::iequals(req[http::field::expect], "100-continue") && !parser_->is_done()) {
    static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    WithStream([&](auto& stream) {
      asio::async_write(stream, asio::buffer(kContinue),
                        [self = shared_from_this()](const error_code& e, std::size_t) {
                          if (self->phase_ != Phase::kReading) return;
                          if (self->FailedRead(e)) return;
                          self->ReadBody();
                        });
    });
    return;
  }
  ReadBody();
}

void HttpSession::ReadBody() {
  WithStream([&](auto& stream) {
    http::async_read(
        stream, buffer_, *parser_,
        [self = shared_from_this()](const error_code& ec, std::size_t) { self->OnRequest(ec); });
  });
}

// Answers a failed read as the client deserves; true if it failed.
bool HttpSession::FailedRead(const error_code& ec) {
  if (!ec) return false;
  DisarmTimer();
  if (read_timed_out_) {
    SendError(http::status::request_timeout, "request_timeout",
              "the request was not received within " +
                  std::to_string(core_.options.read_timeout.count()) + " ms");
  } else if (ec == http::error::body_limit) {
    SendError(http::status::payload_too_large, "payload_too_large",
              "the request body exceeds " + std::to_string(core_.options.body_limit) + " bytes");
  } else if (ec == http::error::header_limit) {
    SendError(
        http::status::request_header_fields_too_large, "header_too_large",
        "the request headers exceed " + std::to_string(core_.options.header_limit) + " bytes");
  } else if (ec.category() == http::make_error_code(http::error::end_of_stream).category() &&
             ec != http::error::end_of_stream && ec != http::error::partial_message) {
    SendError(http::status::bad_request, "bad_request", "the request is not valid HTTP/1.1");
  } else {
    if (ec != http::error::end_of_stream && ec != asio::error::eof) {
      spdlog::debug("reading a request from {} failed: {}", remote_, ec.message());
    }
    CloseNow();
  }
  return true;
}

void HttpSession::OnRequest(const error_code& ec) {
  if (phase_ != Phase::kReading) return;
  if (FailedRead(ec)) return;
  DisarmTimer();
  Dispatch();
}

void HttpSession::Dispatch() {
  phase_ = Phase::kHandling;
  http::request<http::string_body> req = parser_->release();
  parser_.reset();
  request_keep_alive_ = req.keep_alive();
  head_request_ = req.method() == http::verb::head;

  ServerRequest request;
  request.method = std::string(req.method_string());
  request.target = std::string(req.target());
  request.remote = remote_;
  request.headers.reserve(static_cast<std::size_t>(std::distance(req.begin(), req.end())));
  for (const auto& field : req) {
    request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  request.body = std::move(req.body());
  // Only the path goes to logs: queries and headers may carry secrets.
  std::string what = request.method + " " + std::string(request.Path());

  {
    std::lock_guard lock(core_.mu);
    core_.handling.emplace(this, shared_from_this());
  }
  auto state = std::make_shared<ReplyState>(weak_from_this(), core_.gate, what);
  if (core_.handlers) {
    asio::post(*core_.handlers, [&core = core_, request = std::move(request),
                                 state = std::move(state), what = std::move(what)]() mutable {
      RunHandler(core.handler, std::move(request), std::move(state), what);
    });
  } else {
    RunHandler(core_.handler, std::move(request), std::move(state), what);
  }
}

void HttpSession::WriteReply(ServerResponse response) {
  std::shared_ptr<HttpSession> keep;  // released after the lock, never inside it
  {
    std::lock_guard lock(core_.mu);
    auto it = core_.handling.find(this);
    if (it != core_.handling.end()) {
      keep = std::move(it->second);
      core_.handling.erase(it);
    }
  }
  if (phase_ != Phase::kHandling) return;
  if (response.drop) {
    CloseNow();
    return;
  }

  auto res = std::make_shared<http::response<http::string_body>>();
  if (response.status < 100 || response.status > 999) {
    spdlog::error("HTTP handler replied with invalid status {}; sending 500", response.status);
    response = ServerResponse{
        500, "application/json", {}, ErrorJson("internal", "the request handler failed"), false, false};
  }
  res->result(static_cast<unsigned>(response.status));
  res->version(11);
  res->set(http::field::server, core_.options.server_name);
  if (!response.content_type.empty()) res->set(http::field::content_type, response.content_type);
  for (const auto& [name, value] : response.headers) {
    if (name.empty() || HasLineBreak(name) || HasLineBreak(value)) {
      spdlog::error("HTTP handler set an invalid header '{}'; it is not sent", name);
      continue;
    }
    res->insert(name, value);
  }
  res->body() = std::move(response.body);
  res->prepare_payload();
  if (head_request_) res->body().clear();  // Content-Length stays: that of a GET
  res->keep_alive(request_keep_alive_ && !response.close && !core_.stopping.load());
  Write(std::move(res));
}

void HttpSession::Write(std::shared_ptr<http::response<http::string_body>> res) {
  phase_ = Phase::kWriting;
  Lowest().expires_after(std::max(core_.options.read_timeout, kMinWriteTimeout));
  WithStream([&](auto& stream) {
    http::async_write(
        stream, *res, [self = shared_from_this(), res](const error_code& ec, std::size_t) {
          if (self->phase_ != Phase::kWriting) return;
          if (ec) {
            spdlog::debug("writing a reply to {} failed: {}", self->remote_, ec.message());
            self->CloseNow();
            return;
          }
          if (!res->keep_alive()) {
            self->GracefulClose();
            return;
          }
          self->WaitForRequest(self->core_.options.idle_timeout);
        });
  });
}

void HttpSession::SendError(http::status status, std::string_view code, std::string_view message) {
  request_keep_alive_ = false;
  head_request_ = false;
  auto res = std::make_shared<http::response<http::string_body>>(status, 11);
  res->set(http::field::server, core_.options.server_name);
  res->set(http::field::content_type, "application/json");
  res->body() = ErrorJson(code, message);
  res->prepare_payload();
  res->keep_alive(false);
  Write(std::move(res));
}

void HttpSession::GracefulClose() {
  phase_ = Phase::kClosing;
  ArmTimer(kLingerTime, [](HttpSession& s) { s.CloseNow(); });
  Lowest().expires_never();
  if (tls_) {
    tls_->async_shutdown([self = shared_from_this()](const error_code&) { self->CloseNow(); });
    return;
  }
  error_code ignored;
  Lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
  drained_ = 0;
  Drain();
}

void HttpSession::Drain() {
  auto scratch = std::make_shared<std::array<char, 4096>>();
  Lowest().async_read_some(asio::buffer(*scratch), [self = shared_from_this(), scratch](
                                                       const error_code& ec, std::size_t n) {
    if (self->phase_ != Phase::kClosing) return;
    self->drained_ += n;
    if (ec || self->drained_ > kLingerMaxBytes) {
      self->CloseNow();
      return;
    }
    self->Drain();
  });
}

}  // namespace kraken::net
