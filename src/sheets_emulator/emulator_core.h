#pragma once
// The emulator with no sockets: Handle() maps one HTTP request to its reply over
// the in-memory spreadsheets, so every behaviour is testable as a function call;
// SheetsEmulator (emulator.h) only wires it to net::HttpServer. Thread-safe: one
// mutex serialises requests (and the state file writes that follow changes).
//
// Order of checks for an API request, as Google's front end does them: route
// (404), injected fault, authentication (401), scope (403), quota (429), the
// spreadsheet (404 unknown, 403 not shared), then the method itself. The token
// endpoint is never faulted, throttled or authenticated. Drive's files.get is not
// counted against the Sheets quota (Drive's quota is separate).

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "events/result.h"
#include "src/net/http_server.h"
#include "src/sheets_emulator/auth.h"
#include "src/sheets_emulator/faults.h"
#include "src/sheets_emulator/model.h"
#include "src/sheets_emulator/quota.h"
#include "src/sheets_emulator/state_file.h"

namespace kraken::sheets::emu {

struct ApiRoute;  // which API method a request is (emulator_core.cc)

struct CoreOptions {
  std::string state_file;  // empty: in memory only
  std::string base_url = "http://127.0.0.1";
  int reads_per_minute = 60;  // per service account; 0: unlimited
  int writes_per_minute = 60;
  double fail_429 = 0, fail_500 = 0, drop = 0;
  std::uint64_t seed = 1;
  // The emulator's clock (token expiry, quota windows, modifiedTime); tests inject one.
  std::function<std::chrono::system_clock::time_point()> clock;
};

class EmulatorCore {
 public:
  // Loads `state_file` when it exists (else creates it, so an unwritable path fails
  // here and not at the first change) and locks it for the core's lifetime. A
  // corrupt file, or one another emulator holds, is an error naming it.
  static Result<std::unique_ptr<EmulatorCore>> Open(CoreOptions options);

  // One request, one reply. A reply with `drop` set stands for a dropped
  // connection (see faults.h).
  net::ServerResponse Handle(const net::ServerRequest& request);

  void set_base_url(std::string url);
  std::string base_url() const;

  // See SheetsEmulator: the key file JSON of `client_email`, created if new.
  Result<std::string> ServiceAccountKey(const std::string& client_email);
  // Registers the key of a service-account key file (JSON in Google's format:
  // client_email, private_key_id, private_key), e.g. one kept from an earlier run;
  // ServiceAccountKey then returns it instead of making a new one.
  Status ImportServiceAccountKey(const std::string& key_file_json);
  // A spreadsheet with `tabs` (1000 x 26 each; "Sheet1" when none) shared with
  // `editor_email` (none when empty); returns its id.
  Result<std::string> CreateSpreadsheet(const std::string& title,
                                        const std::vector<std::string>& tabs,
                                        const std::string& editor_email);
  // Shares spreadsheet `id` with `email`, as a Drive permission would.
  Status Share(const std::string& id, const std::string& email);
  // The id of a spreadsheet titled `title`, or "" (the oldest when several are).
  std::string FindSpreadsheet(const std::string& title) const;
  // The note on a cell (0-based row and column of tab `tab`), "" when none:
  // what a person sees when hovering over it. kNotFound for an unknown tab.
  Result<std::string> Note(const std::string& id, const std::string& tab, int row, int col) const;
  std::vector<std::string> SpreadsheetIds() const;

 private:
  explicit EmulatorCore(CoreOptions options);
  std::int64_t NowMs() const;
  int RandomId();
  // Writes the state file (if any); the caller holds mu_.
  Status SaveLocked();
  std::string NewSpreadsheetId();

  net::ServerResponse Dispatch(const net::ServerRequest& request, const ApiRoute& route,
                               const std::string& email);

  CoreOptions options_;
  std::unique_ptr<StateFileLock> lock_;
  mutable std::mutex mu_;
  Auth auth_;
  QuotaTracker quota_;
  FaultInjector faults_;
  std::map<std::string, Spreadsheet> spreadsheets_;
};

}  // namespace kraken::sheets::emu
