#pragma once
// Levenshtein edit distance, for "did you mean ...?" suggestions.

#include <cstddef>
#include <string_view>

namespace kraken {

// The number of single-byte insertions, deletions and substitutions that turn `a`
// into `b`, ignoring ASCII case. Stops early: any distance above `limit` is
// reported as limit + 1.
std::size_t EditDistance(std::string_view a, std::string_view b, std::size_t limit);

}  // namespace kraken
