#include "src/sheets/cell_value.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <optional>

namespace kraken::sheets {
namespace {

namespace chr = std::chrono;

constexpr chr::sys_days kEpoch = chr::sys_days{chr::year{1899} / chr::December / 30};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'a' && x <= 'z') x = static_cast<char>(x - 'a' + 'A');
    if (y >= 'a' && y <= 'z') y = static_cast<char>(y - 'a' + 'A');
    if (x != y) return false;
  }
  return true;
}

// Reads exactly `min`..`max` digits at `pos`; advances it.
std::optional<int> Digits(std::string_view s, std::size_t& pos, std::size_t min, std::size_t max) {
  std::size_t n = 0;
  int value = 0;
  while (pos + n < s.size() && n < max && IsDigit(s[pos + n])) {
    value = value * 10 + (s[pos + n] - '0');
    ++n;
  }
  if (n < min) return std::nullopt;
  pos += n;
  return value;
}

bool Expect(std::string_view s, std::size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

// "2,000,000.01", "-0012", ".5", "1e3", "12.5%".
std::optional<CellValue> ParseNumber(std::string_view s) {
  std::size_t i = 0;
  std::string plain;  // without separators, for strtod
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) plain.push_back(s[i++]);
  std::size_t int_digits = 0, group_len = 0;
  bool grouped = false;
  while (i < s.size() && (IsDigit(s[i]) || s[i] == ',')) {
    if (s[i] == ',') {
      // Separators need 1-3 digits before the first and exactly 3 between them.
      if (int_digits == 0 || (grouped ? group_len != 3 : group_len > 3)) return std::nullopt;
      grouped = true;
      group_len = 0;
    } else {
      plain.push_back(s[i]);
      ++int_digits;
      ++group_len;
    }
    ++i;
  }
  if (grouped && group_len != 3) return std::nullopt;
  int decimals = 0;
  if (i < s.size() && s[i] == '.') {
    plain.push_back(s[i++]);
    while (i < s.size() && IsDigit(s[i])) {
      plain.push_back(s[i++]);
      ++decimals;
    }
  }
  if (int_digits == 0 && decimals == 0) return std::nullopt;
  bool exponent = false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    plain.push_back(s[i++]);
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) plain.push_back(s[i++]);
    std::size_t exp_digits = 0;
    while (i < s.size() && IsDigit(s[i])) {
      plain.push_back(s[i++]);
      ++exp_digits;
    }
    if (exp_digits == 0) return std::nullopt;
    exponent = true;
  }
  const bool percent = i < s.size() && s[i] == '%';
  if (percent) ++i;
  if (i != s.size() || (percent && exponent)) return std::nullopt;
  double value = std::strtod(plain.c_str(), nullptr);
  if (!std::isfinite(value)) return std::nullopt;
  if (percent) return CellValue::Number(value / 100, NumberFormat::kPercent, decimals);
  if (grouped) return CellValue::Number(value, NumberFormat::kGrouped, decimals);
  return CellValue::Number(value);
}

// " 15:30" or " 15:30:45" after a date; returns the fraction of a day.
std::optional<double> ParseTimeSuffix(std::string_view s, std::size_t& pos) {
  if (!Expect(s, pos, ' ')) return std::nullopt;
  auto hour = Digits(s, pos, 1, 2);
  if (!hour || !Expect(s, pos, ':')) return std::nullopt;
  auto minute = Digits(s, pos, 2, 2);
  if (!minute) return std::nullopt;
  int second = 0;
  if (pos < s.size() && s[pos] == ':') {
    ++pos;
    auto sec = Digits(s, pos, 2, 2);
    if (!sec) return std::nullopt;
    second = *sec;
  }
  if (*hour > 23 || *minute > 59 || second > 59) return std::nullopt;
  return (*hour * 3600 + *minute * 60 + second) / 86400.0;
}

std::optional<CellValue> ParseDate(std::string_view s, int current_year) {
  std::size_t pos = 0;
  if (s.size() >= 10 && IsDigit(s[0]) && s[4] == '-') {  // 2026-12-04[ 15:30[:45]]
    auto y = Digits(s, pos, 4, 4);
    if (!y || !Expect(s, pos, '-')) return std::nullopt;
    auto m = Digits(s, pos, 1, 2);
    if (!m || !Expect(s, pos, '-')) return std::nullopt;
    auto d = Digits(s, pos, 1, 2);
    if (!d || !IsValidDate(*y, *m, *d)) return std::nullopt;
    if (pos == s.size()) return CellValue::Number(DateSerial(*y, *m, *d), NumberFormat::kDate);
    auto time = ParseTimeSuffix(s, pos);
    if (!time || pos != s.size()) return std::nullopt;
    return CellValue::Number(DateSerial(*y, *m, *d) + *time, NumberFormat::kDateTime);
  }
  auto m = Digits(s, pos, 1, 2);  // 12/4/2026 or 12/4
  if (!m || !Expect(s, pos, '/')) return std::nullopt;
  auto d = Digits(s, pos, 1, 2);
  if (!d) return std::nullopt;
  int year = current_year;
  NumberFormat format = NumberFormat::kMonthDay;
  if (pos < s.size()) {
    if (!Expect(s, pos, '/')) return std::nullopt;
    auto y = Digits(s, pos, 4, 4);
    if (!y || pos != s.size()) return std::nullopt;
    year = *y;
    format = NumberFormat::kDateUs;
  }
  if (!IsValidDate(year, *m, *d)) return std::nullopt;
  return CellValue::Number(DateSerial(year, *m, *d), format);
}

std::string WithGrouping(std::string digits) {
  std::string out;
  const std::size_t n = digits.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0 && (n - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string FormatGeneral(double n) {
  if (n == std::floor(n) && std::fabs(n) < 1e15) return fmt::format("{:.0f}", n == 0 ? 0.0 : n);
  // Up to 15 significant digits hides binary noise (0.1+0.2 shows 0.3), as the UI does.
  std::string s = fmt::format("{:.15g}", n);
  for (char& c : s) {
    if (c == 'e') c = 'E';
  }
  return s;
}

}  // namespace

bool IsDateFormat(NumberFormat format) {
  return format == NumberFormat::kDate || format == NumberFormat::kDateTime ||
         format == NumberFormat::kDateUs || format == NumberFormat::kMonthDay;
}

CellValue CellValue::String(std::string s) {
  CellValue c;
  c.kind = s.empty() ? Kind::kEmpty : Kind::kString;
  c.text = std::move(s);
  return c;
}

CellValue CellValue::Number(double n, NumberFormat format, int decimals) {
  CellValue c;
  c.kind = Kind::kNumber;
  c.number = n;
  c.format = format;
  c.decimals = decimals;
  return c;
}

CellValue CellValue::Bool(bool b) {
  CellValue c;
  c.kind = Kind::kBool;
  c.boolean = b;
  return c;
}

CellValue CellValue::Formula(std::string f) {
  CellValue c;
  c.kind = Kind::kFormula;
  c.text = std::move(f);
  return c;
}

CellValue ParseUserEntered(std::string_view text, int current_year) {
  if (text.empty()) return {};
  if (text.front() == '\'') return CellValue::String(std::string(text.substr(1)));
  if (text.front() == '=' && text.size() > 1) return CellValue::Formula(std::string(text));
  const std::string_view t = TrimSpaces(text);
  if (EqualsIgnoreCase(t, "TRUE")) return CellValue::Bool(true);
  if (EqualsIgnoreCase(t, "FALSE")) return CellValue::Bool(false);
  if (auto n = ParseNumber(t)) return *n;
  if (auto d = ParseDate(t, current_year)) return *d;
  return CellValue::String(std::string(text));
}

std::string FormatNumber(double number, NumberFormat format, int decimals) {
  switch (format) {
    case NumberFormat::kGeneral:
      return FormatGeneral(number);
    case NumberFormat::kGrouped:
    case NumberFormat::kPercent: {
      const double shown = format == NumberFormat::kPercent ? number * 100 : number;
      std::string fixed = fmt::format("{:.{}f}", std::fabs(shown), decimals);
      const std::size_t dot = fixed.find('.');
      std::string int_part = fixed.substr(0, dot);
      std::string out =
          (shown < 0 && fixed.find_first_not_of("0.") != std::string::npos) ? "-" : "";
      out += format == NumberFormat::kGrouped ? WithGrouping(int_part) : int_part;
      if (dot != std::string::npos) out += fixed.substr(dot);
      if (format == NumberFormat::kPercent) out.push_back('%');
      return out;
    }
    case NumberFormat::kDate:
    case NumberFormat::kDateTime:
    case NumberFormat::kDateUs:
    case NumberFormat::kMonthDay: {
      const CivilDateTime t = FromSerial(number);
      if (format == NumberFormat::kDate)
        return fmt::format("{:04}-{:02}-{:02}", t.year, t.month, t.day);
      if (format == NumberFormat::kDateUs) return fmt::format("{}/{}/{}", t.month, t.day, t.year);
      if (format == NumberFormat::kMonthDay) return fmt::format("{}/{}", t.month, t.day);
      return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", t.year, t.month, t.day, t.hour,
                         t.minute, t.second);
    }
  }
  return FormatGeneral(number);
}

std::string FormatValue(const CellValue& cell) {
  switch (cell.kind) {
    case CellValue::Kind::kEmpty:
      return "";
    case CellValue::Kind::kString:
    case CellValue::Kind::kFormula:
      return cell.text;
    case CellValue::Kind::kBool:
      return cell.boolean ? "TRUE" : "FALSE";
    case CellValue::Kind::kNumber:
      return FormatNumber(cell.number, cell.format, cell.decimals);
  }
  return "";
}

bool IsValidDate(int year, int month, int day) {
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1) return false;
  const chr::year_month_day ymd{chr::year{year}, chr::month{static_cast<unsigned>(month)},
                                chr::day{static_cast<unsigned>(day)}};
  return ymd.ok();
}

double DateSerial(int year, int month, int day) {
  const chr::sys_days d{chr::year{year} / chr::month{static_cast<unsigned>(month)} /
                        chr::day{static_cast<unsigned>(day)}};
  return static_cast<double>((d - kEpoch).count());
}

CivilDateTime FromSerial(double serial) {
  // Round to the second first, so 0.9999999 of a day is the next midnight.
  const double total_seconds = std::round(serial * 86400.0);
  const double days = std::floor(total_seconds / 86400.0);
  const long seconds = static_cast<long>(total_seconds - days * 86400.0);
  const chr::year_month_day ymd{kEpoch + chr::days{static_cast<long>(days)}};
  CivilDateTime t;
  t.year = static_cast<int>(ymd.year());
  t.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  t.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
  t.hour = static_cast<int>(seconds / 3600);
  t.minute = static_cast<int>(seconds / 60 % 60);
  t.second = static_cast<int>(seconds % 60);
  return t;
}

}  // namespace kraken::sheets
