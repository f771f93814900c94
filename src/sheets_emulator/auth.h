#pragma once
// Service accounts and OAuth for the emulator (../shared/reference/sheets-api.md,
// section 1): key files in Google's format, the JWT-bearer token endpoint that
// checks the RS256 signature against the account's public keys, and the bearer
// tokens it hands out. Not thread-safe: the emulator core holds one lock.
//
// Only public keys are part of the persisted state. A private key lives in memory,
// in the process that generated it: asking for the key file of an account whose
// private key this process does not have (one loaded from the state file) makes a
// new key pair and registers its public key next to the old ones, as adding a key
// in Google's console does; key files handed out earlier keep working.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "events/result.h"
#include "src/net/http_server.h"

namespace kraken::sheets::emu {

struct AccountKey {
  std::string key_id;      // private_key_id: 40 hex digits, the JWT's "kid"
  std::string public_pem;  // SubjectPublicKeyInfo PEM
};

struct ServiceAccount {
  std::string email;  // client_email
  std::string client_id;
  std::string project_id;
  std::vector<AccountKey> keys;
};

// What an access token grants.
struct Grant {
  std::string email;
  std::vector<std::string> scopes;
  std::int64_t expires_at_s = 0;
  bool HasAnyScope(std::initializer_list<std::string_view> accepted) const;
};

// Seconds an access token lives, as Google reports it in expires_in.
inline constexpr std::int64_t kTokenLifetimeSeconds = 3599;

class Auth {
 public:
  const std::map<std::string, ServiceAccount>& accounts() const { return accounts_; }
  void Restore(std::vector<ServiceAccount> accounts);

  // The key file JSON for `email` (created if new) whose token_uri is
  // `base_url`/token. `changed` is set when an account or key was added.
  Result<std::string> KeyFile(const std::string& email, const std::string& base_url, bool& changed);

  // Registers an existing key (a key file kept from an earlier run, or one a test
  // made) for `email`, creating the account if new; KeyFile then hands it out.
  // `changed` is set when an account or key was added.
  Status ImportKey(const std::string& email, const std::string& key_id,
                   const std::string& private_pem, bool& changed);

  // POST /token: the JWT-bearer grant. `audiences` are the token URIs accepted as
  // the JWT's aud (the configured one and the one the request was addressed to).
  net::ServerResponse HandleToken(const net::ServerRequest& request, std::int64_t now_s,
                                  const std::vector<std::string>& audiences);

  enum class Check { kOk, kMissing, kInvalid };
  // Checks "Authorization: Bearer <token>"; on kOk `grant` points at the grant.
  Check Authenticate(std::string_view authorization, std::int64_t now_s, const Grant*& grant);

 private:
  // The account named `email`, created if new (then `changed` is set).
  Result<ServiceAccount*> Account(const std::string& email, bool& changed);

  struct PrivateKey {
    std::string key_id;
    std::string pem;
  };
  std::map<std::string, ServiceAccount> accounts_;
  std::map<std::string, PrivateKey> private_keys_;  // by email; memory only
  std::map<std::string, Grant> tokens_;             // by access token
};

}  // namespace kraken::sheets::emu
