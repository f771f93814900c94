#include "src/app/revert_planner.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "src/app/command_support.h"
#include "src/store/event_log.h"

namespace kraken {
namespace {

using command_support::NewEvent;

bool IsMarker(const Event& e) { return std::holds_alternative<ImportBatchCommitted>(e.payload); }

Status CheckRevertible(const Event& e) {
  if (std::holds_alternative<EventReverted>(e.payload)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("event {} records a revert; to redo the original change, run "
                                 "its command again",
                                 e.seq));
  }
  if (std::holds_alternative<SheetEditRejected>(e.payload)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("event {} records a sheet edit that was not applied; there is "
                                 "nothing to revert",
                                 e.seq));
  }
  if (std::holds_alternative<ConflictDetected>(e.payload) ||
      std::holds_alternative<ConflictResolved>(e.payload)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("event {} is a conflict record, which changed nothing itself; "
                                 "revert the change that carried the value instead, or set the "
                                 "value with `kraken pilot set` or `kraken corp set`",
                                 e.seq));
  }
  return Ok{};
}

// The columns an event sets, for notes about later changes that are kept.
std::vector<std::string> ColumnsSetBy(const Event& e) {
  std::vector<std::string> out;
  std::visit(
      [&](const auto& p) {
        using T = std::decay_t<decltype(p)>;
        if constexpr (std::is_same_v<T, PilotFieldsChanged> || std::is_same_v<T, CorpChanged>) {
          for (const auto& [k, v] : p.changes) out.push_back(k);
        } else if constexpr (std::is_same_v<T, PilotLinkedToDiscord>) {
          out.push_back("discord_id");
        } else if constexpr (std::is_same_v<T, AltLinked> || std::is_same_v<T, AltUnlinked>) {
          out.push_back("main");
        }
      },
      e.payload);
  return out;
}

// One row a revert touches: as it is now, and as it would be had the reverted
// events never happened.
struct AffectedRow {
  Table table = Table::kPilot;
  std::string key;  // the stored spelling if the row exists
  std::string stream;
  const Row* current = nullptr;  // null: the row does not exist now
  std::optional<Row> target;     // nullopt: it would not exist
  std::vector<const Event*> reverted;
  std::map<std::string, std::uint64_t> last_set;  // column -> last non-reverted event setting it
};

class RevertBuilder {
 public:
  RevertBuilder(const AllianceState& state, Plan& plan, const std::vector<AffectedRow>& rows)
      : state_(state), schema_(state.roster().schema()), plan_(plan) {
    for (const AffectedRow& row : rows) affected_.emplace(Id(row.table, row.key), &row);
  }

  void Expect(const std::string& stream) {
    plan_.expected_versions.emplace(stream, state_.versions().Get(stream));
  }
  void Add(const std::string& stream, Payload payload) {
    Expect(stream);
    plan_.events.push_back(NewEvent(stream, std::move(payload)));
    ++compensations_;
  }
  std::size_t compensations() const { return compensations_; }

  // Emits events that turn the row as it is into the row as it would be. References
  // are checked against the tables as the whole revert leaves them, so a main or a
  // CEO the same revert brings back is linked again.
  Status Compensate(const AffectedRow& row, std::vector<std::string>& notes) {
    const Row* current = row.current;
    const Row* target = row.target ? &*row.target : nullptr;
    if (current == nullptr && target == nullptr) return Ok{};
    if (target == nullptr) return RemoveRow(row.table, row.stream, *current, notes);
    const auto& columns = schema_.columns(row.table);
    Fields plain;
    for (std::size_t i = 1; i < columns.size(); ++i) {
      if (row.table == Table::kPilot && (i == kPilotDiscordId || i == kPilotMain)) continue;
      const std::string have = current ? current->values[i] : std::string();
      std::string want = target->values[i];
      if (!want.empty() && !ReferenceExists(columns[i], want)) {
        const bool keep = !have.empty() && ReferenceExists(columns[i], have);
        notes.push_back(fmt::format("{} {}: {} '{}' no longer exists; {}", TableName(row.table),
                                    row.key, columns[i].name, want,
                                    keep ? "left as is" : "left empty"));
        want = keep ? have : std::string();
      }
      if (want != have) plain.emplace(columns[i].name, std::move(want));
    }
    if (current == nullptr) {
      Add(row.stream, row.table == Table::kPilot ? Payload(PilotRegistered{plain})
                                                 : Payload(CorpCreated{plain}));
    } else if (!plain.empty()) {
      Add(row.stream, row.table == Table::kPilot ? Payload(PilotFieldsChanged{plain})
                                                 : Payload(CorpChanged{plain}));
    }
    if (row.table != Table::kPilot) return Ok{};
    const std::string have_id = current ? current->values[kPilotDiscordId] : "";
    if (target->values[kPilotDiscordId] != have_id) {
      Add(row.stream, PilotLinkedToDiscord{target->values[kPilotDiscordId]});
    }
    const std::string have_main = current ? current->values[kPilotMain] : "";
    std::string want_main = target->values[kPilotMain];
    if (!want_main.empty()) {
      if (const Row* main = After(Table::kPilot, want_main); IsMain(main)) {
        want_main = main->key();
      } else {
        const bool keep = !have_main.empty() && IsMain(After(Table::kPilot, have_main));
        notes.push_back(fmt::format("pilot {}: main '{}' is gone or is an alt now; {}", row.key,
                                    want_main, keep ? "left as is" : "unlinked"));
        want_main = keep ? have_main : std::string();
      }
    }
    if (want_main != have_main) {
      Add(row.stream,
          want_main.empty() ? Payload(AltUnlinked{have_main}) : Payload(AltLinked{want_main}));
    }
    return Ok{};
  }

 private:
  using RowId = std::pair<Table, std::string>;  // the key in lower case
  static RowId Id(Table table, std::string_view key) { return {table, ToLower(key)}; }

  bool Affected(Table table, std::string_view key) const {
    return affected_.contains(Id(table, key));
  }
  // The row as it will be once the whole revert is applied.
  const Row* After(Table table, std::string_view key) const {
    auto it = affected_.find(Id(table, key));
    if (it == affected_.end()) return state_.roster().Find(table, key);
    return it->second->target ? &*it->second->target : nullptr;
  }
  static bool IsMain(const Row* pilot) {
    return pilot != nullptr && pilot->values[kPilotMain].empty();
  }
  bool ReferenceExists(const Column& column, const std::string& value) const {
    if (column.type == ColumnType::kCorpRef) return After(Table::kCorp, value) != nullptr;
    if (column.type == ColumnType::kPilotRef) return After(Table::kPilot, value) != nullptr;
    return true;
  }

  // Rows the revert touches itself are left to their own compensation, which
  // knows what they should become; only the others are unlinked here.
  Status RemoveRow(Table table, const std::string& stream, const Row& current,
                   std::vector<std::string>& notes) {
    if (table == Table::kCorp) {
      for (const Row* p : state_.roster().Rows(Table::kPilot)) {
        if (p->values[kPilotCorp] == current.key()) {
          return MakeError(ErrorCode::kInvalidArgument,
                           fmt::format("reverting would remove corp {}, which has pilots now; "
                                       "move them first",
                                       current.key()));
        }
      }
      Add(stream, CorpRemoved{"reverted"});
      return Ok{};
    }
    for (const Row* alt : state_.roster().AltsOf(current.key())) {
      if (Affected(Table::kPilot, alt->key())) continue;
      Add(PilotStream(alt->key()), AltUnlinked{current.key()});
      notes.push_back(fmt::format("unlinked alt {}", alt->key()));
    }
    for (const Row* corp : state_.roster().Rows(Table::kCorp)) {
      if (corp->values[kCorpCeo] != current.key() || Affected(Table::kCorp, corp->key())) continue;
      Add(CorpStream(corp->key()), CorpChanged{Fields{{"ceo", ""}}});
      notes.push_back(fmt::format("cleared as CEO of {}", corp->key()));
    }
    Add(stream, PilotLeftAlliance{"reverted"});
    return Ok{};
  }

  const AllianceState& state_;
  const Schema& schema_;
  Plan& plan_;
  std::map<RowId, const AffectedRow*> affected_;
  std::size_t compensations_ = 0;
};

}  // namespace

Result<std::vector<Event>> BatchEvents(const EventLog& log, std::string_view batch_id) {
  std::vector<Event> out;
  KRAKEN_ASSIGN_OR_RETURN(const std::uint64_t head, log.Head());
  KRAKEN_RETURN_IF_ERROR(log.Scan(1, head, [&](const Event& e) {
    if (e.correlation_id == batch_id) out.push_back(e);
    return true;
  }));
  if (out.empty()) {
    return MakeError(ErrorCode::kNotFound,
                     fmt::format("no events with batch id '{}'; list imports with `kraken log "
                                 "--type ImportBatchCommitted`",
                                 batch_id));
  }
  return out;
}

Result<std::vector<Event>> RevertTargets(const EventLog& log, std::uint64_t seq) {
  KRAKEN_ASSIGN_OR_RETURN(Event e, log.Get(seq));
  if (IsMarker(e)) return BatchEvents(log, std::get<ImportBatchCommitted>(e.payload).batch_id);
  // One command's batch (a leave with its alt unlinks) is undone as a whole.
  if (e.correlation_id.starts_with(kCommandBatchPrefix)) return BatchEvents(log, e.correlation_id);
  return std::vector<Event>{std::move(e)};
}

std::string RevertKey(const std::vector<Event>& targets) {
  std::vector<std::uint64_t> seqs;
  for (const Event& e : targets) seqs.push_back(e.seq);
  std::string listed = fmt::format("revert:{}", fmt::join(seqs, ","));
  // The log takes idempotency keys of up to kMaxIdempotencyKeyBytes. Keys that
  // fit keep the form every earlier revert was recorded with; a large batch is
  // named by its range, its size and a digest of its sequences instead.
  if (listed.size() <= kMaxIdempotencyKeyBytes || seqs.empty()) return listed;
  std::uint64_t digest = 1469598103934665603ULL;  // FNV-1a over the decimal list
  for (unsigned char c : listed) digest = (digest ^ c) * 1099511628211ULL;
  return fmt::format("revert:{}-{}:{}:{:016x}", seqs.front(), seqs.back(), seqs.size(), digest);
}

Result<Plan> PlanRevert(const AllianceState& state, const EventLog& log,
                        const std::vector<Event>& targets) {
  std::set<std::uint64_t> reverted;
  std::map<std::string, std::vector<const Event*>> by_stream;
  for (const Event& e : targets) {
    KRAKEN_RETURN_IF_ERROR(CheckRevertible(e));
    if (e.seq > state.seq()) {
      return MakeError(ErrorCode::kNotFound,
                       fmt::format("event {} is beyond the log's head", e.seq));
    }
    reverted.insert(e.seq);
    if (!IsMarker(e)) by_stream[e.stream].push_back(&e);
  }
  // Each affected row as it is, and as if the reverted events had never happened.
  const Schema& schema = state.roster().schema();
  std::vector<AffectedRow> rows;
  rows.reserve(by_stream.size());
  for (auto& [stream, events] : by_stream) {
    const auto [kind, key] = SplitStream(stream);
    AffectedRow row;
    row.table = kind == "corp" ? Table::kCorp : Table::kPilot;
    row.stream = stream;
    row.reverted = std::move(events);
    KRAKEN_ASSIGN_OR_RETURN(std::vector<Event> history, log.ReadStream(stream));
    Roster without(schema);
    for (const Event& e : history) {
      if (e.seq > state.seq()) break;
      if (reverted.contains(e.seq)) continue;
      without.Apply(e);
      for (const auto& column : ColumnsSetBy(e)) row.last_set[column] = e.seq;
    }
    row.current = state.roster().Find(row.table, key);
    row.key = row.current ? row.current->key() : std::string(key);
    if (const Row* target = without.Find(row.table, key)) row.target = *target;
    rows.push_back(std::move(row));
  }

  // Rows that come back first, so the events after them may refer to them.
  std::stable_partition(rows.begin(), rows.end(), [](const AffectedRow& r) {
    return r.current == nullptr && r.target.has_value();
  });
  Plan plan;
  RevertBuilder builder(state, plan, rows);
  std::vector<std::string> notes;
  for (const AffectedRow& row : rows) {
    KRAKEN_RETURN_IF_ERROR(builder.Compensate(row, notes));
    if (!row.target) continue;  // a removed row keeps no later change to name
    for (const Event* e : row.reverted) {
      for (const auto& column : ColumnsSetBy(*e)) {
        auto later = row.last_set.find(column);
        if (later != row.last_set.end() && later->second > e->seq) {
          notes.push_back(fmt::format("{} {}: kept, changed again later by event {}", row.key,
                                      column, later->second));
        }
      }
    }
  }
  if (builder.compensations() == 0) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        fmt::format("nothing to revert: later events already replaced every change "
                    "({})",
                    notes.empty() ? "no effect left" : fmt::format("{}", fmt::join(notes, "; "))));
  }
  for (const Event& e : targets) {
    builder.Expect(e.stream);
    plan.events.push_back(NewEvent(e.stream, EventReverted{e.seq}));
  }
  plan.summary =
      fmt::format("Reverted {} event(s) with {} compensating event(s){}{}", targets.size(),
                  builder.compensations(), notes.empty() ? "" : "; ", fmt::join(notes, "; "));
  return plan;
}

}  // namespace kraken
