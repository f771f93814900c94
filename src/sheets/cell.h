#pragma once
// One cell's value as the Sheets API carries it in a ValueRange: a string, a
// number, a boolean, or nothing. Read with UNFORMATTED_VALUE, text comes back
// exactly as it was written ("0012" stays "0012", "1/2" stays "1/2" when the cell
// holds text), numbers as JSON numbers, and dates and times as serial numbers:
// days since 1899-12-30, the fraction being the time of day
// (../shared/reference/sheets-api.md, section 3). cell_value.h converts serials.
// (CellValue there is the emulator's richer stored cell: formulas and formats.)

#include <optional>
#include <string>

namespace kraken::sheets {

class Cell {
 public:
  enum class Kind { kEmpty, kString, kNumber, kBool };

  Cell() = default;  // empty
  // "" is an empty cell: Google returns interior blanks as "" and writing ""
  // clears a cell, so the two cannot be told apart.
  static Cell String(std::string text);
  static Cell Number(double value);
  static Cell Bool(bool value);
  // The serial number Sheets stores for a date (2020-01-01 -> 43831).
  static Cell Date(int year, int month, int day);

  Kind kind() const { return kind_; }
  bool empty() const { return kind_ == Kind::kEmpty; }
  bool is_string() const { return kind_ == Kind::kString; }
  bool is_number() const { return kind_ == Kind::kNumber; }
  bool is_bool() const { return kind_ == Kind::kBool; }

  const std::string& text() const { return text_; }  // "" unless a string
  double number() const { return number_; }          // 0 unless a number
  bool boolean() const { return boolean_; }          // false unless a bool

  // A number read as a serial date: "2020-01-01", or "2020-01-01T12:30:00" when
  // it has a time of day. nullopt for anything else or outside years 1-9999.
  // Whether a number *is* a date depends on the cell's format, which values do
  // not carry; the caller knows which columns hold dates.
  std::optional<std::string> AsIsoDate() const;

  // For people and for text comparisons: the text, the number in its shortest
  // exact form ("53", "1.5"), "TRUE"/"FALSE", or "".
  std::string ToDisplay() const;

  bool operator==(const Cell&) const = default;

 private:
  Kind kind_ = Kind::kEmpty;
  std::string text_;
  double number_ = 0;
  bool boolean_ = false;
};

}  // namespace kraken::sheets
