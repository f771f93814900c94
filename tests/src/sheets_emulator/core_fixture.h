#pragma once
// A Sheets emulator core on a fake clock, for tests that call Handle() directly:
// a service account with a real RSA key, a real signed JWT exchanged for a token,
// a spreadsheet shared with the account, and helpers to call routes and read JSON.

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "events/json_text.h"
#include "src/crypto/encoding.h"
#include "src/crypto/rsa.h"
#include "src/net/url.h"
#include "src/sheets_emulator/emulator_core.h"
#include "src/sheets_emulator/json_value.h"

namespace kraken::sheets::emu::testing {

inline constexpr char kAccount[] = "roster-bot@kraken-tests.iam.gserviceaccount.com";
inline constexpr char kOtherAccount[] = "intruder@elsewhere.iam.gserviceaccount.com";
inline constexpr char kScopes[] =
    "https://www.googleapis.com/auth/spreadsheets https://www.googleapis.com/auth/drive";
inline constexpr char kBaseUrl[] = "http://127.0.0.1:8090";
inline constexpr char kKeyId[] = "1111111111111111111111111111111111111111";
inline constexpr char kOtherKeyId[] = "2222222222222222222222222222222222222222";

struct JwtClaims {
  std::string iss = kAccount;
  std::string scope = kScopes;
  std::string aud = std::string(kBaseUrl) + "/token";
  std::int64_t iat = 0;
  std::int64_t exp = 0;
  std::string kid;  // empty: none
};

// base64url(header).base64url(claims).base64url(RS256 signature).
inline std::string SignJwt(const std::string& private_pem, const JwtClaims& c) {
  JsonWriter header;
  header.BeginObject().Key("typ").String("JWT").Key("alg").String("RS256");
  if (!c.kid.empty()) header.Key("kid").String(c.kid);
  header.EndObject();
  JsonWriter claims;
  claims.BeginObject().Key("iss").String(c.iss).Key("scope").String(c.scope);
  claims.Key("aud").String(c.aud).Key("iat").Int(c.iat).Key("exp").Int(c.exp).EndObject();
  const std::string signing_input =
      crypto::Base64UrlEncode(header.str()) + "." + crypto::Base64UrlEncode(claims.str());
  auto key = crypto::RsaPrivateKey::FromPem(private_pem);
  if (!key.ok()) throw std::runtime_error(key.error().message);
  auto sig = key->SignRs256(signing_input);
  if (!sig.ok()) throw std::runtime_error(sig.error().message);
  return signing_input + "." + crypto::Base64UrlEncode(*sig);
}

// RSA keys are slow to make: each test binary makes two, once, and every core
// registers them for kAccount and kOtherAccount.
inline const std::string& SharedKeyPem(int which) {
  static const std::string keys[2] = {crypto::RsaPrivateKey::Generate(2048)->PrivatePem(),
                                      crypto::RsaPrivateKey::Generate(2048)->PrivatePem()};
  return keys[which];
}

inline std::string KeyFileJson(const std::string& email, const std::string& key_id,
                               const std::string& private_pem) {
  JsonWriter w;
  w.BeginObject().Key("type").String("service_account").Key("client_email").String(email);
  w.Key("private_key_id").String(key_id).Key("private_key").String(private_pem).EndObject();
  return w.Take();
}

inline std::string TokenForm(const std::string& jwt) {
  return "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=" + jwt;
}

inline JsonValue Json(const net::ServerResponse& r) {
  auto v = JsonValue::Parse(r.body);
  EXPECT_TRUE(v.ok()) << r.body;
  return v.ok() ? std::move(v).value() : JsonValue();
}

// The "error.message" of a Sheets error body ("" if absent).
inline std::string ErrorMessage(const net::ServerResponse& r) {
  const JsonValue j = Json(r);
  const JsonValue* e = j.Get("error");
  const JsonValue* m = e != nullptr ? e->Get("message") : nullptr;
  return m != nullptr && m->is_string() ? m->string() : "";
}

inline std::string ErrorStatus(const net::ServerResponse& r) {
  const JsonValue j = Json(r);
  const JsonValue* e = j.Get("error");
  const JsonValue* s = e != nullptr ? e->Get("status") : nullptr;
  return s != nullptr && s->is_string() ? s->string() : "";
}

class CoreTest : public ::testing::Test {
 protected:
  // 2026-12-04T15:30:00Z
  static constexpr std::int64_t kStartSeconds = 1796398200;

  void SetUp() override { Open(CoreOptions{}); }

  // Opens a core on the fake clock; unless `keep_quotas`, with no quotas.
  // With `import_keys`, kAccount and kOtherAccount get the shared keys.
  void Open(CoreOptions options, bool keep_quotas = false, bool import_keys = true) {
    options.base_url = kBaseUrl;
    if (!keep_quotas) options.reads_per_minute = options.writes_per_minute = 0;
    options.clock = [this] { return now_; };
    core_.reset();
    auto core = EmulatorCore::Open(std::move(options));
    ASSERT_TRUE(core.ok()) << core.error().message;
    core_ = std::move(core).value();
    if (!import_keys) return;
    ASSERT_TRUE(
        core_->ImportServiceAccountKey(KeyFileJson(kAccount, kKeyId, SharedKeyPem(0))).ok());
    ASSERT_TRUE(
        core_->ImportServiceAccountKey(KeyFileJson(kOtherAccount, kOtherKeyId, SharedKeyPem(1)))
            .ok());
  }

  std::int64_t NowSeconds() const {
    return std::chrono::duration_cast<std::chrono::seconds>(now_.time_since_epoch()).count();
  }

  // The account's key file JSON and its private key PEM.
  std::string PrivateKeyOf(const std::string& email) {
    auto key_file = core_->ServiceAccountKey(email);
    EXPECT_TRUE(key_file.ok());
    auto json = JsonValue::Parse(*key_file);
    return json->Get("private_key")->string();
  }

  net::ServerResponse PostToken(const std::string& jwt) {
    net::ServerRequest r;
    r.method = "POST";
    r.target = "/token";
    r.headers = {{"Host", "127.0.0.1:8090"}, {"Content-Type", "application/x-www-form-urlencoded"}};
    r.body = TokenForm(jwt);
    return core_->Handle(r);
  }

  // A fresh access token for `email` with `scope`.
  std::string TokenFor(const std::string& email, const std::string& scope = kScopes) {
    JwtClaims c;
    c.iss = email;
    c.scope = scope;
    c.iat = NowSeconds();
    c.exp = c.iat + 3600;
    const net::ServerResponse r = PostToken(SignJwt(PrivateKeyOf(email), c));
    EXPECT_EQ(r.status, 200) << r.body;
    return Json(r).Get("access_token")->string();
  }

  // A spreadsheet with `tabs` shared with kAccount, and a token for it.
  void MakeSpreadsheet(const std::vector<std::string>& tabs = {"Sheet1"}) {
    if (token_.empty()) token_ = TokenFor(kAccount);
    auto id = core_->CreateSpreadsheet("Roster", tabs, kAccount);
    ASSERT_TRUE(id.ok());
    id_ = *id;
  }

  net::ServerResponse Call(const std::string& method, const std::string& target,
                           const std::string& body = "", const std::string* token = nullptr) {
    net::ServerRequest r;
    r.method = method;
    r.target = target;
    r.headers = {{"Host", "127.0.0.1:8090"}};
    const std::string& t = token != nullptr ? *token : token_;
    if (!t.empty()) r.headers.emplace_back("Authorization", "Bearer " + t);
    r.body = body;
    return core_->Handle(r);
  }

  // GET values/{range} with extra query parameters.
  net::ServerResponse Get(const std::string& range, const std::string& params = "") {
    return Call("GET", "/v4/spreadsheets/" + id_ + "/values/" + net::PercentEncode(range) +
                           (params.empty() ? "" : "?" + params));
  }

  // values:batchUpdate of one range.
  net::ServerResponse Write(const std::string& range, const std::string& values_json,
                            const std::string& option = "RAW") {
    return Call("POST", "/v4/spreadsheets/" + id_ + "/values:batchUpdate",
                "{\"valueInputOption\":\"" + option + "\",\"data\":[{\"range\":" +
                    JsonString(range) + ",\"values\":" + values_json + "}]}");
  }

  // The "values" of a ValueRange reply as JSON text ("" when absent).
  static std::string ValuesText(const net::ServerResponse& r);

  std::chrono::system_clock::time_point now_{std::chrono::seconds(kStartSeconds)};
  std::unique_ptr<EmulatorCore> core_;
  std::string token_;
  std::string id_;
};

// Re-serialises a JsonValue compactly, to compare values with expected JSON text.
inline void AppendJson(JsonWriter& w, const JsonValue& v) {
  switch (v.type()) {
    case JsonValue::Type::kNull:
      w.Null();
      break;
    case JsonValue::Type::kBool:
      w.Bool(v.boolean());
      break;
    case JsonValue::Type::kNumber:
      w.Double(v.number());
      break;
    case JsonValue::Type::kString:
      w.String(v.string());
      break;
    case JsonValue::Type::kArray:
      w.BeginArray();
      for (const JsonValue& i : v.items()) AppendJson(w, i);
      w.EndArray();
      break;
    case JsonValue::Type::kObject:
      w.BeginObject();
      for (const auto& [k, m] : v.members()) {
        w.Key(k);
        AppendJson(w, m);
      }
      w.EndObject();
      break;
  }
}

inline std::string CoreTest::ValuesText(const net::ServerResponse& r) {
  const JsonValue j = Json(r);
  const JsonValue* values = j.Get("values");
  if (values == nullptr) return "";
  JsonWriter w;
  AppendJson(w, *values);
  return w.Take();
}

}  // namespace kraken::sheets::emu::testing
