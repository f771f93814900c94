#pragma once
// What `GET /metrics` reports, in the Prometheus text format 0.0.4:
//
//   kraken_requests_total{command,outcome}      interactions handled
//   kraken_request_duration_seconds             histogram: receipt to final answer
//   kraken_append_duration_seconds              histogram: handlers that appended
//   kraken_http_responses_total{code}           every HTTP answer, by status
//   kraken_deferred_total, kraken_followup_failures_total
//   kraken_log_head_sequence, kraken_projection_lag_events
//   process_cpu_seconds_total, process_resident_memory_bytes,
//   process_open_fds, process_start_time_seconds
//
// Thread-safe.

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace kraken::serve {

class Metrics {
 public:
  void RecordInteraction(std::string_view command, std::string_view outcome, double seconds);
  void RecordAppend(double seconds);
  void RecordHttpResponse(int status);
  void RecordDeferred();
  void RecordFollowupFailure();

  struct LogPosition {
    std::uint64_t head_seq = 0;        // the log's last sequence
    std::uint64_t projection_seq = 0;  // the tables' last folded sequence
  };
  // The exposition text. `log` is empty when the log could not be read (the
  // log gauges are then left out rather than reported as zero).
  std::string Render(const std::optional<LogPosition>& log) const;

  // kraken_requests_total's value for one label pair (tests, logs).
  std::uint64_t requests(std::string_view command, std::string_view outcome) const;

 private:
  // Upper bounds in seconds; the +Inf bucket is the count.
  static constexpr std::array<double, 13> kBounds = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                     0.25,  0.5,    1,     2.5,  5,     10};
  struct Histogram {
    std::array<std::uint64_t, kBounds.size()> buckets{};
    std::uint64_t count = 0;
    double sum = 0;
    void Observe(double seconds);
    void Render(std::string& out, std::string_view name) const;
  };

  mutable std::mutex mu_;
  std::map<std::pair<std::string, std::string>, std::uint64_t> requests_;
  std::map<int, std::uint64_t> responses_;
  Histogram request_duration_;
  Histogram append_duration_;
  std::uint64_t deferred_ = 0;
  std::uint64_t followup_failures_ = 0;
};

}  // namespace kraken::serve
