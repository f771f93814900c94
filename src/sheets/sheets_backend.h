#pragma once
// The spreadsheet KRAKEN talks to, as configured: Google Sheets when
// sheets.spreadsheet_id (KRAKEN_SPREADSHEET_ID) is set, else the embedded
// emulator (src/sheets_emulator/embedded_backend.h opens either). Both are used
// through the same SheetsClient over HTTP, so everything above sees one backend.

#include <memory>
#include <string>

#include "events/result.h"
#include "src/sheets/sheets_client.h"

namespace kraken {
struct SheetsConfig;
}

namespace kraken::sheets {

// A connected client, and whatever must live as long as it (the embedded
// emulator, in a subclass).
class SheetsBackend {
 public:
  SheetsBackend(std::unique_ptr<SheetsClient> client, std::string description)
      : client_(std::move(client)), description_(std::move(description)) {}
  virtual ~SheetsBackend() = default;
  SheetsBackend(const SheetsBackend&) = delete;
  SheetsBackend& operator=(const SheetsBackend&) = delete;

  SheetsClient& client() { return *client_; }
  // For people: "Google Sheets spreadsheet 1AbC..." or "the embedded emulator (...)".
  const std::string& description() const { return description_; }

 private:
  std::unique_ptr<SheetsClient> client_;
  std::string description_;
};

// The client options `config` implies: spreadsheet id, roots, per-minute limits.
SheetsClientOptions ClientOptionsFromConfig(const SheetsConfig& config);

// Google Sheets with the service-account key at config.credentials
// (GOOGLE_APPLICATION_CREDENTIALS). Errors name the setting to fix; nothing is
// sent until the first call.
Result<std::unique_ptr<SheetsBackend>> OpenGoogleSheets(const SheetsConfig& config);

}  // namespace kraken::sheets
