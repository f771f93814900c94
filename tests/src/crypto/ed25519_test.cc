#include "src/crypto/ed25519.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "src/crypto/encoding.h"

namespace kraken::crypto {
namespace {

struct Rfc8032Vector {
  const char* seed;
  const char* public_key;
  const char* message;
  const char* signature;
};

// RFC 8032 section 7.1, TEST 1 to TEST 3.
const Rfc8032Vector kVectors[] = {
    {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b"
     "4"
     "6bd25bf5f0595bbe24655141438e7a100b"},
    {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f1"
     "1d8c387b2eaeb4302aeeb00d291612bb0c00"},
    {"c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
     "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984d"
     "c6594a7c15e9716ed28dc027beceea1ec40a"},
};

std::string Unhex(std::string_view hex) {
  auto raw = HexDecode(hex);
  EXPECT_TRUE(raw.has_value()) << hex;
  return raw.value_or("");
}

TEST(Ed25519Test, Rfc8032VectorsSignDeriveAndVerify) {
  for (const auto& v : kVectors) {
    SCOPED_TRACE(v.public_key);
    const std::string seed = Unhex(v.seed);
    const std::string message = Unhex(v.message);

    auto public_key = Ed25519PublicKey(seed);
    ASSERT_TRUE(public_key.ok()) << public_key.error().message;
    EXPECT_EQ(HexEncode(*public_key), v.public_key);

    auto signature = Ed25519Sign(seed, message);
    ASSERT_TRUE(signature.ok()) << signature.error().message;
    EXPECT_EQ(HexEncode(*signature), v.signature);

    auto verifier = Ed25519Verifier::FromHex(v.public_key);
    ASSERT_TRUE(verifier.ok()) << verifier.error().message;
    EXPECT_TRUE(verifier->Verify(message, *signature));
  }
}

TEST(Ed25519Test, AFlippedBitInSignatureOrMessageFails) {
  for (const auto& v : kVectors) {
    SCOPED_TRACE(v.public_key);
    auto verifier = Ed25519Verifier::FromHex(v.public_key);
    ASSERT_TRUE(verifier.ok());
    const std::string message = Unhex(v.message);
    const std::string signature = Unhex(v.signature);
    for (std::size_t byte : {std::size_t{0}, std::size_t{31}, std::size_t{63}}) {
      std::string bad = signature;
      bad[byte] = static_cast<char>(bad[byte] ^ 0x01);
      EXPECT_FALSE(verifier->Verify(message, bad)) << "byte " << byte;
    }
    EXPECT_FALSE(verifier->Verify(message + "x", signature));
    EXPECT_FALSE(verifier->Verify(message, signature.substr(0, 63)));
  }
}

// The vector in the Discord reference: T1's key, timestamp || body.
TEST(Ed25519Test, DiscordShapedVectorVerifiesAndRejectsChangedTimestampOrBody) {
  auto verifier = Ed25519Verifier::FromHex(kVectors[0].public_key);
  ASSERT_TRUE(verifier.ok());
  const std::string signature =
      "1695961a47c91a1ec033b819b7e87e3dbc583dd0cee6d1fd0216f58ac87b6228ae531ddbf91fb7bc28d7edf7f086"
      "04da16f54624f38a6bc0614e4dc13cd47f0f";
  EXPECT_TRUE(verifier->VerifyDiscord(signature, "1700000000", R"({"type":1})"));
  EXPECT_FALSE(verifier->VerifyDiscord(signature, "1700000001", R"({"type":1})"));
  EXPECT_FALSE(verifier->VerifyDiscord(signature, "1700000000", R"({"type": 1})"));

  // Upper-case hex is still hex.
  std::string upper = signature;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_TRUE(verifier->VerifyDiscord(upper, "1700000000", R"({"type":1})"));

  // Our signer produces the same bytes.
  auto ours = Ed25519Sign(Unhex(kVectors[0].seed), std::string("1700000000") + R"({"type":1})");
  ASSERT_TRUE(ours.ok());
  EXPECT_EQ(HexEncode(*ours), signature);
}

TEST(Ed25519Test, MalformedDiscordSignatureHexIsFalse) {
  auto verifier = Ed25519Verifier::FromHex(kVectors[0].public_key);
  ASSERT_TRUE(verifier.ok());
  const std::string good =
      "1695961a47c91a1ec033b819b7e87e3dbc583dd0cee6d1fd0216f58ac87b6228ae531ddbf91fb7bc28d7edf7f086"
      "04da16f54624f38a6bc0614e4dc13cd47f0f";
  EXPECT_FALSE(verifier->VerifyDiscord("", "1700000000", R"({"type":1})"));
  EXPECT_FALSE(verifier->VerifyDiscord(good.substr(0, 126), "1700000000", R"({"type":1})"));
  EXPECT_FALSE(verifier->VerifyDiscord(good + "00", "1700000000", R"({"type":1})"));
  std::string not_hex = good;
  not_hex[5] = 'g';
  EXPECT_FALSE(verifier->VerifyDiscord(not_hex, "1700000000", R"({"type":1})"));
}

TEST(Ed25519Test, BadPublicKeysAreRejectedWithAnExplanation) {
  auto short_key = Ed25519Verifier::FromHex("abcd");
  ASSERT_FALSE(short_key.ok());
  EXPECT_EQ(short_key.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(short_key.error().message.find("64 hex digits"), std::string::npos);

  std::string not_hex(64, 'z');
  auto bad = Ed25519Verifier::FromHex(not_hex);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("hex"), std::string::npos);

  EXPECT_FALSE(Ed25519Verifier::FromRaw(std::string(31, 'a')).ok());
  EXPECT_FALSE(Ed25519Sign(std::string(16, 'a'), "m").ok());
}

TEST(Ed25519Test, GeneratedKeyPairSignsAndVerifies) {
  auto pair = GenerateEd25519KeyPair();
  ASSERT_TRUE(pair.ok()) << pair.error().message;
  ASSERT_EQ(pair->public_key.size(), 32u);
  ASSERT_EQ(pair->seed.size(), 32u);
  auto derived = Ed25519PublicKey(pair->seed);
  ASSERT_TRUE(derived.ok());
  EXPECT_EQ(*derived, pair->public_key);

  auto verifier = Ed25519Verifier::FromRaw(pair->public_key);
  ASSERT_TRUE(verifier.ok());
  auto signature = Ed25519Sign(pair->seed, "hello");
  ASSERT_TRUE(signature.ok());
  EXPECT_TRUE(verifier->Verify("hello", *signature));

  auto other = GenerateEd25519KeyPair();
  ASSERT_TRUE(other.ok());
  EXPECT_NE(other->seed, pair->seed);
  auto other_verifier = Ed25519Verifier::FromRaw(other->public_key);
  ASSERT_TRUE(other_verifier.ok());
  EXPECT_FALSE(other_verifier->Verify("hello", *signature));
}

TEST(Ed25519Test, OneVerifierIsSafeToShareAcrossThreads) {
  auto verifier = Ed25519Verifier::FromHex(kVectors[1].public_key);
  ASSERT_TRUE(verifier.ok());
  const std::string message = Unhex(kVectors[1].message);
  const std::string signature = Unhex(kVectors[1].signature);
  std::string bad = signature;
  bad[10] = static_cast<char>(bad[10] ^ 0x40);
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        if (!verifier->Verify(message, signature)) ++wrong;
        if (verifier->Verify(message, bad)) ++wrong;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace kraken::crypto
