#include "src/serve/rollback_watch.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <utility>
#include <vector>

namespace kraken::serve {

Result<std::optional<Rollback>> RollbackOf(const EventLog& log, const Event& resolved) {
  const auto* resolution = std::get_if<ConflictResolved>(&resolved.payload);
  if (resolution == nullptr) return std::optional<Rollback>();
  KRAKEN_ASSIGN_OR_RETURN(std::vector<Event> conflict, log.ReadStream(resolved.stream));
  const ConflictDetected* detected = nullptr;
  for (const Event& e : conflict) {
    detected = std::get_if<ConflictDetected>(&e.payload);
    if (detected != nullptr) break;
  }
  // The log's value stands (or there is nothing to compare with): nothing was rolled back.
  if (detected == nullptr || resolution->value == detected->log_value || detected->log_seq == 0) {
    return std::optional<Rollback>();
  }
  KRAKEN_ASSIGN_OR_RETURN(const Event changed, log.Get(detected->log_seq));
  if (changed.source != Source::kDiscord) return std::optional<Rollback>();
  const std::string how = resolution->policy == "manual"
                              ? "by an admin's decision for the alliance sheet's value"
                              : "by an admin's edit in the alliance sheet";
  return std::optional<Rollback>(
      Rollback{changed.actor, changed.idempotency_key,
               fmt::format("Your change of {} for {} to '{}' was replaced {}: it is now '{}'.",
                           detected->field, detected->key, detected->log_value, how,
                           resolution->value)});
}

RollbackWatch::RollbackWatch(const EventLog& log, std::uint64_t after_seq,
                             std::function<void(Rollback)> notify)
    : log_(log), notify_(std::move(notify)), seen_(after_seq) {}

RollbackWatch::~RollbackWatch() { Stop(); }

Result<std::size_t> RollbackWatch::Poll() {
  std::lock_guard poll(poll_mu_);
  KRAKEN_ASSIGN_OR_RETURN(const std::uint64_t head, log_.Head());
  if (head <= seen_) return std::size_t{0};
  std::vector<Event> resolutions;
  KRAKEN_RETURN_IF_ERROR(log_.Scan(seen_ + 1, head, [&](const Event& e) {
    if (std::holds_alternative<ConflictResolved>(e.payload)) resolutions.push_back(e);
    return true;
  }));
  // Past these events whatever follows: a conflict whose lookup fails is
  // logged, not retried forever.
  seen_ = head;
  std::size_t found = 0;
  for (const Event& resolved : resolutions) {
    auto rollback = RollbackOf(log_, resolved);
    if (!rollback.ok()) {
      spdlog::warn("conflict notice for event {} not sent: {}", resolved.seq,
                   rollback.error().message);
      continue;
    }
    if (!rollback->has_value()) continue;
    ++found;
    notify_(std::move(**rollback));
  }
  return found;
}

void RollbackWatch::Start(std::chrono::milliseconds interval) {
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
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
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

}  // namespace kraken::serve
