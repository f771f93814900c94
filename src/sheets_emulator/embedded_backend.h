#pragma once
// The embedded default backend: with no KRAKEN_SPREADSHEET_ID configured, KRAKEN
// runs the Sheets emulator in-process, keeping its spreadsheet in the data
// directory, so a new user can try the Sheets side with no Google account. It is
// reached through the same SheetsClient over loopback HTTP as Google would be.
//
// Files in <data_dir>:
//   sheets-emulator.json    the emulator's state (spreadsheets, accounts)
//   sheets-dev-key.json     the local service account's key (mode 0600), in
//                           Google's format; reused by later runs, which point its
//                           token_uri at their own emulator (the port changes)
//   sheets-spreadsheet-id   the id of KRAKEN's spreadsheet, created on first use
//                           with the tabs "Pilots" and "Corps"

#include <memory>
#include <string>

#include "events/result.h"
#include "src/sheets/sheets_backend.h"

namespace kraken {
struct Config;
struct SheetsConfig;
}  // namespace kraken

namespace kraken::sheets {

// The local service account the embedded backend signs in as.
inline constexpr char kDevServiceAccount[] = "kraken-dev@kraken-local.iam.gserviceaccount.com";

// Opens the backend `config` names: Google Sheets when sheets.spreadsheet_id is
// set (see OpenGoogleSheets), else the embedded emulator in config.data_dir.
Result<std::unique_ptr<SheetsBackend>> OpenSheetsBackend(const Config& config);

// Starts the emulator on a free loopback port with its state in `data_dir`
// (created if missing) and connects a client to KRAKEN's spreadsheet there,
// creating it (and its "Pilots" and "Corps" tabs) on first use. The rate limits
// of `sheets` apply as they would against Google.
Result<std::unique_ptr<SheetsBackend>> OpenEmbeddedSheets(const std::string& data_dir,
                                                          const SheetsConfig& sheets);

}  // namespace kraken::sheets
