#include "src/sheets_emulator/auth.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "events/json_text.h"
#include "src/crypto/encoding.h"
#include "src/crypto/rsa.h"
#include "src/sheets_emulator/api_errors.h"
#include "src/sheets_emulator/json_value.h"
#include "src/sheets_emulator/routes.h"

namespace kraken::sheets::emu {
namespace {

constexpr std::string_view kJwtBearer = "urn:ietf:params:oauth:grant-type:jwt-bearer";
// Google's limit on exp - iat, and the clock skew tolerated on iat and exp.
constexpr std::int64_t kMaxJwtLifetime = 3600;
constexpr std::int64_t kAllowedSkew = 300;

constexpr std::string_view kBadSignature = "Invalid JWT Signature.";
constexpr std::string_view kBadTimeframe =
    "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. "
    "Check your iat and exp values and use a clock with skew to account for clock differences "
    "between systems.";

net::ServerResponse InvalidGrant(std::string_view description) {
  return OAuthError(400, "invalid_grant", description);
}

std::string ProjectOf(const std::string& email) {
  // NAME@PROJECT.iam.gserviceaccount.com
  const std::size_t at = email.find('@');
  const std::size_t dot = email.find('.', at);
  if (at == std::string::npos || dot == std::string::npos || dot == at + 1) return "kraken-local";
  return email.substr(at + 1, dot - at - 1);
}

std::string RandomDigits(std::size_t n) {
  const std::string bytes = crypto::RandomBytes(n);
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(static_cast<char>('0' + static_cast<unsigned char>(bytes[i]) % 10));
  }
  if (out[0] == '0') out[0] = '1';
  return out;
}

// "a@b" -> "a%40b", as Google writes the email in client_x509_cert_url.
std::string EncodeAt(const std::string& email) {
  std::string out;
  for (char c : email) {
    if (c == '@')
      out += "%40";
    else
      out.push_back(c);
  }
  return out;
}

std::string KeyFileJson(const ServiceAccount& account, const std::string& key_id,
                        const std::string& private_pem, const std::string& base_url) {
  JsonWriter w;
  w.BeginObject();
  w.Key("type").String("service_account");
  w.Key("project_id").String(account.project_id);
  w.Key("private_key_id").String(key_id);
  w.Key("private_key").String(private_pem);
  w.Key("client_email").String(account.email);
  w.Key("client_id").String(account.client_id);
  w.Key("auth_uri").String(base_url + "/o/oauth2/auth");
  w.Key("token_uri").String(base_url + "/token");
  w.Key("auth_provider_x509_cert_url").String(base_url + "/oauth2/v1/certs");
  w.Key("client_x509_cert_url")
      .String(base_url + "/robot/v1/metadata/x509/" + EncodeAt(account.email));
  w.Key("universe_domain").String("googleapis.com");
  w.EndObject();
  return w.Take();
}

std::optional<JsonValue> DecodeJwtPart(std::string_view part) {
  auto bytes = crypto::Base64UrlDecode(part);
  if (!bytes) return std::nullopt;
  auto json = JsonValue::Parse(*bytes);
  if (!json.ok() || !json->is_object()) return std::nullopt;
  return std::move(json).value();
}

std::optional<std::int64_t> NumericClaim(const JsonValue& claims, std::string_view name) {
  const JsonValue* v = claims.Get(name);
  if (v == nullptr || !v->is_number()) return std::nullopt;
  return static_cast<std::int64_t>(v->number());
}

std::string StringClaim(const JsonValue& obj, std::string_view name) {
  const JsonValue* v = obj.Get(name);
  return v != nullptr && v->is_string() ? v->string() : std::string();
}

bool VerifyWithAnyKey(const ServiceAccount& account, const std::string& kid,
                      std::string_view signed_part, std::string_view signature) {
  for (int pass = 0; pass < 2; ++pass) {
    // The key named by kid first; then (kid absent or stale) every key.
    for (const AccountKey& key : account.keys) {
      if (pass == 0 && key.key_id != kid) continue;
      auto public_key = crypto::RsaPublicKey::FromPem(key.public_pem);
      if (public_key.ok() && public_key->VerifyRs256(signed_part, signature)) return true;
    }
  }
  return false;
}

}  // namespace

bool Grant::HasAnyScope(std::initializer_list<std::string_view> accepted) const {
  for (const std::string& s : scopes) {
    for (std::string_view a : accepted) {
      if (s == a) return true;
    }
  }
  return false;
}

void Auth::Restore(std::vector<ServiceAccount> accounts) {
  accounts_.clear();
  for (ServiceAccount& a : accounts) {
    std::string email = a.email;
    accounts_.emplace(std::move(email), std::move(a));
  }
}

Result<ServiceAccount*> Auth::Account(const std::string& email, bool& changed) {
  if (email.empty() || email.find('@') == std::string::npos) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("service account '{}' is not an email address; use "
                                 "NAME@PROJECT.iam.gserviceaccount.com",
                                 email));
  }
  ServiceAccount& account = accounts_[email];
  if (account.email.empty()) {
    account.email = email;
    account.client_id = RandomDigits(21);
    account.project_id = ProjectOf(email);
    changed = true;
  }
  return &account;
}

Status Auth::ImportKey(const std::string& email, const std::string& key_id,
                       const std::string& private_pem, bool& changed) {
  changed = false;
  KRAKEN_ASSIGN_OR_RETURN(crypto::RsaPrivateKey key, crypto::RsaPrivateKey::FromPem(private_pem));
  KRAKEN_ASSIGN_OR_RETURN(ServiceAccount * account, Account(email, changed));
  const std::string public_pem = key.PublicPem();
  const bool known = std::any_of(account->keys.begin(), account->keys.end(),
                                 [&](const AccountKey& k) { return k.public_pem == public_pem; });
  if (!known) {
    account->keys.push_back(AccountKey{key_id, public_pem});
    changed = true;
  }
  private_keys_[email] = PrivateKey{key_id, private_pem};
  return Ok{};
}

Result<std::string> Auth::KeyFile(const std::string& email, const std::string& base_url,
                                  bool& changed) {
  changed = false;
  KRAKEN_ASSIGN_OR_RETURN(ServiceAccount * account_ptr, Account(email, changed));
  ServiceAccount& account = *account_ptr;
  auto known = private_keys_.find(email);
  if (known == private_keys_.end()) {
    KRAKEN_ASSIGN_OR_RETURN(crypto::RsaPrivateKey key, crypto::RsaPrivateKey::Generate(2048));
    PrivateKey pk{crypto::HexEncode(crypto::RandomBytes(20)), key.PrivatePem()};
    account.keys.push_back(AccountKey{pk.key_id, key.PublicPem()});
    known = private_keys_.emplace(email, std::move(pk)).first;
    changed = true;
  }
  return KeyFileJson(account, known->second.key_id, known->second.pem, base_url);
}

net::ServerResponse Auth::HandleToken(const net::ServerRequest& request, std::int64_t now_s,
                                      const std::vector<std::string>& audiences) {
  const Query form = ParseQuery(request.body);
  const auto grant_type = QueryValue(form, "grant_type");
  if (!grant_type)
    return OAuthError(400, "invalid_request", "Missing required parameter: grant_type");
  if (*grant_type != kJwtBearer) {
    return OAuthError(400, "unsupported_grant_type",
                      fmt::format("Invalid grant_type: {}", *grant_type));
  }
  const auto assertion = QueryValue(form, "assertion");
  if (!assertion || assertion->empty()) {
    return OAuthError(400, "invalid_request", "Missing required parameter: assertion");
  }
  // header.claims.signature, each base64url without padding.
  const std::size_t dot1 = assertion->find('.');
  const std::size_t dot2 = dot1 == std::string::npos ? dot1 : assertion->find('.', dot1 + 1);
  if (dot2 == std::string::npos || assertion->find('.', dot2 + 1) != std::string::npos) {
    return InvalidGrant("Invalid JWT format: expected header.claims.signature.");
  }
  const std::string_view jwt = *assertion;
  auto header = DecodeJwtPart(jwt.substr(0, dot1));
  auto claims = DecodeJwtPart(jwt.substr(dot1 + 1, dot2 - dot1 - 1));
  auto signature = crypto::Base64UrlDecode(jwt.substr(dot2 + 1));
  if (!header || !claims || !signature) {
    return InvalidGrant("Invalid JWT format: a part is not base64url-encoded JSON.");
  }
  if (StringClaim(*header, "alg") != "RS256") return InvalidGrant(kBadSignature);

  auto account = accounts_.find(StringClaim(*claims, "iss"));
  if (account == accounts_.end()) return InvalidGrant("Invalid grant: account not found");
  if (!VerifyWithAnyKey(account->second, StringClaim(*header, "kid"), jwt.substr(0, dot2),
                        *signature)) {
    return InvalidGrant(kBadSignature);
  }
  const std::string aud = StringClaim(*claims, "aud");
  if (std::find(audiences.begin(), audiences.end(), aud) == audiences.end()) {
    // Google's wording for this case is unconfirmed; this names the fix.
    return InvalidGrant(fmt::format("Invalid JWT: Failed audience check. The right audience is {}",
                                    audiences.empty() ? "" : audiences.front()));
  }
  const auto iat = NumericClaim(*claims, "iat");
  const auto exp = NumericClaim(*claims, "exp");
  if (!iat || !exp || *exp <= *iat || *exp - *iat > kMaxJwtLifetime ||
      *iat > now_s + kAllowedSkew || *exp < now_s - kAllowedSkew) {
    return InvalidGrant(kBadTimeframe);
  }
  Grant grant;
  grant.email = account->first;
  std::string scope;
  for (char c : StringClaim(*claims, "scope") + " ") {
    if (c != ' ') {
      scope.push_back(c);
    } else if (!scope.empty()) {
      grant.scopes.push_back(std::move(scope));
      scope.clear();
    }
  }
  if (grant.scopes.empty()) {
    return OAuthError(400, "invalid_scope", "Invalid OAuth scope or ID token audience provided.");
  }
  grant.expires_at_s = now_s + kTokenLifetimeSeconds;

  for (auto it = tokens_.begin(); it != tokens_.end();) {  // forget expired tokens
    it = it->second.expires_at_s <= now_s ? tokens_.erase(it) : std::next(it);
  }
  const std::string token = "ya29.emu-" + crypto::Base64UrlEncode(crypto::RandomBytes(32));
  tokens_.emplace(token, std::move(grant));

  JsonWriter w;
  w.BeginObject().Key("access_token").String(token);
  w.Key("expires_in").Int(kTokenLifetimeSeconds).Key("token_type").String("Bearer");
  w.EndObject();
  net::ServerResponse reply = JsonReply(w.Take());
  reply.headers.emplace_back("Cache-Control", "no-cache, no-store, max-age=0, must-revalidate");
  return reply;
}

Auth::Check Auth::Authenticate(std::string_view authorization, std::int64_t now_s,
                               const Grant*& grant) {
  grant = nullptr;
  if (authorization.empty()) return Check::kMissing;
  constexpr std::string_view kBearer = "bearer ";
  if (authorization.size() <= kBearer.size()) return Check::kInvalid;
  for (std::size_t i = 0; i < kBearer.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization[i])) != kBearer[i]) {
      return Check::kInvalid;
    }
  }
  auto it = tokens_.find(std::string(authorization.substr(kBearer.size())));
  if (it == tokens_.end() || it->second.expires_at_s <= now_s) return Check::kInvalid;
  grant = &it->second;
  return Check::kOk;
}

}  // namespace kraken::sheets::emu
