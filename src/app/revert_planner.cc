#include "src/app/revert_planner.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>
#include <set>

namespace kraken {
namespace {

Event NewEvent(std::string stream, Payload payload) {
  Event e;
  e.stream = std::move(stream);
  e.payload = std::move(payload);
  return e;
}

bool IsMarker(const Event& e) {
  return std::holds_alternative<ImportBatchCommitted>(e.payload);
}

Status CheckRevertible(const Event& e) {
  if (std::holds_alternative<EventReverted>(e.payload)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("event {} records a revert; to redo the original change, run "
                                 "its command again",
                                 e.seq));
  }
  if (std::holds_alternative<ConflictDetected>(e.payload) ||
      std::holds_alternative<ConflictResolved>(e.payload)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("event {} is a conflict record; resolve conflicts with `kraken "
                                 "conflicts` instead",
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

class RevertBuilder {
 public:
  RevertBuilder(const AllianceState& state, Plan& plan)
      : state_(state), schema_(state.roster().schema()), plan_(plan) {}

  void Expect(const std::string& stream) {
    plan_.expected_versions.emplace(stream, state_.versions().Get(stream));
  }
  void Add(const std::string& stream, Payload payload) {
    Expect(stream);
    plan_.events.push_back(NewEvent(stream, std::move(payload)));
    ++compensations_;
  }
  std::size_t compensations() const { return compensations_; }

  // Emits events that turn `current` into `target` (either may be null).
  Status Compensate(Table table, const std::string& key, const Row* current, const Row* target,
                    std::vector<std::string>& notes) {
    const std::string stream = table == Table::kPilot ? PilotStream(key) : CorpStream(key);
    if (current == nullptr && target == nullptr) return Ok{};
    if (target == nullptr) return RemoveRow(table, stream, *current, notes);
    const auto& columns = schema_.columns(table);
    Fields plain;
    for (std::size_t i = 1; i < columns.size(); ++i) {
      const std::string& want = target->values[i];
      const std::string& have = current ? current->values[i] : std::string();
      if (want == have && current != nullptr) continue;
      if (want.empty() && current == nullptr) continue;
      if (table == Table::kPilot && (i == kPilotDiscordId || i == kPilotMain)) continue;
      if (!want.empty() && !ReferenceExists(columns[i], want)) {
        notes.push_back(fmt::format("{} {}: {} '{}' no longer exists; left as is", TableName(table),
                                    key, columns[i].name, want));
        continue;
      }
      plain.emplace(columns[i].name, want);
    }
    if (current == nullptr) {
      Add(stream, table == Table::kPilot ? Payload(PilotRegistered{plain}) : Payload(CorpCreated{plain}));
    } else if (!plain.empty()) {
      Add(stream, table == Table::kPilot ? Payload(PilotFieldsChanged{plain}) : Payload(CorpChanged{plain}));
    }
    if (table != Table::kPilot) return Ok{};
    const std::string have_id = current ? current->values[kPilotDiscordId] : "";
    if (target->values[kPilotDiscordId] != have_id) {
      Add(stream, PilotLinkedToDiscord{target->values[kPilotDiscordId]});
    }
    const std::string have_main = current ? current->values[kPilotMain] : "";
    const std::string& want_main = target->values[kPilotMain];
    if (want_main != have_main) {
      const Row* main = state_.roster().Find(Table::kPilot, want_main);
      if (want_main.empty()) {
        Add(stream, AltUnlinked{have_main});
      } else if (main == nullptr || !main->values[kPilotMain].empty()) {
        notes.push_back(fmt::format("pilot {}: main '{}' is gone or is an alt now; left as is",
                                    key, want_main));
      } else {
        Add(stream, AltLinked{main->key()});
      }
    }
    return Ok{};
  }

 private:
  bool ReferenceExists(const Column& column, const std::string& value) const {
    if (column.type == ColumnType::kCorpRef) return state_.roster().Find(Table::kCorp, value) != nullptr;
    if (column.type == ColumnType::kPilotRef) return state_.roster().Find(Table::kPilot, value) != nullptr;
    return true;
  }

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
      Add(PilotStream(alt->key()), AltUnlinked{current.key()});
      notes.push_back(fmt::format("unlinked alt {}", alt->key()));
    }
    for (const Row* corp : state_.roster().Rows(Table::kCorp)) {
      if (corp->values[kCorpCeo] != current.key()) continue;
      Add(CorpStream(corp->key()), CorpChanged{Fields{{"ceo", ""}}});
      notes.push_back(fmt::format("cleared as CEO of {}", corp->key()));
    }
    Add(stream, PilotLeftAlliance{"reverted"});
    return Ok{};
  }

  const AllianceState& state_;
  const Schema& schema_;
  Plan& plan_;
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
  return std::vector<Event>{std::move(e)};
}

std::string RevertKey(const std::vector<Event>& targets) {
  std::vector<std::uint64_t> seqs;
  for (const Event& e : targets) seqs.push_back(e.seq);
  return fmt::format("revert:{}", fmt::join(seqs, ","));
}

Result<Plan> PlanRevert(const AllianceState& state, const EventLog& log,
                        const std::vector<Event>& targets) {
  std::set<std::uint64_t> reverted;
  std::map<std::string, std::vector<const Event*>> by_stream;
  for (const Event& e : targets) {
    KRAKEN_RETURN_IF_ERROR(CheckRevertible(e));
    if (e.seq > state.seq()) {
      return MakeError(ErrorCode::kNotFound, fmt::format("event {} is beyond the log's head", e.seq));
    }
    reverted.insert(e.seq);
    if (!IsMarker(e)) by_stream[e.stream].push_back(&e);
  }
  Plan plan;
  RevertBuilder builder(state, plan);
  std::vector<std::string> notes;
  const Schema& schema = state.roster().schema();
  for (const auto& [stream, events] : by_stream) {
    const auto [kind, key] = SplitStream(stream);
    const Table table = kind == "corp" ? Table::kCorp : Table::kPilot;
    KRAKEN_ASSIGN_OR_RETURN(std::vector<Event> history, log.ReadStream(stream));
    // The row as if the reverted events had never happened, and as it is.
    Roster without(schema), with(schema);
    std::map<std::string, std::uint64_t> last_set;
    for (const Event& e : history) {
      if (e.seq > state.seq()) break;
      with.Apply(e);
      if (reverted.contains(e.seq)) continue;
      without.Apply(e);
      for (const auto& column : ColumnsSetBy(e)) last_set[column] = e.seq;
    }
    const Row* current = state.roster().Find(table, key);
    KRAKEN_RETURN_IF_ERROR(builder.Compensate(table, std::string(current ? current->key() : key),
                                              current, without.Find(table, key), notes));
    for (const Event* e : events) {
      for (const auto& column : ColumnsSetBy(*e)) {
        auto later = last_set.find(column);
        if (later != last_set.end() && later->second > e->seq) {
          notes.push_back(fmt::format("{} {}: kept, changed again later by event {}", key, column,
                                      later->second));
        }
      }
    }
  }
  if (builder.compensations() == 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("nothing to revert: later events already replaced every change "
                                 "({})",
                                 notes.empty() ? "no effect left" : fmt::format("{}", fmt::join(notes, "; "))));
  }
  for (const Event& e : targets) {
    builder.Expect(e.stream);
    plan.events.push_back(NewEvent(e.stream, EventReverted{e.seq}));
  }
  plan.summary = fmt::format("Reverted {} event(s) with {} compensating event(s){}{}",
                             targets.size(), builder.compensations(), notes.empty() ? "" : "; ",
                             fmt::join(notes, "; "));
  return plan;
}

}  // namespace kraken
