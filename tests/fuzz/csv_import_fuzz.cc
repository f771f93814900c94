// Fuzzes `kraken import FILE`: the CSV reader (src/app/csv.h) and the import
// planner (src/app/import_planner.h) against a small alliance. An input that
// starts with the line "#remove" plans with remove_missing.
//
// Invariants: a parsed table is rectangular with a line per row; writing it
// back with CsvCell and parsing that gives the same table; a plan holds nothing
// the file did not ask for (CheckImportPlan).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "src/app/csv.h"
#include "src/app/import_planner.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using kraken::CsvTable;

std::string Write(const CsvTable& table) {
  std::string out;
  auto line = [&](const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (i > 0) out += ',';
      out += kraken::CsvCell(cells[i]);
    }
    out += '\n';
  };
  line(table.header);
  for (const auto& row : table.rows) line(row);
  return out;
}

void CheckTable(const CsvTable& table) {
  KRAKEN_FUZZ_CHECK(!table.header.empty(), "a table without a header");
  KRAKEN_FUZZ_CHECK(table.lines.size() == table.rows.size(), "a line number per row");
  std::size_t previous = 1;  // the header's
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    KRAKEN_FUZZ_CHECK(table.rows[r].size() == table.header.size(), "a ragged row");
    KRAKEN_FUZZ_CHECK(table.lines[r] > previous, "row lines out of order");
    previous = table.lines[r];
  }
  // A row of one empty cell is a blank line when written: skipped, as it should be.
  CsvTable expected = table;
  std::erase_if(expected.rows, [](const auto& row) { return row.size() == 1 && row[0].empty(); });
  const std::string written = Write(table);
  auto again = kraken::ParseCsv(written);
  KRAKEN_FUZZ_CHECK(again.ok(), "the table written back does not parse: " +
                                    (again.ok() ? "" : again.error().message) + "\n" + written);
  KRAKEN_FUZZ_CHECK(again->header == expected.header && again->rows == expected.rows,
                    "the table written back reads differently:\n" + written);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto roster = std::make_unique<kraken::fuzz::SampleRoster>();
  static const kraken::AllianceState state = roster->State();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  kraken::ImportOptions options;
  options.origin = "fuzz.csv";
  options.batch_id = "fuzz-batch";
  constexpr std::string_view kRemove = "#remove\n";
  if (text.substr(0, kRemove.size()) == kRemove) {
    options.remove_missing = true;
    text.remove_prefix(kRemove.size());
  }
  auto csv = kraken::ParseCsv(text);
  if (!csv.ok()) {
    KRAKEN_FUZZ_CHECK(csv.error().code == kraken::ErrorCode::kInvalidArgument, csv.error().message);
    return 0;
  }
  CheckTable(*csv);
  auto plan = kraken::PlanImport(state, *csv, options);
  if (!plan.ok()) {
    KRAKEN_FUZZ_CHECK(plan.error().code == kraken::ErrorCode::kInvalidArgument,
                      plan.error().message);
    return 0;
  }
  kraken::fuzz::CheckImportPlan(state, *csv, options, *plan);
  return 0;
}
