#include "src/crypto/openssl_util.h"

#include <openssl/err.h>

#include <climits>

namespace kraken::crypto::internal {

BioPtr MemoryBio(std::string_view data) {
  if (data.size() > static_cast<std::size_t>(INT_MAX)) return BioPtr(nullptr);
  return BioPtr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

std::string TakeOpenSslError() {
  std::string out;
  unsigned long code = 0;
  while ((code = ERR_get_error()) != 0) {
    if (!out.empty()) continue;  // the first error is the root cause
    const char* reason = ERR_reason_error_string(code);
    out = reason != nullptr ? reason : "unknown OpenSSL error";
  }
  return out;
}

}  // namespace kraken::crypto::internal
