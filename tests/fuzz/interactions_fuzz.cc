// Fuzzes what `kraken serve` does with a POST /interactions body once its
// signature has been verified (the check itself is bypassed here: the handler
// is called directly, as src/serve/service.cc calls it): parse the interaction,
// check its options, run the slash command or autocomplete against a real
// roster service on a real log, and build the reply.
//
// Invariants: the handler never throws; a reply is 400 only for a body that is
// not an interaction, and otherwise a PONG, a message or autocomplete choices
// whose JSON parses and stays within Discord's limits, with mentions disabled;
// the outcome is one of the documented ones, and nothing is appended unless the
// outcome is "ok".

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "src/discord/interactions.h"
#include "src/discord/reply.h"
#include "tests/fuzz/fuzz_support.h"

namespace kraken::fuzz {
namespace {

// Long runs append on every successful command; start again now and then so
// the log (and the tables) stay small and executions fast.
constexpr std::uint64_t kMaxEvents = 3000;

struct Fixture {
  SampleRoster roster;
  discord::InteractionHandler handler{roster.service(), Options()};

  static discord::HandlerOptions Options() {
    discord::HandlerOptions options;
    options.admin_role_ids = {std::string(kAdminRole)};
    options.run_sync = []() -> Result<std::string> { return std::string("sheet in sync"); };
    return options;
  }
};

std::uint64_t Head(RosterService& service) {
  auto head = service.log().Head();
  KRAKEN_FUZZ_CHECK(head.ok(), head.error().message);
  return *head;
}

void CheckLength(std::string_view text, std::size_t limit, std::string_view what) {
  KRAKEN_FUZZ_CHECK(discord::DiscordLength(text) <= limit,
                    std::string(what) + " is over Discord's limit: " + std::string(text));
}

std::string_view StringOr(simdjson::dom::element e, std::string_view key) {
  std::string_view s;
  if (e[key].get(s) == simdjson::SUCCESS) return s;
  return {};
}

void CheckMessage(simdjson::dom::element data) {
  simdjson::dom::array parse;
  KRAKEN_FUZZ_CHECK(
      data["allowed_mentions"]["parse"].get(parse) == simdjson::SUCCESS && parse.size() == 0,
      "a message must disable mentions (allowed_mentions.parse = [])");
  CheckLength(StringOr(data, "content"), discord::kMaxContent, "content");
  simdjson::dom::array embeds;
  if (data["embeds"].get(embeds) != simdjson::SUCCESS) return;
  KRAKEN_FUZZ_CHECK(embeds.size() <= discord::kMaxEmbeds, "too many embeds");
  std::size_t total = 0;
  for (simdjson::dom::element embed : embeds) {
    const std::string_view title = StringOr(embed, "title");
    const std::string_view description = StringOr(embed, "description");
    simdjson::dom::element footer;
    const std::string_view footer_text =
        embed["footer"].get(footer) == simdjson::SUCCESS ? StringOr(footer, "text") : "";
    CheckLength(title, discord::kMaxTitle, "embed title");
    CheckLength(description, discord::kMaxDescription, "embed description");
    CheckLength(footer_text, discord::kMaxFooter, "embed footer");
    total += discord::DiscordLength(title) + discord::DiscordLength(description) +
             discord::DiscordLength(footer_text);
    simdjson::dom::array fields;
    if (embed["fields"].get(fields) != simdjson::SUCCESS) continue;
    KRAKEN_FUZZ_CHECK(fields.size() <= discord::kMaxFields, "too many embed fields");
    for (simdjson::dom::element field : fields) {
      const std::string_view name = StringOr(field, "name");
      const std::string_view value = StringOr(field, "value");
      KRAKEN_FUZZ_CHECK(!name.empty() && !value.empty(), "Discord rejects an empty embed field");
      CheckLength(name, discord::kMaxFieldName, "field name");
      CheckLength(value, discord::kMaxFieldValue, "field value");
      total += discord::DiscordLength(name) + discord::DiscordLength(value);
    }
  }
  KRAKEN_FUZZ_CHECK(total <= discord::kMaxEmbedTotal, "embeds over 6000 characters in all");
}

void CheckChoices(simdjson::dom::element data) {
  simdjson::dom::array choices;
  KRAKEN_FUZZ_CHECK(data["choices"].get(choices) == simdjson::SUCCESS,
                    "an autocomplete reply has a choices array");
  KRAKEN_FUZZ_CHECK(choices.size() <= discord::kMaxChoices, "more than 25 choices");
  for (simdjson::dom::element choice : choices) {
    const std::string_view value = StringOr(choice, "value");
    KRAKEN_FUZZ_CHECK(!value.empty(), "a choice without a value");
    CheckLength(StringOr(choice, "name"), discord::kMaxChoiceText, "choice name");
    CheckLength(value, discord::kMaxChoiceText, "choice value");
  }
}

void CheckReply(const discord::Reply& reply) {
  static const std::set<std::string, std::less<>> kOutcomes = {"ok",     "duplicate", "invalid",
                                                               "denied", "not_found", "error"};
  KRAKEN_FUZZ_CHECK(kOutcomes.contains(reply.outcome), "unknown outcome " + reply.outcome);
  simdjson::dom::parser parser;
  simdjson::dom::element body;
  const std::string text = reply.Body();
  KRAKEN_FUZZ_CHECK(parser.parse(text).get(body) == simdjson::SUCCESS,
                    "the reply body is not JSON: " + text);
  if (reply.http_status == 400) {
    std::string_view error;
    KRAKEN_FUZZ_CHECK(reply.outcome == "invalid", "a 400 is an invalid interaction");
    KRAKEN_FUZZ_CHECK(body["error"].get(error) == simdjson::SUCCESS && !error.empty(),
                      "a 400 says what is wrong: " + text);
    return;
  }
  if (reply.type == 1) {
    KRAKEN_FUZZ_CHECK(reply.command == "ping", "only a PING gets a PONG");
    return;
  }
  simdjson::dom::element data;
  KRAKEN_FUZZ_CHECK(body["data"].get(data) == simdjson::SUCCESS && data.is_object(),
                    "the reply has no data object: " + text);
  KRAKEN_FUZZ_CHECK(reply.http_status == 200, "status " + std::to_string(reply.http_status));
  switch (reply.type) {
    case 4:
      CheckMessage(data);
      break;
    case 8:
      CheckChoices(data);
      break;
    default:
      Fail("unexpected interaction callback type " + std::to_string(reply.type));
  }
}

}  // namespace
}  // namespace kraken::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace kraken::fuzz;
  static std::unique_ptr<Fixture> fixture = std::make_unique<Fixture>();
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const std::uint64_t before = Head(fixture->roster.service());
  const kraken::discord::Reply reply = fixture->handler.Handle(body);
  const std::uint64_t after = Head(fixture->roster.service());
  KRAKEN_FUZZ_CHECK(after == before || reply.outcome == "ok",
                    "a command that answered '" + reply.outcome + "' appended events");
  CheckReply(reply);
  if (after > kMaxEvents) {
    fixture.reset();  // one log at a time
    fixture = std::make_unique<Fixture>();
  }
  return 0;
}
