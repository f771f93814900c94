#pragma once
// Hex and Base64 (standard and URL-safe) for keys, signatures and JWTs.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kraken::crypto {

std::string HexEncode(std::string_view bytes);               // lower case
std::optional<std::string> HexDecode(std::string_view hex);  // either case; nullopt if malformed

std::string Base64Encode(std::string_view bytes);     // with '=' padding
std::string Base64UrlEncode(std::string_view bytes);  // no padding (JWT)
// Accept padding or not, and (for the standard alphabet) embedded newlines.
std::optional<std::string> Base64Decode(std::string_view text);
std::optional<std::string> Base64UrlDecode(std::string_view text);

// SHA-256 of `data`, raw 32 bytes.
std::string Sha256(std::string_view data);

// `n` cryptographically random bytes (OpenSSL RAND_bytes).
std::string RandomBytes(std::size_t n);

}  // namespace kraken::crypto
