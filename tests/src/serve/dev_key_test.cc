#include "src/serve/dev_key.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "src/crypto/ed25519.h"
#include "src/crypto/encoding.h"
#include "tests/support/log_dir.h"

namespace kraken::serve {
namespace {

using ::testing::HasSubstr;

TEST(DevKeyTest, IsCreatedOncePrivateAndThenReused) {
  kraken::testing::TempDir dir;
  const std::string data_dir = dir.Sub("data");  // not there yet
  auto first = LoadOrCreateDevKey(data_dir);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_TRUE(first->created);
  EXPECT_EQ(first->path, data_dir + "/discord-dev-key");
  struct stat st {};
  ASSERT_EQ(::stat(first->path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  auto second = LoadOrCreateDevKey(data_dir);
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(second->created);
  EXPECT_EQ(second->seed, first->seed);
  EXPECT_EQ(second->public_key, first->public_key);
  EXPECT_EQ(*crypto::Ed25519PublicKey(first->seed), first->public_key);
}

TEST(DevKeyTest, TheFileHoldsTheSeedInHex) {
  kraken::testing::TempDir dir;
  auto key = LoadOrCreateDevKey(dir.path());
  ASSERT_TRUE(key.ok());
  std::ifstream in(key->path);
  std::string hex;
  in >> hex;
  EXPECT_EQ(hex, crypto::HexEncode(key->seed));
  auto from_hex = DevKeyFromHex(hex, "KRAKEN_DISCORD_SIGNING_SEED");
  ASSERT_TRUE(from_hex.ok());
  EXPECT_EQ(from_hex->public_key, key->public_key);
}

TEST(DevKeyTest, AMissingOrMalformedKeySaysHowToGetOne) {
  kraken::testing::TempDir dir;
  auto missing = ReadDevKey(dir.Sub("nope"));
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.error().message, HasSubstr("kraken serve"));
  std::ofstream(dir.Sub("bad")) << "not hex\n";
  auto bad = ReadDevKey(dir.Sub("bad"));
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.error().message, HasSubstr("64 hex digits"));
}

}  // namespace
}  // namespace kraken::serve
