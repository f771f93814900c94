#include "src/serve/reply_text.h"

#include <fmt/format.h>
#include <simdjson.h>

namespace kraken::serve {
namespace {

namespace dom = simdjson::dom;

std::string_view Text(dom::element e, const char* key) {
  std::string_view s;
  return e[key].get(s) == simdjson::SUCCESS ? s : std::string_view{};
}

// Indents the continuation lines of a multi-line value under its first line.
std::string Indented(std::string_view text, std::string_view indent) {
  std::string out;
  for (char c : text) {
    out += c;
    if (c == '\n') out += indent;
  }
  return out;
}

void AppendMessage(std::string& out, dom::element data) {
  std::int64_t flags = 0;
  if (data["flags"].get(flags) == simdjson::SUCCESS && (flags & 64) != 0) {
    out += "(only you can see this)\n";
  }
  if (const auto content = Text(data, "content"); !content.empty()) {
    out += std::string(content) + "\n";
  }
  dom::array embeds;
  if (data["embeds"].get(embeds) != simdjson::SUCCESS) return;
  for (dom::element embed : embeds) {
    if (const auto title = Text(embed, "title"); !title.empty()) {
      out += fmt::format("== {} ==\n", title);
    }
    if (const auto description = Text(embed, "description"); !description.empty()) {
      out += std::string(description) + "\n";
    }
    dom::array fields;
    if (embed["fields"].get(fields) == simdjson::SUCCESS) {
      for (dom::element field : fields) {
        out +=
            fmt::format("  {}: {}\n", Text(field, "name"), Indented(Text(field, "value"), "    "));
      }
    }
    dom::element footer;
    if (embed["footer"].get(footer) == simdjson::SUCCESS) {
      if (const auto text = Text(footer, "text"); !text.empty()) {
        out += fmt::format("-- {}\n", text);
      }
    }
  }
}

}  // namespace

std::string FormatReply(int http_status, std::string_view body) {
  dom::parser parser;
  dom::element doc;
  const bool json = parser.parse(body.data(), body.size()).get(doc) == simdjson::SUCCESS;
  if (http_status != 200) {
    std::string_view error;
    if (json && doc["error"].get(error) == simdjson::SUCCESS) {
      return fmt::format("HTTP {}: {}\n", http_status, error);
    }
    return fmt::format("HTTP {}: {}\n", http_status, body);
  }
  std::int64_t type = 0;
  if (!json || doc["type"].get(type) != simdjson::SUCCESS) {
    return fmt::format("not an interaction reply: {}\n", body);
  }
  dom::element data;
  const bool has_data = doc["data"].get(data) == simdjson::SUCCESS;
  std::string out;
  switch (type) {
    case 1:
      return "PONG\n";
    case 5:
    case 6:
      return "(deferred: KRAKEN is still working; Discord shows \"thinking...\" until the answer "
             "replaces it)\n";
    case 8: {
      dom::array choices;
      if (!has_data || data["choices"].get(choices) != simdjson::SUCCESS || choices.size() == 0) {
        return "(no suggestions)\n";
      }
      out = "suggestions:\n";
      for (dom::element choice : choices) {
        const std::string_view name = Text(choice, "name");
        std::string value(Text(choice, "value"));
        if (value.empty()) value = simdjson::minify(choice["value"]);
        out +=
            value == name ? fmt::format("  {}\n", name) : fmt::format("  {} ({})\n", name, value);
      }
      return out;
    }
    default:
      if (has_data) AppendMessage(out, data);
      return out.empty() ? fmt::format("(reply type {} with no message)\n", type) : out;
  }
}

}  // namespace kraken::serve
