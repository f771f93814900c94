#include "src/sheets_emulator/sheet_requests.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "src/sheets_emulator/dimension_requests.h"
#include "src/sheets_emulator/request_fields.h"
#include "src/sheets_emulator/spreadsheet_json.h"

namespace kraken::sheets::emu {
namespace {

Status CheckTitle(const Spreadsheet& ss, const std::string& title, int own_id) {
  if (title.empty()) return Invalid("Sheet title must not be empty.");
  const Sheet* other = ss.FindSheet(title);
  if (other != nullptr && other->id != own_id) {
    return Invalid(fmt::format(
        "A sheet with the name \"{}\" already exists. Please enter another name.", title));
  }
  return Ok{};
}

// Moves `sheet` to position `index` among the tabs (clamped), renumbering all.
void MoveSheet(Spreadsheet& ss, int sheet_id, int index) {
  auto it = std::find_if(ss.sheets.begin(), ss.sheets.end(),
                         [&](const Sheet& s) { return s.id == sheet_id; });
  Sheet moved = std::move(*it);
  ss.sheets.erase(it);
  index = std::clamp(index, 0, static_cast<int>(ss.sheets.size()));
  ss.sheets.insert(ss.sheets.begin() + index, std::move(moved));
  for (std::size_t i = 0; i < ss.sheets.size(); ++i) ss.sheets[i].index = static_cast<int>(i);
}

Status UpdateSheetProperties(Spreadsheet& ss, const JsonValue& req) {
  const JsonValue& props = ObjectField(req, "properties");
  KRAKEN_ASSIGN_OR_RETURN(Sheet * sheet, SheetById(ss, props));
  KRAKEN_ASSIGN_OR_RETURN(auto fields_text, StringField(req, "fields"));
  if (!fields_text || fields_text->empty()) {
    return Invalid("At least one field must be updated, but 'fields' is empty.");
  }
  const JsonValue& grid = ObjectField(props, "gridProperties");
  // "*" means every field present in `properties` (this emulator's reading of it).
  std::set<std::string> fields;
  if (*fields_text == "*") {
    for (const auto& [k, v] : props.members()) {
      if (k != "gridProperties") fields.insert(k);
    }
    for (const auto& [k, v] : grid.members()) fields.insert("gridProperties." + k);
  } else {
    for (const std::string& field : SplitFieldMask(*fields_text)) {
      if (field == "gridProperties") {
        for (const char* sub : {"rowCount", "columnCount", "frozenRowCount", "frozenColumnCount"}) {
          fields.insert(std::string("gridProperties.") + sub);
        }
      } else {
        fields.insert(field);
      }
    }
  }
  int rows = sheet->rows, cols = sheet->cols;
  for (const std::string& f : fields) {
    if (f == "title") {
      KRAKEN_ASSIGN_OR_RETURN(auto title, StringField(props, "title"));
      KRAKEN_RETURN_IF_ERROR(CheckTitle(ss, title.value_or(""), sheet->id));
      sheet->title = *title;
    } else if (f == "hidden") {
      sheet->hidden = BoolField(props, "hidden");
    } else if (f == "gridProperties.rowCount" || f == "gridProperties.columnCount" ||
               f == "gridProperties.frozenRowCount" || f == "gridProperties.frozenColumnCount") {
      const std::string key = f.substr(std::string("gridProperties.").size());
      KRAKEN_ASSIGN_OR_RETURN(auto n, IntField(grid, key));
      if (key == "rowCount") rows = n.value_or(0);
      if (key == "columnCount") cols = n.value_or(0);
      if (key == "frozenRowCount") sheet->frozen_rows = n.value_or(0);
      if (key == "frozenColumnCount") sheet->frozen_cols = n.value_or(0);
    } else if (f == "index" || f == "sheetId" || f == "tabColor" || f == "tabColorStyle" ||
               f == "rightToLeft" || f == "sheetType") {
      // index is applied last (below); the others carry no data in the emulator.
    } else {
      return Invalid(
          fmt::format("Invalid field mask: '{}' is not a field of SheetProperties "
                      "(the emulator supports title, index, hidden and "
                      "gridProperties).",
                      f));
    }
  }
  if (rows != sheet->rows || cols != sheet->cols) {
    KRAKEN_RETURN_IF_ERROR(CheckGridSize(rows, cols));
    // As the reference notes, the new row count is checked against the old column count first.
    KRAKEN_RETURN_IF_ERROR(
        CheckCellLimit(ss, static_cast<std::int64_t>(rows - sheet->rows) * sheet->cols));
    KRAKEN_RETURN_IF_ERROR(
        CheckCellLimit(ss, static_cast<std::int64_t>(rows) * cols -
                               static_cast<std::int64_t>(sheet->rows) * sheet->cols));
    sheet->rows = rows;
    sheet->cols = cols;
    sheet->DropOutsideGrid();
  }
  if (std::none_of(ss.sheets.begin(), ss.sheets.end(), [](const Sheet& s) { return !s.hidden; })) {
    return Invalid("You can't hide all the sheets in a document.");
  }
  if (fields.count("index")) {
    KRAKEN_ASSIGN_OR_RETURN(auto index, IntField(props, "index"));
    MoveSheet(ss, sheet->id, index.value_or(0));
  }
  return Ok{};
}

// ExtendedValue -> cell: numberValue, stringValue, boolValue, formulaValue.
Result<CellValue> ExtendedValue(const JsonValue& v) {
  if (const JsonValue* n = v.Get("numberValue"); n != nullptr && n->is_number()) {
    return CellValue::Number(n->number());
  }
  if (const JsonValue* s = v.Get("stringValue"); s != nullptr && s->is_string()) {
    if (CharacterCount(s->string()) > kMaxCellChars) {
      return Invalid(
          fmt::format("Your input contains more than the maximum of {} characters in "
                      "a single cell.",
                      kMaxCellChars));
    }
    return CellValue::String(s->string());
  }
  if (const JsonValue* b = v.Get("boolValue"); b != nullptr && b->is_bool()) {
    return CellValue::Bool(b->boolean());
  }
  if (const JsonValue* f = v.Get("formulaValue"); f != nullptr && f->is_string()) {
    return CellValue::Formula(f->string());
  }
  return CellValue{};
}

Status RepeatCell(Spreadsheet& ss, const JsonValue& req) {
  KRAKEN_ASSIGN_OR_RETURN(GridRange range, ParseGridRange(ObjectField(req, "range")));
  KRAKEN_ASSIGN_OR_RETURN(Target target, ResolveGridRange(ss, range));
  KRAKEN_ASSIGN_OR_RETURN(auto fields, StringField(req, "fields"));
  if (!fields || fields->empty())
    return Invalid("At least one field must be updated, but 'fields' is empty.");
  if (*fields != "*" && fields->find("userEnteredValue") == std::string::npos) {
    return Ok{};  // formatting only: accepted, not kept
  }
  KRAKEN_ASSIGN_OR_RETURN(CellValue value,
                          ExtendedValue(ObjectField(ObjectField(req, "cell"), "userEnteredValue")));
  Sheet& sheet = *target.sheet;
  if (value.empty()) {
    sheet.Clear(target.rect);
    return Ok{};
  }
  for (int r = target.rect.row0; r < target.rect.row1; ++r) {
    for (int c = target.rect.col0; c < target.rect.col1; ++c) sheet.Set(r, c, value);
  }
  return Ok{};
}

// updateCells, for notes only (fields "note"), over a range: every cell of the
// range gets the note its position in `rows` gives, or none. Values and formats
// through updateCells are not implemented (an error says so).
Status UpdateCells(Spreadsheet& ss, const JsonValue& req) {
  KRAKEN_ASSIGN_OR_RETURN(auto fields, StringField(req, "fields"));
  if (!fields || fields->empty()) {
    return Invalid("At least one field must be updated, but 'fields' is empty.");
  }
  if (*fields != "note") {
    return MakeError(ErrorCode::kInvalidArgument,
                     "updateCells is implemented by the KRAKEN Sheets emulator for notes only "
                     "(fields \"note\").");
  }
  if (req.Get("range") == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "updateCells with 'start' is not implemented by the KRAKEN Sheets emulator; "
                     "give a 'range'.");
  }
  KRAKEN_ASSIGN_OR_RETURN(GridRange range, ParseGridRange(ObjectField(req, "range")));
  KRAKEN_ASSIGN_OR_RETURN(Target target, ResolveGridRange(ss, range));
  Sheet& sheet = *target.sheet;
  const Rect& rect = target.rect;
  for (int r = rect.row0; r < rect.row1; ++r) {
    auto row = sheet.notes.find(r);
    if (row == sheet.notes.end()) continue;
    row->second.erase(row->second.lower_bound(rect.col0), row->second.lower_bound(rect.col1));
    if (row->second.empty()) sheet.notes.erase(row);
  }
  const JsonValue* rows = req.Get("rows");
  if (rows == nullptr || rows->type() != JsonValue::Type::kArray) return Ok{};
  int r = rect.row0;
  for (const JsonValue& row : rows->items()) {
    const JsonValue* values = row.Get("values");
    int c = rect.col0;
    if (values != nullptr && values->type() == JsonValue::Type::kArray) {
      for (const JsonValue& cell : values->items()) {
        const JsonValue* note = cell.Get("note");
        if (r < rect.row1 && c < rect.col1 && note != nullptr &&
            note->type() == JsonValue::Type::kString && !note->string().empty()) {
          sheet.notes[r][c] = note->string();
        }
        ++c;
      }
    }
    ++r;
  }
  return Ok{};
}

Status AddProtectedRange(Spreadsheet& ss, const JsonValue& req, const RequestEnv& env,
                         JsonWriter& reply) {
  const JsonValue& body = ObjectField(req, "protectedRange");
  ProtectedRange p;
  KRAKEN_ASSIGN_OR_RETURN(p.range, ParseGridRange(ObjectField(body, "range")));
  KRAKEN_ASSIGN_OR_RETURN(Target target, ResolveGridRange(ss, p.range));
  KRAKEN_ASSIGN_OR_RETURN(auto id, IntField(body, "protectedRangeId"));
  std::set<int> used;
  for (const Sheet& s : ss.sheets) {
    for (const auto& existing : s.protected_ranges) used.insert(existing.id);
  }
  if (id && used.count(*id)) {
    return Invalid(fmt::format("A protected range with id {} already exists.", *id));
  }
  p.id = id.value_or(0);
  while (p.id <= 0 || used.count(p.id)) p.id = env.random_id();
  KRAKEN_ASSIGN_OR_RETURN(auto description, StringField(body, "description"));
  p.description = description.value_or("");
  p.warning_only = BoolField(body, "warningOnly");
  if (const JsonValue* users = ObjectField(body, "editors").Get("users");
      users != nullptr && users->is_array()) {
    for (const JsonValue& u : users->items()) {
      if (u.is_string()) p.editor_users.push_back(u.string());
    }
  }
  target.sheet->protected_ranges.push_back(p);
  reply.BeginObject().Key("addProtectedRange").BeginObject().Key("protectedRange");
  AppendProtectedRange(reply, p);
  reply.EndObject().EndObject();
  return Ok{};
}

Status DeleteProtectedRange(Spreadsheet& ss, const JsonValue& req) {
  KRAKEN_ASSIGN_OR_RETURN(auto id, IntField(req, "protectedRangeId"));
  for (Sheet& s : ss.sheets) {
    auto& list = s.protected_ranges;
    auto it = std::find_if(list.begin(), list.end(),
                           [&](const ProtectedRange& p) { return p.id == id.value_or(0); });
    if (it != list.end()) {
      list.erase(it);
      return Ok{};
    }
  }
  return Invalid(fmt::format("No protected range with id: {}", id.value_or(0)));
}

Status DeleteSheet(Spreadsheet& ss, const JsonValue& req) {
  KRAKEN_ASSIGN_OR_RETURN(Sheet * sheet, SheetById(ss, req));
  if (ss.sheets.size() == 1) return Invalid("You can't remove all the sheets in a document.");
  const int id = sheet->id;
  ss.sheets.erase(
      std::find_if(ss.sheets.begin(), ss.sheets.end(), [&](const Sheet& s) { return s.id == id; }));
  for (std::size_t i = 0; i < ss.sheets.size(); ++i) ss.sheets[i].index = static_cast<int>(i);
  if (std::none_of(ss.sheets.begin(), ss.sheets.end(), [](const Sheet& s) { return !s.hidden; })) {
    return Invalid("You can't hide all the sheets in a document.");
  }
  return Ok{};
}

// Request kinds Google has that the emulator does not implement: named in the error.
bool IsKnownUnsupportedKind(std::string_view kind) {
  static const std::set<std::string_view> kKinds = {"insertRange",
                                                    "deleteRange",
                                                    "moveDimension",
                                                    "autoResizeDimensions",
                                                    "sortRange",
                                                    "setDataValidation",
                                                    "mergeCells",
                                                    "unmergeCells",
                                                    "updateBorders",
                                                    "copyPaste",
                                                    "cutPaste",
                                                    "findReplace",
                                                    "appendCells",
                                                    "updateProtectedRange",
                                                    "createDeveloperMetadata",
                                                    "updateDeveloperMetadata",
                                                    "deleteDeveloperMetadata",
                                                    "addNamedRange",
                                                    "updateNamedRange",
                                                    "deleteNamedRange",
                                                    "duplicateSheet",
                                                    "updateSpreadsheetProperties",
                                                    "addConditionalFormatRule",
                                                    "setBasicFilter",
                                                    "clearBasicFilter",
                                                    "addFilterView",
                                                    "addChart",
                                                    "pasteData"};
  return kKinds.count(kind) > 0;
}

}  // namespace

Result<Sheet*> AddSheet(Spreadsheet& ss, const JsonValue* properties, const RequestEnv& env) {
  const JsonValue& props =
      properties != nullptr && properties->is_object() ? *properties : EmptyObject();
  Sheet sheet;
  KRAKEN_ASSIGN_OR_RETURN(auto title, StringField(props, "title"));
  sheet.title = title.value_or(ss.UnusedSheetTitle());
  KRAKEN_ASSIGN_OR_RETURN(auto id, IntField(props, "sheetId"));
  if (id) {
    if (*id < 0) return Invalid(fmt::format("Invalid sheetId: {}; ids are >= 0.", *id));
    if (ss.FindSheetById(*id) != nullptr) {
      return Invalid(fmt::format("A sheet with the id {} already exists.", *id));
    }
    sheet.id = *id;
  } else {
    sheet.id = ss.sheets.empty() ? 0 : env.random_id();
    while (ss.FindSheetById(sheet.id) != nullptr) sheet.id = env.random_id();
  }
  KRAKEN_RETURN_IF_ERROR(CheckTitle(ss, sheet.title, sheet.id));
  KRAKEN_ASSIGN_OR_RETURN(auto type, StringField(props, "sheetType"));
  if (type && *type != "GRID") {
    return Invalid(fmt::format("sheetType {} is not supported by the emulator; use GRID.", *type));
  }
  const JsonValue& grid = ObjectField(props, "gridProperties");
  KRAKEN_ASSIGN_OR_RETURN(auto rows, IntField(grid, "rowCount"));
  KRAKEN_ASSIGN_OR_RETURN(auto cols, IntField(grid, "columnCount"));
  sheet.rows = rows.value_or(kDefaultRows);
  sheet.cols = cols.value_or(kDefaultColumns);
  KRAKEN_RETURN_IF_ERROR(CheckGridSize(sheet.rows, sheet.cols));
  KRAKEN_RETURN_IF_ERROR(CheckCellLimit(ss, static_cast<std::int64_t>(sheet.rows) * sheet.cols));
  KRAKEN_ASSIGN_OR_RETURN(auto frozen_rows, IntField(grid, "frozenRowCount"));
  KRAKEN_ASSIGN_OR_RETURN(auto frozen_cols, IntField(grid, "frozenColumnCount"));
  sheet.frozen_rows = frozen_rows.value_or(0);
  sheet.frozen_cols = frozen_cols.value_or(0);
  sheet.hidden = BoolField(props, "hidden");
  KRAKEN_ASSIGN_OR_RETURN(auto index, IntField(props, "index"));
  const int id_added = sheet.id;
  ss.sheets.push_back(std::move(sheet));
  MoveSheet(ss, id_added, index.value_or(static_cast<int>(ss.sheets.size())));
  return ss.FindSheetById(id_added);
}

Status ApplySheetRequest(Spreadsheet& ss, const JsonValue& request, const RequestEnv& env,
                         JsonWriter& reply, std::string& kind) {
  if (!request.is_object() || request.members().size() != 1) {
    kind.clear();
    return Invalid("Each request must set exactly one kind of request.");
  }
  const auto& [name, body] = request.members().front();
  kind = name;
  if (!body.is_object()) return Invalid("The request body must be an object.");
  if (name == "addSheet") {
    KRAKEN_ASSIGN_OR_RETURN(Sheet * sheet, AddSheet(ss, body.Get("properties"), env));
    reply.BeginObject().Key("addSheet").BeginObject().Key("properties");
    AppendSheetProperties(reply, *sheet);
    reply.EndObject().EndObject();
    return Ok{};
  }
  if (name == "addProtectedRange") return AddProtectedRange(ss, body, env, reply);

  Status status = Ok{};
  if (name == "updateSheetProperties")
    status = UpdateSheetProperties(ss, body);
  else if (name == "appendDimension")
    status = AppendDimension(ss, body);
  else if (name == "insertDimension")
    status = ChangeDimension(ss, body, /*insert=*/true);
  else if (name == "deleteDimension")
    status = ChangeDimension(ss, body, /*insert=*/false);
  else if (name == "repeatCell")
    status = RepeatCell(ss, body);
  else if (name == "updateCells")
    status = UpdateCells(ss, body);
  else if (name == "updateDimensionProperties")
    status = UpdateDimensionProperties(ss, body);
  else if (name == "deleteProtectedRange")
    status = DeleteProtectedRange(ss, body);
  else if (name == "deleteSheet")
    status = DeleteSheet(ss, body);
  else if (IsKnownUnsupportedKind(name)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("{} is not implemented by the KRAKEN Sheets emulator.", name));
  } else {
    kind.clear();
    return Invalid(fmt::format("Unknown name \"{}\": Cannot find field.", name));
  }
  if (!status.ok()) return status;
  reply.BeginObject().EndObject();
  return Ok{};
}

}  // namespace kraken::sheets::emu
