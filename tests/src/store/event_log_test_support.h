#pragma once
// A helper shared by the event log's tests in event_log_test.cc and
// event_log_read_test.cc.

#include <string>
#include <string_view>
#include <utility>

#include "src/store/event_log.h"
#include "tests/src/store/log_test_support.h"

namespace kraken::testing {

// An append of one marked event.
inline AppendRequest One(std::string_view pilot, std::string marker) {
  AppendRequest request;
  request.events.push_back(MarkedEvent(pilot, std::move(marker)));
  return request;
}

}  // namespace kraken::testing
