#pragma once
// Plans the undo of one event or of a whole batch (an import) as compensating
// events: nothing is ever deleted. The compensation makes each affected row what
// it would be had the reverted events never happened, so later changes by others
// are kept (and named in the plan's notes), not clobbered.

#include <string>
#include <string_view>
#include <vector>

#include "events/event.h"
#include "events/result.h"
#include "projections/alliance_state.h"
#include "src/app/roster_service.h"
#include "src/store/event_log.h"

namespace kraken {

// The events to revert for `kraken revert SEQ`: that one event; or the whole
// batch if it is an ImportBatchCommitted marker, or part of one command's batch
// (correlation id "cmd-…", e.g. a leave that also unlinked alts).
Result<std::vector<Event>> RevertTargets(const EventLog& log, std::uint64_t seq);
// All events of the batch with correlation id `batch_id`. kNotFound if none.
Result<std::vector<Event>> BatchEvents(const EventLog& log, std::string_view batch_id);

// The compensating events for `targets` against `state`, each reverted event
// marked with EventReverted on its stream. kInvalidArgument for events that
// cannot be reverted (conflict records, reverts) or when nothing would change.
Result<Plan> PlanRevert(const AllianceState& state, const EventLog& log,
                        const std::vector<Event>& targets);

// The idempotency key that makes reverting the same targets twice a no-op:
// "revert:8,9,10", or for a batch too large to list within the log's key limit,
// "revert:<first>-<last>:<count>:<digest>".
std::string RevertKey(const std::vector<Event>& targets);

}  // namespace kraken
