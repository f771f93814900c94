#pragma once
// The emulator's persisted state: every spreadsheet (tabs, cells, versions,
// sharing) and every service account's public keys, as one JSON document written
// atomically (a temporary file, fsync, rename, fsync of the directory) after each
// change, so a local user's sheet survives restarts and a crash mid-write leaves
// the previous state whole. Private keys and access tokens are never written.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "events/result.h"
#include "src/sheets_emulator/auth.h"
#include "src/sheets_emulator/model.h"

namespace kraken::sheets::emu {

struct EmulatorState {
  std::vector<ServiceAccount> accounts;
  std::vector<Spreadsheet> spreadsheets;
};

std::string EncodeState(const std::map<std::string, ServiceAccount>& accounts,
                        const std::map<std::string, Spreadsheet>& spreadsheets);
// kCorrupt naming `origin` and what is wrong when `json` is not a state document.
Result<EmulatorState> DecodeState(std::string_view json, const std::string& origin);

// An exclusive lock on a state file (flock on `path`.lock), held while an emulator
// uses it: two emulators saving the same file would silently undo each other's
// changes, so the second one is refused instead.
class StateFileLock {
 public:
  // kUnavailable naming the file when another process holds it; kIo if the lock
  // file cannot be created.
  static Result<std::unique_ptr<StateFileLock>> Acquire(const std::string& path);
  ~StateFileLock();
  StateFileLock(const StateFileLock&) = delete;
  StateFileLock& operator=(const StateFileLock&) = delete;

 private:
  explicit StateFileLock(int fd) : fd_(fd) {}
  int fd_;
};

// Reads `path`; nullopt when it does not exist.
Result<std::optional<std::string>> ReadStateFile(const std::string& path);
// Replaces `path` with `contents` atomically and durably (mode 0600).
Status WriteFileAtomically(const std::string& path, std::string_view contents);

}  // namespace kraken::sheets::emu
