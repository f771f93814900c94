#include "src/store/log_tables.h"

#include <cassert>
#include <cstring>

namespace kraken {

TableKey::TableKey(Table table, std::string_view key) : size_(1 + key.size()) {
  assert(key.size() <= kMaxKeyBytes);
  bytes_[0] = static_cast<char>(table);
  if (!key.empty()) std::memcpy(bytes_ + 1, key.data(), key.size());
}

int TableGet(MDB_txn* txn, MDB_dbi db, Table table, std::string_view key, MDB_val& value) {
  TableKey stored(table, key);
  MDB_val k = stored.val();
  return mdb_get(txn, db, &k, &value);
}

int TablePut(MDB_txn* txn, MDB_dbi db, Table table, std::string_view key, MDB_val& value,
             unsigned flags) {
  TableKey stored(table, key);
  MDB_val k = stored.val();
  return mdb_put(txn, db, &k, &value, flags);
}

int TableDel(MDB_txn* txn, MDB_dbi db, Table table, std::string_view key) {
  TableKey stored(table, key);
  MDB_val k = stored.val();
  return mdb_del(txn, db, &k, nullptr);
}

int TableCursor::Open(MDB_txn* txn, MDB_dbi db, Table table) {
  byte_ = static_cast<char>(table);
  return cursor_.Open(txn, db);
}

int TableCursor::Within(int rc, MDB_val& key) const {
  if (rc != MDB_SUCCESS) return rc;
  if (key.mv_size == 0 || *static_cast<const char*>(key.mv_data) != byte_) return MDB_NOTFOUND;
  key.mv_data = static_cast<char*>(key.mv_data) + 1;
  --key.mv_size;
  return MDB_SUCCESS;
}

int TableCursor::First(MDB_val& key, MDB_val& value) {
  return Seek({}, key, value);
}

int TableCursor::Last(MDB_val& key, MDB_val& value) {
  // The key just before the next table's first possible key, or the last of all.
  const char next = static_cast<char>(byte_ + 1);
  key = MDB_val{1, const_cast<char*>(&next)};
  int rc = cursor_.Get(key, value, MDB_SET_RANGE);
  if (rc == MDB_SUCCESS) {
    rc = cursor_.Get(key, value, MDB_PREV);
  } else if (rc == MDB_NOTFOUND) {
    rc = cursor_.Get(key, value, MDB_LAST);
  }
  return Within(rc, key);
}

int TableCursor::Seek(std::string_view key, MDB_val& found, MDB_val& value) {
  TableKey stored(static_cast<Table>(byte_), key);
  found = stored.val();
  return Within(cursor_.Get(found, value, MDB_SET_RANGE), found);
}

int TableCursor::Next(MDB_val& key, MDB_val& value) {
  return Within(cursor_.Get(key, value, MDB_NEXT), key);
}

int TableCursor::Prev(MDB_val& key, MDB_val& value) {
  return Within(cursor_.Get(key, value, MDB_PREV), key);
}

int CountTable(MDB_txn* txn, MDB_dbi db, Table table, std::uint64_t& count) {
  count = 0;
  TableCursor cursor;
  int rc = cursor.Open(txn, db, table);
  MDB_val key, value;
  for (rc = rc == MDB_SUCCESS ? cursor.First(key, value) : rc; rc == MDB_SUCCESS;
       rc = cursor.Next(key, value)) {
    ++count;
  }
  return rc == MDB_NOTFOUND ? MDB_SUCCESS : rc;
}

}  // namespace kraken
