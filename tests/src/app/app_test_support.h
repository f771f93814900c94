#pragma once
// Helpers for the application's tests: a real event log in a temporary directory
// with a RosterService over it, the actors that issue commands, a small sample
// alliance, and the tables as plain values for comparing before and after.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "events/schema.h"
#include "projections/alliance_state.h"
#include "src/app/roster_service.h"
#include "src/store/event_log.h"
#include "tests/support/log_dir.h"

namespace kraken::testing {

// An admin at the CLI, and a Discord member (not an admin) with user id `user_id`.
Actor Admin(std::string name = "ann");
Actor Member(std::string user_id);

// Discord ids of the sample alliance's members.
inline constexpr std::string_view kKaelenDiscord = "555200494606748983";
inline constexpr std::string_view kRynDiscord = "155670462648394832";

// A schema with declared columns, parsed from TOML as an admin would write it
// (see docs/configuration.md); fails the test if it does not parse.
Schema SchemaFromToml(std::string_view toml);

// Adds, as an admin: corps KRKN (CEO Kaelen Voss) and BLKWT; pilots Kaelen Voss
// (Discord kKaelenDiscord) with alt Voss Hauler, Ryn Calder (kRynDiscord, notes
// "logi FC") with alt Calder Miner, and Marek Halden in BLKWT. Throws on an error.
void AddSampleAlliance(RosterService& service);

// A real log in a temporary directory and the roster service over it. Options
// (e.g. an injected clock) apply to every open.
class TestRoster {
 public:
  explicit TestRoster(Schema schema = Schema::Core(), EventLog::Options options = {});
  ~TestRoster();

  EventLog& log() { return *log_; }
  RosterService& service() { return *service_; }
  const Schema& schema() const { return schema_; }
  const std::string& dir() const { return dir_.path(); }

  std::uint64_t Head() const;
  // A row's value in the service's tables, or nullopt if the row does not exist.
  std::optional<std::string> Get(Table table, std::string_view key, std::string_view column);
  // Closes the service and the log, and opens both again.
  void Reopen();

  void AddSampleAlliance() { kraken::testing::AddSampleAlliance(*service_); }

 private:
  TempDir dir_;
  Schema schema_;
  EventLog::Options options_;
  std::unique_ptr<EventLog> log_;
  std::unique_ptr<RosterService> service_;
};

// Every row of both tables as "pilot/<key>" or "corp/<key>" -> its values.
using TableDump = std::map<std::string, std::vector<std::string>>;
TableDump DumpTables(const AllianceState& state);
TableDump DumpTables(RosterService& service);

// The type names of `events`, in order.
std::vector<std::string> TypesOf(const std::vector<Event>& events);

}  // namespace kraken::testing
