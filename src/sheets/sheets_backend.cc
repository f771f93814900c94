#include "src/sheets/sheets_backend.h"

#include <fmt/format.h>

#include "src/config/config.h"

namespace kraken::sheets {

SheetsClientOptions ClientOptionsFromConfig(const SheetsConfig& config) {
  SheetsClientOptions options;
  options.spreadsheet_id = config.spreadsheet_id;
  options.sheets_root = config.sheets_root;
  options.drive_root = config.drive_root;
  options.reads_per_minute = config.reads_per_minute;
  options.writes_per_minute = config.writes_per_minute;
  options.http.ca_file = config.ca_file;
  return options;
}

Result<std::unique_ptr<SheetsBackend>> OpenGoogleSheets(const SheetsConfig& config) {
  KRAKEN_ASSIGN_OR_RETURN(ServiceAccountKey key, ReadServiceAccountKeyFile(config.credentials));
  KRAKEN_ASSIGN_OR_RETURN(std::unique_ptr<SheetsClient> client,
                          SheetsClient::Create(std::move(key), ClientOptionsFromConfig(config)));
  std::string description = fmt::format("Google Sheets spreadsheet {} (as {})",
                                        config.spreadsheet_id, client->client_email());
  return std::make_unique<SheetsBackend>(std::move(client), std::move(description));
}

}  // namespace kraken::sheets
