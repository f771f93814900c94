#pragma once
// A fake Discord REST API on loopback for the serve tests: a real
// net::HttpServer that records what it receives and answers from a script.

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "src/net/http_server.h"

namespace kraken::serve::testing {

struct Received {
  std::string method;
  std::string target;
  net::Headers headers;
  std::string body;
  std::chrono::steady_clock::time_point at;
  std::string Header(std::string_view name) const {
    return std::string(net::FindHeader(headers, name));
  }
};

class FakeDiscord {
 public:
  FakeDiscord();  // fails the test if it cannot listen
  ~FakeDiscord();

  // The root to use as DISCORD_API_BASE: http://127.0.0.1:<port>/api/v10.
  std::string base() const;

  // Answers, in order; once they run out, 200 with `[]`.
  void Answer(net::ServerResponse response);
  static net::ServerResponse Json(int status, std::string body, net::Headers headers = {});

  std::vector<Received> received() const;
  // Waits (up to `timeout`) until `n` requests have arrived.
  bool WaitFor(std::size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;

 private:
  mutable std::mutex mu_;
  mutable std::condition_variable arrived_;
  std::deque<net::ServerResponse> script_;
  std::vector<Received> received_;
  std::unique_ptr<net::HttpServer> server_;
};

}  // namespace kraken::serve::testing
