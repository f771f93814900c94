#pragma once
// VerifyLog: the integrity check behind EventLog::Verify. Private to src/store.

#include <cstdint>
#include <functional>

#include "events/codec.h"
#include "src/store/event_log.h"
#include "src/store/lmdb_env.h"

namespace kraken {

// Checks the log as read by `txn`: the format tag; every record decodes; the
// sequence keys run 1..head without gaps; the hash chain recomputed from event 1
// matches every stored hash; timestamps never go backwards; each stream's
// versions run 1, 2, 3, ...; the stream index and the idempotency index agree
// with the events both ways. Problems go into the report, each naming the event,
// stream or key; an Error only when LMDB fails.
Result<VerifyReport> VerifyLog(MDB_txn* txn, const LmdbEnv& env, EventDecoder& decoder,
                               const std::function<void(std::uint64_t, std::uint64_t)>& progress);

}  // namespace kraken
