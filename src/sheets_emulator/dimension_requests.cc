#include "src/sheets_emulator/dimension_requests.h"

#include <fmt/format.h>

#include <string>
#include <vector>

#include "src/sheets_emulator/request_fields.h"

namespace kraken::sheets::emu {

Status AppendDimension(Spreadsheet& ss, const JsonValue& req) {
  KRAKEN_ASSIGN_OR_RETURN(Sheet * sheet, SheetById(ss, req));
  KRAKEN_ASSIGN_OR_RETURN(auto dimension, StringField(req, "dimension"));
  KRAKEN_ASSIGN_OR_RETURN(auto length, IntField(req, "length"));
  if (length.value_or(0) <= 0) return Invalid("length must be greater than 0.");
  if (dimension == "ROWS") {
    KRAKEN_RETURN_IF_ERROR(CheckCellLimit(ss, static_cast<std::int64_t>(*length) * sheet->cols));
    sheet->rows += *length;
  } else if (dimension == "COLUMNS") {
    KRAKEN_RETURN_IF_ERROR(CheckGridSize(sheet->rows, sheet->cols + *length));
    KRAKEN_RETURN_IF_ERROR(CheckCellLimit(ss, static_cast<std::int64_t>(*length) * sheet->rows));
    sheet->cols += *length;
  } else {
    return Invalid("dimension must be ROWS or COLUMNS.");
  }
  return Ok{};
}

namespace {

// A request's DimensionRange: its sheet, which dimension, and [start, end)
// with the indexes a request may leave out filled in: start 0, end the grid's
// edge, or `start` itself for an insert (which then inserts nothing).
struct DimensionSpan {
  Sheet* sheet = nullptr;
  bool rows = true;
  int size = 0;  // rows or columns the sheet has
  int start = 0;
  int end = 0;
};

Result<DimensionSpan> ReadDimensionRange(Spreadsheet& ss, const JsonValue& range,
                                         bool end_defaults_to_start) {
  DimensionSpan span;
  KRAKEN_ASSIGN_OR_RETURN(span.sheet, SheetById(ss, range));
  KRAKEN_ASSIGN_OR_RETURN(auto dimension, StringField(range, "dimension"));
  if (dimension != "ROWS" && dimension != "COLUMNS") {
    return Invalid("range.dimension must be ROWS or COLUMNS.");
  }
  span.rows = dimension == "ROWS";
  span.size = span.rows ? span.sheet->rows : span.sheet->cols;
  KRAKEN_ASSIGN_OR_RETURN(auto start, IntField(range, "startIndex"));
  KRAKEN_ASSIGN_OR_RETURN(auto end, IntField(range, "endIndex"));
  span.start = start.value_or(0);
  span.end = end.value_or(end_defaults_to_start ? span.start : span.size);
  return span;
}

}  // namespace

// Hides or shows rows or columns (properties.hiddenByUser); pixelSize is
// accepted and ignored, as the emulator draws nothing. The field mask is
// required, as in Google.
Status UpdateDimensionProperties(Spreadsheet& ss, const JsonValue& req) {
  KRAKEN_ASSIGN_OR_RETURN(const DimensionSpan span,
                          ReadDimensionRange(ss, ObjectField(req, "range"), false));
  const auto [sheet, rows, size, start, end] = span;
  if (start < 0 || end <= start || end > size) {
    return Invalid(fmt::format("Invalid dimension range: [{}, {}) is not within the sheet's {} {}.",
                               start, end, size, rows ? "rows" : "columns"));
  }
  KRAKEN_ASSIGN_OR_RETURN(auto fields, StringField(req, "fields"));
  const std::vector<std::string> names = SplitFieldMask(fields.value_or(""));
  if (names.empty()) return Invalid("'fields' is required (e.g. \"hiddenByUser\").");
  const JsonValue& properties = ObjectField(req, "properties");
  auto& hidden = rows ? sheet->hidden_rows : sheet->hidden_cols;
  for (const std::string& f : names) {
    if (f == "hiddenByUser" || f == "*") {
      const bool hide = BoolField(properties, "hiddenByUser");
      for (int i = start; i < end; ++i) {
        if (hide) {
          hidden.insert(i);
        } else {
          hidden.erase(i);
        }
      }
    } else if (f != "pixelSize" && f != "developerMetadata") {
      return Invalid(
          fmt::format("Invalid field mask: '{}' is not a field of DimensionProperties.", f));
    }
  }
  return Ok{};
}

// insertDimension and deleteDimension share the DimensionRange.
Status ChangeDimension(Spreadsheet& ss, const JsonValue& req, bool insert) {
  KRAKEN_ASSIGN_OR_RETURN(const DimensionSpan span,
                          ReadDimensionRange(ss, ObjectField(req, "range"), insert));
  const auto [sheet, rows, size, start, end] = span;
  const char* what = rows ? "row" : "column";
  if (start < 0 || end <= start) {
    return Invalid(
        fmt::format("Invalid dimension range: startIndex {} must be >= 0 and less "
                    "than endIndex {}.",
                    start, end));
  }
  if (insert) {
    if (start > size) {
      return Invalid(fmt::format("Cannot insert {}s at index {}: the sheet has only {} {}s.", what,
                                 start, size, what));
    }
    KRAKEN_RETURN_IF_ERROR(CheckCellLimit(
        ss, static_cast<std::int64_t>(end - start) * (rows ? sheet->cols : sheet->rows)));
    if (rows)
      sheet->InsertRows(start, end - start);
    else
      sheet->InsertColumns(start, end - start);
    return Ok{};
  }
  if (end > size) {
    return Invalid(
        fmt::format("Cannot delete a {} that doesn't exist. Tried to delete {} index "
                    "{} but there are only {} {}s.",
                    what, what, end - 1, size, what));
  }
  if (start == 0 && end == size) {
    return Invalid(fmt::format("You can't delete all the {}s on the sheet.", what));
  }
  if (rows)
    sheet->DeleteRows(start, end);
  else
    sheet->DeleteColumns(start, end);
  return Ok{};
}

}  // namespace kraken::sheets::emu
