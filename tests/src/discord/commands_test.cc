// The command catalogue as Discord's bulk overwrite takes it: valid JSON within
// Discord's registration limits, with the schema's fields as choices.

#include "src/discord/commands.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include <set>

#include "src/discord/handlers.h"
#include "src/discord/reply.h"
#include "tests/src/discord/discord_test_support.h"

namespace kraken::discord {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Not;
namespace dom = simdjson::dom;

constexpr std::string_view kDeclared = R"(
[[pilot.columns]]
name = "role"
type = "enum"
values = ["DPS", "Logi", "Tackle"]
editable_by = "self"
description = "main fleet role"

[[pilot.columns]]
name = "joined"
type = "date"
editable_by = "admin"
)";

// Discord's ^[-_'\p{L}\p{N}...]{1,32}$ with lower case, for our ASCII names.
bool ValidName(std::string_view name) {
  if (name.empty() || name.size() > 32) return false;
  for (char c : name) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '\'';
    if (!ok) return false;
  }
  return true;
}

std::string Str(dom::element e, std::string_view key) {
  std::string_view s;
  return e[key].get(s) == simdjson::SUCCESS ? std::string(s) : std::string();
}

// Checks one options array against Discord's rules; adds the characters it
// counts toward the 8000 per command. `depth` 0 is the command's own options.
void CheckOptions(dom::element options, int depth, std::size_t& chars, const std::string& where) {
  dom::array array;
  ASSERT_EQ(options.get(array), simdjson::SUCCESS) << where;
  EXPECT_LE(array.size(), 25u) << where;
  std::set<std::string> names;
  bool optional_seen = false;
  for (dom::element o : array) {
    const std::string name = Str(o, "name");
    const std::string desc = Str(o, "description");
    const std::string at = where + " " + name;
    EXPECT_TRUE(ValidName(name)) << at;
    EXPECT_TRUE(names.insert(name).second) << "duplicate option " << at;
    EXPECT_GE(DiscordLength(desc), 1u) << at;
    EXPECT_LE(DiscordLength(desc), 100u) << at;
    chars += DiscordLength(name) + DiscordLength(desc);
    std::int64_t type = 0;
    ASSERT_EQ(o["type"].get(type), simdjson::SUCCESS) << at;
    bool required = false;
    if (o["required"].get(required) != simdjson::SUCCESS) required = false;
    if (type == 1 || type == 2) {
      EXPECT_TRUE(type == 1 || depth == 0) << "a group inside a subcommand: " << at;
      dom::element nested;
      if (o["options"].get(nested) == simdjson::SUCCESS) CheckOptions(nested, depth + 1, chars, at);
      continue;
    }
    EXPECT_TRUE(!required || !optional_seen) << "required after optional: " << at;
    optional_seen = optional_seen || !required;
    dom::array choices;
    bool autocomplete = false;
    if (o["autocomplete"].get(autocomplete) != simdjson::SUCCESS) autocomplete = false;
    if (o["choices"].get(choices) == simdjson::SUCCESS) {
      EXPECT_FALSE(autocomplete) << "choices and autocomplete: " << at;
      EXPECT_GE(choices.size(), 1u) << at;
      EXPECT_LE(choices.size(), 25u) << at;
      for (dom::element c : choices) {
        EXPECT_GE(DiscordLength(Str(c, "name")), 1u) << at;
        EXPECT_LE(DiscordLength(Str(c, "name")), 100u) << at;
        EXPECT_LE(DiscordLength(Str(c, "value")), 100u) << at;
        chars += DiscordLength(Str(c, "name")) + DiscordLength(Str(c, "value"));
      }
    }
    std::uint64_t max_length = 0;
    if (o["max_length"].get(max_length) == simdjson::SUCCESS) {
      EXPECT_LE(max_length, 6000u) << at;
    }
  }
}

struct Parsed {
  dom::parser parser;
  dom::array commands;
};

void ParseCatalogue(const std::string& json, Parsed& out) {
  ASSERT_EQ(out.parser.parse(json).get(out.commands), simdjson::SUCCESS) << json;
}

TEST(CommandsJsonTest, ParsesAndKeepsDiscordsRegistrationLimits) {
  for (const Schema& schema : {Schema::Core(), kraken::testing::SchemaFromToml(kDeclared)}) {
    const std::string json = CommandsJson(schema);
    Parsed parsed;
    ParseCatalogue(json, parsed);
    std::set<std::string> names;
    for (dom::element c : parsed.commands) {
      const std::string name = Str(c, "name");
      std::int64_t type = 0;
      EXPECT_EQ(c["type"].get(type), simdjson::SUCCESS);
      EXPECT_EQ(type, 1) << name;
      std::size_t chars = DiscordLength(name) + DiscordLength(Str(c, "description"));
      EXPECT_TRUE(ValidName(name)) << name;
      EXPECT_GE(DiscordLength(Str(c, "description")), 1u);
      EXPECT_LE(DiscordLength(Str(c, "description")), 100u) << name;
      CheckOptions(c["options"], 0, chars, name);
      EXPECT_LE(chars, 8000u) << name;
      names.insert(name);
    }
    EXPECT_THAT(names, ElementsAre("admin", "corp", "pilot", "roster"));
  }
}

TEST(CommandsJsonTest, OnlyAdminIsHiddenByDefaultAndOnlyInGuilds) {
  const std::string json = CommandsJson(Schema::Core());
  Parsed parsed;
  ParseCatalogue(json, parsed);
  for (dom::element c : parsed.commands) {
    const std::string name = Str(c, "name");
    dom::array contexts, integration;
    ASSERT_EQ(c["contexts"].get(contexts), simdjson::SUCCESS);
    ASSERT_EQ(c["integration_types"].get(integration), simdjson::SUCCESS);
    EXPECT_EQ(integration.size(), 1u) << "installed to the guild only";
    if (name == "admin") {
      EXPECT_EQ(Str(c, "default_member_permissions"), "0");
      EXPECT_EQ(contexts.size(), 1u) << "guild only: roles exist only there";
    } else {
      EXPECT_TRUE(c["default_member_permissions"].error()) << name;
    }
  }
}

// The values of the "field" option's choices of the runnable command `path`.
std::vector<std::string> FieldChoices(const Catalogue& catalogue,
                                      const std::vector<std::string>& path) {
  std::vector<std::string> out;
  const auto* options = catalogue.Find(path);
  if (options == nullptr) return out;
  const OptionSpec* field = FindOption(*options, "field");
  if (field == nullptr) return out;
  for (const Choice& c : field->choices) out.push_back(c.value);
  return out;
}

TEST(CommandsJsonTest, PilotSetOffersTheSelfEditableFieldsAndAdminSetEveryField) {
  const Schema schema = kraken::testing::SchemaFromToml(kDeclared);
  const Catalogue catalogue(schema);
  EXPECT_THAT(FieldChoices(catalogue, {"pilot", "set"}),
              ElementsAre("corp", "clone", "timezone", "notes", "role"));
  EXPECT_THAT(
      FieldChoices(catalogue, {"admin", "set", "pilot"}),
      ElementsAre("discord_id", "corp", "clone", "main", "timezone", "notes", "role", "joined"));
  EXPECT_THAT(FieldChoices(catalogue, {"admin", "set", "corp"}),
              ElementsAre("name", "ceo", "status"));
  EXPECT_THAT(FieldChoices(catalogue, {"pilot", "set"}), Not(Contains("joined")));
}

TEST(CommandsJsonTest, TooManyFieldsForChoicesAreOfferedByAutocomplete) {
  std::string toml;
  for (int i = 0; i < 30; ++i) {
    toml += fmt::format(
        "[[pilot.columns]]\nname = \"extra{}\"\ntype = \"text\"\n"
        "editable_by = \"self\"\n",
        i);
  }
  const Schema schema = kraken::testing::SchemaFromToml(toml);
  const Catalogue catalogue(schema);
  const OptionSpec* field = FindOption(*catalogue.Find({"pilot", "set"}), "field");
  ASSERT_NE(field, nullptr);
  EXPECT_TRUE(field->choices.empty());
  EXPECT_EQ(field->completion, Completion::kField);
  Parsed parsed;
  ParseCatalogue(catalogue.Json(), parsed);  // still valid
}

// Every runnable command of the catalogue has a handler, and nothing else does.
void CollectPaths(const std::vector<OptionSpec>& options, std::vector<std::string> path,
                  std::vector<std::string>& out) {
  bool leaf = true;
  for (const OptionSpec& o : options) {
    if (o.type != OptionType::kSubcommand && o.type != OptionType::kGroup) continue;
    leaf = false;
    auto next = path;
    next.push_back(o.name);
    CollectPaths(o.options, next, out);
  }
  if (leaf) out.push_back(fmt::format("{}", fmt::join(path, " ")));
}

TEST(CommandsJsonTest, EveryCommandInTheCatalogueHasAHandler) {
  const Catalogue catalogue(Schema::Core());
  std::vector<std::string> paths;
  for (const CommandSpec& c : catalogue.commands()) CollectPaths(c.options, {c.name}, paths);
  EXPECT_EQ(paths.size(), 15u);
  for (const auto& path : paths) EXPECT_NE(FindHandler(path), nullptr) << path;
  EXPECT_EQ(catalogue.Find({"pilot"}), nullptr) << "a command with subcommands cannot run alone";
  EXPECT_EQ(catalogue.Find({"pilot", "alt"}), nullptr);
  EXPECT_EQ(catalogue.Find({"pilot", "fly"}), nullptr);
  EXPECT_NE(catalogue.Find({"roster"}), nullptr);
}

}  // namespace
}  // namespace kraken::discord
