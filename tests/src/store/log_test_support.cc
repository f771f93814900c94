#include "tests/src/store/log_test_support.h"

namespace kraken::testing {

Event MarkedEvent(std::string_view pilot, std::string marker) {
  Event event;
  event.stream = PilotStream(pilot);
  event.source = Source::kCli;
  event.actor = "test";
  event.payload = PilotLeftAlliance{std::move(marker)};
  return event;
}

AppendRequest MarkedBatch(std::string_view pilot, std::string_view prefix, int count,
                          std::size_t padding) {
  AppendRequest request;
  for (int i = 0; i < count; ++i) {
    std::string marker = std::string(prefix) + "-" + std::to_string(i);
    if (padding > 0) marker += "|" + std::string(padding, 'x');
    request.events.push_back(MarkedEvent(pilot, std::move(marker)));
  }
  return request;
}

std::string MarkerOf(const Event& event) {
  const auto* left = std::get_if<PilotLeftAlliance>(&event.payload);
  return left != nullptr ? left->reason : std::string();
}

}  // namespace kraken::testing
