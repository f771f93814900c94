#pragma once
// The facts KRAKEN records. An Event is immutable once appended: corrections are
// new events. The JSON encoding of every field is specified in docs/event-format.md.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace kraken {

// The schema version new events are written with. Older records are brought up to
// it by the decoder's upcasters (events/upcaster.h).
inline constexpr std::uint32_t kCurrentSchemaVersion = 1;

// Where a change came from.
enum class Source : std::uint8_t { kDiscord, kSheet, kCli, kSystem };
std::string_view SourceName(Source source);  // "discord", "sheet", "cli", "system"
std::optional<Source> ParseSource(std::string_view name);

// Column name -> value. Values are text validated against the schema
// (events/schema.h); an empty value clears the field.
using Fields = std::map<std::string, std::string, std::less<>>;

// The catalogue. Pilot events live on stream "pilot/<name>", corp events on
// "corp/<ticker>"; the key is taken from the stream, not repeated in the payload.
struct PilotRegistered {
  Fields fields;  // initial values of any columns but the key
};
struct PilotFieldsChanged {
  Fields changes;  // only the fields that changed, with their new values
};
struct PilotLinkedToDiscord {
  std::string user_id;  // Discord snowflake; empty unlinks
};
struct AltLinked {
  std::string main;  // the main pilot this pilot is now an alt of
};
struct AltUnlinked {
  std::string main;  // the main it was an alt of
};
struct PilotLeftAlliance {
  std::string reason;
};
struct CorpCreated {
  Fields fields;
};
struct CorpChanged {
  Fields changes;
};
struct CorpRemoved {
  std::string reason;
};
// On stream "import/<batch>": closes one atomic bulk import.
struct ImportBatchCommitted {
  std::string batch_id;
  std::string origin;  // the file or sheet imported
  std::uint64_t rows_added = 0;
  std::uint64_t rows_changed = 0;
  std::uint64_t rows_removed = 0;
  std::uint64_t cells_rejected = 0;
};
// On stream "conflict/<id>": the same cell changed in the sheet and in the log.
struct ConflictDetected {
  std::string conflict_id;
  std::string table;  // "pilot" or "corp"
  std::string key;
  std::string field;
  std::string sheet_value;
  std::string log_value;
  std::uint64_t log_seq = 0;  // the event that set log_value
  std::string sheet_origin;   // e.g. "Pilots!C12"
};
struct ConflictResolved {
  std::string conflict_id;
  std::string winner;  // "sheet", "log" or "admin"
  std::string value;   // the value that stands
  std::string policy;  // "sheet-wins", "log-wins" or "manual"
};
// On the reverted event's stream, after the compensating events.
struct EventReverted {
  std::uint64_t reverted_seq = 0;
};
// On stream "rejection/<id>": an edit made in the sheet that was not applied,
// kept so that no admin's edit disappears without a trace.
struct SheetEditRejected {
  std::string table;  // "pilot" or "corp"
  std::string key;    // the row's key, as the sheet had it ("" if it had none)
  std::string field;  // "" when the whole row was rejected
  std::string value;  // what the sheet held
  std::string reason;
  std::string sheet_origin;  // e.g. "Pilots!C12"
};

using Payload =
    std::variant<PilotRegistered, PilotFieldsChanged, PilotLinkedToDiscord, AltLinked, AltUnlinked,
                 PilotLeftAlliance, CorpCreated, CorpChanged, CorpRemoved, ImportBatchCommitted,
                 ConflictDetected, ConflictResolved, EventReverted, SheetEditRejected>;

// The type's name as stored: "PilotRegistered", ...
std::string_view TypeName(const Payload& payload);
// Every type name, in catalogue order (for help texts and filters).
const std::vector<std::string_view>& AllTypeNames();

struct Event {
  // Assigned by the log on append: gapless global sequence from 1, version within
  // the stream from 1, UTC time in microseconds since the epoch, chained hash.
  std::uint64_t seq = 0;
  std::uint64_t version = 0;
  std::int64_t ts_us = 0;
  std::string hash;  // 64 lower-case hex digits; see docs/event-format.md

  // Set by whoever records the fact.
  std::string stream;  // "pilot/<name>", "corp/<ticker>", "import/<id>", "conflict/<id>"
  Source source = Source::kSystem;
  std::string actor;            // Discord user id, sheet id, admin name
  std::string idempotency_key;  // empty: none
  std::string correlation_id;   // empty: none; one import batch, one sync cycle
  std::uint32_t schema_version = kCurrentSchemaVersion;
  Payload payload;

  std::string_view type() const { return TypeName(payload); }
};

// Stream names.
std::string PilotStream(std::string_view name);
std::string CorpStream(std::string_view ticker);
// "pilot/Kaelen Voss" -> {"pilot", "Kaelen Voss"}; a stream without '/' has an empty kind.
std::pair<std::string_view, std::string_view> SplitStream(std::string_view stream);

// UTC time formatting: "2026-12-04T15:31:53.123456Z", and its parser which also
// takes "2026-12-04", "2026-12-04T15:31", "2026-12-04 15:31:53" (all UTC).
std::string FormatTimestamp(std::int64_t ts_us);
std::optional<std::int64_t> ParseTimestamp(std::string_view text);
// ParseTimestamp's fast path, which it tries first: only the exact form
// FormatTimestamp writes for years 0000-9999 ("YYYY-MM-DDTHH:MM:SS.ffffffZ", 27
// characters), read with digit arithmetic. Where it gives a value, ParseTimestamp's
// general parser gives the same; anything else, valid or not, is nullopt.
std::optional<std::int64_t> ParseCanonicalTimestamp(std::string_view text);

}  // namespace kraken
