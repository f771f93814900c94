#pragma once
// LmdbEnv: the one LMDB environment of a log directory, the database holding the
// log's tables (log_tables.h), the lock that lets the map be resized, and the one translation of LMDB return codes
// into Errors. Private to src/store: this is the only header that names LMDB
// types, and only src/store/*.cc include it (event_log.h stays free of LMDB).

#include <lmdb.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "events/result.h"

namespace kraken {

inline MDB_val ToVal(std::string_view bytes) {
  return MDB_val{bytes.size(), const_cast<char*>(bytes.data())};
}
inline std::string_view ToView(const MDB_val& val) {
  return {static_cast<const char*>(val.mv_data), val.mv_size};
}
// A cursor, closed on destruction.
class Cursor {
 public:
  Cursor() = default;
  ~Cursor();
  Cursor(const Cursor&) = delete;
  Cursor& operator=(const Cursor&) = delete;
  int Open(MDB_txn* txn, MDB_dbi dbi);
  int Get(MDB_val& key, MDB_val& value, MDB_cursor_op op) {
    return mdb_cursor_get(cursor_, &key, &value, op);
  }

 private:
  MDB_cursor* cursor_ = nullptr;
};

// The one place LMDB and OS return codes become Errors. `doing` says what failed
// ("reading event 17"); `dir` is the log directory. ENOSPC, EDQUOT, and EIO from
// a short write on a full file system become kDiskFull.
Error LmdbError(int rc, std::string_view doing, const std::string& dir);

class LmdbEnv {
 public:
  // Opens (creating `dir` and the log if needed) with MDB_NOTLS and at least
  // `map_bytes` of map, and clears stale reader slots. A kraken-log-2 log is
  // converted to the current layout first (log_upgrade.h).
  // The conversion grows the map up to `max_map_bytes` when it needs to.
  static Result<std::unique_ptr<LmdbEnv>> Open(const std::string& dir, std::uint64_t map_bytes,
                                               std::uint64_t max_map_bytes);
  ~LmdbEnv();
  LmdbEnv(const LmdbEnv&) = delete;
  LmdbEnv& operator=(const LmdbEnv&) = delete;

  // A top-level transaction holding the map lock shared for its lifetime, so the
  // map is never resized under it. Aborted on destruction unless committed. Use
  // it on the thread that began it.
  class Txn {
   public:
    Txn(std::shared_lock<std::shared_mutex> lock, MDB_txn* txn);
    Txn(Txn&& other) noexcept;
    Txn& operator=(Txn&&) = delete;
    ~Txn();
    MDB_txn* get() const { return txn_; }
    // mdb_txn_commit; the transaction is finished whatever it returns.
    int Commit();

   private:
    std::shared_lock<std::shared_mutex> lock_;
    MDB_txn* txn_;
  };

  // Begins a transaction (`flags` MDB_RDONLY or 0). When another process has grown
  // the map beyond ours (MDB_MAP_RESIZED), adopts its size and retries.
  int Begin(unsigned flags, std::optional<Txn>& out);
  Result<Txn> BeginRead();

  struct Usage {
    std::uint64_t map_bytes = 0;
    std::uint64_t used_bytes = 0;  // pages up to the last one in use
  };
  Usage MapUsage() const;
  // mdb_env_set_mapsize (0: adopt the size recorded by another process). Waits
  // until this process has no transaction open.
  int Resize(std::uint64_t map_bytes);

  // mdb_env_copy2 with MDB_CP_COMPACT into `dir` (which must not hold data.mdb);
  // a partial copy is removed when it fails.
  int CopyCompact(const std::string& dir);

  Error Translate(int rc, std::string_view doing) const { return LmdbError(rc, doing, dir_); }

  MDB_env* env() const { return env_; }
  // The database holding every table: LMDB's main one.
  MDB_dbi db() const { return db_; }
  // The named database "meta" holding the format tag (log_keys.h).
  MDB_dbi meta_db() const { return meta_; }
  const std::string& dir() const { return dir_; }
  std::uint64_t readers_cleared_on_open() const { return readers_cleared_; }

 private:
  LmdbEnv(std::string dir, MDB_env* env) : dir_(std::move(dir)), env_(env) {}
  Status OpenTables(std::uint64_t max_map_bytes);
  // One attempt at OpenTables; `upgrading` is set once an older log is being
  // converted. kForeignFormat: refused, with foreign_format_ saying why.
  int TryOpenTables(bool& upgrading);
  static constexpr int kForeignFormat = -1;

  std::string dir_;
  MDB_env* env_;
  MDB_dbi db_ = 0;
  MDB_dbi meta_ = 0;
  Error foreign_format_{};
  std::uint64_t page_size_ = 4096;
  std::uint64_t readers_cleared_ = 0;
  // Shared by every transaction of this process; exclusive while resizing, which
  // LMDB allows only when this process has no transaction open.
  std::shared_mutex map_mu_;
};

}  // namespace kraken
