#pragma once
// Child processes for the fault harnesses: the real `kraken` binary, run as an
// operator runs it (its own environment, its exit code), either to completion
// with its output captured, or in the background to be killed at will.

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "events/result.h"

namespace kraken::faults {

struct ProcessOutput {
  int exit_code = -1;  // 128 + N when killed by signal N, as a shell reports it
  std::string out;
  std::string err;
};

// This process's environment without any KRAKEN_*, DISCORD_* or GOOGLE_*
// variable (a developer's real keys stay out of it), then `extra`
// ("NAME=value" each), so a child sees only the configuration the harness means.
std::vector<std::string> ChildEnvironment(const std::vector<std::string>& extra);

// Runs `argv` (argv[0] is a path) with `env` and waits for it. A child still
// running after `timeout` is killed and reported as kUnavailable (a hang is a
// finding, not something to wait out); failing to start it is kIo.
Result<ProcessOutput> RunProcess(const std::vector<std::string>& argv,
                                 const std::vector<std::string>& env,
                                 std::chrono::milliseconds timeout);

// A background child with stdout and stderr appended to a file.
class ChildProcess {
 public:
  static Result<ChildProcess> Start(const std::vector<std::string>& argv,
                                    const std::vector<std::string>& env,
                                    const std::string& output_path);
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ~ChildProcess();  // kills (SIGKILL) and reaps a child still running

  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0; }

  // Sends `signal`; the child is still to be waited for.
  void Signal(int signal);
  // Waits at most `timeout` for the child to end (SIGKILL after that) and
  // returns its exit code as ProcessOutput reports it.
  Result<int> Wait(std::chrono::milliseconds timeout);
  // True (and the exit code in `*exit_code`) if the child has ended already.
  bool Exited(int* exit_code);

 private:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}
  void Kill();  // SIGKILL and reap, if running
  pid_t pid_ = -1;
};

}  // namespace kraken::faults
