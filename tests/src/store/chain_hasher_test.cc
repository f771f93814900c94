#include "src/store/chain_hasher.h"

#include <gtest/gtest.h>

namespace kraken {
namespace {

TEST(ChainHasherTest, HashesThePreviousDigestThenTheRecord) {
  ChainHasher hasher;
  // sha256(32 zero bytes || "abc"), computed independently.
  EXPECT_EQ(DigestHex(hasher.Next(Digest{}, "abc")),
            "365aa7d8f7f9402c4b9434502b4cc89ddb09fe50d7cd95b493b834c62d5a5370");
  // The context is reused: a second call starts afresh.
  EXPECT_EQ(DigestHex(hasher.Next(Digest{}, "abc")),
            "365aa7d8f7f9402c4b9434502b4cc89ddb09fe50d7cd95b493b834c62d5a5370");
  EXPECT_NE(hasher.Next(hasher.Next(Digest{}, "abc"), "abc"), hasher.Next(Digest{}, "abc"));
}

TEST(ChainHasherTest, HexRoundTripsAndRejectsAnythingElse) {
  Digest digest;
  for (std::size_t i = 0; i < digest.size(); ++i) digest[i] = static_cast<std::uint8_t>(i * 7);
  const std::string hex = DigestHex(digest);
  EXPECT_EQ(hex.size(), 64u);
  EXPECT_EQ(ParseDigestHex(hex), digest);
  EXPECT_FALSE(ParseDigestHex(hex.substr(1)).has_value());
  EXPECT_FALSE(ParseDigestHex(std::string(64, 'G')).has_value());
  EXPECT_FALSE(ParseDigestHex(std::string(64, 'A')).has_value());  // lower case only
}

}  // namespace
}  // namespace kraken
