#pragma once
// Test helpers for the HTTP tests: a raw TCP client that sends exactly the
// bytes given (to play a slow or malformed client), and waiting on a condition.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace kraken::net::testing {

struct RawReply {
  std::string bytes;    // everything the server sent
  bool closed = false;  // the server closed the connection (EOF or reset)
  bool timed_out = false;
};

// Connects to 127.0.0.1:`port`, sends `request`, then reads until the server
// closes the connection or `limit` passes.
RawReply RawExchange(std::uint16_t port, const std::string& request,
                     std::chrono::milliseconds limit = std::chrono::seconds(5));

// Polls `condition` every few milliseconds until it holds or `limit` passes.
bool WaitFor(const std::function<bool()>& condition,
             std::chrono::milliseconds limit = std::chrono::seconds(5));

// A port on 127.0.0.1 that nothing listens on (bound, then released).
std::uint16_t UnusedPort();

}  // namespace kraken::net::testing
