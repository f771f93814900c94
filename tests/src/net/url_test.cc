#include "src/net/url.h"

#include <gtest/gtest.h>

namespace kraken::net {
namespace {

TEST(UrlTest, HttpsUrlsParseWithDefaultPortAndTarget) {
  auto url = ParseUrl("https://discord.com/api/v10");
  ASSERT_TRUE(url.ok()) << url.error().message;
  EXPECT_EQ(url->scheme, "https");
  EXPECT_EQ(url->host, "discord.com");
  EXPECT_EQ(url->port, "443");
  EXPECT_EQ(url->target, "/api/v10");
  EXPECT_TRUE(url->tls());
  EXPECT_EQ(url->Origin(), "https://discord.com");

  auto bare = ParseUrl("HTTPS://Sheets.GoogleApis.com?x=1#frag");
  ASSERT_TRUE(bare.ok()) << bare.error().message;
  EXPECT_EQ(bare->host, "sheets.googleapis.com");
  EXPECT_EQ(bare->target, "/?x=1");
}

TEST(UrlTest, PlainHttpIsOnlyForLoopback) {
  auto local = ParseUrl("http://127.0.0.1:8080/x");
  ASSERT_TRUE(local.ok()) << local.error().message;
  EXPECT_EQ(local->port, "8080");
  EXPECT_EQ(local->target, "/x");
  EXPECT_EQ(local->Origin(), "http://127.0.0.1:8080");
  EXPECT_TRUE(ParseUrl("http://localhost/").ok());
  EXPECT_TRUE(ParseUrl("http://127.1.2.3:1/").ok());

  auto v6 = ParseUrl("http://[::1]:9000/a?b");
  ASSERT_TRUE(v6.ok()) << v6.error().message;
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->Origin(), "http://[::1]:9000");

  auto remote = ParseUrl("http://example.com");
  ASSERT_FALSE(remote.ok());
  EXPECT_EQ(remote.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(remote.error().message.find("https"), std::string::npos);
  EXPECT_NE(remote.error().message.find("localhost"), std::string::npos);
  EXPECT_FALSE(ParseUrl("http://128.0.0.1/").ok());
  EXPECT_FALSE(ParseUrl("http://localhost.example.com/").ok());
}

TEST(UrlTest, MalformedUrlsSayWhatIsWrong) {
  auto ftp = ParseUrl("ftp://example.com/");
  ASSERT_FALSE(ftp.ok());
  EXPECT_NE(ftp.error().message.find("'ftp'"), std::string::npos);
  EXPECT_FALSE(ParseUrl("discord.com/api").ok());
  EXPECT_FALSE(ParseUrl("https:///path").ok());
  EXPECT_FALSE(ParseUrl("https://host:99999/").ok());
  EXPECT_FALSE(ParseUrl("https://host:8o/").ok());
  EXPECT_FALSE(ParseUrl("https://user:pw@host/").ok());
  EXPECT_FALSE(ParseUrl("https://[::1/").ok());
  EXPECT_FALSE(ParseUrl("https://ho st/").ok());
  EXPECT_FALSE(ParseUrl("https://host/a b").ok());
  EXPECT_FALSE(ParseUrl("https://host/\r\nX-Injected: 1").ok());
}

TEST(UrlTest, LoopbackHosts) {
  EXPECT_TRUE(IsLoopbackHost("localhost"));
  EXPECT_TRUE(IsLoopbackHost("LOCALHOST"));
  EXPECT_TRUE(IsLoopbackHost("127.0.0.1"));
  EXPECT_TRUE(IsLoopbackHost("127.255.255.254"));
  EXPECT_TRUE(IsLoopbackHost("::1"));
  EXPECT_TRUE(IsLoopbackHost("[::1]"));
  EXPECT_FALSE(IsLoopbackHost("::2"));
  EXPECT_FALSE(IsLoopbackHost("10.0.0.1"));
  EXPECT_FALSE(IsLoopbackHost("127.example.com"));
  EXPECT_FALSE(IsLoopbackHost(""));
}

TEST(UrlTest, JoinUrlPutsExactlyOneSlashBetween) {
  EXPECT_EQ(JoinUrl("https://sheets.googleapis.com", "/v4/spreadsheets/x"),
            "https://sheets.googleapis.com/v4/spreadsheets/x");
  EXPECT_EQ(JoinUrl("https://discord.com/api/v10/", "/users/@me"),
            "https://discord.com/api/v10/users/@me");
  EXPECT_EQ(JoinUrl("https://discord.com/api/v10", "users"), "https://discord.com/api/v10/users");
}

TEST(UrlTest, PercentEncodingKeepsUnreservedAndRoundTrips) {
  EXPECT_EQ(PercentEncode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(PercentEncode("Roster!A1:C10"), "Roster%21A1%3AC10");
  EXPECT_EQ(PercentEncode("a b/c"), "a%20b%2Fc");
  EXPECT_EQ(PercentEncode("\xc3\xa9"), "%C3%A9");
  const std::string tricky = "K'aelen \"Voss\" / 100% & more?=#";
  EXPECT_EQ(PercentDecode(PercentEncode(tricky)), tricky);
  EXPECT_EQ(PercentDecode("%41%6a"), "Aj");
  EXPECT_EQ(PercentDecode("100%"), "100%");    // a lone % stays
  EXPECT_EQ(PercentDecode("%zz%4"), "%zz%4");  // so does a malformed escape
  EXPECT_EQ(PercentDecode("a+b"), "a+b");      // '+' is not a space in paths
}

}  // namespace
}  // namespace kraken::net
