#include "src/config/config.h"

#include <gtest/gtest.h>

#include <map>

namespace kraken {
namespace {

EnvLookup FakeEnv(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(ConfigTest, EmbeddedDefaultsNeedNoFile) {
  auto config = LoadConfig(std::nullopt, FakeEnv({}));
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->data_dir, "./data");
  EXPECT_EQ(config->source, "embedded defaults");
  EXPECT_EQ(config->schema.columns(Table::kPilot).size(), 7u);
}

TEST(ConfigTest, EnvironmentWinsOverTheFile) {
  auto config = ParseConfig("data_dir = \"/from/file\"\n", "k.toml",
                            FakeEnv({{"KRAKEN_DATA_DIR", "/from/env"}}));
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->data_dir, "/from/env");
}

TEST(ConfigTest, DeclaredColumnsExtendTheSchemaAndValidateValues) {
  auto config = ParseConfig(R"(
[[pilot.columns]]
name = "role"
type = "enum"
values = ["DPS", "Logi"]
editable_by = "self"

[[corp.columns]]
name = "founded"
type = "date"
)",
                            "k.toml", FakeEnv({}));
  ASSERT_TRUE(config.ok()) << config.error().message;
  const Column* role = config->schema.Find(Table::kPilot, "role");
  ASSERT_NE(role, nullptr);
  EXPECT_EQ(role->editor, Editor::kSelf);
  auto logi = config->schema.Normalize(Table::kPilot, "role", "logi");
  ASSERT_TRUE(logi.ok());
  EXPECT_EQ(*logi, "Logi");
  auto bad = config->schema.Normalize(Table::kPilot, "role", "Healer");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("DPS, Logi"), std::string::npos) << bad.error().message;
  const Column* founded = config->schema.Find(Table::kCorp, "founded");
  ASSERT_NE(founded, nullptr);
  EXPECT_EQ(founded->editor, Editor::kAdmin);  // the default
}

TEST(ConfigTest, SyntaxErrorNamesTheLine) {
  auto config = ParseConfig("data_dir = \"x\"\n[[pilot.columns]\n", "k.toml", FakeEnv({}));
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(config.error().message.find("k.toml: line 2"), std::string::npos)
      << config.error().message;
}

TEST(ConfigTest, UnknownKeyIsAnErrorNotIgnored) {
  auto config = ParseConfig("data_dri = \"x\"\n", "k.toml", FakeEnv({}));
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().message.find("unknown key 'data_dri'"), std::string::npos)
      << config.error().message;
}

TEST(ConfigTest, BadColumnDeclarationsSayWhatToFix) {
  struct Case {
    const char* toml;
    const char* expected;
  } cases[] = {
      {"[[pilot.columns]]\nname = \"x\"\ntype = \"float\"\n", "unknown type 'float'"},
      {"[[pilot.columns]]\nname = \"x\"\ntype = \"enum\"\n", "needs a list of values"},
      {"[[pilot.columns]]\nname = \"corp\"\n", "exists already"},
      {"[[pilot.columns]]\nname = \"Role\"\n", "lower-case"},
      {"[[pilot.columns]]\nname = \"x\"\neditable_by = \"everyone\"\n", "editable_by"},
      {"[[pilot.columns]]\ntype = \"text\"\n", "needs a name"},
      {"[[pilot.columns]]\nname = \"x\"\ncolour = \"red\"\n", "unknown key 'pilot.columns.colour'"},
  };
  for (const auto& c : cases) {
    auto config = ParseConfig(c.toml, "k.toml", FakeEnv({}));
    ASSERT_FALSE(config.ok()) << c.toml;
    EXPECT_NE(config.error().message.find(c.expected), std::string::npos)
        << "for:\n"
        << c.toml << "got: " << config.error().message;
  }
}

TEST(ConfigTest, MissingNamedFileIsAClearError) {
  auto config = LoadConfig(std::string("/nonexistent/kraken.toml"), FakeEnv({}));
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().message.find("cannot read config file '/nonexistent/kraken.toml'"),
            std::string::npos)
      << config.error().message;
}

TEST(ConfigTest, KrakenConfigVariableNamesTheFile) {
  auto config = LoadConfig(std::nullopt, FakeEnv({{"KRAKEN_CONFIG", "/nonexistent/env.toml"}}));
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().message.find("/nonexistent/env.toml"), std::string::npos);
}

}  // namespace
}  // namespace kraken
