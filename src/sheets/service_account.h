#pragma once
// Google service-account authentication (../shared/reference/sheets-api.md,
// section 1): the JSON key file an admin downloads from the Cloud console, the
// RS256 JWT signed with its private key, and the exchange of that JWT for an
// access token at the key file's token_uri.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "events/result.h"
#include "src/net/http_client.h"
#include "src/sheets/rate_limiter.h"

namespace kraken::crypto {
class RsaPrivateKey;
}

namespace kraken::sheets {

// What KRAKEN asks for: the spreadsheet itself, and Drive metadata (files.get
// version / modifiedTime, for change detection).
inline constexpr char kSheetsScopes[] =
    "https://www.googleapis.com/auth/spreadsheets "
    "https://www.googleapis.com/auth/drive.metadata.readonly";

// The fields of a key file KRAKEN uses.
struct ServiceAccountKey {
  std::string client_email;     // NAME@PROJECT.iam.gserviceaccount.com
  std::string private_key_id;   // the JWT's kid
  std::string private_key_pem;  // PKCS#8 (or PKCS#1) PEM
  std::string token_uri;        // where the JWT is exchanged
  std::string project_id;
};

// Parses key file JSON. `origin` (the path) names it in errors, which say which
// field is missing or which kind of file this is instead. The PEM is not parsed
// here (see AccessTokenSource::Create).
Result<ServiceAccountKey> ParseServiceAccountKey(std::string_view json, std::string_view origin);

// Reads and parses the key file at `path` (empty: kInvalidArgument telling how to
// configure one). Logs a warning when other users may read the file.
Result<ServiceAccountKey> ReadServiceAccountKeyFile(const std::string& path);

// The warning for a key file that users other than its owner may read ("... run
// chmod 600 ..."), or nullopt when its mode is private (or it cannot be stat'ed).
std::optional<std::string> KeyFilePermissionWarning(const std::string& path);

// The signed JWT assertion (header.claims.signature, base64url): iss =
// client_email, scope = `scope`, aud = token_uri, iat = `unix_now`, exp = iat + 3600.
Result<std::string> MakeJwtAssertion(const ServiceAccountKey& key,
                                     const crypto::RsaPrivateKey& private_key,
                                     std::string_view scope, std::int64_t unix_now);

struct AccessTokenOptions {
  std::string scope = kSheetsScopes;
  // Renew a cached token this long before it expires.
  std::chrono::seconds refresh_margin{300};
  // Seconds since the epoch for the JWT's iat (the wall clock); tests move it.
  std::function<std::int64_t()> unix_now;
  // Measures token lifetimes (steady time); Clock::Real() when null.
  Clock* clock = nullptr;
};

// Hands out a Bearer access token, fetching a new one only when the cached token
// is within `refresh_margin` of expiring (or was rejected). Thread-safe: callers
// needing a new token at the same time share one exchange.
class AccessTokenSource {
 public:
  // kInvalidArgument when the key's private_key is not a usable PEM RSA key or its
  // token_uri is not an https URL (http only to loopback).
  static Result<std::unique_ptr<AccessTokenSource>> Create(ServiceAccountKey key,
                                                           net::HttpClient& http,
                                                           AccessTokenOptions options = {});
  ~AccessTokenSource();

  // A valid access token. A transient failure of the exchange (transport error,
  // 5xx, 429, Google's internal_failure) is retried once, then kUnavailable.
  // invalid_grant is kPermissionDenied naming its two usual causes (the machine's
  // clock, a deleted or rotated key); other refusals kPermissionDenied with
  // Google's words.
  Result<std::string> Token();

  // Forgets `token` (if it is still the cached one) after Google rejected it
  // with 401, so the next Token() fetches a fresh one.
  void Invalidate(std::string_view token);

  const std::string& client_email() const;
  // Token exchanges attempted so far (tests check the caching with it).
  std::size_t token_requests() const;

 private:
  struct Impl;
  explicit AccessTokenSource(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kraken::sheets
