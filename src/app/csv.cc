#include "src/app/csv.h"

#include <fmt/format.h>

namespace kraken {
namespace {

// Reads one record starting at text[pos]; advances pos and line past it.
Result<std::vector<std::string>> ReadRecord(std::string_view text, std::size_t& pos,
                                            std::size_t& line) {
  std::vector<std::string> cells(1);
  const std::size_t start_line = line;
  bool quoted = false;
  bool after_quote = false;  // just closed a quoted cell; only , or end may follow
  while (pos < text.size()) {
    const char c = text[pos];
    if (quoted) {
      if (c == '"') {
        if (pos + 1 < text.size() && text[pos + 1] == '"') {
          cells.back().push_back('"');
          pos += 2;
          continue;
        }
        quoted = false;
        after_quote = true;
      } else {
        if (c == '\n') ++line;
        cells.back().push_back(c);
      }
      ++pos;
      continue;
    }
    if (c == '\r' && pos + 1 < text.size() && text[pos + 1] == '\n') ++pos;
    if (c == '\n' || c == '\r') {
      ++pos;
      ++line;
      return cells;
    }
    ++pos;
    if (c == ',') {
      cells.emplace_back();
      after_quote = false;
    } else if (c == '"' && cells.back().empty() && !after_quote) {
      quoted = true;
    } else if (after_quote) {
      return MakeError(ErrorCode::kInvalidArgument,
                       fmt::format("line {}: text after a closing quote; a quote inside a quoted "
                                   "cell is written as two quotes (\"\")",
                                   line));
    } else {
      cells.back().push_back(c);
    }
  }
  if (quoted) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("line {}: a quoted cell is never closed", start_line));
  }
  ++line;
  return cells;
}

bool IsBlank(const std::vector<std::string>& cells) {
  return cells.size() == 1 && cells[0].empty();
}

}  // namespace

Result<CsvTable> ParseCsv(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  CsvTable table;
  std::size_t pos = 0, line = 1;
  bool have_header = false;
  while (pos < text.size()) {
    const std::size_t record_line = line;
    KRAKEN_ASSIGN_OR_RETURN(std::vector<std::string> cells, ReadRecord(text, pos, line));
    if (IsBlank(cells)) continue;
    if (!have_header) {
      table.header = std::move(cells);
      have_header = true;
      continue;
    }
    if (cells.size() > table.header.size()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       fmt::format("line {}: {} cells but the header has {} columns; quote cells "
                                   "that contain commas",
                                   record_line, cells.size(), table.header.size()));
    }
    cells.resize(table.header.size());
    table.rows.push_back(std::move(cells));
    table.lines.push_back(record_line);
  }
  if (!have_header) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the file is empty; the first line must name the columns");
  }
  return table;
}

std::string CsvCell(std::string_view cell) {
  // A leading byte order mark is quoted too: first in a file, it would be read as the file's.
  if (cell.find_first_of(",\"\r\n") == std::string_view::npos &&
      !cell.starts_with("\xEF\xBB\xBF")) {
    return std::string(cell);
  }
  std::string out = "\"";
  for (char c : cell) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace kraken
