#pragma once
// The messages KRAKEN sends back to Discord, and the rules that keep them
// acceptable: Discord rejects a whole reply (HTTP 400, and the user sees "The
// application did not respond") when one embed field is a character too long,
// so everything here truncates with an ellipsis instead, at code point
// boundaries, and never fails.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kraken::discord {

// Discord's documented limits, in characters (see docs/discord-commands.md).
inline constexpr std::size_t kMaxContent = 2000;
inline constexpr std::size_t kMaxEmbeds = 10;
inline constexpr std::size_t kMaxTitle = 256;
inline constexpr std::size_t kMaxDescription = 4096;
inline constexpr std::size_t kMaxFields = 25;
inline constexpr std::size_t kMaxFieldName = 256;
inline constexpr std::size_t kMaxFieldValue = 1024;
inline constexpr std::size_t kMaxFooter = 2048;
inline constexpr std::size_t kMaxEmbedTotal = 6000;  // summed over every embed of a message
inline constexpr std::size_t kMaxChoices = 25;       // autocomplete
inline constexpr std::size_t kMaxChoiceText = 100;   // a choice's name and value

// Message flags.
inline constexpr int kFlagEphemeral = 64;

// Embed colours.
inline constexpr int kColorInfo = 0x3498DB;
inline constexpr int kColorDone = 0x2ECC71;
inline constexpr int kColorError = 0xE74C3C;

struct EmbedField {
  std::string name;
  std::string value;
  bool inline_field = false;
};

struct Embed {
  std::string title;
  std::string description;
  std::optional<int> color;
  std::vector<EmbedField> fields;
  std::string footer;
};

struct Message {
  std::string content;
  std::vector<Embed> embeds;
  bool ephemeral = true;  // only the caller sees it
};

// A plain ephemeral text message.
Message TextMessage(std::string text);

// The "data" object of a type 4 reply: content and embeds cut to Discord's
// limits, EPHEMERAL when asked, and allowed_mentions {"parse":[]} so that no
// name or @everyone in a value ever pings anyone.
std::string MessageJson(const Message& message);

struct AutocompleteChoice {
  std::string name;   // shown
  std::string value;  // sent back as the option's value
};
// The "data" object of a type 8 reply: at most 25 choices, names cut to 100
// characters; a choice whose value is longer than 100 characters is left out
// (a cut value would not name anything).
std::string AutocompleteJson(const std::vector<AutocompleteChoice>& choices);

// Length as Discord counts it. Discord's limits are in characters; counting a
// code point outside the Basic Multilingual Plane (most emoji) as two, the way
// a JavaScript client counts, keeps us within the limit whichever Discord uses.
// A byte that is not valid UTF-8 counts as one (it is sent as U+FFFD).
std::size_t DiscordLength(std::string_view s);
// `s` itself if DiscordLength(s) <= max, else its longest prefix of whole code
// points that fits in max - 1, followed by "…". Empty when max is 0.
std::string Truncate(std::string_view s, std::size_t max);

// Escapes Discord markdown (\ * _ ~ ` | > #) so that a pilot named "x_y_" or a
// note with asterisks shows as typed.
std::string EscapeMarkdown(std::string_view s);

}  // namespace kraken::discord
