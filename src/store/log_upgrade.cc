#include "src/store/log_upgrade.h"

#include <fmt/format.h>

#include <cstring>

#include "src/store/lmdb_env.h"
#include "src/store/log_keys.h"
#include "src/store/log_tables.h"

namespace kraken {
namespace {

// Copies named database `name` into `table` and drops it. Event keys are native
// 8-byte sequences, re-keyed big-endian; idempotency keys of any length go where
// PutIdempotency puts them.
int MoveDatabase(MDB_txn* txn, MDB_dbi db, const char* name, Table table, std::string& refusal) {
  const bool events = table == Table::kEvents;
  MDB_dbi from = 0;
  int rc = mdb_dbi_open(txn, name, events ? MDB_INTEGERKEY : 0, &from);
  if (rc == MDB_NOTFOUND) return MDB_SUCCESS;  // never created: nothing to move
  if (rc != MDB_SUCCESS) return rc;
  {
    Cursor cursor;
    if ((rc = cursor.Open(txn, from)) != MDB_SUCCESS) return rc;
    MDB_val key, value;
    for (rc = cursor.Get(key, value, MDB_FIRST); rc == MDB_SUCCESS;
         rc = cursor.Get(key, value, MDB_NEXT)) {
      std::string rekeyed;
      std::string_view stored = ToView(key);
      if (events) {
        std::uint64_t seq = 0;
        if (key.mv_size != sizeof(seq)) return MDB_CORRUPTED;
        std::memcpy(&seq, key.mv_data, sizeof(seq));
        rekeyed = EventKey(seq);
        stored = rekeyed;
      }
      if (table == Table::kIdempotency) {
        rc = PutIdempotency(txn, db, stored, ToView(value));
      } else if (stored.size() > kMaxKeyBytes) {
        // kraken-log-2 took one byte more; no build ever wrote such a key, but
        // the conversion refuses rather than drop one.
        refusal = fmt::format("the {} key \"{}…\" is {} bytes long; this build stores at most {}",
                              name, stored.substr(0, 40), stored.size(), kMaxKeyBytes);
        return MDB_BAD_VALSIZE;
      } else {
        // Events go in last, once only "events" and "meta" are left among the
        // main database's keys, both below the events table: in order, at the end.
        rc = TablePut(txn, db, table, stored, value, events ? MDB_APPEND : MDB_NOOVERWRITE);
      }
      if (rc != MDB_SUCCESS) return rc;
    }
    if (rc != MDB_NOTFOUND) return rc;
  }
  return mdb_drop(txn, from, 1);
}

}  // namespace

int UpgradeFromLog2(MDB_txn* txn, MDB_dbi db, MDB_dbi meta, std::string& refusal) {
  struct Named {
    const char* name;
    Table table;
  };
  const Named moved[] = {{"idempotency", Table::kIdempotency},
                         {"snapshots", Table::kSnapshots},
                         {"streams", Table::kStreams},
                         {"events", Table::kEvents}};  // last: its keys sort after all others
  for (const Named& named : moved) {
    if (int rc = MoveDatabase(txn, db, named.name, named.table, refusal); rc != MDB_SUCCESS) {
      return rc;
    }
  }
  MDB_val key = ToVal(kMetaFormat), tag = ToVal(kLogFormatTag);
  return mdb_put(txn, meta, &key, &tag, 0);
}

}  // namespace kraken
