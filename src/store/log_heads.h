#pragma once
// The log's heads, read from where they are stored once rather than kept in
// copies that every append would have to rewrite (docs/log-layout.md): the chain
// head is the last record of the events table, and a stream's version is the
// last entry of its stream index. Private to src/store.

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

// The sequence of the newest event: the last key of the events table (0 if
// the log is empty). MDB_CORRUPTED if that key is not a sequence.
int ReadHeadSeq(MDB_txn* txn, MDB_dbi db, std::uint64_t& head_seq);

// The chain head: ReadHeadSeq, plus the hash and timestamp of that event, read
// from its record's hash suffix and "ts" field without decoding the rest. An
// empty log reads as ChainHead{}. MDB_CORRUPTED (head.head_seq set) if the last
// record's hash or timestamp cannot be read. When the last event is `known`'s,
// its hash and timestamp are taken from `known` instead (a stored record never
// changes); the seek for the head seq remains.
int ReadChainHead(MDB_txn* txn, MDB_dbi db, ChainHead& head, const ChainHead* known = nullptr);

// `stream`'s current version: the version in the last key of its stream index;
// 0 if it has no events. One cursor seek.
int ReadStreamVersion(MDB_txn* txn, MDB_dbi db, std::string_view stream, std::uint64_t& version);

// How many streams have events: one cursor seek per stream.
int CountStreams(MDB_txn* txn, MDB_dbi db, std::uint64_t& streams);

}  // namespace kraken
