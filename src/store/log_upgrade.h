#pragma once
// Converting a log written by an older build to the current layout, in place and
// in one write transaction: all or nothing. Private to src/store.

#include <lmdb.h>

#include <string>

namespace kraken {

// `txn` holds a kraken-log-2 log: every table in its own named database, events
// keyed by native 8-byte integers (docs/log-layout.md, "Format history"). Copies
// each entry into the table of the same name in the main database `db`, events
// re-keyed big-endian; records are copied byte for byte, so the hash chain and
// every index stay as they were. Then drops the named databases but `meta` and
// writes the current format tag there. On any error the caller aborts `txn` and
// nothing changed; MDB_BAD_VALSIZE with `refusal` set when a key is too long to
// carry over.
int UpgradeFromLog2(MDB_txn* txn, MDB_dbi db, MDB_dbi meta, std::string& refusal);

}  // namespace kraken
