#include "tests/src/discord/discord_test_support.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include <stdexcept>

#include "events/json_text.h"

namespace kraken::discord::testing {
namespace {

constexpr std::string_view kGuild = "1380488052169769110";
constexpr std::string_view kApplication = "1380486651436073092";

std::vector<std::string> Split(std::string_view path) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t space = path.find(' ', start);
    out.emplace_back(path.substr(start, space - start));
    if (space == std::string_view::npos) break;
    start = space + 1;
  }
  return out;
}

std::string Leaf(std::string_view name, int type, std::string_view value_json, bool focused) {
  return fmt::format("{{\"name\":{},\"type\":{},\"value\":{}{}}}", JsonString(name), type,
                     value_json, focused ? ",\"focused\":true" : "");
}

std::string UserJson(std::string_view id) {
  return fmt::format(
      "{{\"id\":{},\"username\":\"pilot{}\",\"global_name\":null,\"discriminator\":\"0\","
      "\"avatar\":null,\"public_flags\":0}}",
      JsonString(id), id.substr(0, 4));
}

std::string Get(simdjson::dom::element e, std::string_view key) {
  std::string_view s;
  if (e[key].get(s) == simdjson::SUCCESS) return std::string(s);
  return {};
}

}  // namespace

Who Member(std::string_view user_id) {
  return Who{std::string(user_id), {std::string(kMemberRole)}, false};
}
Who AdminMember(std::string_view user_id) {
  return Who{std::string(user_id), {std::string(kMemberRole), std::string(kAdminRole)}, false};
}
Who DmUser(std::string_view user_id) { return Who{std::string(user_id), {}, true}; }

std::string Str(std::string_view name, std::string_view value, bool focused) {
  return Leaf(name, 3, JsonString(value), focused);
}
std::string Int(std::string_view name, std::int64_t value) {
  return Leaf(name, 4, std::to_string(value), false);
}
std::string Bool(std::string_view name, bool value) {
  return Leaf(name, 5, value ? "true" : "false", false);
}
std::string User(std::string_view name, std::string_view user_id) {
  return Leaf(name, 6, JsonString(user_id), false);
}
std::string RawOption(std::string_view name, int type, std::string_view value_json) {
  return Leaf(name, type, value_json, false);
}

std::string Body(std::string_view id, const Who& who, std::string_view path,
                 const std::vector<std::string>& options, int type) {
  const std::vector<std::string> parts = Split(path);
  // Innermost first: the leaves, then the subcommand, then the group.
  std::string nested = fmt::format("[{}]", fmt::join(options, ","));
  for (std::size_t i = parts.size(); i-- > 1;) {
    const int option_type = i == parts.size() - 1 ? 1 : 2;
    nested = fmt::format("[{{\"name\":{},\"type\":{},\"options\":{}}}]", JsonString(parts[i]),
                         option_type, nested);
  }
  const std::string data =
      fmt::format("{{\"id\":\"1390000000000000001\",\"name\":{},\"type\":1,\"options\":{}}}",
                  JsonString(parts[0]), nested);
  std::vector<std::string> roles;
  for (const auto& r : who.roles) roles.push_back(JsonString(r));
  std::string where;
  if (who.dm) {
    where = fmt::format(
        "\"authorizing_integration_owners\":{{\"0\":\"0\"}},"
        "\"channel\":{{\"id\":\"1380499999999999999\",\"type\":1}},"
        "\"channel_id\":\"1380499999999999999\",\"context\":1,\"user\":{}",
        UserJson(who.user_id));
  } else {
    where = fmt::format(
        "\"authorizing_integration_owners\":{{\"0\":\"{0}\"}},"
        "\"channel\":{{\"id\":\"1380488052169769113\",\"guild_id\":\"{0}\",\"name\":\"fleet-ops\","
        "\"type\":0,\"permissions\":\"2251799813685247\"}},"
        "\"channel_id\":\"1380488052169769113\",\"context\":0,"
        "\"guild\":{{\"id\":\"{0}\",\"locale\":\"en-US\",\"features\":[]}},"
        "\"guild_id\":\"{0}\",\"guild_locale\":\"en-US\","
        "\"member\":{{\"user\":{1},\"roles\":[{2}],\"permissions\":\"2248473465835073\","
        "\"nick\":null,\"joined_at\":\"2025-06-06T10:06:39.888000+00:00\",\"deaf\":false,"
        "\"mute\":false,\"flags\":0,\"pending\":false}}",
        kGuild, UserJson(who.user_id), fmt::join(roles, ","));
  }
  return fmt::format(
      "{{\"app_permissions\":\"2248473465835073\",\"application_id\":\"{}\","
      "\"attachment_size_limit\":10485760,{},\"data\":{},\"entitlements\":[],\"id\":{},"
      "\"locale\":\"en-GB\",\"token\":\"secret-token-{}\",\"type\":{},\"version\":1}}",
      kApplication, where, data, JsonString(id), id, type);
}

std::string MessageView::Text() const {
  std::string out = content;
  for (const auto& e : embeds) {
    out += "\n" + e.title + "\n" + e.description + "\n" + e.footer;
    for (const auto& [name, value] : e.fields) out += "\n" + name + "\n" + value;
  }
  return out;
}

MessageView ParseMessage(const std::string& data) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(data).get(doc) != simdjson::SUCCESS) {
    ADD_FAILURE() << "reply data is not JSON: " << data;
    return {};
  }
  MessageView view;
  std::int64_t flags = 0;
  if (doc["flags"].get(flags) == simdjson::SUCCESS) view.flags = flags;
  simdjson::dom::array parse;
  view.mentions_none =
      doc["allowed_mentions"]["parse"].get(parse) == simdjson::SUCCESS && parse.size() == 0;
  view.content = Get(doc, "content");
  simdjson::dom::array embeds;
  if (doc["embeds"].get(embeds) == simdjson::SUCCESS) {
    for (simdjson::dom::element e : embeds) {
      EmbedView ev;
      ev.title = Get(e, "title");
      ev.description = Get(e, "description");
      simdjson::dom::element footer;
      if (e["footer"].get(footer) == simdjson::SUCCESS) ev.footer = Get(footer, "text");
      simdjson::dom::array fields;
      if (e["fields"].get(fields) == simdjson::SUCCESS) {
        for (simdjson::dom::element f : fields)
          ev.fields.emplace_back(Get(f, "name"), Get(f, "value"));
      }
      view.embeds.push_back(std::move(ev));
    }
  }
  return view;
}

std::vector<std::pair<std::string, std::string>> ParseChoices(const std::string& data) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::vector<std::pair<std::string, std::string>> out;
  simdjson::dom::array choices;
  if (parser.parse(data).get(doc) != simdjson::SUCCESS ||
      doc["choices"].get(choices) != simdjson::SUCCESS) {
    ADD_FAILURE() << "not an autocomplete result: " << data;
    return out;
  }
  for (simdjson::dom::element c : choices) out.emplace_back(Get(c, "name"), Get(c, "value"));
  return out;
}

DiscordFixture::DiscordFixture(Schema schema, EventLog::Options options)
    : roster_(std::move(schema), std::move(options)),
      handler_(roster_.service(), HandlerOptions{{std::string(kAdminRole)}}) {
  roster_.AddSampleAlliance();
}

std::string DiscordFixture::NextId() { return std::to_string(next_id_++); }

Reply DiscordFixture::Run(const Who& who, std::string_view path,
                          const std::vector<std::string>& options, int type) {
  return handler_.Handle(Body(NextId(), who, path, options, type));
}

std::vector<Event> DiscordFixture::EventsAfter(std::uint64_t seq) {
  std::vector<Event> out;
  const std::uint64_t head = Head();
  if (head <= seq) return out;
  auto status = roster_.log().Scan(seq + 1, head, [&](const Event& e) {
    out.push_back(e);
    return true;
  });
  if (!status.ok()) throw std::runtime_error(status.error().message);
  return out;
}

}  // namespace kraken::discord::testing
