#pragma once
// Private to src/net: one server connection (HttpSession) and the state it
// shares with HttpServer (ServerCore). See http_server.h for the behaviour.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "src/net/boost_net.h"
#include "src/net/http_server.h"

namespace kraken::net {

class HttpSession;

// Replies are posted to a session's strand only while the gate is open. Stop()
// closes it once the I/O threads are gone, so a Responder called later (from a
// handler thread, or after the server died) finds the gate shut and drops the
// reply instead of touching a destroyed io_context.
struct ReplyGate {
  std::mutex mu;
  bool open = true;
};

struct ServerCore {
  ServerOptions options;
  Handler handler;
  std::optional<ssl::context> tls;              // set for https
  std::unique_ptr<asio::thread_pool> handlers;  // null: handlers run inline
  std::shared_ptr<ReplyGate> gate = std::make_shared<ReplyGate>();
  std::atomic<bool> stopping{false};

  // Every live session (for Stop), and the ones a handler holds a request of:
  // nothing else keeps those alive while the handler runs, since a Responder
  // only has a weak reference.
  std::mutex mu;
  std::condition_variable changed;  // a session went away
  std::unordered_map<HttpSession*, std::weak_ptr<HttpSession>> sessions;
  std::unordered_map<HttpSession*, std::shared_ptr<HttpSession>> handling;
};

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  // `socket` must have a strand executor; everything below runs on it.
  HttpSession(ServerCore& core, tcp::socket socket);
  ~HttpSession();

  void Start();   // registers and begins (TLS handshake, then the first request)
  void OnStop();  // the server is stopping: close if idle, else finish the exchange
  void CloseNow();
  void WriteReply(ServerResponse response);  // on the strand, from a Responder

  asio::any_io_executor executor() const { return executor_; }

 private:
  enum class Phase { kHandshake, kIdle, kReading, kHandling, kWriting, kClosing, kClosed };

  template <typename F>
  void WithStream(F&& f) {
    if (tls_) {
      f(*tls_);
    } else {
      f(*plain_);
    }
  }
  beast::tcp_stream& Lowest() { return tls_ ? tls_->next_layer() : *plain_; }

  // One timer serves every phase; a generation number tells a stale expiry from
  // the current one.
  template <typename F>
  void ArmTimer(std::chrono::milliseconds after, F on_expiry);
  void DisarmTimer();

  void WaitForRequest(std::chrono::milliseconds idle);
  void ReadRequest();
  void OnHeader(const error_code& ec);
  void ReadBody();
  void OnRequest(const error_code& ec);
  bool FailedRead(const error_code& ec);
  void Dispatch();
  void Write(std::shared_ptr<http::response<http::string_body>> res);
  void SendError(http::status status, std::string_view code, std::string_view message);
  void GracefulClose();
  void Drain();

  ServerCore& core_;
  asio::any_io_executor executor_;
  std::optional<beast::tcp_stream> plain_;
  std::optional<ssl::stream<beast::tcp_stream>> tls_;
  asio::steady_timer timer_;
  std::uint64_t timer_generation_ = 0;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  Phase phase_ = Phase::kHandshake;
  bool read_timed_out_ = false;
  bool request_keep_alive_ = false;
  bool head_request_ = false;
  std::string remote_;
  std::size_t drained_ = 0;
};

}  // namespace kraken::net
