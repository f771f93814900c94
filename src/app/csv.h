#pragma once
// Reading CSV files (RFC 4180): quoted cells, doubled quotes, commas and line
// breaks inside quotes, CRLF or LF, an optional UTF-8 byte order mark.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "events/result.h"

namespace kraken {

struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  // each padded to the header's width
  std::vector<std::size_t> lines;              // the line each row starts on (1-based)
};

// Parses `text`, whose first record is the header. Blank lines are skipped. A
// row with more cells than the header, an unterminated quote or an empty file is
// kInvalidArgument naming the line.
Result<CsvTable> ParseCsv(std::string_view text);

// Quotes a cell if it needs it, for writing CSV.
std::string CsvCell(std::string_view cell);

}  // namespace kraken
