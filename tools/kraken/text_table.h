#pragma once
// A plain-text table for people: a header, aligned columns, UTF-8 aware widths.

#include <string>
#include <vector>

namespace kraken::cli {

class TextTable {
 public:
  explicit TextTable(std::vector<std::string> header) : header_(std::move(header)) {}
  void AddRow(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  bool empty() const { return rows_.empty(); }
  // Columns separated by two spaces; cells wider than `max_cell` are cut with "…".
  std::string Render(std::size_t max_cell = 48) const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace kraken::cli
