#pragma once
// The log's hash chain (docs/log-layout.md): the hash of event n is
//   SHA-256(hash of event n-1 as 32 raw bytes || HashedPart(record n))
// with 32 zero bytes standing in before event 1. The record stores it as 64
// lower-case hex digits.

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace kraken {

using Digest = std::array<std::uint8_t, 32>;

// Computes chain links, reusing one OpenSSL context. Not thread-safe.
class ChainHasher {
 public:
  ChainHasher();
  ~ChainHasher();
  ChainHasher(const ChainHasher&) = delete;
  ChainHasher& operator=(const ChainHasher&) = delete;

  // The hash of a record whose hashed part is `hashed_part`, following `previous`.
  Digest Next(const Digest& previous, std::string_view hashed_part);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// 64 lower-case hex digits.
std::string DigestHex(const Digest& digest);
// The digest spelled by 64 hex digits; nullopt if `hex` is anything else.
std::optional<Digest> ParseDigestHex(std::string_view hex);

}  // namespace kraken
