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

TEST(ConfigTest, ServiceSectionsHaveDefaultsAndTheEnvironmentWins) {
  auto config = ParseConfig(R"(
[server]
listen = "0.0.0.0:9000"
handler_threads = 4

[discord]
public_key = "aa"
admin_role_ids = ["111", "222"]

[sheets]
spreadsheet_id = "from-file"
reads_per_minute = 30
)",
                            "k.toml",
                            FakeEnv({{"KRAKEN_LISTEN", "127.0.0.1:8181"},
                                     {"DISCORD_PUBLIC_KEY", "bb"},
                                     {"DISCORD_API_BASE", "http://127.0.0.1:9/api/v10"},
                                     {"KRAKEN_ADMIN_ROLE_IDS", "333, 444"},
                                     {"KRAKEN_SHEETS_ROOT", "http://127.0.0.1:7"}}));
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->server.listen, "127.0.0.1:8181");
  EXPECT_EQ(config->server.handler_threads, 4);
  EXPECT_EQ(config->discord.public_key, "bb");
  EXPECT_EQ(config->discord.api_base, "http://127.0.0.1:9/api/v10");
  EXPECT_EQ(config->discord.admin_role_ids, (std::vector<std::string>{"333", "444"}));
  EXPECT_EQ(config->sheets.spreadsheet_id, "from-file");
  EXPECT_EQ(config->sheets.sheets_root, "http://127.0.0.1:7");
  EXPECT_EQ(config->sheets.drive_root, "https://www.googleapis.com");
  EXPECT_EQ(config->sheets.reads_per_minute, 30);

  auto defaults = LoadConfig(std::nullopt, FakeEnv({}));
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->server.listen, "127.0.0.1:8080");
  EXPECT_EQ(defaults->discord.api_base, "https://discord.com/api/v10");
}

TEST(ConfigTest, ServiceSectionTyposAndWrongTypesAreErrors) {
  auto typo = ParseConfig("[discord]\npublic_kye = \"aa\"\n", "k.toml", FakeEnv({}));
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(typo.error().message.find("discord.public_kye"), std::string::npos)
      << typo.error().message;
  auto wrong = ParseConfig("[server]\nhandler_threads = \"many\"\n", "k.toml", FakeEnv({}));
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.error().message.find("server.handler_threads"), std::string::npos)
      << wrong.error().message;
}

TEST(ConfigTest, AdminRoleIdsAreTrimmedAndMustBeSnowflakes) {
  // Found by fuzzing: " 123" was kept as is and could never match a role, so
  // the admins were locked out without a word.
  auto spaced = ParseConfig("[discord]\nadmin_role_ids = [\" 1380490000000000001 \"]\n", "k.toml",
                            FakeEnv({}));
  ASSERT_TRUE(spaced.ok()) << spaced.error().message;
  ASSERT_EQ(spaced->discord.admin_role_ids.size(), 1u);
  EXPECT_EQ(spaced->discord.admin_role_ids[0], "1380490000000000001");
  auto named = ParseConfig("[discord]\nadmin_role_ids = [\"Officers\"]\n", "k.toml", FakeEnv({}));
  ASSERT_FALSE(named.ok());
  EXPECT_NE(named.error().message.find("'Officers', which is not a Discord role id"),
            std::string::npos)
      << named.error().message;
  EXPECT_NE(named.error().message.find("k.toml"), std::string::npos) << named.error().message;
  // The environment's list is held to the same rule.
  auto from_env = ParseConfig("", "k.toml", FakeEnv({{"KRAKEN_ADMIN_ROLE_IDS", "Officers"}}));
  ASSERT_FALSE(from_env.ok());
  EXPECT_NE(from_env.error().message.find("KRAKEN_ADMIN_ROLE_IDS) holds 'Officers'"),
            std::string::npos)
      << from_env.error().message;
}

TEST(ConfigTest, SyncPoliciesAreCheckedAgainstTheSchema) {
  auto ok = ParseConfig(R"(
[sync]
conflict_policy = "log-wins"
max_deletions = 3
max_deletion_share = 0.5
[sync.pilot_policies]
corp = "sheet-wins"
)",
                        "k.toml", FakeEnv({{"KRAKEN_SYNC_INTERVAL", "0"}}));
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->sync.conflict_policy, "log-wins");
  EXPECT_EQ(ok->sync.pilot_policies.at("corp"), "sheet-wins");
  EXPECT_EQ(ok->sync.max_deletions, 3);
  EXPECT_EQ(ok->sync.interval_seconds, 0);

  auto unknown = ParseConfig("[sync.corp_policies]\nrole = \"manual\"\n", "k.toml", FakeEnv({}));
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("no corp column 'role'"), std::string::npos)
      << unknown.error().message;
  auto typo = ParseConfig("[sync]\nconflict_policy = \"sheet_wins\"\n", "k.toml", FakeEnv({}));
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(typo.error().message.find("use sheet-wins, log-wins or manual"), std::string::npos);
}

}  // namespace
}  // namespace kraken
