#include "src/store/log_meta.h"

#include <cstring>
#include <string>

#include "src/store/log_keys.h"

namespace kraken {
namespace {

// Reads meta/`name` into `out`, which must be exactly `size` bytes long.
int GetFixed(MDB_txn* txn, MDB_dbi dbi, std::string_view name, std::size_t size, MDB_val& out) {
  MDB_val key = ToVal(name);
  const int rc = mdb_get(txn, dbi, &key, &out);
  if (rc == MDB_SUCCESS && out.mv_size != size) return MDB_CORRUPTED;
  return rc;
}

int PutBigEndian(MDB_txn* txn, MDB_dbi dbi, std::string_view name, std::uint64_t number) {
  std::string bytes;
  AppendBigEndian64(bytes, number);
  MDB_val key = ToVal(name), value = ToVal(bytes);
  return mdb_put(txn, dbi, &key, &value, 0);
}

}  // namespace

int ReadChainHead(MDB_txn* txn, const LogDbs& dbs, ChainHead& head) {
  head = ChainHead{};
  MDB_val value;
  int rc = GetFixed(txn, dbs.meta, kMetaHeadSeq, 8, value);
  if (rc == MDB_NOTFOUND) return MDB_SUCCESS;  // nothing appended yet
  if (rc != MDB_SUCCESS) return rc;
  head.head_seq = ReadBigEndian64(ToView(value));
  if ((rc = GetFixed(txn, dbs.meta, kMetaLastHash, head.last_hash.size(), value))) return rc;
  std::memcpy(head.last_hash.data(), value.mv_data, head.last_hash.size());
  if ((rc = GetFixed(txn, dbs.meta, kMetaLastTs, 8, value))) return rc;
  head.last_ts = static_cast<std::int64_t>(ReadBigEndian64(ToView(value)));
  return MDB_SUCCESS;
}

int WriteChainHead(MDB_txn* txn, const LogDbs& dbs, const ChainHead& head) {
  int rc = PutBigEndian(txn, dbs.meta, kMetaHeadSeq, head.head_seq);
  if (rc == MDB_SUCCESS) {
    MDB_val key = ToVal(kMetaLastHash);
    MDB_val value{head.last_hash.size(), const_cast<std::uint8_t*>(head.last_hash.data())};
    rc = mdb_put(txn, dbs.meta, &key, &value, 0);
  }
  if (rc == MDB_SUCCESS) {
    rc = PutBigEndian(txn, dbs.meta, kMetaLastTs, static_cast<std::uint64_t>(head.last_ts));
  }
  return rc;
}

int ReadStreamVersion(MDB_txn* txn, const LogDbs& dbs, std::string_view stream,
                      std::uint64_t& version) {
  version = 0;
  MDB_val key = ToVal(stream), value;
  const int rc = mdb_get(txn, dbs.heads, &key, &value);
  if (rc == MDB_NOTFOUND) return MDB_SUCCESS;
  if (rc != MDB_SUCCESS) return rc;
  if (value.mv_size != 8) return MDB_CORRUPTED;
  version = ReadBigEndian64(ToView(value));
  return MDB_SUCCESS;
}

}  // namespace kraken
