#pragma once
// Writing JSON text by hand, for the codec and the CLI's --json output. Reading
// is simdjson's job; this is the small other half.

#include <string>
#include <string_view>

namespace kraken {

// Appends `s` as a quoted JSON string. Control characters are escaped; invalid
// UTF-8 is replaced by U+FFFD so the output always parses.
void AppendJsonString(std::string& out, std::string_view s);

// `s` as a quoted JSON string.
std::string JsonString(std::string_view s);

}  // namespace kraken
