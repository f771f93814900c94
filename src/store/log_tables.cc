#include "src/store/log_tables.h"

#include <openssl/evp.h>

#include <cstring>
#include <string>

namespace kraken {

TableKey::TableKey(Table table, std::string_view key)
    : size_(key.size() <= kMaxKeyBytes ? 1 + key.size() : 0) {
  if (!fits()) return;
  bytes_[0] = static_cast<char>(table);
  if (!key.empty()) std::memcpy(bytes_ + 1, key.data(), key.size());
}

int TableGet(MDB_txn* txn, MDB_dbi db, Table table, std::string_view key, MDB_val& value) {
  TableKey stored(table, key);
  if (!stored.fits()) return MDB_BAD_VALSIZE;
  MDB_val k = stored.val();
  return mdb_get(txn, db, &k, &value);
}

int TablePut(MDB_txn* txn, MDB_dbi db, Table table, std::string_view key, MDB_val& value,
             unsigned flags) {
  TableKey stored(table, key);
  if (!stored.fits()) return MDB_BAD_VALSIZE;
  MDB_val k = stored.val();
  return mdb_put(txn, db, &k, &value, flags);
}

int TableDel(MDB_txn* txn, MDB_dbi db, Table table, std::string_view key) {
  TableKey stored(table, key);
  if (!stored.fits()) return MDB_BAD_VALSIZE;
  MDB_val k = stored.val();
  return mdb_del(txn, db, &k, nullptr);
}

std::string LongIdempotencyKey(std::string_view key) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  // SHA-256 over in-memory bytes fails only when out of memory.
  if (EVP_Digest(key.data(), key.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    length = 0;
  }
  return std::string(reinterpret_cast<const char*>(digest), length);
}

int GetIdempotency(MDB_txn* txn, MDB_dbi db, std::string_view key, std::string_view& seqs) {
  MDB_val value;
  if (key.size() <= kMaxKeyBytes) {
    const int rc = TableGet(txn, db, Table::kIdempotency, key, value);
    if (rc != MDB_SUCCESS) return rc;
    if (value.mv_size != kIdempotencyValueBytes) return MDB_CORRUPTED;
    seqs = ToView(value);
    return MDB_SUCCESS;
  }
  const std::string digest = LongIdempotencyKey(key);
  if (digest.empty()) return ENOMEM;
  const int rc = TableGet(txn, db, Table::kLongIdempotency, digest, value);
  if (rc != MDB_SUCCESS) return rc;
  const std::string_view stored = ToView(value);
  if (stored.size() <= kIdempotencyValueBytes || stored.substr(kIdempotencyValueBytes) != key) {
    return MDB_CORRUPTED;
  }
  seqs = stored.substr(0, kIdempotencyValueBytes);
  return MDB_SUCCESS;
}

int PutIdempotency(MDB_txn* txn, MDB_dbi db, std::string_view key, std::string_view seqs) {
  if (key.size() <= kMaxKeyBytes) {
    MDB_val value = ToVal(seqs);
    return TablePut(txn, db, Table::kIdempotency, key, value, 0);
  }
  const std::string digest = LongIdempotencyKey(key);
  if (digest.empty()) return ENOMEM;
  std::string stored(seqs);
  stored.append(key);
  MDB_val value = ToVal(stored);
  return TablePut(txn, db, Table::kLongIdempotency, digest, value, 0);
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

int TableCursor::First(MDB_val& key, MDB_val& value) { return Seek({}, key, value); }

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
  if (!stored.fits()) return MDB_BAD_VALSIZE;
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
