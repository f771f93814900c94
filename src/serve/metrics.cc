#include "src/serve/metrics.h"

#include <fmt/format.h>
#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <vector>

namespace kraken::serve {
namespace {

// Distinct (command, outcome) pairs kept as their own series; beyond this they
// are counted under command="other" so a stream of odd names cannot grow memory.
constexpr std::size_t kMaxSeries = 256;

// Label values escape backslash, double quote and newline (format 0.0.4).
std::string Label(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void Header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

// The process basics from /proc (Linux); missing files leave them out.
void RenderProcess(std::string& out) {
  std::ifstream stat_file("/proc/self/stat");
  std::string stat((std::istreambuf_iterator<char>(stat_file)), {});
  // Fields after the command name (which may hold spaces) start after ')'.
  const auto close = stat.rfind(')');
  if (close != std::string::npos) {
    std::istringstream fields(stat.substr(close + 2));
    std::vector<std::string> f{std::istream_iterator<std::string>(fields), {}};
    const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
    // f[0] is field 3 (state): utime 14, stime 15, starttime 22, rss 24.
    if (f.size() > 21 && ticks > 0) {
      const double cpu = (std::stod(f[11]) + std::stod(f[12])) / ticks;
      Header(out, "process_cpu_seconds_total", "counter", "User and system CPU time.");
      out += fmt::format("process_cpu_seconds_total {}\n", cpu);
      const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
      Header(out, "process_resident_memory_bytes", "gauge", "Resident memory size.");
      out += fmt::format("process_resident_memory_bytes {:.0f}\n", std::stod(f[21]) * page);
      std::ifstream uptime_file("/proc/uptime");
      double uptime = 0;
      if (uptime_file >> uptime) {
        const double boot = static_cast<double>(std::time(nullptr)) - uptime;
        Header(out, "process_start_time_seconds", "gauge", "Start time, seconds since the epoch.");
        out += fmt::format("process_start_time_seconds {:.0f}\n", boot + std::stod(f[19]) / ticks);
      }
    }
  }
  std::error_code ec;
  std::size_t fds = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    ++fds;
  }
  if (!ec) {
    Header(out, "process_open_fds", "gauge", "Open file descriptors.");
    out += fmt::format("process_open_fds {}\n", fds);
  }
}

}  // namespace

void Metrics::Histogram::Observe(double seconds) {
  for (std::size_t i = 0; i < kBounds.size(); ++i) {
    if (seconds <= kBounds[i]) ++buckets[i];
  }
  ++count;
  sum += seconds;
}

void Metrics::Histogram::Render(std::string& out, std::string_view name) const {
  for (std::size_t i = 0; i < kBounds.size(); ++i) {
    out += fmt::format("{}_bucket{{le=\"{}\"}} {}\n", name, kBounds[i], buckets[i]);
  }
  out += fmt::format("{}_bucket{{le=\"+Inf\"}} {}\n{}_sum {}\n{}_count {}\n", name, count, name,
                     sum, name, count);
}

void Metrics::RecordInteraction(std::string_view command, std::string_view outcome,
                                double seconds) {
  std::lock_guard lock(mu_);
  std::pair<std::string, std::string> key{command, outcome};
  if (requests_.size() >= kMaxSeries && !requests_.contains(key)) key.first = "other";
  ++requests_[key];
  request_duration_.Observe(seconds);
}

void Metrics::RecordAppend(double seconds) {
  std::lock_guard lock(mu_);
  append_duration_.Observe(seconds);
}

void Metrics::RecordHttpResponse(int status) {
  std::lock_guard lock(mu_);
  ++responses_[status];
}

void Metrics::RecordDeferred() {
  std::lock_guard lock(mu_);
  ++deferred_;
}

void Metrics::RecordFollowupFailure() {
  std::lock_guard lock(mu_);
  ++followup_failures_;
}

std::uint64_t Metrics::requests(std::string_view command, std::string_view outcome) const {
  std::lock_guard lock(mu_);
  auto it = requests_.find({std::string(command), std::string(outcome)});
  return it == requests_.end() ? 0 : it->second;
}

std::string Metrics::Render(const std::optional<LogPosition>& log) const {
  std::string out;
  {
    std::lock_guard lock(mu_);
    Header(out, "kraken_requests_total", "counter", "Discord interactions handled.");
    for (const auto& [key, n] : requests_) {
      out += fmt::format("kraken_requests_total{{command=\"{}\",outcome=\"{}\"}} {}\n",
                         Label(key.first), Label(key.second), n);
    }
    Header(out, "kraken_request_duration_seconds", "histogram",
           "From receiving an interaction to its final answer.");
    request_duration_.Render(out, "kraken_request_duration_seconds");
    Header(out, "kraken_append_duration_seconds", "histogram",
           "Time spent in interactions that appended to the log.");
    append_duration_.Render(out, "kraken_append_duration_seconds");
    Header(out, "kraken_http_responses_total", "counter", "HTTP responses by status code.");
    for (const auto& [code, n] : responses_) {
      out += fmt::format("kraken_http_responses_total{{code=\"{}\"}} {}\n", code, n);
    }
    Header(out, "kraken_deferred_total", "counter",
           "Interactions answered with a deferral (type 5) and finished later.");
    out += fmt::format("kraken_deferred_total {}\n", deferred_);
    Header(out, "kraken_followup_failures_total", "counter",
           "Deferred answers that could not be delivered to Discord.");
    out += fmt::format("kraken_followup_failures_total {}\n", followup_failures_);
  }
  if (log) {
    Header(out, "kraken_log_head_sequence", "gauge", "The sequence of the log's last event.");
    out += fmt::format("kraken_log_head_sequence {}\n", log->head_seq);
    Header(out, "kraken_projection_lag_events", "gauge",
           "Events in the log not yet folded into the tables.");
    out +=
        fmt::format("kraken_projection_lag_events {}\n",
                    log->head_seq > log->projection_seq ? log->head_seq - log->projection_seq : 0);
  }
  RenderProcess(out);
  return out;
}

}  // namespace kraken::serve
