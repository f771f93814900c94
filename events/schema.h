#pragma once
// The roster's columns: a fixed core for pilots and corps, plus the extra columns
// admins declare in the config file. Every value is validated here, by type,
// before anything is appended. Checks that need the current tables (does the corp
// exist?) are the application's (src/app/roster_service.h).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "events/result.h"

namespace kraken {

enum class Table { kPilot, kCorp };
// "pilot", "corp". Inline: every event folded compares its stream's kind with it.
constexpr std::string_view TableName(Table table) {
  return table == Table::kPilot ? "pilot" : "corp";
}

enum class ColumnType { kText, kInteger, kEnum, kDate, kPilotRef, kCorpRef, kDiscordId };
std::string_view ColumnTypeName(ColumnType type);  // "text", "integer", "enum", ...
std::optional<ColumnType> ParseColumnType(std::string_view name);

// Who may change a column's value.
enum class Editor {
  kSelf,    // the pilot themselves (for their own pilot and alts), and admins
  kAdmin,   // admins only
  kSystem,  // only through a dedicated command (the key, Discord link, main)
};

struct Column {
  std::string name;  // lower-case identifier: [a-z][a-z0-9_]*
  ColumnType type = ColumnType::kText;
  std::vector<std::string> enum_values;  // with kEnum, in display case
  Editor editor = Editor::kAdmin;
  bool core = false;  // built in, not declared in config
  std::size_t max_length = 200;
  std::string description;
};

// Positions of the core columns in Schema::columns(); declared columns follow them.
inline constexpr std::size_t kPilotName = 0, kPilotDiscordId = 1, kPilotCorp = 2, kPilotClone = 3,
                             kPilotMain = 4, kPilotTimezone = 5, kPilotNotes = 6;
inline constexpr std::size_t kCorpTicker = 0, kCorpName = 1, kCorpCeo = 2, kCorpStatus = 3;

class Schema {
 public:
  // The core columns only.
  //   pilot: name (key), discord_id, corp, clone (Alpha/Omega), main, timezone, notes
  //   corp:  ticker (key, at most 5 characters), name, ceo, status (member/blue/former)
  static Schema Core();

  // Adds an admin-declared column. kInvalidArgument on a bad or taken name, or an
  // enum without values.
  Status AddColumn(Table table, Column column);

  const std::vector<Column>& columns(Table table) const;
  // Index of a column in columns(table), by exact name.
  std::optional<std::size_t> IndexOf(Table table, std::string_view name) const;
  const Column* Find(Table table, std::string_view name) const;

  // Validates `value` for `column` and returns its canonical form: enum values in
  // their declared case, dates as YYYY-MM-DD, integers without leading '+' or
  // zeros, text trimmed. Empty clears the field. The error names the column, the
  // value and what is allowed.
  Result<std::string> Normalize(Table table, std::string_view column, std::string_view value) const;

  // Changes whenever the columns change, so cached projections can be discarded.
  std::uint64_t Fingerprint() const;

 private:
  std::vector<Column> pilot_columns_;
  std::vector<Column> corp_columns_;
};

// Validates a key: a pilot name (1-37 characters of UTF-8 text, no control
// characters, no leading, trailing or doubled spaces), or a corp ticker (1-5
// characters: letters, digits, '.', '-', '_'). The error says what is allowed.
Status ValidateKey(Table table, std::string_view key);

// `s` without the spaces and tabs around it: blanks a spreadsheet or a file
// leaves around a value are not part of it.
std::string_view Trim(std::string_view s);

// Case-insensitive ASCII comparison, used for keys and enum values.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
std::string ToLower(std::string_view s);

}  // namespace kraken
