#include "events/upcaster.h"

#include <fmt/format.h>

namespace kraken {

const UpcasterChain& UpcasterChain::Default() {
  static const UpcasterChain chain;  // version 1 is the first; no steps yet
  return chain;
}

void UpcasterChain::Register(std::uint32_t from_version, Upcaster step) {
  steps_[from_version] = std::move(step);
}

Result<RawPayload> UpcasterChain::Upcast(std::uint32_t from_version, std::uint32_t to_version,
                                         RawPayload payload) const {
  for (std::uint32_t v = from_version; v < to_version; ++v) {
    auto it = steps_.find(v);
    if (it == steps_.end()) {
      return MakeError(ErrorCode::kCorrupt,
                       fmt::format("no upcaster from schema version {} to {} for a {} event", v,
                                   v + 1, payload.type));
    }
    auto next = it->second(std::move(payload));
    if (!next.ok()) {
      return MakeError(ErrorCode::kCorrupt, fmt::format("upcasting from schema version {}: {}", v,
                                                        next.error().message));
    }
    payload = std::move(next).value();
  }
  return payload;
}

}  // namespace kraken
