#pragma once
// Reading the parts of a spreadsheets.batchUpdate request, with Google's error
// texts, and the grid limits every request that grows a tab checks. Private to
// the emulator's request handlers (sheet_requests.cc, dimension_requests.cc).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "events/result.h"
#include "src/sheets_emulator/json_value.h"
#include "src/sheets_emulator/model.h"

namespace kraken::sheets::emu {

Error Invalid(std::string message);  // kInvalidArgument with Google's text

const JsonValue& EmptyObject();  // {}
// The object at `key`, or an empty object when it is missing or not an object.
const JsonValue& ObjectField(const JsonValue& obj, std::string_view key);
// nullopt when missing or null; an error naming the field when not an int.
Result<std::optional<int>> IntField(const JsonValue& obj, std::string_view key);
Result<std::optional<std::string>> StringField(const JsonValue& obj, std::string_view key);
bool BoolField(const JsonValue& obj, std::string_view key);  // false unless true

// The names in a request's "fields" mask ("a, b/c" -> {"a", "b.c"}): spaces
// dropped, "/" read as ".", empty names left out.
std::vector<std::string> SplitFieldMask(std::string_view mask);

// The tab `obj`'s "sheetId" names (0 when missing).
Result<Sheet*> SheetById(Spreadsheet& ss, const JsonValue& obj);
Result<GridRange> ParseGridRange(const JsonValue& obj);

// The spreadsheet may grow by `added` cells; the grid may be `rows` x `cols`.
Status CheckCellLimit(const Spreadsheet& ss, std::int64_t added);
Status CheckGridSize(int rows, int cols);

}  // namespace kraken::sheets::emu
