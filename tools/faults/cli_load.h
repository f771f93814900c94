#pragma once
// The crash harness's CLI side: one thread that runs `kraken pilot set NAME
// notes=cli-N` against the same log as `kraken serve`, one process after the
// other, and remembers which exited 0 (acknowledged) and which did not.
// It keeps running while the server is killed and restarted; Pause() holds it
// while the harness inspects the log.

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace kraken::faults {

struct CliChange {
  std::string pilot;
  std::string value;  // the notes value: unique per change
  int exit_code = -1;
  std::string error;  // stderr, or why it could not run
};

class CliLoad {
 public:
  // `kraken` is the binary; `env` its environment; `pilots` the pilots it
  // changes (nobody else may change their notes).
  CliLoad(std::string kraken, std::vector<std::string> env, std::vector<std::string> pilots);
  ~CliLoad();  // Stop()s
  CliLoad(const CliLoad&) = delete;
  CliLoad& operator=(const CliLoad&) = delete;

  void Resume();
  // Waits for the command in flight, then holds.
  void Pause();
  void Stop();

  std::vector<CliChange> Changes() const;  // call while paused or stopped

 private:
  void Work();

  const std::string kraken_;
  const std::vector<std::string> env_;
  const std::vector<std::string> pilots_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
  bool stopping_ = false;
  bool busy_ = false;
  std::vector<CliChange> changes_;
  std::thread thread_;  // last: starts once everything above exists
};

}  // namespace kraken::faults
