#pragma once
// A1 notation as the Sheets API v4 reads and echoes it
// (../shared/reference/sheets-api.md, section 3): "Pilots!A2:F51", "'Kaelen''s'!A:A",
// "Pilots!2:5", "Pilots" (the whole tab). Used by the client to build ranges and by
// the emulator to parse and echo them, so both agree by construction.

#include <optional>
#include <string>
#include <string_view>

#include "events/result.h"

namespace kraken::sheets {

// Columns run from A to ZZZ, as in Google Sheets.
inline constexpr int kMaxColumns = 18278;

// A rectangle on one tab. Rows and columns are 0-based; ends are exclusive; an
// unset bound is open (the grid's edge), as in "A:A" or "2:5" or a bare tab name.
struct A1Range {
  std::string sheet;  // the tab title, unquoted; may be empty for "A1:B2"
  std::optional<int> start_row, start_col, end_row, end_col;

  bool operator==(const A1Range&) const = default;

  // True when no bound is set: the whole tab.
  bool whole_sheet() const { return !start_row && !start_col && !end_row && !end_col; }
  // True for exactly one cell ("A1", or "A1:A1").
  bool single_cell() const;
};

// "A" -> 0, "Z" -> 25, "AA" -> 26, case-insensitive; -1 if not 1 to 3 letters.
int ColumnIndex(std::string_view letters);
// 0 -> "A", 26 -> "AA".
std::string ColumnLetters(int column);

// The tab title as it must appear in a range: always quoted for input ('Sheet''1')
// when `always` is set, else only when Google would quote it in an echo (anything
// but ASCII letters, digits and '_', a leading digit, or a name that reads as a
// cell reference such as "D3" or "R1C1").
std::string QuoteSheetName(std::string_view title, bool always = false);

// Parses a range; the error (kInvalidArgument) is Google's "Unable to parse range: X".
// Without '!', text that reads as cells ("A1:B2", "A:A", "2:5") is a range on the
// first tab (sheet left empty) and anything else is a tab name. A reversed range
// ("B2:A1") is normalised. R1C1 notation is not accepted.
Result<A1Range> ParseA1(std::string_view text);

// Formats a range as Google echoes it: "Pilots!A1:C3", "'My Tab'!A1:C3", "Pilots!A1".
// Open bounds are written as "A:C" / "2:5" / "A5:A"; a range with no bounds at all is
// the tab. An empty sheet title gives the cells alone ("A1:C3").
std::string FormatA1(const A1Range& range);

// Input form for requests: the title always quoted ("'Pilots'!A1:C3").
std::string FormatA1ForRequest(const A1Range& range);

}  // namespace kraken::sheets
