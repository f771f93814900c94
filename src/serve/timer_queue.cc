#include "src/serve/timer_queue.h"

namespace kraken::serve {

TimerQueue::TimerQueue() : thread_([this] { Run(); }) {}

TimerQueue::~TimerQueue() { Stop(); }

std::uint64_t TimerQueue::Schedule(Clock::time_point at, std::function<void()> fn) {
  std::lock_guard lock(mu_);
  const std::uint64_t id = next_id_++;
  due_.emplace(at, std::make_pair(id, std::move(fn)));
  changed_.notify_one();
  return id;
}

bool TimerQueue::Cancel(std::uint64_t id) {
  std::function<void()> dropped;  // destroyed outside the lock
  std::lock_guard lock(mu_);
  for (auto it = due_.begin(); it != due_.end(); ++it) {
    if (it->second.first == id) {
      dropped = std::move(it->second.second);
      due_.erase(it);
      return true;
    }
  }
  return false;
}

void TimerQueue::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    changed_.notify_one();
  }
  std::call_once(joined_, [this] { thread_.join(); });
  decltype(due_) dropped;  // destroyed outside the lock
  std::lock_guard lock(mu_);
  dropped.swap(due_);
}

void TimerQueue::Run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (due_.empty()) {
      changed_.wait(lock);
      continue;
    }
    const Clock::time_point at = due_.begin()->first;
    if (Clock::now() < at) {
      changed_.wait_until(lock, at);
      continue;
    }
    std::function<void()> fn = std::move(due_.begin()->second.second);
    due_.erase(due_.begin());
    lock.unlock();
    fn();
    fn = nullptr;
    lock.lock();
  }
}

}  // namespace kraken::serve
