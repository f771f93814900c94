#pragma once
// Helpers every benchmark shares: a monotonic clock, order statistics, the
// process's resident memory, a scratch directory on the disk being measured,
// `--name=value` flags, and dying with a message when setup fails. The benches
// are mains: a failure to set up a measurement ends the run, it is not handled.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "events/result.h"

namespace kraken::bench {

// Prints "error: <what>: <message>" to stderr and exits with status 1.
[[noreturn]] void Die(std::string_view what, std::string_view message);

// The value of `result`, or Die naming `what`.
template <typename T>
T OrDie(Result<T> result, std::string_view what) {
  if (!result.ok()) Die(what, result.error().message);
  return std::move(result).value();
}
void OrDie(Status status, std::string_view what);

// Monotonic time in nanoseconds, and a duration in milliseconds.
std::int64_t NowNs();
inline double Ms(std::int64_t ns) { return static_cast<double>(ns) / 1e6; }

// Nearest-rank percentile (p in [0, 100]) of `samples`; 0 for none.
double Percentile(std::vector<double> samples, double p);
inline double Median(std::vector<double> samples) { return Percentile(std::move(samples), 50); }

// VmRSS of this process in bytes, from /proc/self/status; 0 if it cannot be read.
std::uint64_t ResidentBytes();

// `--name=value` and `--name value` arguments. --help prints `usage` and exits 0.
// Reading a flag marks it known; RejectUnknown() then ends the run (status 2) on
// any flag no one read, so a typo never silently measures the default.
class Flags {
 public:
  Flags(int argc, char** argv, std::string usage);
  std::uint64_t Int(std::string_view name, std::uint64_t fallback);
  std::string Text(std::string_view name, std::string fallback);
  bool Has(std::string_view name);  // a flag given without a value, e.g. --quick
  void RejectUnknown() const;

 private:
  std::map<std::string, std::string, std::less<>> values_;
  std::map<std::string, bool, std::less<>> read_;
  std::string usage_;
};

// A fresh directory (mkdtemp "<base>/<prefix>.XXXXXX", `base` created if missing),
// removed with everything in it on destruction. Move-only.
class TempDir {
 public:
  TempDir(const std::string& base, std::string_view prefix);
  ~TempDir();
  TempDir(TempDir&& other) noexcept : path_(std::exchange(other.path_, {})) {}
  TempDir& operator=(TempDir&&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Where scratch data goes: --tmp-dir, else <build dir>/bench-tmp (the bench binary
// lives in <build dir>/tools/bench/), so the disk under the build is the one
// measured, not a tmpfs. Prints the directory and its file-system type.
std::string ScratchBase(Flags& flags);

// "0.61 ms", "1234 ms": a duration in milliseconds, to a readable precision.
std::string FormatMs(double ms);

}  // namespace kraken::bench
