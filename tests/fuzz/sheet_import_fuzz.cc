// Fuzzes the sheet import: what the projector does with a managed tab read back
// from the sheet (src/sync/projector.cc's ReadTabs and PlanTab): ParseTab on the
// grid, the three-way Compare against the log's model of the tab and the base
// the last sync left, and the import planner on the rows to import.
//
// The input is the grid as text: rows on lines, cells separated by tabs, the
// first row the header (a "ticker" column makes it the Corps tab, else Pilots).
// An optional first line "#base=none" or "#base=unknown" replaces the base,
// which is otherwise the model itself (the sheet as the last sync wrote it).
//
// Invariants: an imported value comes from the sheet's cell where it says so and
// from the log everywhere else; conflicts quote the sheet's cell; a deleted row
// was in the base and the log and is not on the sheet; rejections point into the
// grid; and the import plan holds nothing its rows did not ask for.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "src/app/import_planner.h"
#include "src/sync/tab_model.h"
#include "src/sync/three_way.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using kraken::Table;
using kraken::Trim;
using TextGrid = std::vector<std::vector<std::string>>;  // as ParseTab reads it

TextGrid Decode(std::string_view text) {
  TextGrid grid;
  while (true) {
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    std::vector<std::string> row;
    while (true) {
      const std::size_t tab = line.find('\t');
      row.emplace_back(line.substr(0, tab));
      if (tab == std::string_view::npos) break;
      line.remove_prefix(tab + 1);
    }
    grid.push_back(std::move(row));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return grid;
}

std::string Cell(const TextGrid& grid, int row, int col) {
  if (row < 0 || col < 0 || static_cast<std::size_t>(row) >= grid.size()) return {};
  const auto& cells = grid[static_cast<std::size_t>(row)];
  if (static_cast<std::size_t>(col) >= cells.size()) return {};
  return std::string(Trim(cells[static_cast<std::size_t>(col)]));
}

void CheckComparison(const kraken::sync::Comparison& cmp, const kraken::sync::TabModel& model,
                     const kraken::sync::TabBase& base, const kraken::sync::ParsedTab& sheet,
                     const TextGrid& grid) {
  const std::size_t width = model.columns.size();
  for (const auto& import : cmp.imports) {
    KRAKEN_FUZZ_CHECK(import.values.size() == width && import.from_sheet.size() == width,
                      "an import row of the wrong width");
    const std::vector<std::string>* logged = import.id.empty() ? nullptr : model.Find(import.id);
    KRAKEN_FUZZ_CHECK(import.id.empty() || logged != nullptr,
                      "an import for row id '" + import.id + "', which the log does not know");
    for (std::size_t m = 0; m < width; ++m) {
      const std::string expected = import.from_sheet[m]
                                       ? Cell(grid, import.row, sheet.column_pos[m])
                                       : (logged != nullptr ? (*logged)[m] : std::string());
      KRAKEN_FUZZ_CHECK(import.values[m] == expected,
                        "row " + std::to_string(import.row) + " column " + model.columns[m] +
                            ": imports '" + import.values[m] + "', not '" + expected + "'");
    }
  }
  for (const auto& conflict : cmp.conflicts) {
    KRAKEN_FUZZ_CHECK(model.Find(conflict.id) != nullptr, "a conflict on an unknown row");
    KRAKEN_FUZZ_CHECK(conflict.sheet == Cell(grid, conflict.row, conflict.col),
                      "a conflict that misquotes the sheet's cell");
  }
  for (const std::string& id : cmp.deleted_ids) {
    KRAKEN_FUZZ_CHECK(base.Find(id) != nullptr && model.Find(id) != nullptr,
                      "deletes '" + id + "', which was not in the base and the log");
    for (const auto& row : sheet.rows) {
      KRAKEN_FUZZ_CHECK(row.id != id, "deletes '" + id + "', which is on the sheet");
    }
  }
  for (const auto& rejection : cmp.rejected) {
    KRAKEN_FUZZ_CHECK(rejection.row > 0 && static_cast<std::size_t>(rejection.row) < grid.size(),
                      "a rejection outside the grid");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace sync = kraken::sync;
  static const auto roster = std::make_unique<kraken::fuzz::SampleRoster>();
  static const kraken::AllianceState state = roster->State();
  const kraken::Schema& schema = roster->schema();

  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string base_kind = "model";
  if (text.substr(0, 6) == "#base=") {
    const std::size_t end = text.find('\n');
    base_kind = std::string(text.substr(6, end == std::string_view::npos ? end : end - 6));
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
  }
  const TextGrid grid = Decode(text);
  Table table = Table::kPilot;
  for (const std::string& cell : grid[0]) {
    if (kraken::EqualsIgnoreCase(Trim(cell), "ticker")) table = Table::kCorp;
  }

  const sync::TabModel model = sync::RenderTab(state.roster(), table);
  sync::TabBase base;
  if (base_kind != "none") {
    base.columns = model.columns;
    for (const auto& [id, values] : model.rows) {
      base.rows[id] = values;
      if (base_kind == "unknown") base.rows[id].back() = std::string(sync::kUnknownBase);
    }
  }
  const sync::ParsedTab sheet = sync::ParseTab(model.columns, grid);
  // As the projector compares: two spellings of one value are the same value.
  const std::vector<kraken::Column>& columns = schema.columns(table);
  auto same = [&](std::size_t index, const std::string& typed, const std::string& logged) {
    auto value = schema.Normalize(table, columns[index].name, typed);
    if (!value.ok()) return false;
    const bool ref = columns[index].type == kraken::ColumnType::kCorpRef ||
                     columns[index].type == kraken::ColumnType::kPilotRef;
    return ref ? kraken::EqualsIgnoreCase(*value, logged) : *value == logged;
  };
  // Every policy, column by column.
  auto policy = [](const std::string& column) {
    return static_cast<sync::Policy>(column.size() % 3);
  };
  const sync::Comparison cmp = sync::Compare(model, base, sheet, policy, same);
  CheckComparison(cmp, model, base, sheet, grid);

  kraken::CsvTable csv;
  csv.header = model.columns;
  for (const sync::RowImport& row : cmp.imports) {
    csv.rows.push_back(row.values);
    csv.lines.push_back(static_cast<std::size_t>(row.row) + 1);
  }
  if (csv.rows.empty()) return 0;
  kraken::ImportOptions options;
  options.origin = "sheet fuzz";
  options.batch_id = "sync-fuzz";
  auto plan = kraken::PlanImport(state, csv, options);
  KRAKEN_FUZZ_CHECK(plan.ok(), "the rows of a tab always make a plan: " + plan.error().message);
  kraken::fuzz::CheckImportPlan(state, csv, options, *plan);
  return 0;
}
