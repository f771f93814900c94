#pragma once
// Reading events out of the log's events table: one by its sequence, and a
// range in chunks for EventLog::Scan. Private to src/store.

#include <cstdint>
#include <functional>
#include <string>

#include "events/codec.h"
#include "events/event.h"
#include "events/result.h"
#include "src/store/decoder_pool.h"
#include "src/store/lmdb_env.h"

namespace kraken {

// kCorrupt: event `seq` should exist but is not in the log in `dir`.
Error MissingEvent(std::uint64_t seq, const std::string& dir);

// Event `seq` as `txn` sees it; MissingEvent if there is none.
Result<Event> ReadEvent(const LmdbEnv& env, MDB_txn* txn, std::uint64_t seq, EventDecoder& decoder);

// EventLog::Scan. Events are read and decoded a chunk at a time, each chunk in a
// short read transaction, and `fn` runs on the calling thread with no
// transaction open. A range of more than a couple of chunks is read and decoded
// by a second thread as well as the calling one, up to a few chunks ahead of
// `fn`.
Status ScanEvents(LmdbEnv& env, DecoderPool& decoders, std::uint64_t from_seq, std::uint64_t to_seq,
                  const std::function<bool(const Event&)>& fn);

}  // namespace kraken
