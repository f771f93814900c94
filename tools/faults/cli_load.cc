#include "tools/faults/cli_load.h"

#include <fmt/format.h>

#include "tools/faults/subprocess.h"

namespace kraken::faults {

CliLoad::CliLoad(std::string kraken, std::vector<std::string> env, std::vector<std::string> pilots)
    : kraken_(std::move(kraken)),
      env_(std::move(env)),
      pilots_(std::move(pilots)),
      thread_([this] { Work(); }) {}

CliLoad::~CliLoad() { Stop(); }

void CliLoad::Resume() {
  std::lock_guard lock(mu_);
  open_ = true;
  cv_.notify_all();
}

void CliLoad::Pause() {
  std::unique_lock lock(mu_);
  open_ = false;
  cv_.wait(lock, [&] { return !busy_; });
}

void CliLoad::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    cv_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

std::vector<CliChange> CliLoad::Changes() const {
  std::lock_guard lock(mu_);
  return changes_;
}

void CliLoad::Work() {
  for (std::size_t n = 0;; ++n) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || open_; });
      if (stopping_) return;
      busy_ = true;
    }
    CliChange change;
    change.pilot = pilots_[n % pilots_.size()];
    change.value = fmt::format("cli-{}", n);
    auto run = RunProcess({kraken_, "pilot", "set", change.pilot, "notes=" + change.value}, env_,
                          std::chrono::seconds(60));
    if (run.ok()) {
      change.exit_code = run->exit_code;
      change.error = run->err;
    } else {
      change.error = run.error().message;
    }
    std::lock_guard lock(mu_);
    changes_.push_back(std::move(change));
    busy_ = false;
    cv_.notify_all();
  }
}

}  // namespace kraken::faults
