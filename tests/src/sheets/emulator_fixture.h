#pragma once
// Starting the Sheets emulator on a loopback port for client tests: a service
// account, its key and a spreadsheet shared with it, and client options aimed at it.

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "src/sheets/service_account.h"
#include "src/sheets/sheets_client.h"
#include "src/sheets_emulator/emulator.h"

namespace kraken::sheets::testing {

inline constexpr char kTestAccount[] = "kraken-test@kraken-tests.iam.gserviceaccount.com";

template <typename T>
T OrThrow(Result<T> result, const char* what) {
  if (!result.ok()) throw std::runtime_error(std::string(what) + ": " + result.error().message);
  return std::move(result).value();
}

struct EmulatedSheet {
  std::unique_ptr<SheetsEmulator> emulator;
  std::string key_json;
  ServiceAccountKey key;
  std::string spreadsheet_id;

  // Options for a client of this spreadsheet: no client-side rate limit, quick
  // retries (on `clock`, if given), a fixed jitter seed.
  SheetsClientOptions ClientOptions(Clock* clock = nullptr) const {
    SheetsClientOptions options;
    options.spreadsheet_id = spreadsheet_id;
    options.sheets_root = emulator->base_url();
    options.drive_root = emulator->base_url();
    options.reads_per_minute = 0;
    options.writes_per_minute = 0;
    options.retry.initial_backoff = std::chrono::milliseconds(10);
    options.retry.max_backoff = std::chrono::milliseconds(200);
    options.retry.deadline = std::chrono::milliseconds(20'000);
    options.seed = 42;
    options.clock = clock;
    return options;
  }
  std::unique_ptr<SheetsClient> Client(Clock* clock = nullptr) const {
    return OrThrow(SheetsClient::Create(key, ClientOptions(clock)), "creating the client");
  }
};

// An emulator with no quotas and no faults unless `options` says otherwise.
inline EmulatedSheet StartEmulatedSheet(EmulatorOptions options = {},
                                        std::vector<std::string> tabs = {"Pilots", "Corps"},
                                        bool quotas_from_options = false) {
  if (!quotas_from_options) {
    options.reads_per_minute = 0;
    options.writes_per_minute = 0;
  }
  EmulatedSheet s;
  s.emulator = OrThrow(SheetsEmulator::Start(options), "starting the emulator");
  s.key_json = OrThrow(s.emulator->ServiceAccountKey(kTestAccount), "making a key");
  s.key = OrThrow(ParseServiceAccountKey(s.key_json, "test key"), "parsing the key");
  s.spreadsheet_id =
      OrThrow(s.emulator->CreateSpreadsheet("Roster", tabs, kTestAccount), "making a spreadsheet");
  return s;
}

}  // namespace kraken::sheets::testing
