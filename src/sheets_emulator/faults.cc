#include "src/sheets_emulator/faults.h"

#include "src/sheets_emulator/api_errors.h"
#include "src/sheets_emulator/quota.h"

namespace kraken::sheets::emu {

Fault FaultInjector::Next() {
  if (!enabled()) return Fault::kNone;
  // splitmix64: tiny, and the same sequence on every platform for a given seed.
  std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  z ^= z >> 31;
  const double u = static_cast<double>(z >> 11) * 0x1.0p-53;
  if (u < drop_) return Fault::kDrop;
  if (u < drop_ + fail_500_) return Fault::kInternal;
  if (u < drop_ + fail_500_ + fail_429_) return Fault::kRateLimited;
  return Fault::kNone;
}

net::ServerResponse FaultReply(Fault fault, bool write) {
  switch (fault) {
    case Fault::kRateLimited:
      return QuotaExceeded(write);
    case Fault::kDrop: {
      // The server closes the connection without a reply. The body is what a
      // server without drop support would send instead.
      net::ServerResponse r = ApiError(503, "The service is currently unavailable.");
      r.close = true;
      r.drop = true;
      return r;
    }
    case Fault::kInternal:
    case Fault::kNone:
      break;
  }
  return ApiError(500, "Internal error encountered.");
}

}  // namespace kraken::sheets::emu
