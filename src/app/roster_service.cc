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

}  // namespace kraken
