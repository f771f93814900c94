#include "src/store/chain_hasher.h"

#include <openssl/evp.h>

#include <cassert>
#include <cstdlib>

namespace kraken {

struct ChainHasher::Impl {
  // SHA-256 is looked up once: EVP_sha256() would have OpenSSL 3 fetch it from
  // its provider again on every EVP_DigestInit_ex.
  Impl() : sha256(EVP_MD_fetch(nullptr, "SHA256", nullptr)), ctx(EVP_MD_CTX_new()) {
    // Allocation failure here is not a condition we can report usefully.
    if (sha256 == nullptr || ctx == nullptr) std::abort();
  }
  ~Impl() {
    EVP_MD_CTX_free(ctx);
    EVP_MD_free(sha256);
  }
  EVP_MD* sha256;
  EVP_MD_CTX* ctx;
};

ChainHasher::ChainHasher() : impl_(std::make_unique<Impl>()) {}
ChainHasher::~ChainHasher() = default;

Digest ChainHasher::Next(const Digest& previous, std::string_view hashed_part) {
  Digest out;
  unsigned int length = 0;
  // SHA-256 over in-memory bytes cannot fail short of memory corruption.
  [[maybe_unused]] const bool ok =
      EVP_DigestInit_ex(impl_->ctx, impl_->sha256, nullptr) == 1 &&
      EVP_DigestUpdate(impl_->ctx, previous.data(), previous.size()) == 1 &&
      EVP_DigestUpdate(impl_->ctx, hashed_part.data(), hashed_part.size()) == 1 &&
      EVP_DigestFinal_ex(impl_->ctx, out.data(), &length) == 1;
  assert(ok && length == out.size());
  return out;
}

std::string DigestHex(const Digest& digest) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex(digest.size() * 2, '0');
  for (std::size_t i = 0; i < digest.size(); ++i) {
    hex[2 * i] = kDigits[digest[i] >> 4];
    hex[2 * i + 1] = kDigits[digest[i] & 0xf];
  }
  return hex;
}

std::optional<Digest> ParseDigestHex(std::string_view hex) {
  Digest digest;
  if (hex.size() != digest.size() * 2) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < digest.size(); ++i) {
    const int hi = nibble(hex[2 * i]);
    const int lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    digest[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return digest;
}

}  // namespace kraken
