#pragma once
// The log's tables (log_keys.h) inside LMDB's main database: every key starts
// with its table's byte, so a commit updates one B-tree however many tables it
// writes (docs/log-layout.md). Callers get, put and walk a table by its own keys;
// the byte is added and stripped here, and nothing here sees another table's
// keys. Private to src/store.

#include <lmdb.h>

#include <cstddef>
#include <string_view>

#include "src/store/lmdb_env.h"
#include "src/store/log_keys.h"

namespace kraken {

// `key` of `table` as LMDB stores it, built on the stack. A key longer than
// kMaxKeyBytes (which the Check* functions of log_keys.h refuse for names from
// callers, but a damaged record can still hold) does not fit: the functions
// below return MDB_BAD_VALSIZE for it, as LMDB would.
class TableKey {
 public:
  TableKey(Table table, std::string_view key);
  TableKey(const TableKey&) = delete;
  TableKey& operator=(const TableKey&) = delete;
  bool fits() const { return size_ != 0; }
  MDB_val val() { return MDB_val{size_, bytes_}; }

 private:
  char bytes_[1 + kMaxKeyBytes];
  std::size_t size_;
};

int TableGet(MDB_txn* txn, MDB_dbi db, Table table, std::string_view key, MDB_val& value);
// mdb_put; `value` is in/out as there (MDB_RESERVE sets mv_data).
int TablePut(MDB_txn* txn, MDB_dbi db, Table table, std::string_view key, MDB_val& value,
             unsigned flags);
int TableDel(MDB_txn* txn, MDB_dbi db, Table table, std::string_view key);

// The idempotency index, whichever of its two tables holds `key` (log_keys.h):
// `seqs` gets the first and last seq (16 bytes). MDB_NOTFOUND if the key was
// never used, MDB_CORRUPTED if its entry is damaged.
int GetIdempotency(MDB_txn* txn, MDB_dbi db, std::string_view key, std::string_view& seqs);
int PutIdempotency(MDB_txn* txn, MDB_dbi db, std::string_view key, std::string_view seqs);
// The kLongIdempotency table's key for `key`: its SHA-256.
std::string LongIdempotencyKey(std::string_view key);

// A cursor over one table. Keys come back without the table's byte, and
// stepping or seeking past either end of the table is MDB_NOTFOUND.
class TableCursor {
 public:
  int Open(MDB_txn* txn, MDB_dbi db, Table table);
  int First(MDB_val& key, MDB_val& value);
  int Last(MDB_val& key, MDB_val& value);
  // The first key at or after `key`.
  int Seek(std::string_view key, MDB_val& found, MDB_val& value);
  int Next(MDB_val& key, MDB_val& value);
  int Prev(MDB_val& key, MDB_val& value);

 private:
  // `rc` of a cursor move; MDB_NOTFOUND if it landed outside the table, else
  // `key` stripped of the table's byte.
  int Within(int rc, MDB_val& key) const;

  Cursor cursor_;
  char byte_ = 0;
};

// How many keys `table` holds: one step per key.
int CountTable(MDB_txn* txn, MDB_dbi db, Table table, std::uint64_t& count);

}  // namespace kraken
