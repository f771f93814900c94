#pragma once
// The batchUpdate requests on whole rows and columns: appendDimension,
// insertDimension, deleteDimension (cells, hidden rows and columns and notes
// move with them) and updateDimensionProperties (hiddenByUser; pixelSize is
// accepted and ignored, as the emulator draws nothing).

#include "events/result.h"
#include "src/sheets_emulator/json_value.h"
#include "src/sheets_emulator/model.h"

namespace kraken::sheets::emu {

Status AppendDimension(Spreadsheet& ss, const JsonValue& req);
// insertDimension (`insert`) or deleteDimension.
Status ChangeDimension(Spreadsheet& ss, const JsonValue& req, bool insert);
Status UpdateDimensionProperties(Spreadsheet& ss, const JsonValue& req);

}  // namespace kraken::sheets::emu
