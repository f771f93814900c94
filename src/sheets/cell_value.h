#pragma once
// A cell's value as Google Sheets keeps it, how "USER_ENTERED" text becomes one,
// and how FORMATTED_VALUE renders it (../shared/reference/sheets-api.md, section 3).
// The emulator stores and renders cells with it; the client uses the serial-date
// helpers to turn UNFORMATTED_VALUE numbers back into dates.
//
// Deliberate simplifications (the emulator's documented behaviour):
// - Formulas are stored, never evaluated: FORMATTED_VALUE, UNFORMATTED_VALUE and
//   FORMULA all render a formula cell as its text ("=A1").
// - The en_US locale only: "12/4/2026" is December 4, "2,000,000.01" a number.
// - USER_ENTERED understands: a leading "'" (text), "=..." (formula), TRUE/FALSE (any
//   case), numbers with optional sign, thousands separators, decimals, exponent or a
//   trailing "%", and dates "2026-12-04", "2026-12-04 15:30[:45]", "12/4/2026" and
//   "12/4" (the current year). Anything else (currency, times alone, two-digit
//   years) stays text.
// - A number's display format is the one its input implied (a date stays a date);
//   writing a new value replaces it, formatting is not kept per cell.

#include <string>
#include <string_view>

namespace kraken::sheets {

enum class ValueRenderOption { kFormattedValue, kUnformattedValue, kFormula };
enum class DateTimeRenderOption { kSerialNumber, kFormattedString };

// How a number is displayed, remembered from the text it was typed as.
enum class NumberFormat {
  kGeneral,   // 53, 0.12, 1.5
  kGrouped,   // 2,000,000.01 (decimals as typed)
  kPercent,   // 12% (decimals as typed)
  kDate,      // 2026-12-04
  kDateTime,  // 2026-12-04 15:30:00
  kDateUs,    // 12/4/2026
  kMonthDay,  // 12/4
};

bool IsDateFormat(NumberFormat format);

struct CellValue {
  enum class Kind { kEmpty, kString, kNumber, kBool, kFormula };
  Kind kind = Kind::kEmpty;
  std::string text;  // kString: the text; kFormula: "=..."
  double number = 0;
  bool boolean = false;
  NumberFormat format = NumberFormat::kGeneral;  // kNumber only
  int decimals = 0;                              // kGrouped, kPercent

  static CellValue String(std::string s);
  static CellValue Number(double n, NumberFormat format = NumberFormat::kGeneral, int decimals = 0);
  static CellValue Bool(bool b);
  static CellValue Formula(std::string f);

  bool empty() const { return kind == Kind::kEmpty; }
  bool operator==(const CellValue&) const = default;
};

// Interprets `text` as if typed into the Sheets UI (valueInputOption USER_ENTERED).
// `current_year` completes "12/4". "" is an empty cell.
CellValue ParseUserEntered(std::string_view text, int current_year);

// The FORMATTED_VALUE text of a cell: "TRUE", "2026-12-04", "2,000,000.01".
std::string FormatValue(const CellValue& cell);

// A number in `format` (what FormatValue uses for numbers).
std::string FormatNumber(double number, NumberFormat format, int decimals = 0);

// Serial date-times: days since 1899-12-30, the fraction being the time of day.
struct CivilDateTime {
  int year = 1899, month = 12, day = 30;
  int hour = 0, minute = 0, second = 0;
};
double DateSerial(int year, int month, int day);
CivilDateTime FromSerial(double serial);
// True when year-month-day is a real calendar date.
bool IsValidDate(int year, int month, int day);

}  // namespace kraken::sheets
