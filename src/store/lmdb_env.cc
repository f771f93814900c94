#include "src/store/lmdb_env.h"

#include <fmt/format.h>
#include <sys/statvfs.h>

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <system_error>

#include "src/store/log_keys.h"
#include "src/store/log_tables.h"
#include "src/store/log_upgrade.h"

namespace kraken {
namespace {

// Transactions this thread holds. A thread that holds one must not wait for the
// map lock exclusively: it would wait for itself.
thread_local int t_txns_held = 0;

// Begin retries this often when other processes keep growing the map meanwhile.
constexpr int kMaxResizeRetries = 16;

// LMDB writes up to 64 pages at a time and reports a short write, which on a
// full file system is what happens, as EIO. Less free space than that after an
// EIO means the disk filled up.
constexpr std::uint64_t kShortWriteSlack = 64 * 4096;

std::uint64_t FreeBytes(const std::string& dir) {
  struct statvfs fs;
  if (statvfs(dir.c_str(), &fs) != 0) return UINT64_MAX;
  return static_cast<std::uint64_t>(fs.f_bavail) * fs.f_frsize;
}

Error DiskFull(const std::string& dir) {
  return MakeError(ErrorCode::kDiskFull,
                   fmt::format("disk full: the event log in {} could not commit; free space and "
                               "retry — nothing was written",
                               dir));
}

}  // namespace

Cursor::~Cursor() {
  if (cursor_ != nullptr) mdb_cursor_close(cursor_);
}

int Cursor::Open(MDB_txn* txn, MDB_dbi dbi) {
  assert(cursor_ == nullptr);
  return mdb_cursor_open(txn, dbi, &cursor_);
}

Error LmdbError(int rc, std::string_view doing, const std::string& dir) {
  const char* what = mdb_strerror(rc);
  switch (rc) {
    case ENOSPC:
    case EDQUOT:
      return DiskFull(dir);
    case EIO:
      if (FreeBytes(dir) < kShortWriteSlack) return DiskFull(dir);
      return MakeError(ErrorCode::kIo, fmt::format("{}: the disk under {} reported an I/O error; "
                                                   "check the device and the kernel log",
                                                   doing, dir));
    case MDB_MAP_FULL:
      return MakeError(ErrorCode::kDiskFull,
                       fmt::format("disk full: the event log in {} reached its maximum map size "
                                   "(EventLog::Options::max_map_bytes); raise it and retry — "
                                   "nothing was written",
                                   dir));
    case EACCES:
    case EPERM:
    case EROFS:
      return MakeError(ErrorCode::kIo, fmt::format("{}: no permission to use {} ({}); check the "
                                                   "directory's owner and mode",
                                                   doing, dir, what));
    case MDB_INVALID:
    case MDB_VERSION_MISMATCH:
      return MakeError(ErrorCode::kCorrupt,
                       fmt::format("{}: {} does not hold an LMDB environment this build can read "
                                   "({})",
                                   doing, dir, what));
    case MDB_CORRUPTED:
    case MDB_PAGE_NOTFOUND:
      return MakeError(ErrorCode::kCorrupt,
                       fmt::format("{}: the LMDB environment in {} is damaged ({}); restore it "
                                   "from a backup",
                                   doing, dir, what));
    case MDB_PANIC:
      return MakeError(ErrorCode::kIo, fmt::format("{}: LMDB hit a fatal error in {} ({}); "
                                                   "restart the process to reopen the log",
                                                   doing, dir, what));
    case MDB_READERS_FULL:
      return MakeError(ErrorCode::kUnavailable,
                       fmt::format("{}: too many readers of {} at once; retry, or clear the slots "
                                   "of dead processes with `mdb_stat -rr {}`",
                                   doing, dir, dir));
    case MDB_MAP_RESIZED:
      return MakeError(
          ErrorCode::kUnavailable,
          fmt::format("{}: another process keeps growing the map of {}; retry", doing, dir));
    case MDB_TXN_FULL:
      return MakeError(
          ErrorCode::kInvalidArgument,
          fmt::format("{}: the batch is too large for one transaction; split it", doing));
    case MDB_BAD_VALSIZE:
      return MakeError(ErrorCode::kInvalidArgument,
                       fmt::format("{}: a key is empty or longer than LMDB's {}-byte limit", doing,
                                   kMaxKeyBytes));
    case ENOMEM:
      return MakeError(
          ErrorCode::kUnavailable,
          fmt::format("{}: out of memory or address space for the map of {}", doing, dir));
    default:
      return MakeError(ErrorCode::kIo, fmt::format("{} in {} failed: {}", doing, dir, what));
  }
}

LmdbEnv::Txn::Txn(std::shared_lock<std::shared_mutex> lock, MDB_txn* txn)
    : lock_(std::move(lock)), txn_(txn) {
  ++t_txns_held;
}

LmdbEnv::Txn::Txn(Txn&& other) noexcept
    : lock_(std::move(other.lock_)), txn_(std::exchange(other.txn_, nullptr)) {}

LmdbEnv::Txn::~Txn() {
  if (txn_ != nullptr) mdb_txn_abort(txn_);
  if (lock_.owns_lock()) --t_txns_held;
}

int LmdbEnv::Txn::Commit() { return mdb_txn_commit(std::exchange(txn_, nullptr)); }

Result<std::unique_ptr<LmdbEnv>> LmdbEnv::Open(const std::string& dir, std::uint64_t map_bytes,
                                               std::uint64_t max_map_bytes) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return MakeError(ErrorCode::kIo,
                     fmt::format("cannot create the log directory {}: {}", dir, ec.message()));
  }
  MDB_env* raw = nullptr;
  if (int rc = mdb_env_create(&raw); rc != MDB_SUCCESS) return LmdbError(rc, "creating", dir);
  std::unique_ptr<LmdbEnv> env(new LmdbEnv(dir, raw));
  // NOTLS: read transactions are not tied to threads' slots, so many threads may
  // read at once, each in its own slot.
  int rc = mdb_env_set_maxdbs(raw, 8);
  if (rc == MDB_SUCCESS) rc = mdb_env_set_maxreaders(raw, 1022);
  if (rc == MDB_SUCCESS) rc = mdb_env_set_mapsize(raw, map_bytes);
  if (rc == MDB_SUCCESS) rc = mdb_env_open(raw, dir.c_str(), MDB_NOTLS, 0644);
  if (rc != MDB_SUCCESS) return LmdbError(rc, "opening the event log", dir);

  int dead = 0;
  if (rc = mdb_reader_check(raw, &dead); rc != MDB_SUCCESS) {
    return LmdbError(rc, "clearing stale readers", dir);
  }
  env->readers_cleared_ = static_cast<std::uint64_t>(dead);
  MDB_stat stat;
  if (mdb_env_stat(raw, &stat) == MDB_SUCCESS) env->page_size_ = stat.ms_psize;
  KRAKEN_RETURN_IF_ERROR(env->OpenTables(max_map_bytes));
  return env;
}

LmdbEnv::~LmdbEnv() { mdb_env_close(env_); }

Status LmdbEnv::OpenTables(std::uint64_t max_map_bytes) {
  // Converting an older log may need more map than it has: grow and start over.
  for (;;) {
    bool upgrading = false;
    int rc = TryOpenTables(upgrading);
    const std::uint64_t map = MapUsage().map_bytes;
    if (rc == MDB_MAP_FULL && upgrading && map < max_map_bytes) {
      if (rc = Resize(std::min(map * 2, max_map_bytes)); rc == MDB_SUCCESS) continue;
    }
    if (rc == kForeignFormat) return foreign_format_;
    if (rc != MDB_SUCCESS) {
      return Translate(
          rc, upgrading ? fmt::format("converting the {} log to {}", kLogFormat2Tag, kLogFormatTag)
                        : std::string("opening the log's tables"));
    }
    return Ok{};
  }
}

int LmdbEnv::TryOpenTables(bool& upgrading) {
  std::optional<Txn> txn;
  if (int rc = Begin(0, txn); rc != MDB_SUCCESS) return rc;
  if (int rc = mdb_dbi_open(txn->get(), nullptr, 0, &db_); rc != MDB_SUCCESS) return rc;
  auto refuse = [&](std::string message) {
    foreign_format_ = MakeError(ErrorCode::kCorrupt, std::move(message));
    return kForeignFormat;
  };
  auto other_format = [&](std::string_view format) {
    return refuse(fmt::format("{} holds a log in format \"{}\"; this build reads \"{}\"", dir_,
                              format, kLogFormatTag));
  };
  auto not_a_log = [&] {
    return refuse(
        fmt::format("{} holds an LMDB environment that is not a KRAKEN event log (it has "
                    "no format tag); give KRAKEN a new or empty directory",
                    dir_));
  };
  // The tag is in the named database "meta", where every build has looked for it.
  int rc = mdb_dbi_open(txn->get(), kMetaDb, 0, &meta_);
  if (rc == MDB_NOTFOUND) {
    // A new log, unless the environment holds something else.
    MDB_stat stat;
    if (rc = mdb_stat(txn->get(), db_, &stat); rc != MDB_SUCCESS) return rc;
    if (stat.ms_entries != 0) return not_a_log();
    MDB_val key = ToVal(kMetaFormat), tag = ToVal(kLogFormatTag);
    rc = mdb_dbi_open(txn->get(), kMetaDb, MDB_CREATE, &meta_);
    if (rc == MDB_SUCCESS) rc = mdb_put(txn->get(), meta_, &key, &tag, 0);
    return rc == MDB_SUCCESS ? txn->Commit() : rc;
  }
  if (rc == MDB_INCOMPATIBLE) return not_a_log();  // "meta" is an ordinary key there
  if (rc != MDB_SUCCESS) return rc;
  MDB_val key = ToVal(kMetaFormat), value;
  rc = mdb_get(txn->get(), meta_, &key, &value);
  if (rc == MDB_NOTFOUND) return not_a_log();
  if (rc != MDB_SUCCESS) return rc;
  if (ToView(value) == kLogFormat2Tag) {
    upgrading = true;
    std::string refusal;
    rc = UpgradeFromLog2(txn->get(), db_, meta_, refusal);
    if (rc == MDB_BAD_VALSIZE && !refusal.empty()) {
      return refuse(
          fmt::format("cannot convert the {} log in {} to {}: {}. Nothing was changed; "
                      "keep using the build that wrote it",
                      kLogFormat2Tag, dir_, kLogFormatTag, refusal));
    }
    if (rc != MDB_SUCCESS) return rc;
  } else if (ToView(value) != kLogFormatTag) {
    return other_format(ToView(value));
  }
  // Committed even when nothing changed: aborting would close the "meta" handle.
  return txn->Commit();
}

int LmdbEnv::Begin(unsigned flags, std::optional<Txn>& out) {
  for (int attempt = 0; attempt < kMaxResizeRetries; ++attempt) {
    std::shared_lock lock(map_mu_);
    MDB_txn* txn = nullptr;
    int rc = mdb_txn_begin(env_, nullptr, flags, &txn);
    if (rc == MDB_SUCCESS) {
      out.emplace(std::move(lock), txn);
      return MDB_SUCCESS;
    }
    if (rc != MDB_MAP_RESIZED) return rc;
    lock.unlock();
    // Another process grew the map past ours. Adopting its size needs every
    // transaction of this process closed; this thread holding one would deadlock.
    if (t_txns_held > 0) return MDB_MAP_RESIZED;
    if (rc = Resize(0); rc != MDB_SUCCESS) return rc;
  }
  return MDB_MAP_RESIZED;
}

Result<LmdbEnv::Txn> LmdbEnv::BeginRead() {
  std::optional<Txn> txn;
  if (int rc = Begin(MDB_RDONLY, txn); rc != MDB_SUCCESS) {
    return Translate(rc, "starting a read transaction");
  }
  return std::move(*txn);
}

LmdbEnv::Usage LmdbEnv::MapUsage() const {
  MDB_envinfo info;
  mdb_env_info(env_, &info);
  return Usage{info.me_mapsize, (info.me_last_pgno + 1) * page_size_};
}

int LmdbEnv::Resize(std::uint64_t map_bytes) {
  std::unique_lock lock(map_mu_);
  return mdb_env_set_mapsize(env_, map_bytes);
}

int LmdbEnv::CopyCompact(const std::string& dir) {
  const std::filesystem::path data = std::filesystem::path(dir) / "data.mdb";
  for (int attempt = 0; attempt < kMaxResizeRetries; ++attempt) {
    int rc;
    {
      // The copy runs its own read transaction: hold the map lock like one.
      std::shared_lock lock(map_mu_);
      rc = mdb_env_copy2(env_, dir.c_str(), MDB_CP_COMPACT);
    }
    if (rc == MDB_SUCCESS) return rc;
    std::error_code ignored;
    std::filesystem::remove(data, ignored);
    if (rc != MDB_MAP_RESIZED || t_txns_held > 0) return rc;
    if (rc = Resize(0); rc != MDB_SUCCESS) return rc;
  }
  return MDB_MAP_RESIZED;
}

}  // namespace kraken
