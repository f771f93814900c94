#include "src/app/roster_service.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <mutex>
#include <random>

#include "src/app/state_loader.h"

namespace kraken {
namespace {

// A snapshot is refreshed at open when more than this many events had to be folded,
// or at once when the stored one could not be used (another schema, damaged).
constexpr std::uint64_t kSnapshotAfterEvents = 20'000;
constexpr int kMaxAttempts = 5;

std::uint64_t RandomId() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return rng();
}

Event NewEvent(std::string stream, Payload payload) {
  Event e;
  e.stream = std::move(stream);
  e.payload = std::move(payload);
  return e;
}

const std::string& Value(const Row& row, std::size_t column) { return row.values[column]; }

std::string Describe(const Fields& fields) {
  std::vector<std::string> parts;
  for (const auto& [k, v] : fields)
    parts.push_back(fmt::format("{}={}", k, v.empty() ? "(empty)" : v));
  return fmt::format("{}", fmt::join(parts, ", "));
}

// Adds the stream's version at the state's sequence to the plan's expectations.
void Expect(Plan& plan, const AllianceState& state, const std::string& stream) {
  plan.expected_versions.emplace(stream, state.versions().Get(stream));
}

bool OwnsPilot(const AllianceState& state, const Actor& actor, const Row& pilot) {
  if (actor.id.empty()) return false;
  if (Value(pilot, kPilotDiscordId) == actor.id) return true;
  const Row* main = state.roster().Find(Table::kPilot, Value(pilot, kPilotMain));
  return main != nullptr && Value(*main, kPilotDiscordId) == actor.id;
}

Status CheckMayEdit(const AllianceState& state, const Actor& actor, Table table, const Row* row,
                    const Column& column) {
  if (actor.admin) return Ok{};
  if (table != Table::kPilot || column.editor != Editor::kSelf) {
    return MakeError(ErrorCode::kPermissionDenied,
                     fmt::format("only admins may change {} {}", TableName(table), column.name));
  }
  if (row != nullptr && !OwnsPilot(state, actor, *row)) {
    return MakeError(
        ErrorCode::kPermissionDenied,
        fmt::format("you may only change your own pilots and alts, not '{}'", row->key()));
  }
  return Ok{};
}

// Splits the columns set by dedicated events out of `fields`.
struct SplitFields {
  Fields plain;
  std::optional<std::string> discord_id;
  std::optional<std::string> main;
};

Result<SplitFields> SplitPilotFields(Fields fields) {
  SplitFields out;
  for (auto& [k, v] : fields) {
    if (k == "name") {
      return MakeError(ErrorCode::kInvalidArgument,
                       "a pilot's name is its key and cannot be changed; register the new name "
                       "and have the old one leave");
    }
    if (k == "discord_id") {
      out.discord_id = v;
    } else if (k == "main") {
      out.main = v;
    } else {
      out.plain.emplace(k, std::move(v));
    }
  }
  return out;
}

Status CheckAltLink(const AllianceState& state, const Row& alt, const Row& main) {
  if (EqualsIgnoreCase(alt.key(), main.key())) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("'{}' cannot be its own alt", alt.key()));
  }
  if (!Value(main, kPilotMain).empty()) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        fmt::format("'{}' is itself an alt of '{}'; link '{}' to '{}' instead", main.key(),
                    Value(main, kPilotMain), alt.key(), Value(main, kPilotMain)));
  }
  if (!state.roster().AltsOf(alt.key()).empty()) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        fmt::format("'{}' has alts of its own; unlink them before making it an alt", alt.key()));
  }
  return Ok{};
}

}  // namespace

Error NotFound(const AllianceState& state, Table table, std::string_view key) {
  auto close = state.roster().Suggest(table, key);
  std::string hint;
  if (!close.empty()) {
    std::vector<std::string> quoted;
    for (const auto& c : close) quoted.push_back(fmt::format("'{}'", c));
    hint = fmt::format("; did you mean {}?", fmt::join(quoted, " or "));
  } else {
    hint = table == Table::kPilot ? "; list pilots with `kraken pilots`"
                                  : "; list corps with `kraken corps`";
  }
  return MakeError(ErrorCode::kNotFound,
                   fmt::format("{} '{}' not found{}", TableName(table), key, hint));
}

Result<Fields> ValidateFields(const AllianceState& state, Table table, const Fields& fields) {
  Fields out;
  const Schema& schema = state.roster().schema();
  for (const auto& [name, raw] : fields) {
    const Column* column = schema.Find(table, name);
    if (column != nullptr && column == &schema.columns(table)[0]) {
      return MakeError(
          ErrorCode::kInvalidArgument,
          fmt::format("{} is the {}'s key and cannot be changed", name, TableName(table)));
    }
    KRAKEN_ASSIGN_OR_RETURN(std::string value, schema.Normalize(table, name, raw));
    if (!value.empty() &&
        (column->type == ColumnType::kCorpRef || column->type == ColumnType::kPilotRef)) {
      const Table ref = column->type == ColumnType::kCorpRef ? Table::kCorp : Table::kPilot;
      const Row* target = state.roster().Find(ref, value);
      if (target == nullptr) {
        Error e = NotFound(state, ref, value);
        e.message = fmt::format("{}: {}", name, e.message);
        return e;
      }
      value = target->key();
    }
    out.emplace(name, std::move(value));
  }
  return out;
}

RosterService::RosterService(EventLog& log, const Schema& schema, AllianceState state)
    : log_(log), schema_(schema), state_(std::move(state)) {}

Result<std::unique_ptr<RosterService>> RosterService::Open(EventLog& log, const Schema& schema,
                                                           const LoadOptions& options) {
  LoadReport report;
  KRAKEN_ASSIGN_OR_RETURN(AllianceState state, LoadState(log, schema, options, &report));
  const bool stale = !report.snapshot_note.empty() || report.events_folded > kSnapshotAfterEvents;
  const bool refresh = stale && options.use_snapshot && report.events_folded > 0 &&
                       !options.limit.until_seq && !options.limit.until_ts_us;
  if (refresh) KRAKEN_RETURN_IF_ERROR(kraken::SaveSnapshot(log, state));
  return std::unique_ptr<RosterService>(new RosterService(log, schema, std::move(state)));
}

Status RosterService::CatchUp() {
  KRAKEN_ASSIGN_OR_RETURN(const std::uint64_t head, log_.Head());
  {
    std::shared_lock lock(mu_);
    if (state_.seq() >= head) return Ok{};
  }
  std::unique_lock lock(mu_);
  return kraken::CatchUp(log_, state_);
}

Status RosterService::SaveSnapshot() {
  KRAKEN_RETURN_IF_ERROR(CatchUp());
  std::shared_lock lock(mu_);
  return kraken::SaveSnapshot(log_, state_);
}

Result<CommandResult> RosterService::Execute(
    const std::function<Result<Plan>(const AllianceState&)>& planner, const Actor& actor,
    const CommandOptions& options) {
  if (!options.idempotency_key.empty()) {
    KRAKEN_ASSIGN_OR_RETURN(auto earlier, log_.FindIdempotencyKey(options.idempotency_key));
    if (earlier) {
      CommandResult result;
      result.duplicate = true;
      KRAKEN_RETURN_IF_ERROR(log_.Scan(earlier->first_seq, earlier->last_seq, [&](const Event& e) {
        result.events.push_back(e);
        return true;
      }));
      result.summary = "already done (a retried request); nothing new was recorded";
      return result;
    }
  }
  Error last_conflict;
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    // A first attempt runs beside this process's other commands, so they share one
    // commit. A retry runs alone: otherwise a busy thread could win every round and
    // this command would fail although nothing is wrong with it. Alone, only
    // another process can still move a stream under it.
    std::shared_lock<std::shared_mutex> beside(commands_mu_, std::defer_lock);
    std::unique_lock<std::shared_mutex> alone(commands_mu_, std::defer_lock);
    if (attempt == 0) {
      beside.lock();
    } else {
      alone.lock();
    }
    KRAKEN_RETURN_IF_ERROR(CatchUp());
    Result<Plan> plan = [&] {
      std::shared_lock lock(mu_);
      return planner(state_);
    }();
    if (!plan.ok()) return plan.take_error();
    CommandResult result;
    result.summary = std::move(plan->summary);
    if (plan->events.empty()) return result;

    AppendRequest request;
    request.events = std::move(plan->events);
    request.expected_versions = std::move(plan->expected_versions);
    request.idempotency_key = options.idempotency_key;
    const std::string correlation = !options.correlation_id.empty() || request.events.size() < 2
                                        ? options.correlation_id
                                        : fmt::format("{}{:016x}", kCommandBatchPrefix, RandomId());
    for (Event& e : request.events) {
      e.source = actor.source;
      e.actor = actor.id;
      e.correlation_id = correlation;
    }
    auto appended = log_.Append(request);
    if (!appended.ok() && appended.error().code == ErrorCode::kConflict) {
      last_conflict = appended.take_error();
      continue;  // someone changed a stream we validated against: look again
    }
    if (!appended.ok()) return appended.take_error();
    KRAKEN_RETURN_IF_ERROR(CatchUp());
    result.duplicate = appended->duplicate;
    KRAKEN_RETURN_IF_ERROR(log_.Scan(appended->first_seq, appended->last_seq, [&](const Event& e) {
      result.events.push_back(e);
      return true;
    }));
    return result;
  }
  return MakeError(ErrorCode::kConflict,
                   fmt::format("the rows kept changing while this command ran ({}); run it again",
                               last_conflict.message));
}

Result<CommandResult> RosterService::AddCorp(const Actor& actor, std::string_view ticker,
                                             Fields fields, const CommandOptions& options) {
  return Execute(
      [&](const AllianceState& state) -> Result<Plan> {
        if (!actor.admin) {
          return MakeError(ErrorCode::kPermissionDenied, "only admins may add corps");
        }
        KRAKEN_RETURN_IF_ERROR(ValidateKey(Table::kCorp, ticker));
        if (const Row* existing = state.roster().Find(Table::kCorp, ticker)) {
          return MakeError(ErrorCode::kAlreadyExists,
                           fmt::format("corp '{}' exists already; change it with `kraken corp set "
                                       "{} field=value`",
                                       existing->key(), existing->key()));
        }
        if (!fields.contains("status")) fields.emplace("status", "member");
        KRAKEN_ASSIGN_OR_RETURN(Fields valid, ValidateFields(state, Table::kCorp, fields));
        Plan plan;
        const std::string stream = CorpStream(ticker);
        Expect(plan, state, stream);
        plan.summary = fmt::format("Added corp {} ({})", ticker, Describe(valid));
        plan.events.push_back(NewEvent(stream, CorpCreated{std::move(valid)}));
        return plan;
      },
      actor, options);
}

Result<CommandResult> RosterService::SetCorp(const Actor& actor, std::string_view ticker,
                                             Fields changes, const CommandOptions& options) {
  return Execute(
      [&](const AllianceState& state) -> Result<Plan> {
        const Row* corp = state.roster().Find(Table::kCorp, ticker);
        if (corp == nullptr) return NotFound(state, Table::kCorp, ticker);
        KRAKEN_ASSIGN_OR_RETURN(Fields valid, ValidateFields(state, Table::kCorp, changes));
        Fields changed;
        std::vector<std::string> words;
        for (auto& [name, value] : valid) {
          const auto index = *schema_.IndexOf(Table::kCorp, name);
          KRAKEN_RETURN_IF_ERROR(
              CheckMayEdit(state, actor, Table::kCorp, corp, schema_.columns(Table::kCorp)[index]));
          if (Value(*corp, index) == value) continue;
          words.push_back(fmt::format("{} {} -> {}", name, Value(*corp, index), value));
          changed.emplace(name, std::move(value));
        }
        Plan plan;
        if (changed.empty()) {
          plan.summary = fmt::format("{}: nothing to change", corp->key());
          return plan;
        }
        const std::string stream = CorpStream(corp->key());
        Expect(plan, state, stream);
        plan.summary = fmt::format("{}: {}", corp->key(), fmt::join(words, ", "));
        plan.events.push_back(NewEvent(stream, CorpChanged{std::move(changed)}));
        return plan;
      },
      actor, options);
}

Result<CommandResult> RosterService::RemoveCorp(const Actor& actor, std::string_view ticker,
                                                std::string reason, const CommandOptions& options) {
  return Execute(
      [&](const AllianceState& state) -> Result<Plan> {
        if (!actor.admin) {
          return MakeError(ErrorCode::kPermissionDenied, "only admins may remove corps");
        }
        const Row* corp = state.roster().Find(Table::kCorp, ticker);
        if (corp == nullptr) return NotFound(state, Table::kCorp, ticker);
        std::uint64_t members = 0;
        for (const Row* p : state.roster().Rows(Table::kPilot)) {
          if (Value(*p, kPilotCorp) == corp->key()) ++members;
        }
        if (members > 0) {
          return MakeError(ErrorCode::kInvalidArgument,
                           fmt::format("corp {} still has {} pilot(s); move them to another corp "
                                       "first, or keep the corp with status=former",
                                       corp->key(), members));
        }
        Plan plan;
        const std::string stream = CorpStream(corp->key());
        Expect(plan, state, stream);
        plan.summary = fmt::format("Removed corp {}", corp->key());
        plan.events.push_back(NewEvent(stream, CorpRemoved{reason}));
        return plan;
      },
      actor, options);
}

Result<CommandResult> RosterService::RegisterPilot(const Actor& actor, std::string_view name,
                                                   Fields fields, const CommandOptions& options) {
  return Execute(
      [&](const AllianceState& state) -> Result<Plan> {
        KRAKEN_RETURN_IF_ERROR(ValidateKey(Table::kPilot, name));
        if (const Row* existing = state.roster().Find(Table::kPilot, name)) {
          return MakeError(ErrorCode::kAlreadyExists,
                           fmt::format("pilot '{}' is registered already; change it with "
                                       "`kraken pilot set \"{}\" field=value`",
                                       existing->key(), existing->key()));
        }
        KRAKEN_ASSIGN_OR_RETURN(SplitFields split, SplitPilotFields(fields));
        for (const auto& [column_name, value] : split.plain) {
          const Column* column = schema_.Find(Table::kPilot, column_name);
          if (column != nullptr) {
            KRAKEN_RETURN_IF_ERROR(CheckMayEdit(state, actor, Table::kPilot, nullptr, *column));
          }
        }
        KRAKEN_ASSIGN_OR_RETURN(Fields valid, ValidateFields(state, Table::kPilot, split.plain));
        Plan plan;
        const std::string stream = PilotStream(name);
        Expect(plan, state, stream);
        plan.summary = fmt::format("Registered pilot {}{}{}", name, valid.empty() ? "" : " (",
                                   valid.empty() ? "" : Describe(valid) + ")");
        plan.events.push_back(NewEvent(stream, PilotRegistered{std::move(valid)}));
        if (split.discord_id && !split.discord_id->empty()) {
          KRAKEN_ASSIGN_OR_RETURN(
              std::string id, schema_.Normalize(Table::kPilot, "discord_id", *split.discord_id));
          if (!actor.admin && id != actor.id) {
            return MakeError(ErrorCode::kPermissionDenied,
                             "you may only register pilots linked to your own Discord account");
          }
          plan.events.push_back(NewEvent(stream, PilotLinkedToDiscord{id}));
          plan.summary += fmt::format(", linked to Discord user {}", id);
        }
        if (split.main && !split.main->empty()) {
          const Row* main = state.roster().Find(Table::kPilot, *split.main);
          if (main == nullptr) return NotFound(state, Table::kPilot, *split.main);
          // An alt belongs to its main's owner: registering one for someone else's main
          // would edit their pilots (and keep that main from ever becoming an alt).
          if (!actor.admin && !OwnsPilot(state, actor, *main)) {
            return MakeError(
                ErrorCode::kPermissionDenied,
                fmt::format("you may only register alts of your own pilots, not of '{}'",
                            main->key()));
          }
          if (!Value(*main, kPilotMain).empty()) {
            return MakeError(
                ErrorCode::kInvalidArgument,
                fmt::format("'{}' is itself an alt of '{}'; use '{}' as main", main->key(),
                            Value(*main, kPilotMain), Value(*main, kPilotMain)));
          }
          plan.events.push_back(NewEvent(stream, AltLinked{main->key()}));
          plan.summary += fmt::format(", alt of {}", main->key());
        }
        return plan;
      },
      actor, options);
}

Result<CommandResult> RosterService::SetPilot(const Actor& actor, std::string_view name,
                                              Fields changes, const CommandOptions& options) {
  return Execute(
      [&](const AllianceState& state) -> Result<Plan> {
        const Row* pilot = state.roster().Find(Table::kPilot, name);
        if (pilot == nullptr) return NotFound(state, Table::kPilot, name);
        KRAKEN_ASSIGN_OR_RETURN(SplitFields split, SplitPilotFields(changes));
        KRAKEN_ASSIGN_OR_RETURN(Fields valid, ValidateFields(state, Table::kPilot, split.plain));
        const std::string stream = PilotStream(pilot->key());
        Plan plan;
        std::vector<std::string> words;
        Fields changed;
        for (auto& [column_name, value] : valid) {
          const auto index = *schema_.IndexOf(Table::kPilot, column_name);
          KRAKEN_RETURN_IF_ERROR(CheckMayEdit(state, actor, Table::kPilot, pilot,
                                              schema_.columns(Table::kPilot)[index]));
          if (Value(*pilot, index) == value) continue;
          words.push_back(
              fmt::format("{} {} -> {}", column_name,
                          Value(*pilot, index).empty() ? "(empty)" : Value(*pilot, index),
                          value.empty() ? "(empty)" : value));
          changed.emplace(column_name, std::move(value));
        }
        if (!changed.empty()) plan.events.push_back(NewEvent(stream, PilotFieldsChanged{changed}));
        if (split.discord_id) {
          if (!actor.admin) {
            return MakeError(ErrorCode::kPermissionDenied,
                             "only admins may link a pilot to another Discord user");
          }
          KRAKEN_ASSIGN_OR_RETURN(
              std::string id, schema_.Normalize(Table::kPilot, "discord_id", *split.discord_id));
          if (id != Value(*pilot, kPilotDiscordId)) {
            plan.events.push_back(NewEvent(stream, PilotLinkedToDiscord{id}));
            words.push_back(fmt::format("discord_id -> {}", id.empty() ? "(unlinked)" : id));
          }
        }
        if (split.main) {
          const std::string& current = Value(*pilot, kPilotMain);
          if (split.main->empty() && !current.empty()) {
            if (!actor.admin && !OwnsPilot(state, actor, *pilot)) {
              return MakeError(ErrorCode::kPermissionDenied, "you may only unlink your own alts");
            }
            plan.events.push_back(NewEvent(stream, AltUnlinked{current}));
            words.push_back(fmt::format("no longer an alt of {}", current));
          } else if (!split.main->empty()) {
            const Row* main = state.roster().Find(Table::kPilot, *split.main);
            if (main == nullptr) return NotFound(state, Table::kPilot, *split.main);
            if (!EqualsIgnoreCase(main->key(), current)) {
              KRAKEN_RETURN_IF_ERROR(CheckAltLink(state, *pilot, *main));
              if (!actor.admin &&
                  !(OwnsPilot(state, actor, *pilot) && OwnsPilot(state, actor, *main))) {
                return MakeError(ErrorCode::kPermissionDenied,
                                 "you may only link pilots that are both yours");
              }
              plan.events.push_back(NewEvent(stream, AltLinked{main->key()}));
              words.push_back(fmt::format("alt of {}", main->key()));
            }
          }
        }
        if (plan.events.empty()) {
          plan.summary = fmt::format("{}: nothing to change", pilot->key());
          return plan;
        }
        Expect(plan, state, stream);
        plan.summary = fmt::format("{}: {}", pilot->key(), fmt::join(words, ", "));
        return plan;
      },
      actor, options);
}

Result<CommandResult> RosterService::LinkAlt(const Actor& actor, std::string_view alt,
                                             std::string_view main, const CommandOptions& options) {
  return SetPilot(actor, alt, Fields{{"main", std::string(main)}}, options);
}

Result<CommandResult> RosterService::UnlinkAlt(const Actor& actor, std::string_view alt,
                                               const CommandOptions& options) {
  return Execute(
      [&](const AllianceState& state) -> Result<Plan> {
        const Row* pilot = state.roster().Find(Table::kPilot, alt);
        if (pilot == nullptr) return NotFound(state, Table::kPilot, alt);
        if (Value(*pilot, kPilotMain).empty()) {
          return MakeError(ErrorCode::kInvalidArgument,
                           fmt::format("'{}' is not an alt of anyone", pilot->key()));
        }
        if (!actor.admin && !OwnsPilot(state, actor, *pilot)) {
          return MakeError(ErrorCode::kPermissionDenied, "you may only unlink your own alts");
        }
        Plan plan;
        const std::string stream = PilotStream(pilot->key());
        Expect(plan, state, stream);
        plan.summary =
            fmt::format("{} is no longer an alt of {}", pilot->key(), Value(*pilot, kPilotMain));
        plan.events.push_back(NewEvent(stream, AltUnlinked{Value(*pilot, kPilotMain)}));
        return plan;
      },
      actor, options);
}

Result<CommandResult> RosterService::PilotLeave(const Actor& actor, std::string_view name,
                                                std::string reason, const CommandOptions& options) {
  return Execute(
      [&](const AllianceState& state) -> Result<Plan> {
        const Row* pilot = state.roster().Find(Table::kPilot, name);
        if (pilot == nullptr) return NotFound(state, Table::kPilot, name);
        if (!actor.admin && !OwnsPilot(state, actor, *pilot)) {
          return MakeError(ErrorCode::kPermissionDenied,
                           "you may only remove your own pilots; ask an admin");
        }
        Plan plan;
        std::vector<std::string> notes;
        for (const Row* alt : state.roster().AltsOf(pilot->key())) {
          const std::string stream = PilotStream(alt->key());
          Expect(plan, state, stream);
          plan.events.push_back(NewEvent(stream, AltUnlinked{pilot->key()}));
          notes.push_back(fmt::format("unlinked alt {}", alt->key()));
        }
        for (const Row* corp : state.roster().Rows(Table::kCorp)) {
          if (Value(*corp, kCorpCeo) != pilot->key()) continue;
          const std::string stream = CorpStream(corp->key());
          Expect(plan, state, stream);
          plan.events.push_back(NewEvent(stream, CorpChanged{Fields{{"ceo", ""}}}));
          notes.push_back(fmt::format("cleared as CEO of {}", corp->key()));
        }
        const std::string stream = PilotStream(pilot->key());
        Expect(plan, state, stream);
        plan.events.push_back(NewEvent(stream, PilotLeftAlliance{reason}));
        plan.summary = fmt::format("{} left the alliance{}{}", pilot->key(),
                                   notes.empty() ? "" : "; ", fmt::join(notes, "; "));
        return plan;
      },
      actor, options);
}

}  // namespace kraken
