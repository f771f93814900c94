#include "events/schema.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <chrono>

#include "events/utf8.h"

namespace kraken {
namespace {

Column CoreColumn(std::string name, ColumnType type, Editor editor, std::string description,
                  std::vector<std::string> enum_values = {}) {
  Column c;
  c.name = std::move(name);
  c.type = type;
  c.editor = editor;
  c.core = true;
  c.description = std::move(description);
  c.enum_values = std::move(enum_values);
  return c;
}

bool IsIdentifier(std::string_view s) {
  if (s.empty() || s.size() > 32 || !(s[0] >= 'a' && s[0] <= 'z')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

Result<std::string> NormalizeDate(const Column& col, std::string_view v) {
  int y = 0;
  unsigned m = 0, d = 0;
  auto bad = [&] {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("{} must be a date like 2026-12-04, not '{}'", col.name, v));
  };
  if (v.size() != 10 || v[4] != '-' || v[7] != '-') return bad();
  auto parse = [](std::string_view s, auto& out) {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && p == s.data() + s.size();
  };
  if (!parse(v.substr(0, 4), y) || !parse(v.substr(5, 2), m) || !parse(v.substr(8, 2), d)) {
    return bad();
  }
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m},
                                        std::chrono::day{d}};
  if (!ymd.ok()) return bad();
  return std::string(v);
}

}  // namespace

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string_view ColumnTypeName(ColumnType type) {
  switch (type) {
    case ColumnType::kText:
      return "text";
    case ColumnType::kInteger:
      return "integer";
    case ColumnType::kEnum:
      return "enum";
    case ColumnType::kDate:
      return "date";
    case ColumnType::kPilotRef:
      return "pilot";
    case ColumnType::kCorpRef:
      return "corp";
    case ColumnType::kDiscordId:
      return "discord_id";
  }
  return "text";
}

std::optional<ColumnType> ParseColumnType(std::string_view name) {
  for (ColumnType t : {ColumnType::kText, ColumnType::kInteger, ColumnType::kEnum,
                       ColumnType::kDate, ColumnType::kPilotRef, ColumnType::kCorpRef}) {
    if (ColumnTypeName(t) == name) return t;
  }
  return std::nullopt;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [&](char x, char y) { return lower(x) == lower(y); });
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

Schema Schema::Core() {
  Schema s;
  s.pilot_columns_ = {
      CoreColumn("name", ColumnType::kText, Editor::kSystem, "in-game name; the row's key"),
      CoreColumn("discord_id", ColumnType::kDiscordId, Editor::kSystem,
                 "linked Discord user; set by /pilot register or `kraken pilot link`"),
      CoreColumn("corp", ColumnType::kCorpRef, Editor::kSelf, "corp ticker"),
      CoreColumn("clone", ColumnType::kEnum, Editor::kSelf, "clone state", {"Alpha", "Omega"}),
      CoreColumn("main", ColumnType::kPilotRef, Editor::kSystem,
                 "the main pilot, for alts; set by `kraken pilot alt`"),
      CoreColumn("timezone", ColumnType::kText, Editor::kSelf, "e.g. UTC+2 or Europe/Berlin"),
      CoreColumn("notes", ColumnType::kText, Editor::kSelf, "free text"),
  };
  s.corp_columns_ = {
      CoreColumn("ticker", ColumnType::kText, Editor::kSystem, "up to 5 characters; the row's key"),
      CoreColumn("name", ColumnType::kText, Editor::kAdmin, "full corp name"),
      CoreColumn("ceo", ColumnType::kPilotRef, Editor::kAdmin, "CEO pilot"),
      CoreColumn("status", ColumnType::kEnum, Editor::kAdmin, "standing in the alliance",
                 {"member", "blue", "former"}),
  };
  s.pilot_columns_[kPilotNotes].max_length = 500;
  return s;
}

Status Schema::AddColumn(Table table, Column column) {
  if (!IsIdentifier(column.name)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("column name '{}' must be lower-case letters, digits and '_', "
                                 "starting with a letter, at most 32 characters",
                                 column.name));
  }
  if (Find(table, column.name) != nullptr) {
    return MakeError(ErrorCode::kAlreadyExists,
                     fmt::format("{} column '{}' exists already; pick another name",
                                 TableName(table), column.name));
  }
  if (column.type == ColumnType::kEnum && column.enum_values.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("enum column '{}' needs a list of values", column.name));
  }
  if (column.type == ColumnType::kDiscordId || column.editor == Editor::kSystem) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("column '{}': declared columns are editable by 'self' or "
                                 "'admin' and typed text, integer, enum, date, pilot or corp",
                                 column.name));
  }
  column.core = false;
  (table == Table::kPilot ? pilot_columns_ : corp_columns_).push_back(std::move(column));
  return Ok{};
}

const std::vector<Column>& Schema::columns(Table table) const {
  return table == Table::kPilot ? pilot_columns_ : corp_columns_;
}

std::optional<std::size_t> Schema::IndexOf(Table table, std::string_view name) const {
  // Folding looks up every changed field here. Length and first letter rule out
  // nearly every other column before a full comparison.
  if (name.empty()) return std::nullopt;
  const auto& cols = columns(table);
  for (std::size_t i = 0; i < cols.size(); ++i) {
    const std::string& candidate = cols[i].name;
    if (candidate.size() == name.size() && candidate[0] == name[0] && candidate == name) return i;
  }
  return std::nullopt;
}

const Column* Schema::Find(Table table, std::string_view name) const {
  auto i = IndexOf(table, name);
  return i ? &columns(table)[*i] : nullptr;
}

Result<std::string> Schema::Normalize(Table table, std::string_view column,
                                      std::string_view raw) const {
  const Column* col = Find(table, column);
  if (col == nullptr) {
    std::vector<std::string_view> names;
    for (const auto& c : columns(table)) names.push_back(c.name);
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("{} has no column '{}'; columns are: {}", TableName(table), column,
                                 fmt::join(names, ", ")));
  }
  const std::string_view v = Trim(raw);
  if (v.empty()) return std::string();
  auto length = CountPrintableCodePoints(v);
  if (!length) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("{} must be UTF-8 text without control characters", col->name));
  }
  if (*length > col->max_length) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("{} is {} characters long; at most {} are allowed", col->name,
                                 *length, col->max_length));
  }
  switch (col->type) {
    case ColumnType::kText:
      return std::string(v);
    case ColumnType::kInteger: {
      long long n = 0;
      std::string_view digits = v.front() == '+' ? v.substr(1) : v;
      auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
      if (ec != std::errc() || p != digits.data() + digits.size() || digits.empty()) {
        return MakeError(ErrorCode::kInvalidArgument,
                         fmt::format("{} must be a whole number, not '{}'", col->name, v));
      }
      return std::to_string(n);
    }
    case ColumnType::kEnum: {
      for (const auto& allowed : col->enum_values) {
        if (EqualsIgnoreCase(allowed, v)) return allowed;
      }
      return MakeError(ErrorCode::kInvalidArgument,
                       fmt::format("{} must be one of {}, not '{}'", col->name,
                                   fmt::join(col->enum_values, ", "), v));
    }
    case ColumnType::kDate:
      return NormalizeDate(*col, v);
    case ColumnType::kPilotRef: {
      KRAKEN_RETURN_IF_ERROR(ValidateKey(Table::kPilot, v));
      return std::string(v);
    }
    case ColumnType::kCorpRef: {
      KRAKEN_RETURN_IF_ERROR(ValidateKey(Table::kCorp, v));
      return std::string(v);
    }
    case ColumnType::kDiscordId: {
      const bool digits =
          v.size() >= 5 && v.size() <= 20 &&
          std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
      if (!digits) {
        return MakeError(
            ErrorCode::kInvalidArgument,
            fmt::format("{} must be a Discord user id (5-20 digits), not '{}'", col->name, v));
      }
      return std::string(v);
    }
  }
  return std::string(v);
}

std::uint64_t Schema::Fingerprint() const {
  // FNV-1a over a canonical description of every column.
  std::uint64_t h = 1469598103934665603ULL;
  auto mix = [&h](std::string_view s) {
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
    h = (h ^ 0xFF) * 1099511628211ULL;
  };
  for (Table t : {Table::kPilot, Table::kCorp}) {
    mix(TableName(t));
    for (const auto& c : columns(t)) {
      mix(c.name);
      mix(ColumnTypeName(c.type));
      for (const auto& e : c.enum_values) mix(e);
    }
  }
  return h;
}

Status ValidateKey(Table table, std::string_view key) {
  if (table == Table::kCorp) {
    const bool ok =
        !key.empty() && key.size() <= 5 && std::all_of(key.begin(), key.end(), [](char c) {
          return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                 c == '.' || c == '-' || c == '_';
        });
    if (!ok) {
      return MakeError(ErrorCode::kInvalidArgument,
                       fmt::format("corp ticker '{}' must be 1 to 5 letters, digits, '.', '-' "
                                   "or '_'",
                                   key));
    }
    return Ok{};
  }
  auto length = CountPrintableCodePoints(key);
  const bool spaced = !key.empty() && (key.front() == ' ' || key.back() == ' ' ||
                                       key.find("  ") != std::string_view::npos);
  if (!length || *length == 0 || *length > 37 || spaced) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("pilot name '{}' must be 1 to 37 characters, without control "
                                 "characters or leading, trailing or doubled spaces",
                                 key));
  }
  return Ok{};
}

}  // namespace kraken
