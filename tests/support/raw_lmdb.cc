#include "tests/support/raw_lmdb.h"

#include <lmdb.h>

#include <stdexcept>
#include <utility>

namespace kraken::testing {
namespace {

void Check(int rc, const char* what) {
  if (rc != MDB_SUCCESS) throw std::runtime_error(std::string(what) + ": " + mdb_strerror(rc));
}

// Runs `fn(txn, dbi)` in one write transaction on database `db` of the log in
// `dir`: nullptr for the main one, which holds every table.
template <typename F>
void WithRawDb(const std::string& dir, F&& fn, const char* db = nullptr) {
  MDB_env* env = nullptr;
  Check(mdb_env_create(&env), "mdb_env_create");
  mdb_env_set_maxdbs(env, 1);
  MDB_txn* txn = nullptr;
  try {
    Check(mdb_env_open(env, dir.c_str(), 0, 0644), "mdb_env_open");
    Check(mdb_txn_begin(env, nullptr, 0, &txn), "mdb_txn_begin");
    MDB_dbi dbi;
    Check(mdb_dbi_open(txn, db, 0, &dbi), "mdb_dbi_open");
    fn(txn, dbi);
    Check(mdb_txn_commit(std::exchange(txn, nullptr)), "mdb_txn_commit");
  } catch (...) {
    if (txn != nullptr) mdb_txn_abort(txn);
    mdb_env_close(env);
    throw;
  }
  mdb_env_close(env);
}

MDB_val Val(std::string_view bytes) { return {bytes.size(), const_cast<char*>(bytes.data())}; }

std::string Stored(Table table, std::string_view key) {
  return static_cast<char>(table) + std::string(key);
}

}  // namespace

std::string RawRecord(const std::string& dir, std::uint64_t seq) {
  std::string record;
  WithRawDb(dir, [&](MDB_txn* txn, MDB_dbi dbi) {
    const std::string stored = Stored(Table::kEvents, EventKey(seq));
    MDB_val key = Val(stored), value;
    Check(mdb_get(txn, dbi, &key, &value), "mdb_get");
    record.assign(static_cast<const char*>(value.mv_data), value.mv_size);
  });
  return record;
}

void RawPutRecord(const std::string& dir, std::uint64_t seq, std::string_view record) {
  RawPut(dir, Table::kEvents, EventKey(seq), record);
}

void RawPutFormat(const std::string& dir, std::string_view tag) {
  WithRawDb(
      dir,
      [&](MDB_txn* txn, MDB_dbi dbi) {
        MDB_val key = Val(kMetaFormat), value = Val(tag);
        Check(mdb_put(txn, dbi, &key, &value, 0), "mdb_put");
      },
      kMetaDb);
}

void RawDeleteRecord(const std::string& dir, std::uint64_t seq) {
  RawDelete(dir, Table::kEvents, EventKey(seq));
}

void RawDelete(const std::string& dir, Table table, std::string_view key_bytes) {
  WithRawDb(dir, [&](MDB_txn* txn, MDB_dbi dbi) {
    const std::string stored = Stored(table, key_bytes);
    MDB_val key = Val(stored);
    Check(mdb_del(txn, dbi, &key, nullptr), "mdb_del");
  });
}

void RawPut(const std::string& dir, Table table, std::string_view key_bytes,
            std::string_view value_bytes) {
  WithRawDb(dir, [&](MDB_txn* txn, MDB_dbi dbi) {
    const std::string stored = Stored(table, key_bytes);
    MDB_val key = Val(stored), value = Val(value_bytes);
    Check(mdb_put(txn, dbi, &key, &value, 0), "mdb_put");
  });
}

std::map<std::string, std::string> RawEntries(const std::string& dir, const char* db) {
  MDB_env* env = nullptr;
  Check(mdb_env_create(&env), "mdb_env_create");
  mdb_env_set_maxdbs(env, 8);
  MDB_txn* txn = nullptr;
  MDB_cursor* cursor = nullptr;
  std::map<std::string, std::string> entries;
  auto text = [](const MDB_val& val) {
    return std::string(static_cast<const char*>(val.mv_data), val.mv_size);
  };
  try {
    Check(mdb_env_open(env, dir.c_str(), MDB_RDONLY, 0644), "mdb_env_open");
    Check(mdb_txn_begin(env, nullptr, MDB_RDONLY, &txn), "mdb_txn_begin");
    MDB_dbi dbi;
    Check(mdb_dbi_open(txn, db, 0, &dbi), "mdb_dbi_open");
    Check(mdb_cursor_open(txn, dbi, &cursor), "mdb_cursor_open");
    MDB_val key, value;
    for (int rc = mdb_cursor_get(cursor, &key, &value, MDB_FIRST); rc == MDB_SUCCESS;
         rc = mdb_cursor_get(cursor, &key, &value, MDB_NEXT)) {
      entries[text(key)] = text(value);
    }
  } catch (...) {
    if (cursor != nullptr) mdb_cursor_close(cursor);
    if (txn != nullptr) mdb_txn_abort(txn);
    mdb_env_close(env);
    throw;
  }
  mdb_cursor_close(cursor);
  mdb_txn_abort(txn);
  mdb_env_close(env);
  return entries;
}

void RawWithReadTransaction(const std::string& dir, const std::function<void()>& while_held) {
  MDB_env* env = nullptr;
  Check(mdb_env_create(&env), "mdb_env_create");
  MDB_txn* txn = nullptr;
  Check(mdb_env_open(env, dir.c_str(), MDB_NOTLS, 0644), "mdb_env_open");
  Check(mdb_txn_begin(env, nullptr, MDB_RDONLY, &txn), "mdb_txn_begin");
  while_held();
  mdb_txn_abort(txn);
  mdb_env_close(env);
}

}  // namespace kraken::testing
