// Fuzzes the A1 parser (src/sheets/a1.h), which reads every range the Sheets
// emulator is sent and every range Google echoes back to the client.
//
// Invariants: a parsed range has sane bounds (0-based, columns below ZZZ, starts
// before ends); formatting it and parsing the result gives the same range, in
// both the echo form and the request form (the sheet title always quoted); and
// ColumnLetters/ColumnIndex are inverses.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "src/sheets/a1.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using kraken::sheets::A1Range;

void CheckBounds(const A1Range& r, const std::string& text) {
  for (const auto& row : {r.start_row, r.end_row}) {
    KRAKEN_FUZZ_CHECK(!row || *row >= 0, "negative row in " + text);
  }
  for (const auto& col : {r.start_col, r.end_col}) {
    KRAKEN_FUZZ_CHECK(!col || (*col >= 0 && *col <= kraken::sheets::kMaxColumns),
                      "column out of range in " + text);
  }
  if (r.start_row && r.end_row) {
    KRAKEN_FUZZ_CHECK(*r.start_row < *r.end_row, "rows not normalised in " + text);
  }
  if (r.start_col && r.end_col) {
    KRAKEN_FUZZ_CHECK(*r.start_col < *r.end_col, "columns not normalised in " + text);
  }
}

std::string Describe(const A1Range& r) {
  auto b = [](const std::optional<int>& v) { return v ? std::to_string(*v) : std::string("-"); };
  return "{sheet '" + r.sheet + "' rows " + b(r.start_row) + ".." + b(r.end_row) + " cols " +
         b(r.start_col) + ".." + b(r.end_col) + "}";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace s = kraken::sheets;
  const std::string text(reinterpret_cast<const char*>(data), size);

  if (size >= 2) {  // the column letters round trip, on a column the bytes pick
    const int column = (data[0] << 8 | data[1]) % s::kMaxColumns;
    KRAKEN_FUZZ_CHECK(s::ColumnIndex(s::ColumnLetters(column)) == column,
                      "ColumnLetters/ColumnIndex of " + std::to_string(column));
  }
  const int index = s::ColumnIndex(text);
  if (index >= 0) {
    KRAKEN_FUZZ_CHECK(index < s::kMaxColumns, "column index past ZZZ");
    KRAKEN_FUZZ_CHECK(kraken::EqualsIgnoreCase(s::ColumnLetters(index), text),
                      "ColumnLetters(ColumnIndex(x)) is not x");
  }

  auto parsed = s::ParseA1(text);
  if (!parsed.ok()) {
    KRAKEN_FUZZ_CHECK(parsed.error().code == kraken::ErrorCode::kInvalidArgument,
                      parsed.error().message);
    return 0;
  }
  CheckBounds(*parsed, text);
  for (const std::string& formatted : {s::FormatA1(*parsed), s::FormatA1ForRequest(*parsed)}) {
    auto again = s::ParseA1(formatted);
    KRAKEN_FUZZ_CHECK(again.ok(),
                      "'" + text + "' formats as '" + formatted +
                          "', which does not parse: " + (again.ok() ? "" : again.error().message));
    KRAKEN_FUZZ_CHECK(*again == *parsed, "'" + text + "' is " + Describe(*parsed) +
                                             " but its format '" + formatted + "' is " +
                                             Describe(*again));
  }
  return 0;
}
