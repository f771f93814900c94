#include "src/sheets/service_account.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <simdjson.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>

#include "src/crypto/encoding.h"
#include "src/crypto/rsa.h"
#include "tests/src/sheets/emulator_fixture.h"
#include "tests/src/sheets/fake_clock.h"
#include "tests/support/log_dir.h"

namespace kraken::sheets {
namespace {

using testing::EmulatedSheet;
using testing::FakeClock;
using ::testing::HasSubstr;
using testing::StartEmulatedSheet;

constexpr char kKeyJson[] = R"({
  "type": "service_account",
  "project_id": "kraken-prod",
  "private_key_id": "0123456789abcdef0123456789abcdef01234567",
  "private_key": "-----BEGIN PRIVATE KEY-----\nMIIE...\n-----END PRIVATE KEY-----\n",
  "client_email": "roster@kraken-prod.iam.gserviceaccount.com",
  "client_id": "1234567890",
  "token_uri": "https://oauth2.googleapis.com/token"
})";

std::string WriteFile(const kraken::testing::TempDir& dir, const std::string& name,
                      const std::string& text, mode_t mode) {
  const std::string path = dir.Sub(name);
  std::ofstream(path) << text;
  ::chmod(path.c_str(), mode);
  return path;
}

// The key file JSON without `member`'s line (and without a comma left dangling).
std::string Without(std::string json, const std::string& member) {
  const auto at = json.rfind('\n', json.find("\"" + member + "\"")) + 1;
  const auto end = json.find('\n', at);
  json.erase(at, end - at + 1);
  if (const auto dangling = json.rfind(",\n}"); dangling != std::string::npos)
    json.erase(dangling, 1);
  return json;
}

TEST(ServiceAccountKeyTest, ReadsTheFieldsKrakenUses) {
  auto key = ParseServiceAccountKey(kKeyJson, "key.json");
  ASSERT_TRUE(key.ok()) << key.error().message;
  EXPECT_EQ(key->client_email, "roster@kraken-prod.iam.gserviceaccount.com");
  EXPECT_EQ(key->private_key_id, "0123456789abcdef0123456789abcdef01234567");
  EXPECT_EQ(key->token_uri, "https://oauth2.googleapis.com/token");
  EXPECT_EQ(key->project_id, "kraken-prod");
  EXPECT_EQ(key->private_key_pem.find("-----BEGIN PRIVATE KEY-----\nMIIE"), 0u);
}

TEST(ServiceAccountKeyTest, AMissingFieldIsNamed) {
  for (const char* field : {"client_email", "private_key", "token_uri"}) {
    auto key = ParseServiceAccountKey(Without(kKeyJson, field), "/etc/kraken/key.json");
    ASSERT_FALSE(key.ok()) << field;
    EXPECT_EQ(key.error().code, ErrorCode::kInvalidArgument);
    EXPECT_THAT(key.error().message, HasSubstr("/etc/kraken/key.json"));
    EXPECT_THAT(key.error().message, HasSubstr(std::string("no \"") + field + "\""));
    EXPECT_THAT(key.error().message, HasSubstr("download a new JSON key"));
  }
}

TEST(ServiceAccountKeyTest, MalformedJsonAndOtherCredentialKindsAreExplained) {
  auto garbled = ParseServiceAccountKey("{\"type\": \"service_account\",", "key.json");
  ASSERT_FALSE(garbled.ok());
  EXPECT_THAT(garbled.error().message, HasSubstr("key.json is not valid JSON"));

  auto user = ParseServiceAccountKey(R"({"type":"authorized_user","client_id":"x"})", "adc.json");
  ASSERT_FALSE(user.ok());
  EXPECT_THAT(user.error().message, HasSubstr("\"authorized_user\" credential"));
  EXPECT_THAT(user.error().message, HasSubstr("not a service-account key"));
}

TEST(ServiceAccountKeyTest, NoConfiguredPathSaysHowToConfigureOne) {
  auto key = ReadServiceAccountKeyFile("");
  ASSERT_FALSE(key.ok());
  EXPECT_THAT(key.error().message, HasSubstr("GOOGLE_APPLICATION_CREDENTIALS"));
  EXPECT_THAT(key.error().message, HasSubstr("sheets.credentials"));
}

TEST(ServiceAccountKeyTest, AnUnreadableFileIsNamedWithTheReason) {
  kraken::testing::TempDir dir;
  auto missing = ReadServiceAccountKeyFile(dir.Sub("nope.json"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_THAT(missing.error().message, HasSubstr(dir.Sub("nope.json")));
  EXPECT_THAT(missing.error().message, HasSubstr("No such file"));

  if (::geteuid() != 0) {  // root reads anything
    const std::string locked = WriteFile(dir, "locked.json", kKeyJson, 0000);
    auto denied = ReadServiceAccountKeyFile(locked);
    ASSERT_FALSE(denied.ok());
    EXPECT_THAT(denied.error().message, HasSubstr("Permission denied"));
  }
}

TEST(ServiceAccountKeyTest, AKeyFileOthersCanReadIsWarnedAbout) {
  kraken::testing::TempDir dir;
  const std::string shared = WriteFile(dir, "shared.json", kKeyJson, 0644);
  const std::string private_file = WriteFile(dir, "private.json", kKeyJson, 0600);
  EXPECT_FALSE(KeyFilePermissionWarning(private_file).has_value());
  auto warning = KeyFilePermissionWarning(shared);
  ASSERT_TRUE(warning.has_value());
  EXPECT_THAT(*warning, HasSubstr("readable by other users (mode 644)"));
  EXPECT_THAT(*warning, HasSubstr("chmod 600 " + shared));

  // Reading the file logs that warning.
  auto sink = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(16);
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("test", sink));
  ASSERT_TRUE(ReadServiceAccountKeyFile(shared).ok());
  ASSERT_TRUE(ReadServiceAccountKeyFile(private_file).ok());
  spdlog::set_default_logger(previous);
  const auto logged = sink->last_formatted();
  ASSERT_EQ(logged.size(), 1u);
  EXPECT_THAT(logged[0], HasSubstr("chmod 600"));
}

// The JWT's three parts, decoded.
struct Jwt {
  std::string header_json, claims_json;
  simdjson::dom::parser header_parser, claims_parser;
  simdjson::dom::element header, claims;
  std::string signing_input, signature;
};

void Decode(const std::string& jwt, Jwt& out) {
  const auto dot1 = jwt.find('.');
  const auto dot2 = jwt.find('.', dot1 + 1);
  ASSERT_NE(dot2, std::string::npos);
  out.header_json = crypto::Base64UrlDecode(jwt.substr(0, dot1)).value_or("");
  out.claims_json = crypto::Base64UrlDecode(jwt.substr(dot1 + 1, dot2 - dot1 - 1)).value_or("");
  out.header = out.header_parser.parse(out.header_json).value();
  out.claims = out.claims_parser.parse(out.claims_json).value();
  out.signing_input = jwt.substr(0, dot2);
  out.signature = crypto::Base64UrlDecode(jwt.substr(dot2 + 1)).value_or("");
}

TEST(JwtTest, AssertionIsSignedRs256WithTheClaimsGoogleExpects) {
  auto private_key = crypto::RsaPrivateKey::Generate(2048);
  ASSERT_TRUE(private_key.ok());
  auto key = ParseServiceAccountKey(kKeyJson, "key.json");
  ASSERT_TRUE(key.ok());
  auto jwt = MakeJwtAssertion(*key, *private_key, kSheetsScopes, 1'700'000'000);
  ASSERT_TRUE(jwt.ok()) << jwt.error().message;
  EXPECT_EQ(jwt->find('='), std::string::npos);  // base64url without padding

  Jwt parts;
  ASSERT_NO_FATAL_FAILURE(Decode(*jwt, parts));
  EXPECT_EQ(std::string_view(parts.header["alg"]), "RS256");
  EXPECT_EQ(std::string_view(parts.header["typ"]), "JWT");
  EXPECT_EQ(std::string_view(parts.header["kid"]), key->private_key_id);
  EXPECT_EQ(std::string_view(parts.claims["iss"]), key->client_email);
  EXPECT_EQ(std::string_view(parts.claims["aud"]), "https://oauth2.googleapis.com/token");
  EXPECT_EQ(std::string_view(parts.claims["scope"]),
            "https://www.googleapis.com/auth/spreadsheets "
            "https://www.googleapis.com/auth/drive.metadata.readonly");
  EXPECT_EQ(int64_t(parts.claims["iat"]), 1'700'000'000);
  EXPECT_EQ(int64_t(parts.claims["exp"]), 1'700'003'600);

  auto public_key = crypto::RsaPublicKey::FromPem(private_key->PublicPem());
  ASSERT_TRUE(public_key.ok());
  EXPECT_TRUE(public_key->VerifyRs256(parts.signing_input, parts.signature));
  EXPECT_FALSE(public_key->VerifyRs256(parts.signing_input + "x", parts.signature));
}

TEST(AccessTokenSourceTest, ABadPemIsRejectedBeforeAnythingIsSent) {
  net::HttpClient http;
  auto key = ParseServiceAccountKey(kKeyJson, "key.json");  // "MIIE..." is no key
  ASSERT_TRUE(key.ok());
  auto source = AccessTokenSource::Create(*key, http);
  ASSERT_FALSE(source.ok());
  EXPECT_EQ(source.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(source.error().message, HasSubstr("private_key of service account roster@"));
  EXPECT_THAT(source.error().message, HasSubstr("download a new JSON key"));
}

// --- against the emulator's token endpoint ------------------------------------

TEST(AccessTokenSourceTest, OneTokenServesManyCallsUntilFiveMinutesBeforeExpiry) {
  EmulatedSheet sheet = StartEmulatedSheet();
  FakeClock clock;
  net::HttpClient http;
  AccessTokenOptions options;
  options.clock = &clock;
  auto source = AccessTokenSource::Create(sheet.key, http, options);
  ASSERT_TRUE(source.ok()) << source.error().message;
  auto first = (*source)->Token();
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_THAT(*first, ::testing::StartsWith("ya29."));
  for (int i = 0; i < 20; ++i) EXPECT_EQ((*source)->Token().value(), *first);
  EXPECT_EQ((*source)->token_requests(), 1u);

  // The emulator's tokens live 3599 s; renewal is due 300 s before that.
  clock.Advance(std::chrono::seconds(3599 - 301));
  EXPECT_EQ((*source)->Token().value(), *first);
  clock.Advance(std::chrono::seconds(2));
  auto renewed = (*source)->Token();
  ASSERT_TRUE(renewed.ok());
  EXPECT_NE(*renewed, *first);
  EXPECT_EQ((*source)->token_requests(), 2u);

  (*source)->Invalidate(*renewed);  // as after a 401
  EXPECT_NE((*source)->Token().value(), *renewed);
  EXPECT_EQ((*source)->token_requests(), 3u);
}

void ExpectInvalidGrantAdvice(const Error& error, const std::string& email) {
  EXPECT_EQ(error.code, ErrorCode::kPermissionDenied);
  EXPECT_THAT(error.message, HasSubstr("invalid_grant"));
  EXPECT_THAT(error.message, HasSubstr(email));
  EXPECT_THAT(error.message, HasSubstr("clock"));
  EXPECT_THAT(error.message, HasSubstr("deleted or rotated"));
  EXPECT_THAT(error.message, HasSubstr("create a new key"));
}

TEST(AccessTokenSourceTest, AKeyTheServerDoesNotKnowIsInvalidGrantWithBothCauses) {
  EmulatedSheet sheet = StartEmulatedSheet();
  net::HttpClient http;
  // Right account, wrong key: the signature does not verify.
  ServiceAccountKey rotated = sheet.key;
  rotated.private_key_pem = crypto::RsaPrivateKey::Generate(2048).value().PrivatePem();
  auto source = AccessTokenSource::Create(rotated, http);
  ASSERT_TRUE(source.ok());
  auto token = (*source)->Token();
  ASSERT_FALSE(token.ok());
  ExpectInvalidGrantAdvice(token.error(), rotated.client_email);
  EXPECT_EQ((*source)->token_requests(), 1u);  // a refusal is not retried

  // An account the server has never heard of.
  ServiceAccountKey stranger = sheet.key;
  stranger.client_email = "ghost@elsewhere.iam.gserviceaccount.com";
  auto ghost = AccessTokenSource::Create(stranger, http);
  ASSERT_TRUE(ghost.ok());
  auto refused = (*ghost)->Token();
  ASSERT_FALSE(refused.ok());
  ExpectInvalidGrantAdvice(refused.error(), stranger.client_email);
}

TEST(AccessTokenSourceTest, ASkewedClockIsInvalidGrantWithBothCauses) {
  EmulatedSheet sheet = StartEmulatedSheet();
  net::HttpClient http;
  AccessTokenOptions options;
  options.unix_now = [] {
    const auto now = std::chrono::system_clock::now() - std::chrono::hours(2);
    return std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  };
  auto source = AccessTokenSource::Create(sheet.key, http, options);
  ASSERT_TRUE(source.ok());
  auto token = (*source)->Token();
  ASSERT_FALSE(token.ok());
  ExpectInvalidGrantAdvice(token.error(), sheet.key.client_email);
  EXPECT_THAT(token.error().message, HasSubstr("iat and exp"));  // Google's own words
}

TEST(AccessTokenSourceTest, AnUnreachableTokenEndpointIsRetriedOnceThenUnavailable) {
  EmulatedSheet sheet = StartEmulatedSheet();
  ServiceAccountKey key = sheet.key;
  sheet.emulator->Stop();  // nothing listens on its port any more
  net::HttpClient http;
  auto source = AccessTokenSource::Create(key, http);
  ASSERT_TRUE(source.ok());
  auto token = (*source)->Token();
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.error().code, ErrorCode::kUnavailable);
  EXPECT_THAT(token.error().message, HasSubstr("cannot reach the token endpoint " + key.token_uri));
  EXPECT_EQ((*source)->token_requests(), 2u);
}

}  // namespace
}  // namespace kraken::sheets
