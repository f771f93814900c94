#pragma once
// Helpers for the event log's tests: small events told apart by a marker. The
// temporary directory and raw LMDB access are shared with other tests, in
// tests/support/.

#include <cstdint>
#include <string>
#include <string_view>

#include "events/event.h"
#include "src/store/event_log.h"
#include "tests/support/log_dir.h"
#include "tests/support/raw_lmdb.h"

namespace kraken::testing {

// A PilotLeftAlliance on "pilot/<pilot>" whose reason is `marker`, so a test can
// tell events apart by payload.
Event MarkedEvent(std::string_view pilot, std::string marker);
// `count` marked events on one pilot's stream, markers "<prefix>-0", "<prefix>-1", ...
AppendRequest MarkedBatch(std::string_view pilot, std::string_view prefix, int count,
                          std::size_t padding = 0);
// The marker MarkedEvent put in `event` (empty for other payloads).
std::string MarkerOf(const Event& event);

}  // namespace kraken::testing
