#include "tools/bench/bench_util.h"

#include <fmt/format.h>
#include <linux/magic.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

namespace kraken::bench {
namespace {

std::string FileSystemType(const std::string& dir) {
  struct statfs fs;
  if (statfs(dir.c_str(), &fs) != 0) return "unknown file system";
  switch (fs.f_type) {
    case EXT4_SUPER_MAGIC:
      return "ext4";
    case TMPFS_MAGIC:
      return "tmpfs: memory, not a disk";
    case XFS_SUPER_MAGIC:
      return "xfs";
    case BTRFS_SUPER_MAGIC:
      return "btrfs";
    case OVERLAYFS_SUPER_MAGIC:
      return "overlayfs";
    default:
      return fmt::format("file system 0x{:x}", static_cast<unsigned long>(fs.f_type));
  }
}

}  // namespace

void Die(std::string_view what, std::string_view message) {
  std::fflush(stdout);
  fmt::print(stderr, "error: {}: {}\n", what, message);
  std::exit(1);
}

void OrDie(Status status, std::string_view what) {
  if (!status.ok()) Die(what, status.error().message);
}

std::int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

double Percentile(std::vector<double> samples, double p) {
  if (samples.empty()) return 0;
  // Nearest rank: the smallest sample with at least p% of the samples at or below it.
  const double rank = std::ceil(p / 100.0 * static_cast<double>(samples.size()));
  const std::size_t index = std::clamp<std::size_t>(
      static_cast<std::size_t>(std::max(rank, 1.0)) - 1, 0, samples.size() - 1);
  std::nth_element(samples.begin(), samples.begin() + static_cast<std::ptrdiff_t>(index),
                   samples.end());
  return samples[index];
}

std::uint64_t ResidentBytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      return std::strtoull(line.c_str() + 6, nullptr, 10) * 1024;  // reported in kB
    }
  }
  return 0;
}

Flags::Flags(int argc, char** argv, std::string usage) : usage_(std::move(usage)) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      fmt::print("{}", usage_);
      std::exit(0);
    }
    if (arg.rfind("--", 0) != 0) {
      fmt::print(stderr, "unexpected argument '{}'\n{}", arg, usage_);
      std::exit(2);
    }
    arg.remove_prefix(2);
    const std::size_t eq = arg.find('=');
    std::string name(arg.substr(0, eq));
    std::string value;
    if (eq != std::string_view::npos) {
      value = std::string(arg.substr(eq + 1));
    } else if (i + 1 < argc && std::string_view(argv[i + 1]).rfind("--", 0) != 0) {
      value = argv[++i];
    }
    read_[name] = false;
    values_[std::move(name)] = std::move(value);
  }
}

std::uint64_t Flags::Int(std::string_view name, std::uint64_t fallback) {
  auto it = values_.find(name);
  if (it == values_.end()) return fallback;
  read_.find(name)->second = true;
  char* end = nullptr;
  const std::uint64_t value = std::strtoull(it->second.c_str(), &end, 10);
  if (it->second.empty() || *end != '\0') {
    fmt::print(stderr, "--{} needs a whole number, not '{}'\n{}", name, it->second, usage_);
    std::exit(2);
  }
  return value;
}

std::string Flags::Text(std::string_view name, std::string fallback) {
  auto it = values_.find(name);
  if (it == values_.end()) return fallback;
  read_.find(name)->second = true;
  return it->second;
}

bool Flags::Has(std::string_view name) {
  auto it = values_.find(name);
  if (it == values_.end()) return false;
  read_.find(name)->second = true;
  return true;
}

void Flags::RejectUnknown() const {
  for (const auto& [name, was_read] : read_) {
    if (!was_read) {
      fmt::print(stderr, "unknown flag --{}\n{}", name, usage_);
      std::exit(2);
    }
  }
}

TempDir::TempDir(const std::string& base, std::string_view prefix) {
  std::error_code ec;
  std::filesystem::create_directories(base, ec);
  if (ec) Die(fmt::format("creating {}", base), ec.message());
  std::string pattern = fmt::format("{}/{}.XXXXXX", base, prefix);
  if (mkdtemp(pattern.data()) == nullptr) {
    Die(fmt::format("creating a directory under {}", base), std::strerror(errno));
  }
  path_ = std::move(pattern);
}

TempDir::~TempDir() {
  if (path_.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
  if (ec) fmt::print(stderr, "warning: could not remove {}: {}\n", path_, ec.message());
}

std::string ScratchBase(Flags& flags) {
  std::string base = flags.Text("tmp-dir", "");
  if (base.empty()) {
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec) Die("finding the build directory", "pass --tmp-dir=DIR");
    base = (exe.parent_path().parent_path().parent_path() / "bench-tmp").string();
  }
  std::error_code ec;
  std::filesystem::create_directories(base, ec);
  if (ec) Die(fmt::format("creating {}", base), ec.message());
  fmt::print("scratch dir: {} ({})\n", base, FileSystemType(base));
  return base;
}

std::string FormatMs(double ms) {
  if (ms < 0.1) return fmt::format("{:.3f} ms", ms);
  if (ms < 100.0) return fmt::format("{:.2f} ms", ms);
  return fmt::format("{:.0f} ms", ms);
}

}  // namespace kraken::bench
