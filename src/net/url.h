#pragma once
// Absolute http(s) URLs, as KRAKEN's configurable outbound roots use them
// (DISCORD_API_BASE, KRAKEN_SHEETS_ROOT, a key file's token_uri).

#include <string>
#include <string_view>

#include "events/result.h"

namespace kraken::net {

struct Url {
  std::string scheme;  // "http" or "https"
  std::string host;    // without brackets for IPv6 literals
  std::string port;    // always set: "443" / "80" when the URL has none
  std::string target;  // path and query, "/" at least

  bool tls() const { return scheme == "https"; }
  // "https://discord.com" (the port only when not the scheme's default).
  std::string Origin() const;
};

// Parses an absolute URL. Only https, and http to a loopback host (see
// IsLoopbackHost), are accepted: plain http elsewhere would send tokens in clear
// text. The error says which part is wrong and what is allowed.
Result<Url> ParseUrl(std::string_view url);

// localhost, 127.0.0.0/8, ::1.
bool IsLoopbackHost(std::string_view host);

// Joins a root ("https://sheets.googleapis.com" or ".../api/v10/") and a path
// ("/v4/spreadsheets/x") with exactly one slash between them.
std::string JoinUrl(std::string_view root, std::string_view path);

// Percent-encodes a path segment or query value (RFC 3986 unreserved kept).
std::string PercentEncode(std::string_view s);
std::string PercentDecode(std::string_view s);

}  // namespace kraken::net
