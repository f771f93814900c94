#pragma once
// Helpers for the event log's tests: a temporary directory, small events, and
// raw LMDB access to damage a closed log on purpose.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "events/event.h"
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

// A PilotLeftAlliance on "pilot/<pilot>" whose reason is `marker`, so a test can
// tell events apart by payload.
Event MarkedEvent(std::string_view pilot, std::string marker);
// `count` marked events on one pilot's stream, markers "<prefix>-0", "<prefix>-1", ...
AppendRequest MarkedBatch(std::string_view pilot, std::string_view prefix, int count,
                          std::size_t padding = 0);
// The marker MarkedEvent put in `event` (empty for other payloads).
std::string MarkerOf(const Event& event);

// Opens `dir` or fails the test.
std::unique_ptr<EventLog> OpenOrDie(const std::string& dir, EventLog::Options options = {});

// Raw access to a closed log, bypassing EventLog.
std::string RawRecord(const std::string& dir, std::uint64_t seq);
void RawPutRecord(const std::string& dir, std::uint64_t seq, std::string_view record);
void RawDelete(const std::string& dir, const char* db, std::string_view key);
void RawPut(const std::string& dir, const char* db, std::string_view key, std::string_view value);
// Opens the environment in `dir` and calls `while_held` inside a read transaction.
void RawWithReadTransaction(const std::string& dir, const std::function<void()>& while_held);

}  // namespace kraken::testing
