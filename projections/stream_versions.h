#pragma once
// Answers "what version is each stream at", as of the last event folded. Commands
// validate against the tables at some sequence and must append with the stream
// versions of that same sequence, so a change made meanwhile (by another thread
// or process) is caught as a version conflict instead of silently overwritten.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "events/event.h"

namespace kraken {

class StreamVersions {
 public:
  // Stream name -> version, looked up by std::string_view without a copy.
  struct NameHash {
    using is_transparent = void;
    // Not noexcept, deliberately: libstdc++ then keeps each key's hash in its
    // node, as it does for std::hash<std::string>, and a lookup compares hashes
    // before names instead of rehashing names.
    std::size_t operator()(std::string_view name) const {
      return std::hash<std::string_view>{}(name);
    }
  };
  using Map = std::unordered_map<std::string, std::uint64_t, NameHash, std::equal_to<>>;

  void Apply(const Event& event) { versions_[event.stream] = event.version; }
  // 0 if the stream has no events yet.
  std::uint64_t Get(std::string_view stream) const {
    auto it = versions_.find(stream);
    return it == versions_.end() ? 0 : it->second;
  }
  const Map& all() const { return versions_; }

 private:
  friend class RosterCodec;
  Map versions_;
};

}  // namespace kraken
