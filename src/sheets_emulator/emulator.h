#pragma once
// A local stand-in for Google's Sheets v4, Drive v3 files.get and OAuth token
// endpoints that behaves as ../shared/reference/sheets-api.md documents. The
// tests run against it, and it is the embedded default backend so a new user can
// try KRAKEN with no Google account. `kraken sheets-emulator` runs it alone.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "events/result.h"
#include "src/net/http_server.h"

namespace kraken::sheets {

struct EmulatorOptions {
  std::string listen = "127.0.0.1:0";  // port 0: any free port
  // Empty: in memory only. Else loaded at Start, saved atomically after each change,
  // and locked: a second emulator on the same file fails to start (kUnavailable).
  std::string state_file;
  // Quotas per service account per minute (the reference's per-user limits); 0: unlimited.
  int reads_per_minute = 60;
  int writes_per_minute = 60;
  // Fault injection: fractions of requests answered 429 / 500 or dropped (Sheets and
  // Drive routes only, not the token endpoint), and latency added to every reply.
  double fail_429 = 0, fail_500 = 0, drop = 0;
  std::chrono::milliseconds latency{0};
  std::uint64_t seed = 1;  // for the fault draws, so runs are reproducible
};

class SheetsEmulator {
 public:
  static Result<std::unique_ptr<SheetsEmulator>> Start(EmulatorOptions options);
  ~SheetsEmulator();

  // "http://127.0.0.1:PORT": use it as KRAKEN_SHEETS_ROOT and KRAKEN_DRIVE_ROOT.
  std::string base_url() const;

  // Creates (or returns the existing) service account and its key file JSON, in
  // Google's format, whose token_uri points at this emulator. Private keys are
  // never persisted: for an account loaded from the state file this adds a new key
  // (earlier key files keep working).
  Result<std::string> ServiceAccountKey(const std::string& client_email);
  // Registers the key of an existing key file (Google's JSON format), e.g. one kept
  // from an earlier run whose state was lost; ServiceAccountKey then returns it.
  Status ImportServiceAccountKey(const std::string& key_file_json);
  // Creates a spreadsheet with the given tabs (1000 x 26 each) shared with
  // `editor_email`; returns its id.
  Result<std::string> CreateSpreadsheet(const std::string& title,
                                        const std::vector<std::string>& tabs,
                                        const std::string& editor_email);
  // Shares spreadsheet `id` with another service account.
  Status Share(const std::string& id, const std::string& email);
  // The id of a spreadsheet titled `title`, or "" when there is none.
  std::string FindSpreadsheet(const std::string& title) const;
  // The note on a cell, "" when none (EmulatorCore::Note).
  Result<std::string> Note(const std::string& id, const std::string& tab, int row, int col) const;
  // Requests handled so far (their replies may still be held back by latency).
  std::uint64_t requests_handled() const;
  // Stops serving (requests in flight are answered first). Idempotent.
  void Stop();

 private:
  struct Impl;
  explicit SheetsEmulator(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kraken::sheets
