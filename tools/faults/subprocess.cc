#include "tools/faults/subprocess.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>
#include <thread>

extern char** environ;

namespace kraken::faults {
namespace {

using Clock = std::chrono::steady_clock;

Error IoError(std::string what) {
  return MakeError(ErrorCode::kIo, fmt::format("{}: {}", what, std::strerror(errno)));
}

std::vector<char*> Pointers(const std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (const std::string& s : strings) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

int ExitCode(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// Waits for `pid` to end until `deadline`: a pidfd becomes readable when the
// child exits, so no polling loop is needed where the kernel has pidfd_open.
bool AwaitExit(pid_t pid, Clock::time_point deadline, int* exit_code) {
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  for (;;) {
    int status = 0;
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) {
      if (pidfd >= 0) ::close(pidfd);
      *exit_code = ExitCode(status);
      return true;
    }
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      if (pidfd >= 0) ::close(pidfd);
      return false;
    }
    if (pidfd >= 0) {
      pollfd p{pidfd, POLLIN, 0};
      ::poll(&p, 1, static_cast<int>(left.count()));
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));  // no pidfd: poll waitpid
    }
  }
}

// AwaitExit until `deadline`; when that fails, SIGKILL and wait up to 10 s more.
// False if the child had to be killed.
bool AwaitExitOrKill(pid_t pid, Clock::time_point deadline, int* exit_code) {
  if (AwaitExit(pid, deadline, exit_code)) return true;
  ::kill(pid, SIGKILL);
  AwaitExit(pid, Clock::now() + std::chrono::seconds(10), exit_code);
  return false;
}

Result<pid_t> Spawn(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                    posix_spawn_file_actions_t* actions) {
  pid_t pid = -1;
  std::vector<char*> args = Pointers(argv);
  std::vector<char*> envp = Pointers(env);
  const int rc =
      ::posix_spawn(&pid, argv.front().c_str(), actions, nullptr, args.data(), envp.data());
  if (rc != 0) {
    errno = rc;
    return IoError(fmt::format("cannot start {} (is the path right?)", argv.front()));
  }
  return pid;
}

}  // namespace

std::vector<std::string> ChildEnvironment(const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view var(*e);
    if (var.starts_with("KRAKEN_") || var.starts_with("DISCORD_") || var.starts_with("GOOGLE_")) {
      continue;
    }
    env.emplace_back(*e);
  }
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

Result<ProcessOutput> RunProcess(const std::vector<std::string>& argv,
                                 const std::vector<std::string>& env,
                                 std::chrono::milliseconds timeout) {
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) return IoError("pipe");
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    return IoError("pipe");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  auto pid = Spawn(argv, env, &actions);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (!pid.ok()) {
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    return pid.take_error();
  }
  ProcessOutput output;
  const auto deadline = Clock::now() + timeout;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&output.out, &output.err};
  int open_pipes = 2;
  bool timed_out = false;
  while (open_pipes > 0) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    if (::poll(fds, 2, static_cast<int>(left.count())) < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buffer[16384];
      const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        sinks[i]->append(buffer, static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_pipes;
      }
    }
  }
  for (pollfd& p : fds) {
    if (p.fd >= 0) ::close(p.fd);
  }
  if (timed_out) ::kill(*pid, SIGKILL);
  if (!AwaitExitOrKill(*pid, timed_out ? Clock::now() + std::chrono::seconds(10) : deadline,
                       &output.exit_code)) {
    timed_out = true;
  }
  if (timed_out) {
    return MakeError(
        ErrorCode::kUnavailable,
        fmt::format("{} {} did not finish within {} ms and was killed; stderr so far: {}",
                    argv.front(), argv.size() > 1 ? argv[1] : "", timeout.count(), output.err));
  }
  return output;
}

Result<ChildProcess> ChildProcess::Start(const std::vector<std::string>& argv,
                                         const std::vector<std::string>& env,
                                         const std::string& output_path) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, output_path.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                   0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  auto pid = Spawn(argv, env, &actions);
  posix_spawn_file_actions_destroy(&actions);
  if (!pid.ok()) return pid.take_error();
  return ChildProcess(*pid);
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept : pid_(other.pid_) { other.pid_ = -1; }

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    Kill();
    pid_ = other.pid_;
    other.pid_ = -1;
  }
  return *this;
}

ChildProcess::~ChildProcess() { Kill(); }

void ChildProcess::Kill() {
  if (!running()) return;
  Signal(SIGKILL);
  (void)Wait(std::chrono::seconds(10));
}

void ChildProcess::Signal(int signal) {
  if (running()) ::kill(pid_, signal);
}

bool ChildProcess::Exited(int* exit_code) {
  if (!running()) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) != pid_) return false;
  *exit_code = ExitCode(status);
  pid_ = -1;
  return true;
}

Result<int> ChildProcess::Wait(std::chrono::milliseconds timeout) {
  if (!running()) return MakeError(ErrorCode::kInternal, "no child process to wait for");
  int exit_code = -1;
  if (!AwaitExitOrKill(pid_, Clock::now() + timeout, &exit_code)) {
    pid_ = -1;
    return MakeError(
        ErrorCode::kUnavailable,
        fmt::format("the child did not exit within {} ms and was killed", timeout.count()));
  }
  pid_ = -1;
  return exit_code;
}

}  // namespace kraken::faults
