// The token endpoint and bearer checks: every failure path of
// ../shared/reference/sheets-api.md sections 1 and 4, with real RS256 signatures.

#include <gtest/gtest.h>

#include "tests/src/sheets_emulator/core_fixture.h"

namespace kraken::sheets::emu::testing {
namespace {

class AuthTest : public CoreTest {
 protected:
  JwtClaims Fresh() {
    JwtClaims c;
    c.iat = NowSeconds();
    c.exp = c.iat + 3600;
    c.kid = kKeyId;
    return c;
  }
  // The OAuth error pair of a token reply: "invalid_grant: Invalid JWT Signature."
  static std::string OAuthFailure(const net::ServerResponse& r) {
    const JsonValue j = Json(r);
    if (j.Get("error") == nullptr || !j.Get("error")->is_string())
      return "no OAuth error: " + r.body;
    return j.Get("error")->string() + ": " + j.Get("error_description")->string();
  }
};

constexpr char kBadTimeframe[] =
    "invalid_grant: Invalid JWT: Token must be a short-lived token (60 minutes) and in a "
    "reasonable timeframe. Check your iat and exp values and use a clock with skew to account "
    "for clock differences between systems.";

TEST_F(AuthTest, AGoodJwtGetsABearerTokenInGooglesShape) {
  const auto r = PostToken(SignJwt(SharedKeyPem(0), Fresh()));
  ASSERT_EQ(r.status, 200) << r.body;
  const JsonValue j = Json(r);
  EXPECT_EQ(j.Get("access_token")->string().rfind("ya29.", 0), 0u);
  EXPECT_EQ(j.Get("expires_in")->number(), 3599);
  EXPECT_EQ(j.Get("token_type")->string(), "Bearer");
  EXPECT_EQ(j.members().size(), 3u);
  // A kid that names no key still verifies against the account's keys.
  JwtClaims stale = Fresh();
  stale.kid = "0000000000000000000000000000000000000000";
  EXPECT_EQ(PostToken(SignJwt(SharedKeyPem(0), stale)).status, 200);
}

TEST_F(AuthTest, ASignatureByAnotherKeyIsInvalidJwtSignature) {
  const auto r = PostToken(SignJwt(SharedKeyPem(1), Fresh()));  // kOtherAccount's key
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(OAuthFailure(r), "invalid_grant: Invalid JWT Signature.");
}

TEST_F(AuthTest, ClaimsChangedAfterSigningAreInvalidJwtSignature) {
  const std::string jwt = SignJwt(SharedKeyPem(0), Fresh());
  JwtClaims forged = Fresh();
  forged.scope = "https://www.googleapis.com/auth/drive";
  const std::string other = SignJwt(SharedKeyPem(1), forged);
  // kAccount's header and signature around different claims.
  const std::string spliced = jwt.substr(0, jwt.find('.')) +
                              other.substr(other.find('.'), other.rfind('.') - other.find('.')) +
                              jwt.substr(jwt.rfind('.'));
  EXPECT_EQ(OAuthFailure(PostToken(spliced)), "invalid_grant: Invalid JWT Signature.");
}

TEST_F(AuthTest, TheWrongAudienceIsRefusedNamingTheRightOne) {
  JwtClaims c = Fresh();
  c.aud = "https://oauth2.googleapis.com/token";
  const auto r = PostToken(SignJwt(SharedKeyPem(0), c));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(OAuthFailure(r),
            "invalid_grant: Invalid JWT: Failed audience check. The right "
            "audience is http://127.0.0.1:8090/token");
}

TEST_F(AuthTest, ALifetimeOverAnHourIsRefused) {
  JwtClaims c = Fresh();
  c.exp = c.iat + 3601;
  EXPECT_EQ(OAuthFailure(PostToken(SignJwt(SharedKeyPem(0), c))), kBadTimeframe);
  c.exp = c.iat + 3600;
  EXPECT_EQ(PostToken(SignJwt(SharedKeyPem(0), c)).status, 200);
}

TEST_F(AuthTest, AnExpiredOrFutureJwtIsRefused) {
  JwtClaims expired = Fresh();
  expired.iat = NowSeconds() - 7200;
  expired.exp = NowSeconds() - 3600;
  EXPECT_EQ(OAuthFailure(PostToken(SignJwt(SharedKeyPem(0), expired))), kBadTimeframe);
  JwtClaims future = Fresh();
  future.iat = NowSeconds() + 3600;
  future.exp = future.iat + 3600;
  EXPECT_EQ(OAuthFailure(PostToken(SignJwt(SharedKeyPem(0), future))), kBadTimeframe);
}

TEST_F(AuthTest, AnUnknownAccountIsRefused) {
  JwtClaims c = Fresh();
  c.iss = "ghost@nowhere.iam.gserviceaccount.com";
  EXPECT_EQ(OAuthFailure(PostToken(SignJwt(SharedKeyPem(0), c))),
            "invalid_grant: Invalid grant: account not found");
}

TEST_F(AuthTest, MalformedGrantsAreRefusedWithOAuthErrors) {
  JwtClaims c = Fresh();
  c.scope = "";
  EXPECT_EQ(OAuthFailure(PostToken(SignJwt(SharedKeyPem(0), c))),
            "invalid_scope: Invalid OAuth scope or ID token audience provided.");
  EXPECT_EQ(PostToken("not-a-jwt").status, 400);
  EXPECT_EQ(OAuthFailure(PostToken("a.b.c")).substr(0, 14), "invalid_grant:");
  net::ServerRequest r;
  r.method = "POST";
  r.target = "/token";
  r.body = "grant_type=client_credentials";
  EXPECT_EQ(OAuthFailure(core_->Handle(r)),
            "unsupported_grant_type: Invalid grant_type: client_credentials");
  r.body = "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer";
  EXPECT_EQ(OAuthFailure(core_->Handle(r)),
            "invalid_request: Missing required parameter: assertion");
}

TEST_F(AuthTest, EveryApiCallNeedsAValidBearerToken) {
  MakeSpreadsheet();
  const std::string none;
  const auto missing = Call("GET", "/v4/spreadsheets/" + id_, "", &none);
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(ErrorStatus(missing), "UNAUTHENTICATED");
  EXPECT_EQ(
      ErrorMessage(missing).rfind("Request is missing required authentication credential.", 0), 0u);
  EXPECT_FALSE(net::FindHeader(missing.headers, "WWW-Authenticate").empty());

  const std::string forged = "ya29.not-issued-here";
  const auto invalid = Call("GET", "/v4/spreadsheets/" + id_ + "/values/Sheet1", "", &forged);
  EXPECT_EQ(invalid.status, 401);
  EXPECT_EQ(ErrorMessage(invalid).rfind("Request had invalid authentication credentials.", 0), 0u);

  EXPECT_EQ(Call("GET", "/v4/spreadsheets/" + id_).status, 200);
  now_ += std::chrono::seconds(3599);  // expires_in has passed
  EXPECT_EQ(Call("GET", "/v4/spreadsheets/" + id_).status, 401);
  EXPECT_EQ(Call("GET", "/drive/v3/files/" + id_ + "?fields=version").status, 401);
}

TEST_F(AuthTest, ASpreadsheetNotSharedWithTheCallerIs403AndAnUnknownIdIs404) {
  MakeSpreadsheet();
  const std::string other = TokenFor(kOtherAccount);
  const auto denied = Call("GET", "/v4/spreadsheets/" + id_ + "/values/Sheet1", "", &other);
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(ErrorStatus(denied), "PERMISSION_DENIED");
  EXPECT_EQ(ErrorMessage(denied), "The caller does not have permission");

  const auto missing = Call("GET", "/v4/spreadsheets/1NoSuchSpreadsheet/values/Sheet1");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(ErrorStatus(missing), "NOT_FOUND");
  EXPECT_EQ(ErrorMessage(missing), "Requested entity was not found.");

  ASSERT_TRUE(core_->Share(id_, kOtherAccount).ok());
  EXPECT_EQ(Call("GET", "/v4/spreadsheets/" + id_ + "/values/Sheet1", "", &other).status, 200);
}

TEST_F(AuthTest, AReadOnlyScopeReadsButCannotWrite) {
  MakeSpreadsheet();
  const std::string readonly =
      TokenFor(kAccount, "https://www.googleapis.com/auth/spreadsheets.readonly");
  EXPECT_EQ(Call("GET", "/v4/spreadsheets/" + id_ + "/values/Sheet1", "", &readonly).status, 200);
  const auto write = Call("POST", "/v4/spreadsheets/" + id_ + "/values:batchClear",
                          R"({"ranges":["Sheet1"]})", &readonly);
  EXPECT_EQ(write.status, 403);
  EXPECT_EQ(ErrorMessage(write), "Request had insufficient authentication scopes.");
  // Drive metadata needs a Drive scope.
  EXPECT_EQ(Call("GET", "/drive/v3/files/" + id_, "", &readonly).status, 403);
}

TEST_F(AuthTest, ANewAccountsKeyFileIsInGooglesFormatAndSignsIn) {
  const std::string email = "fresh@kraken-dev.iam.gserviceaccount.com";
  auto key_file = core_->ServiceAccountKey(email);
  ASSERT_TRUE(key_file.ok()) << key_file.error().message;
  auto key = JsonValue::Parse(*key_file);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->Get("type")->string(), "service_account");
  EXPECT_EQ(key->Get("client_email")->string(), email);
  EXPECT_EQ(key->Get("project_id")->string(), "kraken-dev");
  EXPECT_EQ(key->Get("token_uri")->string(), std::string(kBaseUrl) + "/token");
  EXPECT_EQ(key->Get("private_key_id")->string().size(), 40u);
  EXPECT_EQ(key->Get("private_key")->string().rfind("-----BEGIN PRIVATE KEY-----\n", 0), 0u);
  // Asking again returns the same key.
  EXPECT_EQ(*core_->ServiceAccountKey(email), *key_file);

  JwtClaims c;
  c.iss = email;
  c.iat = NowSeconds();
  c.exp = c.iat + 3600;
  c.kid = key->Get("private_key_id")->string();
  EXPECT_EQ(PostToken(SignJwt(key->Get("private_key")->string(), c)).status, 200);
}

TEST_F(AuthTest, AnUnknownRouteIs404SayingWhatIsNotImplemented) {
  MakeSpreadsheet();
  const auto r = Call("POST", "/v4/spreadsheets/" + id_ + "/values/Sheet1!A1:append");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(ErrorMessage(r),
            "The KRAKEN Sheets emulator does not implement POST /v4/spreadsheets/" + id_ +
                "/values/Sheet1!A1:append.");
}

}  // namespace
}  // namespace kraken::sheets::emu::testing
