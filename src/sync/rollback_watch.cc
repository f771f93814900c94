#include "src/sync/rollback_watch.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cassert>
#include <utility>
#include <vector>

namespace kraken::sync {

Result<std::optional<RolledBack>> RollbackOf(const EventLog& log, const Event& resolved) {
  const auto* resolution = std::get_if<ConflictResolved>(&resolved.payload);
  if (resolution == nullptr) return std::optional<RolledBack>();
  KRAKEN_ASSIGN_OR_RETURN(std::vector<Event> conflict, log.ReadStream(resolved.stream));
  const ConflictDetected* detected = nullptr;
  for (const Event& e : conflict) {
    detected = std::get_if<ConflictDetected>(&e.payload);
    if (detected != nullptr) break;
  }
  // Only the sheet's value winning replaces the change the conflict was detected
  // with. (Keeping the log's value, which may have moved on since, replaces nothing.)
  if (detected == nullptr || resolution->winner != "sheet" ||
      resolution->value != detected->sheet_value || resolution->value == detected->log_value ||
      detected->log_seq == 0) {
    return std::optional<RolledBack>();
  }
  KRAKEN_ASSIGN_OR_RETURN(const Event changed, log.Get(detected->log_seq));
  if (changed.source != Source::kDiscord) return std::optional<RolledBack>();
  const std::string how = resolution->policy == "manual"
                              ? "by an admin's decision for the alliance sheet's value"
                              : "by an admin's edit in the alliance sheet";
  return std::optional<RolledBack>(RolledBack{
      changed.actor, changed.idempotency_key,
      fmt::format("Your change of {} for {} to '{}' was replaced {}: it is now '{}'.",
                  detected->field, detected->key, detected->log_value, how, resolution->value)});
}

RollbackWatch::RollbackWatch(const EventLog& log, std::uint64_t after_seq,
                             std::function<void(RolledBack)> notify)
    : log_(log), notify_(std::move(notify)), seen_(after_seq) {}

RollbackWatch::~RollbackWatch() { Stop(); }

namespace {

// A failure worth another try on the next poll (a full reader table, an I/O
// hiccup); a damaged or missing event is not.
bool Transient(const Error& error) {
  return error.code != ErrorCode::kCorrupt && error.code != ErrorCode::kNotFound;
}

}  // namespace

Result<std::size_t> RollbackWatch::Poll() {
  std::lock_guard poll(poll_mu_);
  KRAKEN_ASSIGN_OR_RETURN(const std::uint64_t head, log_.Head());
  if (head > seen_) {
    // Only the conflict streams' new events: nothing else is read or decoded.
    KRAKEN_ASSIGN_OR_RETURN(std::vector<std::uint64_t> seqs,
                            log_.FindInStreams(kConflictStreamPrefix, seen_));
    for (const std::uint64_t seq : seqs) {
      if (seq <= head) retry_.push_back(seq);
    }
    seen_ = head;
  }
  std::vector<std::uint64_t> pending;
  pending.swap(retry_);
  std::size_t found = 0;
  for (const std::uint64_t seq : pending) {
    Result<std::optional<RolledBack>> rollback = [&]() -> Result<std::optional<RolledBack>> {
      KRAKEN_ASSIGN_OR_RETURN(const Event event, log_.Get(seq));
      return RollbackOf(log_, event);
    }();
    if (!rollback.ok()) {
      const bool again = Transient(rollback.error());
      spdlog::warn("conflict notice for event {} {}: {}", seq,
                   again ? "delayed, to be tried again" : "not sent", rollback.error().message);
      if (again) retry_.push_back(seq);
      continue;
    }
    if (!rollback->has_value()) continue;
    ++found;
    notify_(std::move(**rollback));
  }
  return found;
}

void RollbackWatch::Start(std::chrono::milliseconds interval) {
  std::lock_guard lock(mu_);
  assert(!thread_.joinable() && !stopping_);
  thread_ = std::thread([this, interval] { Run(interval); });
}

void RollbackWatch::Wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  wake_.notify_one();
}

void RollbackWatch::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  std::call_once(joined_, [this] {
    if (thread_.joinable()) thread_.join();
  });
}

void RollbackWatch::Run(std::chrono::milliseconds interval) {
  for (;;) {
    bool last = false;
    {
      std::unique_lock lock(mu_);
      wake_.wait_for(lock, interval, [this] { return woken_ || stopping_; });
      woken_ = false;
      last = stopping_;
    }
    if (auto polled = Poll(); !polled.ok()) {
      spdlog::warn("watching for conflicts that rolled back Discord changes: {}",
                   polled.error().message);
    }
    if (last) return;
  }
}

}  // namespace kraken::sync
