#pragma once
// Fault injection for the emulator: a fraction of requests answered 429 or 500, or
// dropped without a reply, drawn from a seeded generator so a run is reproducible.

#include <cstdint>

#include "src/net/http_server.h"

namespace kraken::sheets::emu {

enum class Fault { kNone, kDrop, kInternal, kRateLimited };

class FaultInjector {
 public:
  // Fractions in [0, 1]; their sum is capped at 1 (drop first, then 500, then 429).
  FaultInjector(double fail_429, double fail_500, double drop, std::uint64_t seed)
      : fail_429_(fail_429), fail_500_(fail_500), drop_(drop), state_(seed) {}

  // One draw per request.
  Fault Next();
  bool enabled() const { return fail_429_ > 0 || fail_500_ > 0 || drop_ > 0; }

 private:
  double fail_429_, fail_500_, drop_;
  std::uint64_t state_;
};

// The reply for an injected fault: Google's 500 body, its 429 body (as a quota
// refusal of `write`), or, for a drop, a reply with `drop` set: the server closes
// the connection without answering.
net::ServerResponse FaultReply(Fault fault, bool write);

}  // namespace kraken::sheets::emu
