#pragma once
// How the CLI shows tables and events: as text for people and JSON for scripts.

#include <string>
#include <vector>

#include "events/event.h"
#include "events/schema.h"
#include "projections/roster.h"

namespace kraken::cli {

// The rows as a table (all columns of the schema), or as a JSON array of objects.
std::string RowsText(const Schema& schema, Table table, const std::vector<const Row*>& rows);
std::string RowsJson(const Schema& schema, Table table, const std::vector<const Row*>& rows);

// The payload in a few words: "corp=KRKN, clone=Omega", "alt of Kaelen Voss".
std::string DescribePayload(const Payload& payload);
// "2026-12-04 15:31:53" (UTC, to the second) for tables.
std::string ShortTime(std::int64_t ts_us);

// Events as a table: SEQ TIME SOURCE ACTOR STREAM TYPE DETAILS.
std::string EventsText(const std::vector<Event>& events);
// One JSON object (no newline) with seq, ts, type, stream, version, source, actor,
// idempotency_key, correlation_id, schema_version, hash and data.
std::string EventJson(const Event& event);

}  // namespace kraken::cli
