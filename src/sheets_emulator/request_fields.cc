#include "src/sheets_emulator/request_fields.h"

#include <fmt/format.h>

namespace kraken::sheets::emu {

Error Invalid(std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, std::move(message));
}

const JsonValue& EmptyObject() {
  static const JsonValue empty = JsonValue::Object({});
  return empty;
}

const JsonValue& ObjectField(const JsonValue& obj, std::string_view key) {
  const JsonValue* v = obj.Get(key);
  return v != nullptr && v->is_object() ? *v : EmptyObject();
}

Result<std::optional<int>> IntField(const JsonValue& obj, std::string_view key) {
  const JsonValue* v = obj.Get(key);
  if (v == nullptr || v->is_null()) return std::optional<int>();
  if (!v->is_int()) return Invalid(fmt::format("Invalid value at '{}' (TYPE_INT32)", key));
  return std::optional<int>(v->as_int());
}

Result<std::optional<std::string>> StringField(const JsonValue& obj, std::string_view key) {
  const JsonValue* v = obj.Get(key);
  if (v == nullptr || v->is_null()) return std::optional<std::string>();
  if (!v->is_string()) return Invalid(fmt::format("Invalid value at '{}' (TYPE_STRING)", key));
  return std::optional<std::string>(v->string());
}

bool BoolField(const JsonValue& obj, std::string_view key) {
  const JsonValue* v = obj.Get(key);
  return v != nullptr && v->is_bool() && v->boolean();
}

std::vector<std::string> SplitFieldMask(std::string_view mask) {
  std::vector<std::string> names;
  std::string name;
  for (std::size_t i = 0; i <= mask.size(); ++i) {
    const char c = i < mask.size() ? mask[i] : ',';
    if (c == ',') {
      if (!name.empty()) names.push_back(std::move(name));
      name.clear();
    } else if (c != ' ') {
      name.push_back(c == '/' ? '.' : c);
    }
  }
  return names;
}

Result<Sheet*> SheetById(Spreadsheet& ss, const JsonValue& obj) {
  KRAKEN_ASSIGN_OR_RETURN(auto id, IntField(obj, "sheetId"));
  Sheet* sheet = ss.FindSheetById(id.value_or(0));
  if (sheet == nullptr) return Invalid(fmt::format("No grid with id: {}", id.value_or(0)));
  return sheet;
}

Result<GridRange> ParseGridRange(const JsonValue& obj) {
  GridRange r;
  KRAKEN_ASSIGN_OR_RETURN(auto id, IntField(obj, "sheetId"));
  r.sheet_id = id.value_or(0);
  KRAKEN_ASSIGN_OR_RETURN(r.start_row, IntField(obj, "startRowIndex"));
  KRAKEN_ASSIGN_OR_RETURN(r.end_row, IntField(obj, "endRowIndex"));
  KRAKEN_ASSIGN_OR_RETURN(r.start_col, IntField(obj, "startColumnIndex"));
  KRAKEN_ASSIGN_OR_RETURN(r.end_col, IntField(obj, "endColumnIndex"));
  return r;
}

Status CheckCellLimit(const Spreadsheet& ss, std::int64_t added) {
  if (ss.TotalCells() + added > kMaxCellsPerSpreadsheet) {
    return Invalid(
        fmt::format("This action would increase the number of cells in the workbook "
                    "above the limit of {} cells.",
                    kMaxCellsPerSpreadsheet));
  }
  return Ok{};
}

Status CheckGridSize(int rows, int cols) {
  if (rows < 1 || cols < 1) return Invalid("A grid must have at least one row and one column.");
  if (cols > kMaxColumns) {
    return Invalid(fmt::format("A sheet can have at most {} columns.", kMaxColumns));
  }
  return Ok{};
}

}  // namespace kraken::sheets::emu
