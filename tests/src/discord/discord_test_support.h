#pragma once
// Helpers for the Discord tests: interaction bodies shaped like the ones Discord
// sends (a guild interaction with member.user and member.roles, a DM with user,
// options nested in subcommands and groups; see
// shared/reference/discord-api.md), a handler over a real log with the sample
// alliance, and the reply's JSON read back with simdjson.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "src/discord/interactions.h"
#include "tests/src/app/app_test_support.h"

namespace kraken::discord::testing {

inline constexpr std::string_view kAdminRole = "1380490000000000001";
inline constexpr std::string_view kMemberRole = "1380490000000000002";
// A member with no pilot yet.
inline constexpr std::string_view kNewcomer = "410212090289192960";

// Who sends an interaction: a guild member with roles, or a user in a DM.
struct Who {
  std::string user_id;
  std::vector<std::string> roles;
  bool dm = false;
};
Who Member(std::string_view user_id);       // in the guild, with kMemberRole
Who AdminMember(std::string_view user_id);  // in the guild, with kAdminRole too
Who DmUser(std::string_view user_id);

// One leaf option as JSON text: {"name":..,"type":..,"value":..}.
std::string Str(std::string_view name, std::string_view value, bool focused = false);
std::string Int(std::string_view name, std::int64_t value);
std::string Bool(std::string_view name, bool value);
std::string User(std::string_view name, std::string_view user_id);
// Any type and any JSON value text, e.g. a string where an integer is declared.
std::string RawOption(std::string_view name, int type, std::string_view value_json);

// An interaction body: `type` 2 (command) or 4 (autocomplete), the command
// `path` ("pilot alt add": the middle word a group, the last a subcommand) and
// the leaf options.
std::string Body(std::string_view id, const Who& who, std::string_view path,
                 const std::vector<std::string>& options, int type = 2);

// A reply's message data, read back.
struct EmbedView {
  std::string title, description, footer;
  std::vector<std::pair<std::string, std::string>> fields;
};
struct MessageView {
  std::int64_t flags = 0;
  bool mentions_none = false;  // allowed_mentions is {"parse":[]}
  std::string content;
  std::vector<EmbedView> embeds;
  // Everything a user reads, joined: for substring checks.
  std::string Text() const;
};
MessageView ParseMessage(const std::string& data);  // fails the test if it does not parse
// An autocomplete reply's choices as (name, value).
std::vector<std::pair<std::string, std::string>> ParseChoices(const std::string& data);

// A roster in a temporary log with the sample alliance, and the handler over
// it with kAdminRole as the admin role. Each Run() uses a fresh interaction id.
class DiscordFixture {
 public:
  explicit DiscordFixture(Schema schema = Schema::Core(), EventLog::Options options = {});

  Reply Run(const Who& who, std::string_view path, const std::vector<std::string>& options,
            int type = 2);
  Reply RunBody(std::string_view body) { return handler_.Handle(body); }
  std::string NextId();

  kraken::testing::TestRoster& roster() { return roster_; }
  RosterService& service() { return roster_.service(); }
  std::uint64_t Head() const { return roster_.Head(); }
  std::vector<Event> EventsAfter(std::uint64_t seq);

 private:
  kraken::testing::TestRoster roster_;
  InteractionHandler handler_;
  std::uint64_t next_id_ = 1390000000000000100;
};

}  // namespace kraken::discord::testing
