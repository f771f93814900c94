#include "tools/bench/raw_lmdb_log.h"

#include <fmt/format.h>
#include <lmdb.h>

namespace kraken::bench {
namespace {

Error LmdbFailed(int rc, std::string_view doing) {
  return MakeError(ErrorCode::kIo, fmt::format("lmdb: {}: {}", doing, mdb_strerror(rc)));
}

}  // namespace

struct RawLmdbLog::Impl {
  MDB_env* env = nullptr;
  MDB_dbi dbi = 0;
  ~Impl() {
    if (env != nullptr) mdb_env_close(env);
  }
};

RawLmdbLog::RawLmdbLog(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RawLmdbLog::~RawLmdbLog() = default;

Result<std::unique_ptr<RawLmdbLog>> RawLmdbLog::Open(const std::string& dir,
                                                     std::uint64_t map_bytes) {
  auto impl = std::make_unique<Impl>();
  if (int rc = mdb_env_create(&impl->env); rc != MDB_SUCCESS) {
    impl->env = nullptr;
    return LmdbFailed(rc, "creating the environment");
  }
  if (int rc = mdb_env_set_mapsize(impl->env, map_bytes); rc != MDB_SUCCESS) {
    return LmdbFailed(rc, "setting the map size");
  }
  // Flags 0: no MDB_NOSYNC / MDB_NOMETASYNC, so every commit is synced to disk.
  if (int rc = mdb_env_open(impl->env, dir.c_str(), 0, 0644); rc != MDB_SUCCESS) {
    return LmdbFailed(rc, fmt::format("opening {}", dir));
  }
  MDB_txn* txn = nullptr;
  if (int rc = mdb_txn_begin(impl->env, nullptr, 0, &txn); rc != MDB_SUCCESS) {
    return LmdbFailed(rc, "beginning the first transaction");
  }
  int rc = mdb_dbi_open(txn, nullptr, MDB_INTEGERKEY, &impl->dbi);
  if (rc == MDB_SUCCESS) {
    rc = mdb_txn_commit(txn);
  } else {
    mdb_txn_abort(txn);
  }
  if (rc != MDB_SUCCESS) return LmdbFailed(rc, "opening the database");
  return std::unique_ptr<RawLmdbLog>(new RawLmdbLog(std::move(impl)));
}

Status RawLmdbLog::Append(std::uint64_t seq, std::string_view record) {
  MDB_txn* txn = nullptr;
  if (int rc = mdb_txn_begin(impl_->env, nullptr, 0, &txn); rc != MDB_SUCCESS) {
    return LmdbFailed(rc, "beginning a write transaction");
  }
  MDB_val key{sizeof(seq), &seq};
  MDB_val value{record.size(), const_cast<char*>(record.data())};
  int rc = mdb_put(txn, impl_->dbi, &key, &value, MDB_APPEND);
  if (rc != MDB_SUCCESS) {
    mdb_txn_abort(txn);
    return LmdbFailed(rc, fmt::format("putting record {}", seq));
  }
  if (rc = mdb_txn_commit(txn); rc != MDB_SUCCESS) return LmdbFailed(rc, "committing");
  return Ok{};
}

}  // namespace kraken::bench
