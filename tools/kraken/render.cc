#include "tools/kraken/render.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "events/codec.h"
#include "events/json_text.h"
#include "tools/kraken/text_table.h"

namespace kraken::cli {
namespace {

std::string DescribeFields(const Fields& fields) {
  std::vector<std::string> parts;
  for (const auto& [k, v] : fields)
    parts.push_back(fmt::format("{}={}", k, v.empty() ? "(empty)" : v));
  return fmt::format("{}", fmt::join(parts, ", "));
}

}  // namespace

std::string RowsText(const Schema& schema, Table table, const std::vector<const Row*>& rows) {
  std::vector<std::string> header;
  for (const auto& c : schema.columns(table)) header.push_back(c.name);
  TextTable out(header);
  for (const Row* row : rows) out.AddRow(row->values);
  return out.Render() +
         fmt::format("({} {}{})\n", rows.size(), TableName(table), rows.size() == 1 ? "" : "s");
}

std::string RowsJson(const Schema& schema, Table table, const std::vector<const Row*>& rows) {
  std::string out = "[";
  const auto& columns = schema.columns(table);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    out += r == 0 ? "\n  {" : ",\n  {";
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (i > 0) out += ", ";
      AppendJsonString(out, columns[i].name);
      out += ": ";
      AppendJsonString(out, rows[r]->values[i]);
    }
    out += "}";
  }
  out += rows.empty() ? "]\n" : "\n]\n";
  return out;
}

std::string DescribePayload(const Payload& payload) {
  return std::visit(
      [](const auto& p) -> std::string {
        using T = std::decay_t<decltype(p)>;
        if constexpr (std::is_same_v<T, PilotRegistered> || std::is_same_v<T, CorpCreated>) {
          return DescribeFields(p.fields);
        } else if constexpr (std::is_same_v<T, PilotFieldsChanged> ||
                             std::is_same_v<T, CorpChanged>) {
          return DescribeFields(p.changes);
        } else if constexpr (std::is_same_v<T, PilotLinkedToDiscord>) {
          return p.user_id.empty() ? "unlinked from Discord" : "Discord user " + p.user_id;
        } else if constexpr (std::is_same_v<T, AltLinked>) {
          return "alt of " + p.main;
        } else if constexpr (std::is_same_v<T, AltUnlinked>) {
          return "no longer an alt of " + p.main;
        } else if constexpr (std::is_same_v<T, PilotLeftAlliance> ||
                             std::is_same_v<T, CorpRemoved>) {
          return p.reason;
        } else if constexpr (std::is_same_v<T, ImportBatchCommitted>) {
          return fmt::format("batch {} from {}: {} added, {} changed, {} removed, {} rejected",
                             p.batch_id, p.origin, p.rows_added, p.rows_changed, p.rows_removed,
                             p.cells_rejected);
        } else if constexpr (std::is_same_v<T, ConflictDetected>) {
          return fmt::format("{} {} {}: sheet '{}' vs log '{}'", p.table, p.key, p.field,
                             p.sheet_value, p.log_value);
        } else if constexpr (std::is_same_v<T, ConflictResolved>) {
          return fmt::format("{} wins ({}): '{}'", p.winner, p.policy, p.value);
        } else if constexpr (std::is_same_v<T, EventReverted>) {
          return fmt::format("reverted event {}", p.reverted_seq);
        } else {
          return fmt::format("sheet edit not applied at {}: {} {} {} '{}': {}", p.sheet_origin,
                             p.table, p.key, p.field, p.value, p.reason);
        }
      },
      payload);
}

std::string ShortTime(std::int64_t ts_us) {
  std::string t = FormatTimestamp(ts_us);  // 2026-12-04T15:31:53.123456Z
  t[10] = ' ';
  return t.substr(0, 19);
}

std::string EventsText(const std::vector<Event>& events) {
  TextTable out({"SEQ", "TIME (UTC)", "SOURCE", "ACTOR", "STREAM", "TYPE", "DETAILS"});
  for (const Event& e : events) {
    out.AddRow({std::to_string(e.seq), ShortTime(e.ts_us), std::string(SourceName(e.source)),
                e.actor, e.stream, std::string(e.type()), DescribePayload(e.payload)});
  }
  return out.Render(60);
}

std::string EventJson(const Event& e) {
  std::string out = fmt::format("{{\"seq\":{},\"ts\":\"{}\",\"type\":\"{}\",\"stream\":", e.seq,
                                FormatTimestamp(e.ts_us), e.type());
  AppendJsonString(out, e.stream);
  fmt::format_to(std::back_inserter(out), ",\"version\":{},\"source\":\"{}\",\"actor\":", e.version,
                 SourceName(e.source));
  AppendJsonString(out, e.actor);
  out += ",\"idempotency_key\":";
  AppendJsonString(out, e.idempotency_key);
  out += ",\"correlation_id\":";
  AppendJsonString(out, e.correlation_id);
  fmt::format_to(std::back_inserter(out), ",\"schema_version\":{},\"hash\":\"{}\",\"data\":{}}}",
                 e.schema_version, e.hash, EncodePayloadJson(e.payload));
  return out;
}

}  // namespace kraken::cli
