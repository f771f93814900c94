#include "src/crypto/rsa.h"

#include <gtest/gtest.h>

#include <string>

#include "src/crypto/encoding.h"
#include "tests/src/crypto/self_signed_cert.h"

namespace kraken::crypto {
namespace {

// One key for the whole suite: generating RSA keys is the slow part.
const RsaPrivateKey& TestKey() {
  static const RsaPrivateKey key = [] {
    auto k = RsaPrivateKey::Generate(2048);
    if (!k.ok()) throw std::runtime_error(k.error().message);
    return *k;
  }();
  return key;
}

TEST(RsaTest, Rs256SignatureVerifiesWithThePublicPem) {
  const std::string message = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0";
  auto signature = TestKey().SignRs256(message);
  ASSERT_TRUE(signature.ok()) << signature.error().message;
  EXPECT_EQ(signature->size(), 256u);  // 2048-bit modulus

  const std::string pem = TestKey().PublicPem();
  EXPECT_EQ(pem.rfind("-----BEGIN PUBLIC KEY-----", 0), 0u);
  auto public_key = RsaPublicKey::FromPem(pem);
  ASSERT_TRUE(public_key.ok()) << public_key.error().message;
  EXPECT_TRUE(public_key->VerifyRs256(message, *signature));
}

TEST(RsaTest, TamperedMessageOrSignatureFails) {
  auto signature = TestKey().SignRs256("payload");
  ASSERT_TRUE(signature.ok());
  auto public_key = RsaPublicKey::FromPem(TestKey().PublicPem());
  ASSERT_TRUE(public_key.ok());
  EXPECT_FALSE(public_key->VerifyRs256("payloae", *signature));
  std::string bad = *signature;
  bad[100] = static_cast<char>(bad[100] ^ 0x01);
  EXPECT_FALSE(public_key->VerifyRs256("payload", bad));
  EXPECT_FALSE(public_key->VerifyRs256("payload", ""));
}

TEST(RsaTest, SignatureIsDeterministicPkcs1V15) {
  // PKCS#1 v1.5 is deterministic (PSS would not be): JWTs signed twice match.
  auto a = TestKey().SignRs256("same");
  auto b = TestKey().SignRs256("same");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
}

TEST(RsaTest, VerifiesWithASelfSignedCertificate) {
  testing::CertificateSpec spec;
  spec.common_name = "svc@project.iam.gserviceaccount.com";
  const std::string cert = testing::MakeSelfSignedCertificate(TestKey().PrivatePem(), spec);
  auto public_key = RsaPublicKey::FromPem(cert);
  ASSERT_TRUE(public_key.ok()) << public_key.error().message;
  auto signature = TestKey().SignRs256("header.claims");
  ASSERT_TRUE(signature.ok());
  EXPECT_TRUE(public_key->VerifyRs256("header.claims", *signature));
  EXPECT_FALSE(public_key->VerifyRs256("header.claimz", *signature));
}

TEST(RsaTest, PrivatePemRoundTripsAsPkcs8) {
  const std::string pem = TestKey().PrivatePem();
  EXPECT_EQ(pem.rfind("-----BEGIN PRIVATE KEY-----", 0), 0u);
  auto again = RsaPrivateKey::FromPem(pem);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->PublicPem(), TestKey().PublicPem());
  auto signature = again->SignRs256("m");
  ASSERT_TRUE(signature.ok());
  auto public_key = RsaPublicKey::FromPem(TestKey().PublicPem());
  ASSERT_TRUE(public_key.ok());
  EXPECT_TRUE(public_key->VerifyRs256("m", *signature));
}

TEST(RsaTest, AGarbagePemIsAnErrorThatLeaksNothing) {
  const std::string garbage =
      "-----BEGIN PRIVATE KEY-----\nTUlJRXZnSUJBREFOQmdrcWhraUc5dzBCQVFFRkFBU0NCS2d3\n"
      "-----END PRIVATE KEY-----\n";
  auto key = RsaPrivateKey::FromPem(garbage);
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(key.error().message.find("PRIVATE KEY"), std::string::npos);
  EXPECT_EQ(key.error().message.find("TUlJRXZn"), std::string::npos);

  EXPECT_FALSE(RsaPrivateKey::FromPem("").ok());
  EXPECT_FALSE(RsaPrivateKey::FromPem("not a key").ok());
  EXPECT_FALSE(RsaPublicKey::FromPem("not a key").ok());
  EXPECT_FALSE(
      RsaPublicKey::FromPem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n").ok());
  // A private key is not a public key.
  EXPECT_FALSE(RsaPublicKey::FromPem(TestKey().PrivatePem()).ok());
}

TEST(RsaTest, ARealKeyWithADamagedBodyLeaksNoKeyMaterial) {
  std::string pem = TestKey().PrivatePem();
  const std::size_t body = pem.find('\n') + 1;
  const std::string secret_line = pem.substr(body + 64 + 1, 64);
  pem[body + 10] = pem[body + 10] == 'A' ? 'B' : 'A';
  pem.erase(body + 200, 64);
  auto key = RsaPrivateKey::FromPem(pem);
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.error().message.find(secret_line), std::string::npos);
}

TEST(RsaTest, TraditionalRsaPrivateKeyPemIsAccepted) {
  // "RSA PRIVATE KEY" is PKCS#1: the same base64 DER as PKCS#8 minus the
  // algorithm wrapper. Build it from our PKCS#8 by dropping the 26-byte
  // PrivateKeyInfo prefix of a 2048-bit key's DER.
  std::string pem = TestKey().PrivatePem();
  std::string b64;
  std::size_t pos = pem.find('\n') + 1;
  const std::size_t end = pem.find("-----END");
  for (std::size_t i = pos; i < end; ++i) {
    if (pem[i] != '\n') b64 += pem[i];
  }
  auto der = Base64Decode(b64);
  ASSERT_TRUE(der.has_value());
  // PrivateKeyInfo ::= SEQUENCE { version, AlgorithmIdentifier, OCTET STRING { RSAPrivateKey } }
  const std::size_t inner = der->find(std::string("\x04\x82", 2), 20);
  ASSERT_NE(inner, std::string::npos);
  const std::string pkcs1 = der->substr(inner + 4);
  std::string encoded = Base64Encode(pkcs1);
  std::string traditional = "-----BEGIN RSA PRIVATE KEY-----\n";
  for (std::size_t i = 0; i < encoded.size(); i += 64) traditional += encoded.substr(i, 64) + "\n";
  traditional += "-----END RSA PRIVATE KEY-----\n";

  auto key = RsaPrivateKey::FromPem(traditional);
  ASSERT_TRUE(key.ok()) << key.error().message;
  EXPECT_EQ(key->PublicPem(), TestKey().PublicPem());
}

TEST(RsaTest, TooSmallKeysAreRefused) {
  auto key = RsaPrivateKey::Generate(1024);
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace kraken::crypto
