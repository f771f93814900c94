#include "tests/support/log_dir.h"

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace kraken::testing {

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern =
      std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/kraken-test-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::unique_ptr<EventLog> OpenOrDie(const std::string& dir, EventLog::Options options) {
  auto log = EventLog::Open(dir, std::move(options));
  if (!log.ok()) throw std::runtime_error("opening the log failed: " + log.error().message);
  return std::move(log).value();
}

}  // namespace kraken::testing
