#include "src/net/url.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace kraken::net {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool IsUnreserved(unsigned char c) {
  return std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == '~';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Error BadUrl(std::string_view url, std::string_view what) {
  return MakeError(ErrorCode::kInvalidArgument,
                   "URL '" + std::string(url) + "' " + std::string(what));
}

// A host name or IPv4 literal: letters, digits, '-', '.', and '_' (seen in some
// internal names). Anything else (spaces, '%', '@'...) is a typo or an attack.
bool IsValidRegName(std::string_view host) {
  return !host.empty() && std::all_of(host.begin(), host.end(), [](unsigned char c) {
    return std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_';
  });
}

}  // namespace

std::string Url::Origin() const {
  std::string out = scheme + "://";
  if (host.find(':') != std::string::npos) {
    out += "[" + host + "]";
  } else {
    out += host;
  }
  const bool default_port =
      (scheme == "https" && port == "443") || (scheme == "http" && port == "80");
  if (!default_port) out += ":" + port;
  return out;
}

Result<Url> ParseUrl(std::string_view url) {
  constexpr std::string_view kAllowed =
      "; only https://..., or http:// to localhost, 127.0.0.0/8 or [::1], is allowed";
  for (unsigned char c : url) {
    if (c <= 0x20 || c >= 0x7f) {
      return BadUrl(url, "contains a space, control or non-ASCII character; percent-encode it");
    }
  }
  const std::size_t colon = url.find("://");
  if (colon == std::string_view::npos) {
    return BadUrl(url, std::string("is not absolute (no scheme://)") + std::string(kAllowed));
  }
  Url out;
  out.scheme = Lower(url.substr(0, colon));
  if (out.scheme != "http" && out.scheme != "https") {
    return BadUrl(url, "has scheme '" + out.scheme + "'" + std::string(kAllowed));
  }
  std::string_view rest = url.substr(colon + 3);
  const std::size_t authority_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, authority_end);
  std::string_view target =
      authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
  if (authority.find('@') != std::string_view::npos) {
    return BadUrl(url,
                  "contains user information before '@'; put credentials in headers, not "
                  "in the URL");
  }

  std::string_view host;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return BadUrl(url, "has an unclosed '[' in its host");
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return BadUrl(url, "has text after the IPv6 address's ']'");
      port = after.substr(1);
    }
    in6_addr addr{};
    const std::string host_str(host);
    if (inet_pton(AF_INET6, host_str.c_str(), &addr) != 1) {
      return BadUrl(url, "has an invalid IPv6 address in brackets");
    }
  } else {
    const std::size_t port_colon = authority.rfind(':');
    host = authority.substr(0, port_colon);
    if (port_colon != std::string_view::npos) port = authority.substr(port_colon + 1);
    if (!IsValidRegName(host)) {
      return BadUrl(url, "has no valid host (letters, digits, '-' and '.'; IPv6 in [brackets])");
    }
  }
  if (host.empty()) return BadUrl(url, "has an empty host");
  if (!port.empty()) {
    if (port.size() > 5 || !std::all_of(port.begin(), port.end(),
                                        [](unsigned char c) { return std::isdigit(c) != 0; })) {
      return BadUrl(url, "has an invalid port '" + std::string(port) + "' (1 to 65535)");
    }
    const int value = std::stoi(std::string(port));
    if (value < 1 || value > 65535) {
      return BadUrl(url, "has an invalid port '" + std::string(port) + "' (1 to 65535)");
    }
    out.port = std::to_string(value);
  } else {
    out.port = out.tls() ? "443" : "80";
  }
  out.host = Lower(host);
  if (!out.tls() && !IsLoopbackHost(out.host)) {
    return BadUrl(url, "uses plain http to '" + out.host +
                           "', which would send tokens in clear text; use https, or http only "
                           "to localhost, 127.0.0.0/8 or [::1]");
  }

  // The fragment never goes on the wire.
  target = target.substr(0, target.find('#'));
  if (target.empty() || target.front() != '/') {
    out.target = "/" + std::string(target);
  } else {
    out.target = std::string(target);
  }
  return out;
}

bool IsLoopbackHost(std::string_view host) {
  if (!host.empty() && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  std::string h = Lower(host);
  if (!h.empty() && h.back() == '.') h.pop_back();  // "localhost." is the same name
  if (h == "localhost") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, h.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, h.c_str(), &v6) == 1) {
    return std::memcmp(&v6, &in6addr_loopback, sizeof(v6)) == 0;
  }
  return false;
}

std::string JoinUrl(std::string_view root, std::string_view path) {
  while (!root.empty() && root.back() == '/') root.remove_suffix(1);
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  std::string out(root);
  out += '/';
  out += path;
  return out;
}

std::string PercentEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (IsUnreserved(c)) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string PercentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      const int hi = HexValue(s[i + 1]);
      const int lo = HexValue(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi << 4 | lo);
        i += 2;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

}  // namespace kraken::net
