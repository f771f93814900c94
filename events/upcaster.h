#pragma once
// Upcasters let events written by an older schema version load as current ones.
// Records are never rewritten: the decoder brings each old record up, one version
// at a time, every time it is read. See docs/event-format.md.

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "events/result.h"

namespace kraken {

// An event's type and its "data" object, as JSON text.
struct RawPayload {
  std::string type;
  std::string data_json;
};

// Rewrites a payload written with schema version N into version N + 1.
using Upcaster = std::function<Result<RawPayload>(RawPayload)>;

class UpcasterChain {
 public:
  // The chain for the current schema (empty while only version 1 exists).
  static const UpcasterChain& Default();

  // Registers the step from `from_version` to `from_version + 1`.
  void Register(std::uint32_t from_version, Upcaster step);

  // Applies the steps from `from_version` up to `to_version`. kCorrupt if a step
  // is missing or fails.
  Result<RawPayload> Upcast(std::uint32_t from_version, std::uint32_t to_version,
                            RawPayload payload) const;

 private:
  std::map<std::uint32_t, Upcaster> steps_;
};

}  // namespace kraken
