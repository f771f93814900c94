#include "tools/kraken/cli_context.h"

#include <fmt/format.h>
#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

namespace kraken::cli {

Result<const Config*> CliContext::config() {
  if (!config_) {
    KRAKEN_ASSIGN_OR_RETURN(Config loaded, LoadConfig(config_path, ProcessEnvironment()));
    if (data_dir) loaded.data_dir = *data_dir;
    config_ = std::move(loaded);
  }
  return &*config_;
}

Result<EventLog*> CliContext::log() {
  if (!log_) {
    KRAKEN_ASSIGN_OR_RETURN(const Config* cfg, config());
    KRAKEN_ASSIGN_OR_RETURN(log_, EventLog::Open(cfg->data_dir));
  }
  return log_.get();
}

Result<RosterService*> CliContext::service() {
  if (!service_) {
    KRAKEN_ASSIGN_OR_RETURN(EventLog * events, log());
    KRAKEN_ASSIGN_OR_RETURN(const Config* cfg, config());
    LoadOptions options;
    options.progress = Progress("loading the roster");
    KRAKEN_ASSIGN_OR_RETURN(service_, RosterService::Open(*events, cfg->schema, options));
  }
  return service_.get();
}

Actor CliContext::actor() const {
  Actor a;
  a.source = Source::kCli;
  a.admin = true;
  a.id = actor_name;
  if (a.id.empty()) {
    if (const char* env = std::getenv("KRAKEN_ACTOR"); env && *env) a.id = env;
  }
  if (a.id.empty()) {
    if (const passwd* pw = getpwuid(geteuid()); pw && pw->pw_name) a.id = pw->pw_name;
  }
  if (a.id.empty()) a.id = "admin";
  return a;
}

std::function<void(std::uint64_t, std::uint64_t)> CliContext::Progress(const char* what) const {
  if (!isatty(STDERR_FILENO)) return {};
  return [what](std::uint64_t done, std::uint64_t total) {
    if (total < 100'000) return;  // quick enough not to need a progress line
    fmt::print(stderr, "\r{}: {} / {} events{}", what, done, total, done >= total ? "\n" : "");
    std::fflush(stderr);
  };
}

std::function<void()> CliContext::Run(std::function<Status()> fn) {
  return [this, fn = std::move(fn)] {
    Status status = fn();
    if (status.ok()) return;
    const Error& e = status.error();
    const bool usage = e.code == ErrorCode::kInvalidArgument && e.message.rfind("usage: ", 0) == 0;
    fmt::print(stderr, "kraken: {}\n", usage ? e.message.substr(7) : e.message);
    exit_code = usage ? kExitUsage : kExitError;
  };
}

void Print(const std::string& text) { std::fwrite(text.data(), 1, text.size(), stdout); }

Error Usage(std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, "usage: " + std::move(message));
}

}  // namespace kraken::cli
