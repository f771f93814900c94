#pragma once
// A self-signed X.509 certificate for tests: Google-style certificates for the
// RS256 tests and a server certificate for the TLS tests. Made with OpenSSL's
// X509 API at test time, so no key material is checked in.

#include <string>
#include <vector>

namespace kraken::testing {

struct CertificateSpec {
  std::string common_name = "localhost";
  std::vector<std::string> dns_names;     // subjectAltName DNS entries
  std::vector<std::string> ip_addresses;  // subjectAltName IP entries
};

// A PEM "CERTIFICATE" for the key in `private_key_pem`, signed by that key,
// valid from an hour ago for a day. Throws std::runtime_error on failure.
std::string MakeSelfSignedCertificate(const std::string& private_key_pem,
                                      const CertificateSpec& spec);

}  // namespace kraken::testing
