#include "tools/kraken/text_table.h"

#include <algorithm>

namespace kraken::cli {
namespace {

bool IsContinuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

std::size_t Width(const std::string& s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return !IsContinuation(c); }));
}

std::string Fit(const std::string& s, std::size_t max) {
  if (Width(s) <= max) return s;
  std::string out;
  std::size_t width = 0;
  for (char c : s) {
    if (!IsContinuation(c) && ++width > max - 1) break;
    out.push_back(c);
  }
  return out + "\u2026";
}

}  // namespace

std::string TextTable::Render(std::size_t max_cell) const {
  std::vector<std::size_t> widths(header_.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], Width(Fit(row[i], max_cell)));
    }
  };
  measure(header_);
  for (const auto& row : rows_) measure(row);
  std::string out;
  auto emit = [&](const std::vector<std::string>& row) {
    std::string line;
    for (std::size_t i = 0; i < widths.size(); ++i) {
      const std::string cell = i < row.size() ? Fit(row[i], max_cell) : "";
      line += cell;
      if (i + 1 < widths.size()) line.append(widths[i] - Width(cell) + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  };
  emit(header_);
  for (const auto& row : rows_) emit(row);
  return out;
}

}  // namespace kraken::cli
