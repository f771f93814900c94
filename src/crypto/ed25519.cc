#include "src/crypto/ed25519.h"

#include <fmt/format.h>

#include <utility>

#include "src/crypto/encoding.h"
#include "src/crypto/openssl_util.h"

namespace kraken::crypto {
namespace {

using internal::MdCtxPtr;
using internal::PkeyCtxPtr;
using internal::PkeyPtr;
using internal::TakeOpenSslError;

constexpr std::size_t kKeyBytes = 32;
constexpr std::size_t kSignatureBytes = 64;

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

Result<PkeyPtr> PrivateKeyFromSeed(std::string_view seed) {
  if (seed.size() != kKeyBytes) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        fmt::format("an Ed25519 seed must be {} bytes, got {}", kKeyBytes, seed.size()));
  }
  PkeyPtr key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, Bytes(seed), seed.size()));
  if (!key) {
    return MakeError(ErrorCode::kInternal,
                     "OpenSSL rejected the Ed25519 seed: " + TakeOpenSslError());
  }
  return key;
}

}  // namespace

struct Ed25519Verifier::Key {
  PkeyPtr pkey;
};

Result<Ed25519KeyPair> GenerateEd25519KeyPair() {
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 || EVP_PKEY_keygen(ctx.get(), &raw) != 1) {
    return MakeError(ErrorCode::kInternal,
                     "generating an Ed25519 key failed: " + TakeOpenSslError());
  }
  PkeyPtr key(raw);
  Ed25519KeyPair pair;
  pair.public_key.resize(kKeyBytes);
  pair.seed.resize(kKeyBytes);
  std::size_t public_len = kKeyBytes;
  std::size_t seed_len = kKeyBytes;
  if (EVP_PKEY_get_raw_public_key(
          key.get(), reinterpret_cast<unsigned char*>(pair.public_key.data()), &public_len) != 1 ||
      EVP_PKEY_get_raw_private_key(key.get(), reinterpret_cast<unsigned char*>(pair.seed.data()),
                                   &seed_len) != 1 ||
      public_len != kKeyBytes || seed_len != kKeyBytes) {
    return MakeError(ErrorCode::kInternal,
                     "reading a generated Ed25519 key failed: " + TakeOpenSslError());
  }
  return pair;
}

Result<std::string> Ed25519PublicKey(std::string_view seed) {
  KRAKEN_ASSIGN_OR_RETURN(PkeyPtr key, PrivateKeyFromSeed(seed));
  std::string out(kKeyBytes, '\0');
  std::size_t len = out.size();
  if (EVP_PKEY_get_raw_public_key(key.get(), reinterpret_cast<unsigned char*>(out.data()), &len) !=
          1 ||
      len != kKeyBytes) {
    return MakeError(ErrorCode::kInternal,
                     "deriving the Ed25519 public key failed: " + TakeOpenSslError());
  }
  return out;
}

Result<std::string> Ed25519Sign(std::string_view seed, std::string_view message) {
  KRAKEN_ASSIGN_OR_RETURN(PkeyPtr key, PrivateKeyFromSeed(seed));
  MdCtxPtr ctx(EVP_MD_CTX_new());
  std::string signature(kSignatureBytes, '\0');
  std::size_t len = signature.size();
  // Ed25519 is one-shot: no digest is named and the whole message goes in at once.
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &len,
                     Bytes(message), message.size()) != 1 ||
      len != kSignatureBytes) {
    return MakeError(ErrorCode::kInternal, "Ed25519 signing failed: " + TakeOpenSslError());
  }
  return signature;
}

Ed25519Verifier::Ed25519Verifier(std::shared_ptr<const Key> key) : key_(std::move(key)) {}

Result<Ed25519Verifier> Ed25519Verifier::FromHex(std::string_view hex) {
  std::optional<std::string> raw;
  if (hex.size() == 2 * kKeyBytes) raw = HexDecode(hex);
  if (!raw) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("an Ed25519 public key must be {} hex digits (the "
                                 "application's PUBLIC KEY in Discord's developer portal), "
                                 "got {} characters{}",
                                 2 * kKeyBytes, hex.size(),
                                 hex.size() == 2 * kKeyBytes ? " that are not all hex" : ""));
  }
  return FromRaw(*raw);
}

Result<Ed25519Verifier> Ed25519Verifier::FromRaw(std::string_view public_key) {
  if (public_key.size() != kKeyBytes) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("an Ed25519 public key must be {} bytes, got {}", kKeyBytes,
                                 public_key.size()));
  }
  PkeyPtr pkey(
      EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, Bytes(public_key), public_key.size()));
  if (!pkey) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "OpenSSL rejected the Ed25519 public key: " + TakeOpenSslError());
  }
  auto key = std::make_shared<Key>();
  key->pkey = std::move(pkey);
  return Ed25519Verifier(std::move(key));
}

bool Ed25519Verifier::Verify(std::string_view message, std::string_view signature) const {
  if (signature.size() != kSignatureBytes) return false;
  // The EVP_PKEY is only read here; a context per call is what makes
  // concurrent Verify calls on one verifier safe.
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key_->pkey.get()) != 1) {
    TakeOpenSslError();
    return false;
  }
  const bool ok = EVP_DigestVerify(ctx.get(), Bytes(signature), signature.size(), Bytes(message),
                                   message.size()) == 1;
  if (!ok) TakeOpenSslError();
  return ok;
}

bool Ed25519Verifier::VerifyDiscord(std::string_view signature_hex, std::string_view timestamp,
                                    std::string_view body) const {
  if (signature_hex.size() != 2 * kSignatureBytes) return false;
  const std::optional<std::string> signature = HexDecode(signature_hex);
  if (!signature) return false;
  std::string message;
  message.reserve(timestamp.size() + body.size());
  message.append(timestamp).append(body);
  return Verify(message, *signature);
}

}  // namespace kraken::crypto
