#pragma once
// The requests of spreadsheets.batchUpdate the emulator implements: addSheet,
// deleteSheet, updateSheetProperties, repeatCell, updateCells (notes only),
// addProtectedRange, deleteProtectedRange, and the row and column requests of
// dimension_requests.h (../shared/reference/sheets-api.md, section 2).
//
// Simplifications: formatting is accepted and not kept (repeatCell applies only
// `userEnteredValue`); protected ranges are recorded and listed but do not block
// writes and do not move when rows or columns are inserted or deleted; moving a
// tab with `index` puts it at that position among the others.

#include "events/json_text.h"
#include "events/result.h"
#include "src/sheets_emulator/json_value.h"
#include "src/sheets_emulator/model.h"
#include "src/sheets_emulator/routes.h"

namespace kraken::sheets::emu {

// Applies one request object ({"addSheet":{...}}) to `ss` and appends its reply
// ({} or {"addSheet":{...}}) to `reply`. The error message is Google's text
// without the "Invalid requests[i].kind: " prefix, which the caller adds; on error
// `ss` may be half-changed (the caller works on a copy).
Status ApplySheetRequest(Spreadsheet& ss, const JsonValue& request, const RequestEnv& env,
                         JsonWriter& reply, std::string& kind);

// Adds a tab from SheetProperties JSON (addSheet, spreadsheets.create); returns it.
Result<Sheet*> AddSheet(Spreadsheet& ss, const JsonValue* properties, const RequestEnv& env);

}  // namespace kraken::sheets::emu
