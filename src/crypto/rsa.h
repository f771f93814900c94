#pragma once
// RS256 (RSASSA-PKCS1-v1_5 with SHA-256) through OpenSSL, for Google service
// accounts: KRAKEN signs its JWT with the key file's private_key, and the Sheets
// emulator's token endpoint verifies it with the account's public key.

#include <memory>
#include <string>
#include <string_view>

#include "events/result.h"

namespace kraken::crypto {

class RsaPrivateKey {
 public:
  // PEM "PRIVATE KEY" (PKCS#8, as Google's key files have) or "RSA PRIVATE KEY".
  // The error never includes key material.
  static Result<RsaPrivateKey> FromPem(std::string_view pem);
  // A fresh key (for tests and the emulator's local development account);
  // `bits` from 2048 to 16384.
  static Result<RsaPrivateKey> Generate(int bits = 2048);

  // The raw signature bytes (the modulus size: 256 for 2048 bits).
  // Deterministic: PKCS#1 v1.5 has no random salt.
  Result<std::string> SignRs256(std::string_view message) const;
  // PEM "PRIVATE KEY" (PKCS#8).
  std::string PrivatePem() const;
  // PEM "PUBLIC KEY" (SubjectPublicKeyInfo).
  std::string PublicPem() const;

 private:
  struct Key;
  explicit RsaPrivateKey(std::shared_ptr<const Key> key);
  std::shared_ptr<const Key> key_;
};

class RsaPublicKey {
 public:
  // PEM "PUBLIC KEY" or an X.509 "CERTIFICATE" (Google publishes certificates).
  static Result<RsaPublicKey> FromPem(std::string_view pem);
  // True iff `signature` (raw bytes) is a valid RS256 signature of `message`.
  bool VerifyRs256(std::string_view message, std::string_view signature) const;

 private:
  struct Key;
  explicit RsaPublicKey(std::shared_ptr<const Key> key);
  std::shared_ptr<const Key> key_;
};

}  // namespace kraken::crypto
