#include "src/sync/sync_loop.h"

#include <spdlog/spdlog.h>

namespace kraken::sync {

SyncLoop::SyncLoop(SheetProjector& projector, std::chrono::seconds interval)
    : projector_(projector), interval_(interval), thread_([this] { Run(); }) {}

SyncLoop::~SyncLoop() { Stop(); }

void SyncLoop::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  done_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

std::uint64_t SyncLoop::cycles() const {
  std::lock_guard lock(mu_);
  return cycles_;
}

Result<CycleReport> SyncLoop::RunNow(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  if (stopping_) return MakeError(ErrorCode::kUnavailable, "the service is shutting down");
  const std::uint64_t ticket = ++requested_;
  wake_.notify_all();
  if (!done_.wait_for(lock, timeout, [&] { return finished_ >= ticket || stopping_; })) {
    return MakeError(ErrorCode::kUnavailable,
                     "the sheet sync is taking longer than expected; it goes on in the "
                     "background, see the server log");
  }
  if (finished_ < ticket) return MakeError(ErrorCode::kUnavailable, "the service is shutting down");
  return last_;
}

void SyncLoop::Run() {
  std::unique_lock lock(mu_);
  auto next = std::chrono::steady_clock::now();
  while (!stopping_) {
    const bool scheduled = interval_.count() > 0;
    auto due = [&] { return stopping_ || requested_ > finished_; };
    if (scheduled) {
      wake_.wait_until(lock, next, due);
    } else {
      wake_.wait(lock, due);
    }
    if (stopping_) break;
    const std::uint64_t serving = requested_;
    lock.unlock();
    Result<CycleReport> report = projector_.RunCycle(CycleMode::kFull);
    if (!report.ok()) {
      spdlog::warn("sheet sync failed: {}", report.error().message);
    } else if (!report->idle) {
      spdlog::info("sheet sync: {} imported, {} conflicts, {} rejected, {} cells written",
                   report->imported.size(), report->conflicts.size(), report->rejected.size(),
                   report->cells_written);
    }
    lock.lock();
    ++cycles_;
    last_ = std::move(report);
    finished_ = serving;
    next = std::chrono::steady_clock::now() + interval_;
    done_.notify_all();
  }
}

}  // namespace kraken::sync
