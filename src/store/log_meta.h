#pragma once
// The log's bookkeeping inside LMDB: the chain head in the meta database and each
// stream's current version in the heads database (docs/log-layout.md). Private to
// src/store.

#include <cstdint>
#include <string_view>

#include "src/store/chain_hasher.h"
#include "src/store/lmdb_env.h"

namespace kraken {

// What the next append continues from.
struct ChainHead {
  std::uint64_t head_seq = 0;  // the newest event; 0: the log is empty
  Digest last_hash{};          // its hash; 32 zero bytes before event 1
  std::int64_t last_ts = 0;    // its timestamp; no event may be older
};

// Reads the chain head (an empty log reads as ChainHead{}). MDB_CORRUPTED if a
// stored value has the wrong size; other LMDB codes as they come.
int ReadChainHead(MDB_txn* txn, const LogDbs& dbs, ChainHead& head);
int WriteChainHead(MDB_txn* txn, const LogDbs& dbs, const ChainHead& head);

// `stream`'s current version; 0 if it has no events.
int ReadStreamVersion(MDB_txn* txn, const LogDbs& dbs, std::string_view stream,
                      std::uint64_t& version);

}  // namespace kraken
