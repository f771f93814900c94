#pragma once
// UTF-8 validation shared by the schema (what a value may hold) and the JSON
// writer (what it must escape or replace), so both agree on what is valid.

#include <cstddef>
#include <optional>
#include <string_view>

namespace kraken {

// Length of the well-formed UTF-8 sequence starting at s[i] (1 to 4), or 0 if
// there is none: overlong forms, surrogates and code points past U+10FFFF are
// not well-formed.
std::size_t Utf8SequenceLength(std::string_view s, std::size_t i);

// The number of code points in `s`, or nullopt if it is not well-formed UTF-8 or
// holds a control character (U+0000-U+001F, U+007F).
std::optional<std::size_t> CountPrintableCodePoints(std::string_view s);

}  // namespace kraken
