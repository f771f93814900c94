#include "src/sheets/cell.h"

#include <fmt/format.h>

#include <cmath>

#include "src/sheets/cell_value.h"

namespace kraken::sheets {

Cell Cell::String(std::string text) {
  Cell c;
  if (text.empty()) return c;
  c.kind_ = Kind::kString;
  c.text_ = std::move(text);
  return c;
}

Cell Cell::Number(double value) {
  Cell c;
  c.kind_ = Kind::kNumber;
  c.number_ = value;
  return c;
}

Cell Cell::Bool(bool value) {
  Cell c;
  c.kind_ = Kind::kBool;
  c.boolean_ = value;
  return c;
}

Cell Cell::Date(int year, int month, int day) { return Number(DateSerial(year, month, day)); }

std::optional<std::string> Cell::AsIsoDate() const {
  static const double kFirst = DateSerial(1, 1, 1);
  static const double kLast = DateSerial(9999, 12, 31) + 1;
  if (kind_ != Kind::kNumber || !std::isfinite(number_)) return std::nullopt;
  if (number_ < kFirst || number_ >= kLast) return std::nullopt;
  const CivilDateTime t = FromSerial(number_);
  if (t.year > 9999) return std::nullopt;  // rounded up past the last second
  std::string out = fmt::format("{:04}-{:02}-{:02}", t.year, t.month, t.day);
  if (t.hour || t.minute || t.second) {
    out += fmt::format("T{:02}:{:02}:{:02}", t.hour, t.minute, t.second);
  }
  return out;
}

std::string Cell::ToDisplay() const {
  switch (kind_) {
    case Kind::kEmpty:
      return "";
    case Kind::kString:
      return text_;
    case Kind::kNumber:
      return fmt::format("{}", number_);
    case Kind::kBool:
      return boolean_ ? "TRUE" : "FALSE";
  }
  return "";
}

}  // namespace kraken::sheets
