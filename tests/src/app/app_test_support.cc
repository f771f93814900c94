#include "tests/src/app/app_test_support.h"

#include <stdexcept>

#include "src/config/config.h"

namespace kraken::testing {

Actor Admin(std::string name) { return Actor{Source::kCli, std::move(name), true}; }

Actor Member(std::string user_id) { return Actor{Source::kDiscord, std::move(user_id), false}; }

Schema SchemaFromToml(std::string_view toml) {
  auto config = ParseConfig(toml, "test.toml", [](const std::string&) { return std::nullopt; });
  if (!config.ok()) throw std::runtime_error("bad test config: " + config.error().message);
  return config->schema;
}

TestRoster::TestRoster(Schema schema, EventLog::Options options)
    : schema_(std::move(schema)), options_(std::move(options)) {
  Reopen();
}

TestRoster::~TestRoster() = default;

void TestRoster::Reopen() {
  service_.reset();
  log_.reset();
  log_ = OpenOrDie(dir_.path(), options_);
  auto service = RosterService::Open(*log_, schema_);
  if (!service.ok())
    throw std::runtime_error("opening the service failed: " + service.error().message);
  service_ = std::move(service).value();
}

std::uint64_t TestRoster::Head() const {
  auto head = log_->Head();
  if (!head.ok()) throw std::runtime_error(head.error().message);
  return *head;
}

std::optional<std::string> TestRoster::Get(Table table, std::string_view key,
                                           std::string_view column) {
  return service_->Read([&](const AllianceState& state) -> std::optional<std::string> {
    const Row* row = state.roster().Find(table, key);
    const auto index = schema_.IndexOf(table, column);
    if (row == nullptr || !index) return std::nullopt;
    return row->values[*index];
  });
}

void AddSampleAlliance(RosterService& service) {
  const Actor admin = Admin();
  auto check = [](const Result<CommandResult>& r) {
    if (!r.ok())
      throw std::runtime_error("adding the sample alliance failed: " + r.error().message);
  };
  check(service.AddCorp(admin, "KRKN", {{"name", "Kraken Deep Industries"}}));
  check(service.AddCorp(admin, "BLKWT", {{"name", "Blackwater Tide"}}));
  check(service.RegisterPilot(admin, "Kaelen Voss",
                              {{"corp", "KRKN"},
                               {"clone", "Omega"},
                               {"timezone", "UTC+1"},
                               {"discord_id", std::string(kKaelenDiscord)}}));
  check(service.RegisterPilot(admin, "Voss Hauler",
                              {{"corp", "KRKN"}, {"clone", "Alpha"}, {"main", "Kaelen Voss"}}));
  check(service.RegisterPilot(admin, "Ryn Calder",
                              {{"corp", "KRKN"},
                               {"clone", "Omega"},
                               {"notes", "logi FC"},
                               {"discord_id", std::string(kRynDiscord)}}));
  check(service.RegisterPilot(admin, "Calder Miner",
                              {{"corp", "KRKN"}, {"clone", "Alpha"}, {"main", "Ryn Calder"}}));
  check(service.RegisterPilot(admin, "Marek Halden", {{"corp", "BLKWT"}, {"clone", "Omega"}}));
  check(service.SetCorp(admin, "KRKN", {{"ceo", "Kaelen Voss"}}));
}

TableDump DumpTables(const AllianceState& state) {
  TableDump out;
  for (Table table : {Table::kPilot, Table::kCorp}) {
    for (const Row* row : state.roster().Rows(table)) {
      out[std::string(TableName(table)) + "/" + row->key()] = row->values;
    }
  }
  return out;
}

TableDump DumpTables(RosterService& service) {
  return service.Read([](const AllianceState& state) { return DumpTables(state); });
}

std::vector<std::string> TypesOf(const std::vector<Event>& events) {
  std::vector<std::string> out;
  for (const Event& e : events) out.emplace_back(e.type());
  return out;
}

}  // namespace kraken::testing
