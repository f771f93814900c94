#pragma once
// Ed25519 through OpenSSL's EVP interface: Discord signs every interaction
// request with it (the signed message is X-Signature-Timestamp followed by the raw
// body), and `kraken discord simulate` signs with a local development key.

#include <memory>
#include <string>
#include <string_view>

#include "events/result.h"

namespace kraken::crypto {

struct Ed25519KeyPair {
  std::string public_key;  // 32 raw bytes
  std::string seed;        // 32 raw bytes, the private key as RFC 8032 defines it
};

Result<Ed25519KeyPair> GenerateEd25519KeyPair();
// The public key for a 32-byte seed.
Result<std::string> Ed25519PublicKey(std::string_view seed);
// A 64-byte signature of `message` with the 32-byte seed.
Result<std::string> Ed25519Sign(std::string_view seed, std::string_view message);

// Verifies signatures with one public key, parsed once. Thread-safe.
class Ed25519Verifier {
 public:
  // From 64 hex digits (DISCORD_PUBLIC_KEY) or 32 raw bytes; the error says
  // what a valid key looks like.
  static Result<Ed25519Verifier> FromHex(std::string_view hex);
  static Result<Ed25519Verifier> FromRaw(std::string_view public_key);

  // True iff `signature` (64 raw bytes) is valid for `message`.
  bool Verify(std::string_view message, std::string_view signature) const;
  // Discord's form: signature as 128 hex digits, message = timestamp || body.
  // Malformed hex is simply false.
  bool VerifyDiscord(std::string_view signature_hex, std::string_view timestamp,
                     std::string_view body) const;

 private:
  struct Key;
  explicit Ed25519Verifier(std::shared_ptr<const Key> key);
  std::shared_ptr<const Key> key_;
};

}  // namespace kraken::crypto
