#pragma once
// Answers "what version is each stream at", as of the last event folded. Commands
// validate against the tables at some sequence and must append with the stream
// versions of that same sequence, so a change made meanwhile (by another thread
// or process) is caught as a version conflict instead of silently overwritten.

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "events/event.h"

namespace kraken {

class StreamVersions {
 public:
  void Apply(const Event& event) { versions_[event.stream] = event.version; }
  // 0 if the stream has no events yet.
  std::uint64_t Get(std::string_view stream) const {
    auto it = versions_.find(std::string(stream));
    return it == versions_.end() ? 0 : it->second;
  }
  const std::unordered_map<std::string, std::uint64_t>& all() const { return versions_; }

 private:
  friend class RosterCodec;
  std::unordered_map<std::string, std::uint64_t> versions_;
};

}  // namespace kraken
