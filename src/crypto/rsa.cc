#include "src/crypto/rsa.h"

#include <fmt/format.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <utility>

#include "src/crypto/openssl_util.h"

namespace kraken::crypto {
namespace {

using internal::BioPtr;
using internal::MdCtxPtr;
using internal::MemoryBio;
using internal::PkeyPtr;
using internal::TakeOpenSslError;
using internal::X509Ptr;

// Without a callback OpenSSL would prompt on the terminal for the passphrase of
// an encrypted key; refusing makes that a plain error instead of a hang.
int NoPassphrase(char* /*buf*/, int /*size*/, int /*rwflag*/, void* /*u*/) { return -1; }

bool IsRsa(const EVP_PKEY* key) { return EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA; }

std::string BioContents(BIO* bio) {
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  return len > 0 ? std::string(data, static_cast<std::size_t>(len)) : std::string();
}

Status SetPkcs1Padding(EVP_PKEY_CTX* pctx) {
  if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) {
    return MakeError(ErrorCode::kInternal,
                     "selecting RSA PKCS#1 v1.5 padding failed: " + TakeOpenSslError());
  }
  return Ok{};
}

}  // namespace

struct RsaPrivateKey::Key {
  PkeyPtr pkey;
};

struct RsaPublicKey::Key {
  PkeyPtr pkey;
};

RsaPrivateKey::RsaPrivateKey(std::shared_ptr<const Key> key) : key_(std::move(key)) {}

Result<RsaPrivateKey> RsaPrivateKey::FromPem(std::string_view pem) {
  BioPtr bio = MemoryBio(pem);
  if (!bio) return MakeError(ErrorCode::kInternal, "allocating an OpenSSL buffer failed");
  PkeyPtr pkey(PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr));
  if (!pkey) {
    const std::string reason = TakeOpenSslError();
    return MakeError(ErrorCode::kInvalidArgument,
                     "the RSA private key is not a readable unencrypted PEM \"PRIVATE KEY\" or "
                     "\"RSA PRIVATE KEY\" block (" +
                         (reason.empty() ? std::string("no PEM block found") : reason) +
                         "); use the private_key of the service account's JSON key file");
  }
  if (!IsRsa(pkey.get())) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the private key is not an RSA key; RS256 needs the RSA key of a service "
                     "account's JSON key file");
  }
  auto key = std::make_shared<Key>();
  key->pkey = std::move(pkey);
  return RsaPrivateKey(std::move(key));
}

Result<RsaPrivateKey> RsaPrivateKey::Generate(int bits) {
  if (bits < 2048 || bits > 16384) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("RSA key size must be 2048 to 16384 bits, got {}", bits));
  }
  PkeyPtr pkey(EVP_RSA_gen(static_cast<unsigned int>(bits)));
  if (!pkey) {
    return MakeError(ErrorCode::kInternal, "generating an RSA key failed: " + TakeOpenSslError());
  }
  auto key = std::make_shared<Key>();
  key->pkey = std::move(pkey);
  return RsaPrivateKey(std::move(key));
}

Result<std::string> RsaPrivateKey::SignRs256(std::string_view message) const {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
  if (!ctx || EVP_DigestSignInit(ctx.get(), &pctx, EVP_sha256(), nullptr, key_->pkey.get()) != 1) {
    return MakeError(ErrorCode::kInternal, "RS256 signing failed: " + TakeOpenSslError());
  }
  KRAKEN_RETURN_IF_ERROR(SetPkcs1Padding(pctx));
  std::size_t len = 0;
  const auto* data = reinterpret_cast<const unsigned char*>(message.data());
  if (EVP_DigestSign(ctx.get(), nullptr, &len, data, message.size()) != 1) {
    return MakeError(ErrorCode::kInternal, "RS256 signing failed: " + TakeOpenSslError());
  }
  std::string signature(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &len, data,
                     message.size()) != 1) {
    return MakeError(ErrorCode::kInternal, "RS256 signing failed: " + TakeOpenSslError());
  }
  signature.resize(len);
  return signature;
}

std::string RsaPrivateKey::PrivatePem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  // PEM_write_bio_PrivateKey writes PKCS#8 ("PRIVATE KEY") in OpenSSL 3.
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key_->pkey.get(), nullptr, nullptr, 0, nullptr,
                                       nullptr) != 1) {
    TakeOpenSslError();
    return {};
  }
  return BioContents(bio.get());
}

std::string RsaPrivateKey::PublicPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key_->pkey.get()) != 1) {
    TakeOpenSslError();
    return {};
  }
  return BioContents(bio.get());
}

RsaPublicKey::RsaPublicKey(std::shared_ptr<const Key> key) : key_(std::move(key)) {}

Result<RsaPublicKey> RsaPublicKey::FromPem(std::string_view pem) {
  BioPtr bio = MemoryBio(pem);
  if (!bio) return MakeError(ErrorCode::kInternal, "allocating an OpenSSL buffer failed");
  PkeyPtr pkey;
  const bool certificate = pem.find("-----BEGIN CERTIFICATE-----") != std::string_view::npos;
  if (certificate) {
    X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, NoPassphrase, nullptr));
    if (cert) pkey.reset(X509_get_pubkey(cert.get()));
  } else {
    pkey.reset(PEM_read_bio_PUBKEY(bio.get(), nullptr, NoPassphrase, nullptr));
  }
  if (!pkey) {
    const std::string reason = TakeOpenSslError();
    return MakeError(ErrorCode::kInvalidArgument,
                     std::string("the RSA public key is not a readable PEM ") +
                         (certificate ? "\"CERTIFICATE\"" : "\"PUBLIC KEY\" or \"CERTIFICATE\"") +
                         " block (" + (reason.empty() ? "no PEM block found" : reason) + ")");
  }
  if (!IsRsa(pkey.get())) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the public key is not an RSA key; RS256 needs an RSA key");
  }
  auto key = std::make_shared<Key>();
  key->pkey = std::move(pkey);
  return RsaPublicKey(std::move(key));
}

bool RsaPublicKey::VerifyRs256(std::string_view message, std::string_view signature) const {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
  if (!ctx ||
      EVP_DigestVerifyInit(ctx.get(), &pctx, EVP_sha256(), nullptr, key_->pkey.get()) != 1 ||
      !SetPkcs1Padding(pctx).ok()) {
    TakeOpenSslError();
    return false;
  }
  const bool ok =
      EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(), reinterpret_cast<const unsigned char*>(message.data()),
                       message.size()) == 1;
  if (!ok) TakeOpenSslError();
  return ok;
}

}  // namespace kraken::crypto
