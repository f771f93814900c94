#pragma once
// The Spreadsheet resource and its parts as JSON, as spreadsheets.get and the
// batchUpdate replies render them (../shared/reference/sheets-api.md, section 2).

#include <string>

#include "events/json_text.h"
#include "src/sheets_emulator/model.h"

namespace kraken::sheets::emu {

// {"sheetId","title","index","sheetType":"GRID","gridProperties":{...}} (sheetId and
// index always present, as spreadsheets.get shows them; false/zero extras elided).
void AppendSheetProperties(JsonWriter& w, const Sheet& sheet);
// A GridRange with proto3 elision: zero and unset fields are left out.
void AppendGridRange(JsonWriter& w, const GridRange& range);
void AppendProtectedRange(JsonWriter& w, const ProtectedRange& range);
// The whole resource: spreadsheetId, properties, sheets, spreadsheetUrl.
std::string SpreadsheetJson(const Spreadsheet& ss, const std::string& base_url);

}  // namespace kraken::sheets::emu
