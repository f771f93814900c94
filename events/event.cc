#include "events/event.h"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <type_traits>

namespace kraken {
namespace {

template <typename T>
constexpr std::string_view NameOf() {
  if constexpr (std::is_same_v<T, PilotRegistered>)
    return "PilotRegistered";
  else if constexpr (std::is_same_v<T, PilotFieldsChanged>)
    return "PilotFieldsChanged";
  else if constexpr (std::is_same_v<T, PilotLinkedToDiscord>)
    return "PilotLinkedToDiscord";
  else if constexpr (std::is_same_v<T, AltLinked>)
    return "AltLinked";
  else if constexpr (std::is_same_v<T, AltUnlinked>)
    return "AltUnlinked";
  else if constexpr (std::is_same_v<T, PilotLeftAlliance>)
    return "PilotLeftAlliance";
  else if constexpr (std::is_same_v<T, CorpCreated>)
    return "CorpCreated";
  else if constexpr (std::is_same_v<T, CorpChanged>)
    return "CorpChanged";
  else if constexpr (std::is_same_v<T, CorpRemoved>)
    return "CorpRemoved";
  else if constexpr (std::is_same_v<T, ImportBatchCommitted>)
    return "ImportBatchCommitted";
  else if constexpr (std::is_same_v<T, ConflictDetected>)
    return "ConflictDetected";
  else if constexpr (std::is_same_v<T, ConflictResolved>)
    return "ConflictResolved";
  else if constexpr (std::is_same_v<T, EventReverted>)
    return "EventReverted";
  else {
    static_assert(std::is_same_v<T, SheetEditRejected>, "every payload type needs a name");
    return "SheetEditRejected";
  }
}

template <std::size_t... I>
std::vector<std::string_view> Names(std::index_sequence<I...>) {
  return {NameOf<std::variant_alternative_t<I, Payload>>()...};
}

// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm,
// via std::chrono so there is no hand-written calendar arithmetic).
std::int64_t DaysFromCivil(int y, unsigned m, unsigned d) {
  using namespace std::chrono;
  return sys_days{year{y} / month{m} / day{d}}.time_since_epoch().count();
}

// The fast path's arithmetic. Days since 1970-01-01 of a valid proleptic
// Gregorian date in years 0-9999: Howard Hinnant's days_from_civil (which
// std::chrono also uses), written out so that it needs no validated
// year_month_day, and shifted by one 400-year era so that every quantity is
// unsigned and every division is by a constant.
constexpr std::int64_t DaysFromCivilArithmetic(unsigned y, unsigned m, unsigned d) {
  constexpr unsigned kDaysPerEra = 146097;
  const unsigned shifted = y + 400 - (m <= 2 ? 1 : 0);  // years from March, one era on
  const unsigned era = shifted / 400;
  const unsigned yoe = shifted - era * 400;                              // [0, 399]
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;  // [0, 365]
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;            // [0, 146096]
  return static_cast<std::int64_t>(era) * kDaysPerEra + doe - 719468 - kDaysPerEra;
}
static_assert(DaysFromCivilArithmetic(1970, 1, 1) == 0);
static_assert(DaysFromCivilArithmetic(2026, 12, 4) == 20791);
static_assert(DaysFromCivilArithmetic(0, 1, 1) == -719528);

// The canonical form, with '0' where any digit goes.
constexpr char kCanonicalFormat[] = "0000-00-00T00:00:00.000000Z";
constexpr std::size_t kCanonicalTimestampSize = sizeof kCanonicalFormat - 1;

std::uint64_t Load8(const void* p) {
  std::uint64_t word;
  std::memcpy(&word, p, sizeof word);
  return word;
}

// Whether the 8 bytes of `text` from `at` have digits where the canonical form
// has '0' and its own characters elsewhere. XOR with the form leaves 0-9 for a
// digit and 0 for a matching separator; the tests are bytewise, so they do not
// depend on the machine's byte order.
bool MatchesCanonicalFormat(const char* text, std::size_t at) {
  static constexpr auto kSeparators = [] {
    std::array<unsigned char, kCanonicalTimestampSize> mask{};
    for (std::size_t i = 0; i < mask.size(); ++i) mask[i] = kCanonicalFormat[i] == '0' ? 0 : 0xFF;
    return mask;
  }();
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  const std::uint64_t x = Load8(text + at) ^ Load8(kCanonicalFormat + at);
  const bool separators_match = (x & Load8(kSeparators.data() + at)) == 0;
  const bool digits = (((x + 0x76 * kOnes) | x) & (0x80 * kOnes)) == 0;  // every byte <= 9
  return separators_match && digits;
}

// Digits only: from_chars would also take a '-' and let "T-1:30" through.
bool ParseInt(std::string_view s, int& out) {
  if (s.empty() || s.front() == '-') return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

std::string_view SourceName(Source source) {
  switch (source) {
    case Source::kDiscord:
      return "discord";
    case Source::kSheet:
      return "sheet";
    case Source::kCli:
      return "cli";
    case Source::kSystem:
      return "system";
  }
  return "system";
}

std::optional<Source> ParseSource(std::string_view name) {
  for (Source s : {Source::kDiscord, Source::kSheet, Source::kCli, Source::kSystem}) {
    if (SourceName(s) == name) return s;
  }
  return std::nullopt;
}

std::string_view TypeName(const Payload& payload) {
  return std::visit([](const auto& p) { return NameOf<std::decay_t<decltype(p)>>(); }, payload);
}

const std::vector<std::string_view>& AllTypeNames() {
  static const std::vector<std::string_view> names =
      Names(std::make_index_sequence<std::variant_size_v<Payload>>());
  return names;
}

std::string PilotStream(std::string_view name) { return fmt::format("pilot/{}", name); }
std::string CorpStream(std::string_view ticker) { return fmt::format("corp/{}", ticker); }

std::pair<std::string_view, std::string_view> SplitStream(std::string_view stream) {
  auto slash = stream.find('/');
  if (slash == std::string_view::npos) return {std::string_view(), stream};
  return {stream.substr(0, slash), stream.substr(slash + 1)};
}

std::string FormatTimestamp(std::int64_t ts_us) {
  using namespace std::chrono;
  const sys_time<microseconds> tp{microseconds{ts_us}};
  const auto days = floor<std::chrono::days>(tp);
  const year_month_day ymd{days};
  const hh_mm_ss hms{tp - days};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", int(ymd.year()),
                     unsigned(ymd.month()), unsigned(ymd.day()), hms.hours().count(),
                     hms.minutes().count(), hms.seconds().count(), hms.subseconds().count());
}

std::optional<std::int64_t> ParseCanonicalTimestamp(std::string_view t) {
  // Four overlapping words cover the 27 bytes.
  if (t.size() != kCanonicalTimestampSize || !MatchesCanonicalFormat(t.data(), 0) ||
      !MatchesCanonicalFormat(t.data(), 8) || !MatchesCanonicalFormat(t.data(), 16) ||
      !MatchesCanonicalFormat(t.data(), kCanonicalTimestampSize - 8)) {
    return std::nullopt;
  }
  auto number = [&t](std::size_t at, std::size_t n) {
    unsigned value = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      value = value * 10 + static_cast<unsigned>(t[i] - '0');
    }
    return value;
  };
  const unsigned y = number(0, 4), mo = number(5, 2), d = number(8, 2), h = number(11, 2),
                 mi = number(14, 2), s = number(17, 2), us = number(20, 6);
  // The general parser's limits: a valid date, and up to 23:59:60 (a leap second).
  static constexpr unsigned kDaysInMonth[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
  if (mo < 1 || mo > 12 || d < 1 || d > kDaysInMonth[mo - 1] + (mo == 2 && leap ? 1 : 0) ||
      h > 23 || mi > 59 || s > 60) {
    return std::nullopt;
  }
  const std::int64_t days = DaysFromCivilArithmetic(y, mo, d);
  return ((days * 24 + h) * 60 + mi) * 60'000'000LL + s * 1'000'000LL + us;
}

std::optional<std::int64_t> ParseTimestamp(std::string_view t) {
  // Every stored record's timestamp takes the fast path.
  if (t.size() == kCanonicalTimestampSize) {
    if (auto parsed = ParseCanonicalTimestamp(t)) return parsed;
  }
  // YYYY-MM-DD, then optionally [T ]HH:MM[:SS[.ffffff]], then optionally Z.
  if (t.size() < 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
  int y, mo, d, h = 0, mi = 0, s = 0;
  if (!ParseInt(t.substr(0, 4), y) || !ParseInt(t.substr(5, 2), mo) ||
      !ParseInt(t.substr(8, 2), d)) {
    return std::nullopt;
  }
  using namespace std::chrono;
  const year_month_day ymd{year{y}, month(static_cast<unsigned>(mo)),
                           day(static_cast<unsigned>(d))};
  if (!ymd.ok()) return std::nullopt;
  std::int64_t micros = 0;
  std::string_view rest = t.substr(10);
  if (!rest.empty() && rest.back() == 'Z') rest.remove_suffix(1);
  if (!rest.empty()) {
    if ((rest[0] != 'T' && rest[0] != ' ') || rest.size() < 6 || rest[3] != ':') {
      return std::nullopt;
    }
    if (!ParseInt(rest.substr(1, 2), h) || !ParseInt(rest.substr(4, 2), mi)) return std::nullopt;
    rest = rest.substr(6);
    if (!rest.empty()) {
      if (rest[0] != ':' || rest.size() < 3 || !ParseInt(rest.substr(1, 2), s)) {
        return std::nullopt;
      }
      rest = rest.substr(3);
      if (!rest.empty()) {
        if (rest[0] != '.' || rest.size() < 2 || rest.size() > 7) return std::nullopt;
        std::string frac(rest.substr(1));
        frac.resize(6, '0');
        int f;
        if (!ParseInt(frac, f)) return std::nullopt;
        micros = f;
      }
    }
    if (h > 23 || mi > 59 || s > 60) return std::nullopt;
  }
  const std::int64_t days = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  return ((days * 24 + h) * 60 + mi) * 60'000'000LL + s * 1'000'000LL + micros;
}

}  // namespace kraken
