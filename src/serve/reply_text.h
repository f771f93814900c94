#pragma once
// A Discord interaction reply ({"type":N,"data":{...}}) as a person would read
// it in a terminal: `kraken discord simulate` prints it.

#include <string>
#include <string_view>

namespace kraken::serve {

// "(only you can see this)", the content, each embed's title, description,
// fields and footer; a deferral, autocomplete choices or PONG said in words;
// "HTTP 401: invalid request signature" for a refusal. Ends with a newline.
std::string FormatReply(int http_status, std::string_view body);

}  // namespace kraken::serve
