#pragma once
// VerifyLog: the integrity check behind EventLog::Verify. Private to src/store.

#include <cstdint>
#include <functional>

#include "events/codec.h"
#include "src/store/event_log.h"
#include "src/store/lmdb_env.h"

namespace kraken {

// Checks the log as read by `txn`: every record decodes; the sequence keys run
// 1..head without gaps and agree with the meta head; the hash chain recomputed
// from event 1 matches every stored hash and meta's last hash; timestamps never
// go backwards; the stream index, the heads and the idempotency index agree with
// the events both ways. Problems go into the report, each naming the event, stream
// or key; an Error only when LMDB fails.
Result<VerifyReport> VerifyLog(MDB_txn* txn, const LmdbEnv& env, EventDecoder& decoder,
                               const std::function<void(std::uint64_t, std::uint64_t)>& progress);

}  // namespace kraken
