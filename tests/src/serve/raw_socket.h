#pragma once
// A bare TCP exchange with a loopback server, for what an HTTP client will not
// send: a half-written request, a body larger than it claims to send.

#include <chrono>
#include <cstdint>
#include <string>

namespace kraken::serve::testing {

// Connects to 127.0.0.1:`port`, writes `bytes`, and reads until the server
// closes the connection or `timeout` passes (then returns what arrived).
std::string RawExchange(std::uint16_t port, const std::string& bytes,
                        std::chrono::milliseconds timeout = std::chrono::seconds(5));

}  // namespace kraken::serve::testing
