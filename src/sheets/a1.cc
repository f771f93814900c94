#include "src/sheets/a1.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <utility>

namespace kraken::sheets {
namespace {

// Rows beyond this cannot exist (10,000,000 cells per spreadsheet); the cap keeps
// the row number parse free of overflow.
constexpr long kMaxRowNumber = 10'000'000;

bool IsAsciiLetter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// One side of "A1:B2": a column, a row, or both.
struct Endpoint {
  std::optional<int> col;  // 0-based
  std::optional<int> row;  // 0-based
};

// "A1", "$A$1", "A", "12". nullopt when it is none of these.
std::optional<Endpoint> ParseEndpoint(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && s[i] == '$') ++i;
  const std::size_t letters_begin = i;
  while (i < s.size() && IsAsciiLetter(s[i])) ++i;
  const std::string_view letters = s.substr(letters_begin, i - letters_begin);
  if (i < s.size() && s[i] == '$' && !letters.empty()) ++i;
  const std::size_t digits_begin = i;
  while (i < s.size() && IsDigit(s[i])) ++i;
  const std::string_view digits = s.substr(digits_begin, i - digits_begin);
  if (i != s.size() || (letters.empty() && digits.empty())) return std::nullopt;

  Endpoint e;
  if (!letters.empty()) {
    const int col = ColumnIndex(letters);
    if (col < 0) return std::nullopt;
    e.col = col;
  }
  if (!digits.empty()) {
    if (digits.size() > 8) return std::nullopt;
    long row = 0;
    for (char c : digits) row = row * 10 + (c - '0');
    if (row < 1 || row > kMaxRowNumber) return std::nullopt;
    e.row = static_cast<int>(row - 1);
  }
  return e;
}

// Orders an axis so start <= end, given inclusive 0-based indexes.
void SetAxis(std::optional<int> a, std::optional<int> b, std::optional<int>& start,
             std::optional<int>& end) {
  if (a && b && *a > *b) std::swap(a, b);
  start = a;
  end = b ? std::optional<int>(*b + 1) : std::nullopt;
}

// The cells part after '!' (or a whole range without a sheet).
std::optional<A1Range> ParseCells(std::string_view s) {
  const std::size_t colon = s.find(':');
  if (colon == std::string_view::npos) {
    auto cell = ParseEndpoint(s);
    if (!cell || !cell->col || !cell->row) return std::nullopt;
    A1Range r;
    SetAxis(cell->row, cell->row, r.start_row, r.end_row);
    SetAxis(cell->col, cell->col, r.start_col, r.end_col);
    return r;
  }
  if (s.find(':', colon + 1) != std::string_view::npos) return std::nullopt;
  auto a = ParseEndpoint(s.substr(0, colon));
  auto b = ParseEndpoint(s.substr(colon + 1));
  if (!a || !b) return std::nullopt;
  // "A:5" and "5:A" mix a column with a row: meaningless.
  const bool a_full = a->col && a->row;
  const bool b_full = b->col && b->row;
  if (!a_full && !b_full && (a->col.has_value() != b->col.has_value())) return std::nullopt;

  A1Range r;
  SetAxis(a->row, b->row, r.start_row, r.end_row);
  // One-sided axes stay open there: "A5:A" has no end row, "A:B5" no start row.
  SetAxis(a->col, b->col, r.start_col, r.end_col);
  return r;
}

bool ReadsAsCell(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && IsAsciiLetter(s[i])) ++i;
  if (i == 0 || i > 3 || i == s.size()) return false;
  for (std::size_t j = i; j < s.size(); ++j) {
    if (!IsDigit(s[j])) return false;
  }
  return true;
}

bool ReadsAsR1C1(std::string_view s) {
  if (s.size() < 4 || (s[0] != 'R' && s[0] != 'r')) return false;
  std::size_t i = 1;
  while (i < s.size() && IsDigit(s[i])) ++i;
  if (i == 1 || i == s.size() || (s[i] != 'C' && s[i] != 'c')) return false;
  std::size_t j = i + 1;
  if (j == s.size()) return false;
  for (; j < s.size(); ++j) {
    if (!IsDigit(s[j])) return false;
  }
  return true;
}

Error ParseError(std::string_view text) {
  return MakeError(ErrorCode::kInvalidArgument, fmt::format("Unable to parse range: {}", text));
}

std::string FormatCells(const A1Range& r) {
  if (r.single_cell()) return ColumnLetters(*r.start_col) + std::to_string(*r.start_row + 1);
  std::string start, end;
  if (r.start_col) start += ColumnLetters(*r.start_col);
  if (r.start_row) start += std::to_string(*r.start_row + 1);
  if (r.end_col) end += ColumnLetters(*r.end_col - 1);
  if (r.end_row) end += std::to_string(*r.end_row);
  if (start.empty()) {
    // Only the end is bounded: start at the grid's first row and/or column.
    if (!r.end_col)
      start = "1";
    else if (!r.end_row)
      start = "A";
    else
      start = "A1";
  }
  if (end.empty()) return start;  // not produced by ParseA1; kept readable
  return start + ":" + end;
}

}  // namespace

bool A1Range::single_cell() const {
  return start_row && start_col && end_row && end_col && *end_row == *start_row + 1 &&
         *end_col == *start_col + 1;
}

int ColumnIndex(std::string_view letters) {
  if (letters.empty() || letters.size() > 3) return -1;
  int n = 0;
  for (char c : letters) {
    if (!IsAsciiLetter(c)) return -1;
    n = n * 26 + (std::toupper(static_cast<unsigned char>(c)) - 'A' + 1);
  }
  return n - 1;
}

std::string ColumnLetters(int column) {
  std::string out;
  for (int n = column + 1; n > 0; n = (n - 1) / 26) {
    out.push_back(static_cast<char>('A' + (n - 1) % 26));
  }
  std::reverse(out.begin(), out.end());
  return out;
}

std::string QuoteSheetName(std::string_view title, bool always) {
  bool quote =
      always || title.empty() || IsDigit(title[0]) || ReadsAsCell(title) || ReadsAsR1C1(title);
  for (char c : title) {
    if (!IsAsciiLetter(c) && !IsDigit(c) && c != '_') quote = true;
  }
  if (!quote) return std::string(title);
  std::string out = "'";
  for (char c : title) {
    out.push_back(c);
    if (c == '\'') out.push_back('\'');
  }
  out.push_back('\'');
  return out;
}

Result<A1Range> ParseA1(std::string_view text) {
  if (text.empty()) return ParseError(text);
  A1Range range;
  std::string_view cells;
  if (text.front() == '\'') {
    std::size_t i = 1;
    bool closed = false;
    for (; i < text.size(); ++i) {
      if (text[i] != '\'') {
        range.sheet.push_back(text[i]);
      } else if (i + 1 < text.size() && text[i + 1] == '\'') {
        range.sheet.push_back('\'');
        ++i;
      } else {
        closed = true;
        ++i;
        break;
      }
    }
    if (!closed || range.sheet.empty()) return ParseError(text);
    if (i == text.size()) return range;  // 'My Tab': the whole tab
    if (text[i] != '!') return ParseError(text);
    cells = text.substr(i + 1);
  } else {
    const std::size_t bang = text.rfind('!');
    if (bang == std::string_view::npos) {
      if (auto r = ParseCells(text)) return *r;
      range.sheet = std::string(text);  // not cells: a tab name
      return range;
    }
    range.sheet = std::string(text.substr(0, bang));
    if (range.sheet.empty()) return ParseError(text);
    cells = text.substr(bang + 1);
  }
  auto r = ParseCells(cells);
  if (!r) return ParseError(text);
  r->sheet = std::move(range.sheet);
  return *r;
}

std::string FormatA1(const A1Range& range) {
  const std::string sheet = range.sheet.empty() ? "" : QuoteSheetName(range.sheet);
  if (range.whole_sheet()) return sheet;
  return sheet.empty() ? FormatCells(range) : sheet + "!" + FormatCells(range);
}

std::string FormatA1ForRequest(const A1Range& range) {
  const std::string sheet = range.sheet.empty() ? "" : QuoteSheetName(range.sheet, true);
  if (range.whole_sheet()) return sheet;
  return sheet.empty() ? FormatCells(range) : sheet + "!" + FormatCells(range);
}

}  // namespace kraken::sheets
