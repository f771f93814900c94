#include "src/sync/projector.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <utility>

#include "src/sync/projector_cycle.h"
#include "src/sync/sync_base.h"

namespace kraken::sync {
namespace {

using projector_detail::kAllTabs;

constexpr std::int64_t kDayUs = 86'400'000'000;

std::int64_t SystemNowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::string CycleReport::Summary() const {
  if (idle) return "Nothing changed in the sheet or the log since the last sync.";
  std::string out = fmt::format(
      "{} edit(s) imported, {} conflict(s), {} rejected; {} event(s) appended; {} cell(s) "
      "written, {} row(s) added, {} deleted; {} request(s), {} bytes sent.",
      imported.size(), conflicts.size(), rejected.size(), events_appended, cells_written,
      rows_added, rows_deleted, requests, bytes_sent);
  auto list = [&](const char* title, const std::vector<std::string>& lines) {
    if (lines.empty()) return;
    out += fmt::format("\n{}:", title);
    for (const auto& l : lines) out += "\n  " + l;
  };
  list("Imported", imported);
  list("Conflicts", conflicts);
  list("Not applied", rejected);
  list("Repaired", repairs);
  return out;
}

ProjectorOptions ProjectorOptionsFromConfig(const SyncConfig& config) {
  ProjectorOptions options;
  const Policy fallback = ParsePolicy(config.conflict_policy).value_or(Policy::kManual);
  options.policy = [fallback, pilots = config.pilot_policies, corps = config.corp_policies](
                       Table table, const std::string& column) {
    const auto& policies = table == Table::kPilot ? pilots : corps;
    auto it = policies.find(column);
    if (it == policies.end()) return fallback;
    return ParsePolicy(it->second).value_or(fallback);
  };
  options.max_deletions = config.max_deletions;
  options.max_deletion_share = config.max_deletion_share;
  return options;
}

SheetProjector::Cycle::Cycle(SheetProjector& p, CycleMode mode)
    : p_(p), client_(p.client_), log_(p.roster_.log()), schema_(p.roster_.schema()), mode_(mode) {}

Result<CycleReport> SheetProjector::Cycle::Run() {
  const sheets::SheetsTraffic before = client_.traffic();
  KRAKEN_RETURN_IF_ERROR(LoadTheBase());
  KRAKEN_ASSIGN_OR_RETURN(sheets::DriveFileVersion drive, client_.GetDriveVersion());
  const std::uint64_t seq = p_.roster_.Read([](const AllianceState& s) { return s.seq(); });
  day_ = Now() / kDayUs;
  if (mode_ != CycleMode::kPlan && IsIdle(std::to_string(drive.version), seq)) {
    report_.idle = true;
  } else {
    KRAKEN_RETURN_IF_ERROR(ReadTabs());
    ReconcilePendingWrites();
    if (mode_ != CycleMode::kPush) KRAKEN_RETURN_IF_ERROR(Import());
    if (mode_ == CycleMode::kFull || mode_ == CycleMode::kPush) {
      KRAKEN_RETURN_IF_ERROR(Write());
    } else {
      KeepBaseWithoutWriting();
    }
    if (mode_ != CycleMode::kPlan) KRAKEN_RETURN_IF_ERROR(Remember());
  }
  const sheets::SheetsTraffic after = client_.traffic();
  report_.requests = after.requests - before.requests;
  report_.bytes_sent = after.bytes_sent - before.bytes_sent;
  report_.log_seq = p_.roster_.Read([](const AllianceState& s) { return s.seq(); });
  return std::move(report_);
}

std::int64_t SheetProjector::Cycle::Now() const {
  return p_.options_.now_us ? p_.options_.now_us() : SystemNowUs();
}

Policy SheetProjector::Cycle::PolicyOf(Table table, const std::string& column) const {
  return p_.options_.policy ? p_.options_.policy(table, column) : Policy::kLogWins;
}

// The three-way comparison of a managed tab. Two spellings of one value (a ticker
// or an enum value in another case) are the same value, not a conflict.
Comparison SheetProjector::Cycle::CompareTab(const ManagedTab& m, const TabModel& model,
                                             const TabBase& base, const ParsedTab& sheet) const {
  const std::vector<Column>& columns = schema_.columns(m.table);
  auto same = [&](std::size_t index, const std::string& typed, const std::string& logged) {
    const Column& column = columns[index];
    auto value = schema_.Normalize(m.table, column.name, typed);
    if (!value.ok()) return false;
    const bool ref = column.type == ColumnType::kCorpRef || column.type == ColumnType::kPilotRef;
    return ref ? EqualsIgnoreCase(*value, logged) : *value == logged;
  };
  return Compare(
      model, base, sheet, [&](const std::string& c) { return PolicyOf(m.table, c); }, same);
}

Status SheetProjector::Cycle::LoadTheBase() {
  auto base = LoadBase(log_, client_.spreadsheet_id());
  if (base.ok()) {
    base_ = std::move(*base);
    pending_ = std::move(base_.pending);
    base_.pending.clear();
  } else {
    report_.repairs.push_back(base.error().message);
    base_ = SyncBase{};
    base_.spreadsheet_id = client_.spreadsheet_id();
  }
  return Ok{};
}

bool SheetProjector::Cycle::IsIdle(const std::string& drive_version, std::uint64_t seq) const {
  if (base_.drive_version != drive_version || base_.log_seq != seq) return false;
  if (base_.analytics_day != day_) return false;
  for (std::string_view tab : kAllTabs) {
    if (!base_.tabs.contains(std::string(tab))) return false;
  }
  return true;
}

TabBase& SheetProjector::Cycle::BaseOf(std::string_view tab) {
  return base_.tabs[std::string(tab)].base;
}

const TabModel& SheetProjector::Cycle::ModelOf(const AllianceState& state, const ManagedTab& m) {
  auto& [seq, model] = models_[std::string(m.title)];
  if (seq != state.seq() || model.columns.empty()) {
    model = RenderTab(state.roster(), m.table);
    seq = state.seq();
  }
  return model;
}

Status SheetProjector::Cycle::Remember() {
  if (report_.idle) return Ok{};
  if (kept_edits_) {
    base_.drive_version.clear();  // edits left in the sheet: the next cycle must read it
  } else {
    KRAKEN_ASSIGN_OR_RETURN(sheets::DriveFileVersion drive, client_.GetDriveVersion());
    base_.drive_version = std::to_string(drive.version);
  }
  base_.log_seq = mode_ == CycleMode::kPull
                      ? p_.roster_.Read([](const AllianceState& s) { return s.seq(); })
                      : shown_seq_;
  base_.analytics_day = mode_ == CycleMode::kPull ? -1 : day_;
  return SaveBase(log_, base_);
}

SheetProjector::SheetProjector(RosterService& roster, sheets::SheetsClient& client,
                               ProjectorOptions options)
    : roster_(roster), client_(client), options_(std::move(options)) {}

Status SheetProjector::CatchUpConflicts() {
  KRAKEN_ASSIGN_OR_RETURN(const std::uint64_t head, roster_.log().Head());
  if (head <= conflicts_.seq()) return Ok{};
  return roster_.log().Scan(conflicts_.seq() + 1, head, [&](const Event& e) {
    conflicts_.Apply(e);
    return true;
  });
}

namespace {

// An flock held for one cycle; released (and the descriptor closed) on exit.
class FileLock {
 public:
  static Result<FileLock> Acquire(const std::string& path) {
    FileLock lock;
    if (path.empty()) return lock;
    lock.fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (lock.fd_ < 0) {
      return MakeError(ErrorCode::kIo,
                       fmt::format("cannot open the sync lock {}: {}", path, std::strerror(errno)));
    }
    while (::flock(lock.fd_, LOCK_EX) != 0) {
      if (errno != EINTR) {
        return MakeError(ErrorCode::kIo,
                         fmt::format("cannot lock {}: {}", path, std::strerror(errno)));
      }
    }
    return lock;
  }
  FileLock() = default;
  FileLock(FileLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  FileLock& operator=(FileLock&&) = delete;
  ~FileLock() {
    if (fd_ >= 0) ::close(fd_);  // closing releases the lock
  }

 private:
  int fd_ = -1;
};

}  // namespace

Result<CycleReport> SheetProjector::RunCycle(CycleMode mode) {
  std::lock_guard lock(mu_);
  KRAKEN_ASSIGN_OR_RETURN(FileLock file_lock, FileLock::Acquire(options_.lock_file));
  return Cycle(*this, mode).Run();
}

Result<ConflictLog> SheetProjector::Conflicts() {
  std::lock_guard lock(mu_);
  KRAKEN_RETURN_IF_ERROR(CatchUpConflicts());
  return conflicts_;
}

}  // namespace kraken::sync
