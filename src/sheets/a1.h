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

// A rectangle on one tab. Rows and columns are 0-based; ends are exclusive; an
// unset bound is open (the grid's edge), as in "A:A" or "2:5" or a bare tab name.
struct A1Range {
  std::string sheet;  // the tab title, unquoted; may be empty for "A1:B2"
  std::optional<int> start_row, start_col, end_row, end_col;

  bool operator==(const A1Range&) const = default;
};

// "A" -> 0, "Z" -> 25, "AA" -> 26; -1 if not letters.
int ColumnIndex(std::string_view letters);
// 0 -> "A", 26 -> "AA".
std::string ColumnLetters(int column);

// The tab title as it must appear in a range: always quoted for input ('Sheet''1')
// when `always` is set, else only when Google would quote it in an echo (anything
// but letters, digits and '_', or a name that reads as a cell reference).
std::string QuoteSheetName(std::string_view title, bool always = false);

// Parses a range; the error names the range, as Google's "Unable to parse range".
Result<A1Range> ParseA1(std::string_view text);

// Formats a range as Google echoes it: "Pilots!A1:C3", "'My Tab'!A1:C3".
// Open bounds are written as "A:C" / "2:5"; a range with no bounds at all is the tab.
std::string FormatA1(const A1Range& range);

}  // namespace kraken::sheets
