#include "src/crypto/encoding.h"

#include <gtest/gtest.h>

#include <string>

namespace kraken::crypto {
namespace {

std::string AllBytes() {
  std::string s;
  for (int i = 0; i < 256; ++i) s += static_cast<char>(i);
  return s;
}

TEST(EncodingTest, HexRoundTripsEveryByteAndAcceptsEitherCase) {
  const std::string bytes = AllBytes();
  const std::string hex = HexEncode(bytes);
  EXPECT_EQ(hex.substr(0, 8), "00010203");
  EXPECT_EQ(hex.substr(hex.size() - 4), "feff");
  EXPECT_EQ(HexDecode(hex), bytes);
  EXPECT_EQ(HexDecode("DEADbeef"), std::string("\xde\xad\xbe\xef"));
  EXPECT_EQ(HexDecode(""), std::string());
}

TEST(EncodingTest, MalformedHexIsRejected) {
  EXPECT_FALSE(HexDecode("abc").has_value());   // odd length
  EXPECT_FALSE(HexDecode("zz").has_value());    // not hex
  EXPECT_FALSE(HexDecode("0x12").has_value());  // no prefixes
  EXPECT_FALSE(HexDecode("12 34").has_value());
}

TEST(EncodingTest, Base64MatchesRfc4648Vectors) {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(Base64Encode(plain), encoded);
    EXPECT_EQ(Base64Decode(encoded), std::string(plain));
  }
}

TEST(EncodingTest, Base64RoundTripsEveryLengthAndByte) {
  const std::string bytes = AllBytes();
  for (std::size_t n = 0; n <= 70; ++n) {
    const std::string s = bytes.substr(256 - n);
    EXPECT_EQ(Base64Decode(Base64Encode(s)), s) << n;
    EXPECT_EQ(Base64UrlDecode(Base64UrlEncode(s)), s) << n;
  }
  EXPECT_EQ(Base64Decode(Base64Encode(bytes)), bytes);
}

TEST(EncodingTest, Base64UrlUsesTheUrlAlphabetWithoutPadding) {
  const std::string s("\xfb\xff\xfe", 3);
  EXPECT_EQ(Base64Encode(s), "+//+");
  EXPECT_EQ(Base64UrlEncode(s), "-__-");
  EXPECT_EQ(Base64UrlEncode("f"), "Zg");
  EXPECT_EQ(Base64UrlDecode("Zg"), std::string("f"));
  EXPECT_EQ(Base64UrlDecode("Zg=="), std::string("f"));  // padding tolerated
  EXPECT_FALSE(Base64UrlDecode("+//+").has_value());     // standard alphabet is not URL
  EXPECT_FALSE(Base64Decode("-__-").has_value());
}

TEST(EncodingTest, Base64AcceptsMissingPaddingAndLineBreaks) {
  EXPECT_EQ(Base64Decode("Zm9vYg"), std::string("foob"));
  EXPECT_EQ(Base64Decode("Zm9v\nYmFy\r\n"), std::string("foobar"));
  EXPECT_FALSE(Base64UrlDecode("Zm9v\nYmFy").has_value());  // URL form is one token
}

TEST(EncodingTest, MalformedBase64IsRejected) {
  EXPECT_FALSE(Base64Decode("Z").has_value());         // a lone 6 bits
  EXPECT_FALSE(Base64Decode("Zm9v!").has_value());     // not in the alphabet
  EXPECT_FALSE(Base64Decode("Zg=").has_value());       // wrong padding
  EXPECT_FALSE(Base64Decode("Zg===").has_value());     // too much padding
  EXPECT_FALSE(Base64Decode("Zg==Zg==").has_value());  // data after padding
  EXPECT_FALSE(Base64Decode("Zh==").has_value());      // non-zero leftover bits
  EXPECT_FALSE(Base64Decode("====").has_value());
}

TEST(EncodingTest, Sha256MatchesKnownDigests) {
  EXPECT_EQ(HexEncode(Sha256("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(HexEncode(Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(EncodingTest, RandomBytesHaveTheLengthAskedForAndDiffer) {
  EXPECT_EQ(RandomBytes(0), "");
  const std::string a = RandomBytes(32);
  const std::string b = RandomBytes(32);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace kraken::crypto
