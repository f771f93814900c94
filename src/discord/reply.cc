#include "src/discord/reply.h"

#include <algorithm>

#include "events/json_text.h"
#include "events/utf8.h"
#include "src/discord/interactions.h"

namespace kraken::discord {
namespace {

constexpr std::string_view kEllipsis = "\xE2\x80\xA6";  // U+2026, one character

// Bytes and Discord length of the code point (or invalid byte) at s[i].
std::pair<std::size_t, std::size_t> Step(std::string_view s, std::size_t i) {
  if (static_cast<unsigned char>(s[i]) < 0x80) return {1, 1};
  const std::size_t len = Utf8SequenceLength(s, i);
  if (len == 0) return {1, 1};
  return {len, len == 4 ? 2 : 1};
}

// Discord rejects an embed field with an empty name or value.
std::string NonEmpty(std::string s) { return s.empty() ? std::string("-") : s; }

// Spends a message's 6000-character embed budget, embed by embed, in the order
// Discord shows things; what no longer fits is cut or left out.
class EmbedBudget {
 public:
  // `s` cut to `limit` and to what is left of the budget, which it then uses.
  std::string Take(std::string_view s, std::size_t limit) {
    std::string out = Truncate(s, std::min(limit, left_));
    left_ -= DiscordLength(out);
    return out;
  }
  std::size_t left() const { return left_; }

 private:
  std::size_t left_ = kMaxEmbedTotal;
};

void WriteEmbed(JsonWriter& w, const Embed& embed, EmbedBudget& budget) {
  w.BeginObject();
  if (const std::string title = budget.Take(embed.title, kMaxTitle); !title.empty()) {
    w.Key("title").String(title);
  }
  if (embed.color) w.Key("color").Int(*embed.color);
  // The footer is taken before the description and fields so that the note
  // it often carries ("events 12-14") survives a long description.
  const std::string footer = budget.Take(embed.footer, kMaxFooter);
  if (const std::string desc = budget.Take(embed.description, kMaxDescription); !desc.empty()) {
    w.Key("description").String(desc);
  }
  // What is left out is said in a last field, so room for it is kept back.
  constexpr std::size_t kNoteReserve = 40;
  std::vector<EmbedField> fields;
  const std::size_t total = embed.fields.size();
  for (const EmbedField& field : embed.fields) {
    const bool last_slot = fields.size() + 1 == kMaxFields && total > kMaxFields;
    const std::size_t reserve = fields.size() + 1 < total ? kNoteReserve : 0;
    std::string name = Truncate(NonEmpty(field.name), kMaxFieldName);
    const std::size_t name_len = DiscordLength(name);
    if (last_slot || budget.left() < name_len + reserve + 2) break;
    const std::size_t room = budget.left() - name_len - reserve;
    std::string value = Truncate(NonEmpty(field.value), std::min(kMaxFieldValue, room));
    budget.Take(name, kMaxFieldName);
    budget.Take(value, kMaxFieldValue);
    fields.push_back({std::move(name), std::move(value), field.inline_field});
  }
  if (fields.size() < total) {
    std::string note = std::to_string(total - fields.size()) + " more not shown";
    if (budget.left() >= DiscordLength(note) + 1) {
      budget.Take(note, kNoteReserve);
      fields.push_back({budget.Take(kEllipsis, 1), std::move(note), false});
    }
  }
  if (!fields.empty()) {
    w.Key("fields").BeginArray();
    for (const EmbedField& f : fields) {
      w.BeginObject().Key("name").String(f.name).Key("value").String(f.value);
      if (f.inline_field) w.Key("inline").Bool(true);
      w.EndObject();
    }
    w.EndArray();
  }
  if (!footer.empty()) w.Key("footer").BeginObject().Key("text").String(footer).EndObject();
  w.EndObject();
}

}  // namespace

Message TextMessage(std::string text) {
  Message m;
  m.content = std::move(text);
  return m;
}

std::size_t DiscordLength(std::string_view s) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size();) {
    const auto [bytes, units] = Step(s, i);
    i += bytes;
    n += units;
  }
  return n;
}

std::string Truncate(std::string_view s, std::size_t max) {
  if (DiscordLength(s) <= max) return std::string(s);
  if (max == 0) return {};
  std::size_t i = 0, n = 0;
  while (i < s.size()) {
    const auto [bytes, units] = Step(s, i);
    if (n + units > max - 1) break;
    i += bytes;
    n += units;
  }
  // A cut just after a space would show "word …"; Discord trims anyway.
  while (i > 0 && s[i - 1] == ' ') --i;
  return std::string(s.substr(0, i)) + std::string(kEllipsis);
}

std::string EscapeMarkdown(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '\\' || c == '*' || c == '_' || c == '~' || c == '`' || c == '|' || c == '>' ||
        c == '#') {
      out.push_back('\\');
    }
    out.push_back(c);
  }
  return out;
}

std::string MessageJson(const Message& message) {
  JsonWriter w;
  w.BeginObject();
  if (message.ephemeral) w.Key("flags").Int(kFlagEphemeral);
  w.Key("allowed_mentions").BeginObject().Key("parse").BeginArray().EndArray().EndObject();
  if (!message.content.empty()) w.Key("content").String(Truncate(message.content, kMaxContent));
  if (!message.embeds.empty()) {
    EmbedBudget budget;
    w.Key("embeds").BeginArray();
    for (std::size_t i = 0; i < message.embeds.size() && i < kMaxEmbeds; ++i) {
      if (budget.left() == 0) break;
      WriteEmbed(w, message.embeds[i], budget);
    }
    w.EndArray();
  }
  if (message.content.empty() && message.embeds.empty()) {
    w.Key("content").String("Done.");  // Discord rejects an empty message
  }
  w.EndObject();
  return w.Take();
}

std::string AutocompleteJson(const std::vector<AutocompleteChoice>& choices) {
  JsonWriter w;
  w.BeginObject().Key("choices").BeginArray();
  std::size_t n = 0;
  for (const AutocompleteChoice& c : choices) {
    if (n == kMaxChoices) break;
    if (c.value.empty() || DiscordLength(c.value) > kMaxChoiceText) continue;
    w.BeginObject()
        .Key("name")
        .String(Truncate(c.name.empty() ? c.value : c.name, kMaxChoiceText))
        .Key("value")
        .String(c.value)
        .EndObject();
    ++n;
  }
  w.EndArray().EndObject();
  return w.Take();
}

std::string Reply::Body() const {
  // Anything but 200 carries its own small JSON error object in `data`.
  if (http_status != 200) return data;
  JsonWriter w;
  w.BeginObject().Key("type").Int(type);
  if (!data.empty()) w.Key("data").Raw(data);
  w.EndObject();
  return w.Take();
}

}  // namespace kraken::discord
