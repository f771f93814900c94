#pragma once
// A temporary directory for a test's event log, and opening a log in it.

#include <memory>
#include <string>
#include <string_view>

#include "src/store/event_log.h"

namespace kraken::testing {

// A fresh directory under $TMPDIR (or /tmp), removed with its contents.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string Sub(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

// Opens `dir` or throws (failing the test) with LMDB's message.
std::unique_ptr<EventLog> OpenOrDie(const std::string& dir, EventLog::Options options = {});

}  // namespace kraken::testing
