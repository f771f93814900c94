#include "src/sheets/service_account.h"

#include <fmt/format.h>
#include <simdjson.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>

#include "events/json_text.h"
#include "src/crypto/encoding.h"
#include "src/crypto/rsa.h"
#include "src/net/url.h"

namespace kraken::sheets {
namespace {

constexpr std::int64_t kJwtLifetimeSeconds = 3600;
constexpr char kGrantType[] = "urn:ietf:params:oauth:grant-type:jwt-bearer";
constexpr char kWhereKeysLive[] =
    "the Google Cloud console, IAM & Admin > Service accounts > (the account) > Keys > "
    "Add key > JSON";

// A member's string value; "" when absent or not a string.
std::string StringMember(simdjson::dom::object object, std::string_view name) {
  std::string_view value;
  if (object[name].get_string().get(value) != simdjson::SUCCESS) return "";
  return std::string(value);
}

Error Malformed(std::string_view origin, std::string_view what) {
  return MakeError(ErrorCode::kInvalidArgument,
                   fmt::format("service-account key file {} {}; download a new JSON key from {}",
                               origin, what, kWhereKeysLive));
}

}  // namespace

Result<ServiceAccountKey> ParseServiceAccountKey(std::string_view json, std::string_view origin) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::element root;
  if (auto err = parser.parse(padded).get(root)) {
    return Malformed(origin, fmt::format("is not valid JSON ({})", simdjson::error_message(err)));
  }
  simdjson::dom::object object;
  if (root.get_object().get(object)) return Malformed(origin, "is not a JSON object");

  const std::string type = StringMember(object, "type");
  if (!type.empty() && type != "service_account") {
    const char* hint = type == "authorized_user"
                           ? " (a user login from `gcloud auth application-default login`)"
                           : "";
    return MakeError(
        ErrorCode::kInvalidArgument,
        fmt::format("{} is a \"{}\" credential{}, not a service-account key; KRAKEN signs in as a "
                    "service account: create one and download its JSON key from {}",
                    origin, type, hint, kWhereKeysLive));
  }
  ServiceAccountKey key;
  key.client_email = StringMember(object, "client_email");
  key.private_key_id = StringMember(object, "private_key_id");
  key.private_key_pem = StringMember(object, "private_key");
  key.token_uri = StringMember(object, "token_uri");
  key.project_id = StringMember(object, "project_id");
  for (const auto& [name, value] :
       {std::pair{"client_email", &key.client_email},
        std::pair{"private_key", &key.private_key_pem}, std::pair{"token_uri", &key.token_uri}}) {
    if (value->empty()) {
      return Malformed(origin,
                       fmt::format("has no \"{}\" (is it a service-account key file?)", name));
    }
  }
  return key;
}

std::optional<std::string> KeyFilePermissionWarning(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  if ((st.st_mode & (S_IRGRP | S_IROTH)) == 0) return std::nullopt;
  return fmt::format(
      "service-account key file {} is readable by other users (mode {:03o}); anyone who can read "
      "it can edit the spreadsheet: run `chmod 600 {}`",
      path, st.st_mode & 0777, path);
}

Result<ServiceAccountKey> ReadServiceAccountKeyFile(const std::string& path) {
  if (path.empty()) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        fmt::format("no service-account key configured for Google Sheets: set "
                    "GOOGLE_APPLICATION_CREDENTIALS (or sheets.credentials in the config file) to "
                    "the path of the JSON key ({})",
                    kWhereKeysLive));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    return MakeError(err == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo,
                     fmt::format("cannot read service-account key file {}: {}; check "
                                 "GOOGLE_APPLICATION_CREDENTIALS (or sheets.credentials) and that "
                                 "this user may read the file",
                                 path, std::strerror(err)));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (auto warning = KeyFilePermissionWarning(path)) spdlog::warn("{}", *warning);
  return ParseServiceAccountKey(text.str(), path);
}

Result<std::string> MakeJwtAssertion(const ServiceAccountKey& key,
                                     const crypto::RsaPrivateKey& private_key,
                                     std::string_view scope, std::int64_t unix_now) {
  JsonWriter header;
  header.BeginObject().Key("alg").String("RS256").Key("typ").String("JWT");
  if (!key.private_key_id.empty()) header.Key("kid").String(key.private_key_id);
  header.EndObject();
  JsonWriter claims;
  claims.BeginObject().Key("iss").String(key.client_email).Key("scope").String(scope);
  claims.Key("aud").String(key.token_uri).Key("iat").Int(unix_now);
  claims.Key("exp").Int(unix_now + kJwtLifetimeSeconds).EndObject();
  std::string signing_input =
      crypto::Base64UrlEncode(header.str()) + "." + crypto::Base64UrlEncode(claims.str());
  KRAKEN_ASSIGN_OR_RETURN(std::string signature, private_key.SignRs256(signing_input));
  return signing_input + "." + crypto::Base64UrlEncode(signature);
}

// --- AccessTokenSource -------------------------------------------------------

struct AccessTokenSource::Impl {
  Impl(ServiceAccountKey k, crypto::RsaPrivateKey pk, net::HttpClient& h, AccessTokenOptions o,
       Clock& c)
      : key(std::move(k)), private_key(std::move(pk)), http(h), options(std::move(o)), clock(c) {}

  ServiceAccountKey key;
  crypto::RsaPrivateKey private_key;
  net::HttpClient& http;
  AccessTokenOptions options;
  Clock& clock;

  std::mutex mu;
  std::string token;          // "" when none is cached
  Clock::TimePoint renew_at;  // when the cached token is due for renewal
  std::size_t requests = 0;

  // One exchange. `transient` tells whether trying again may help.
  Result<std::string> Exchange(bool& transient);
  Error Refused(std::string_view error, std::string_view description, int status) const;
};

Error AccessTokenSource::Impl::Refused(std::string_view error, std::string_view description,
                                       int status) const {
  if (error == "invalid_grant") {
    return MakeError(
        ErrorCode::kPermissionDenied,
        fmt::format("Google refused the key of service account {} (invalid_grant: {}). The two "
                    "usual causes: this machine's clock is wrong (check it, e.g. `timedatectl`; "
                    "the token request must be dated within minutes of Google's time), or key {} "
                    "was deleted or rotated (create a new key from {} and point "
                    "GOOGLE_APPLICATION_CREDENTIALS at it)",
                    key.client_email, description.empty() ? "no description" : description,
                    key.private_key_id.empty() ? "(no private_key_id)" : key.private_key_id,
                    kWhereKeysLive));
  }
  return MakeError(
      ErrorCode::kPermissionDenied,
      fmt::format("Google refused an access token to service account {} (HTTP {}, {}: {}); check "
                  "that the account and its key still exist and that the key file is the one "
                  "downloaded for it",
                  key.client_email, status, error.empty() ? "no error code" : error, description));
}

Result<std::string> AccessTokenSource::Impl::Exchange(bool& transient) {
  transient = false;
  KRAKEN_ASSIGN_OR_RETURN(std::string assertion,
                          MakeJwtAssertion(key, private_key, options.scope, options.unix_now()));
  net::HttpRequest request;
  request.method = "POST";
  request.url = key.token_uri;
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                     {"Accept", "application/json"}};
  request.body = "grant_type=" + net::PercentEncode(kGrantType) +
                 "&assertion=" + net::PercentEncode(assertion);
  ++requests;
  const Clock::TimePoint sent_at = clock.Now();
  Result<net::HttpResponse> response = http.Send(request);
  if (!response.ok()) {
    transient = response.error().code == ErrorCode::kUnavailable;
    return MakeError(response.error().code, fmt::format("cannot reach the token endpoint {}: {}",
                                                        key.token_uri, response.error().message));
  }

  simdjson::dom::parser parser;
  simdjson::padded_string padded(response->body);
  simdjson::dom::object body;
  const bool is_json = parser.parse(padded).get_object().get(body) == simdjson::SUCCESS;
  if (response->status == 200 && is_json) {
    std::string_view access_token;
    std::int64_t expires_in = 3600;
    if (body["access_token"].get_string().get(access_token) == simdjson::SUCCESS &&
        !access_token.empty()) {
      if (body["expires_in"].get_int64().get(expires_in) != simdjson::SUCCESS) expires_in = 3600;
      // Renew `refresh_margin` early, or halfway through a token shorter than that.
      const std::chrono::seconds lifetime(std::max<std::int64_t>(expires_in, 0));
      renew_at = sent_at + std::max(lifetime - options.refresh_margin, lifetime / 2);
      return std::string(access_token);
    }
  }
  const std::string error = is_json ? StringMember(body, "error") : "";
  const std::string description = is_json ? StringMember(body, "error_description") : "";
  if (response->status == 200) {
    transient = true;
    return MakeError(
        ErrorCode::kUnavailable,
        fmt::format("the token endpoint {} answered without an access_token", key.token_uri));
  }
  if (response->status == 429 || response->status >= 500 || error == "internal_failure") {
    transient = true;
    return MakeError(ErrorCode::kUnavailable,
                     fmt::format("the token endpoint {} failed (HTTP {}{}{})", key.token_uri,
                                 response->status, error.empty() ? "" : ", ", error));
  }
  return Refused(error, description, response->status);
}

Result<std::unique_ptr<AccessTokenSource>> AccessTokenSource::Create(ServiceAccountKey key,
                                                                     net::HttpClient& http,
                                                                     AccessTokenOptions options) {
  auto private_key = crypto::RsaPrivateKey::FromPem(key.private_key_pem);
  if (!private_key.ok()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("the private_key of service account {} is not a usable RSA key "
                                 "({}); download a new JSON key from {}",
                                 key.client_email, private_key.error().message, kWhereKeysLive));
  }
  if (auto url = net::ParseUrl(key.token_uri); !url.ok()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("the token_uri of service account {}: {}", key.client_email,
                                 url.error().message));
  }
  if (!options.unix_now) {
    options.unix_now = [] {
      return std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
  }
  Clock& clock = options.clock ? *options.clock : Clock::Real();
  auto impl = std::make_unique<Impl>(std::move(key), std::move(private_key).value(), http,
                                     std::move(options), clock);
  return std::unique_ptr<AccessTokenSource>(new AccessTokenSource(std::move(impl)));
}

AccessTokenSource::AccessTokenSource(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AccessTokenSource::~AccessTokenSource() = default;

Result<std::string> AccessTokenSource::Token() {
  std::lock_guard lock(impl_->mu);
  if (!impl_->token.empty() && impl_->clock.Now() < impl_->renew_at) return impl_->token;
  impl_->token.clear();
  bool transient = false;
  Result<std::string> token = impl_->Exchange(transient);
  if (!token.ok() && transient) token = impl_->Exchange(transient);  // one retry
  if (!token.ok()) return token;
  impl_->token = *token;
  return token;
}

void AccessTokenSource::Invalidate(std::string_view token) {
  std::lock_guard lock(impl_->mu);
  if (impl_->token == token) impl_->token.clear();
}

const std::string& AccessTokenSource::client_email() const { return impl_->key.client_email; }

std::size_t AccessTokenSource::token_requests() const {
  std::lock_guard lock(impl_->mu);
  return impl_->requests;
}

}  // namespace kraken::sheets
