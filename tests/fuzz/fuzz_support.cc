#include "tests/fuzz/fuzz_support.h"

#include <fmt/format.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>

namespace kraken::fuzz {
namespace {

// The fixture is built before any input runs: an error here is a broken
// harness, not a finding, so it says so and exits without a crash report.
[[noreturn]] void SetupFailed(std::string_view what) {
  std::fprintf(stderr, "fuzz harness setup failed: %.*s\n", static_cast<int>(what.size()),
               what.data());
  std::exit(2);
}

template <typename T>
void Check(const Result<T>& result, std::string_view what) {
  if (!result.ok()) SetupFailed(fmt::format("{}: {}", what, result.error().message));
}

std::string MakeTempDir() {
  const char* chosen = std::getenv("KRAKEN_FUZZ_TMPDIR");
  std::string base = chosen != nullptr && *chosen != '\0' ? chosen : "/dev/shm";
  if (access(base.c_str(), W_OK) != 0) {
    const char* tmp = std::getenv("TMPDIR");
    base = tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
  }
  std::string path = base + "/kraken-fuzz-XXXXXX";
  if (mkdtemp(path.data()) == nullptr) SetupFailed("cannot create a directory in " + base);
  return path;
}

}  // namespace

void Fail(std::string_view what) {
  std::fprintf(stderr, "%.*s\n", static_cast<int>(what.size()), what.data());
  std::fflush(stderr);
  std::abort();
}

Schema FuzzSchema() {
  Schema schema = Schema::Core();
  auto column = [](std::string name, ColumnType type, Editor editor) {
    Column c;
    c.name = std::move(name);
    c.type = type;
    c.editor = editor;
    return c;
  };
  Column role = column("role", ColumnType::kEnum, Editor::kSelf);
  role.enum_values = {"DPS", "Logi", "Tackle", "Scout", "Miner", "Hauler"};
  Column joined = column("joined", ColumnType::kDate, Editor::kAdmin);
  Column recruiter = column("recruiter", ColumnType::kPilotRef, Editor::kSelf);
  Column home = column("home_system", ColumnType::kText, Editor::kAdmin);
  home.max_length = 40;
  for (auto* c : {&role, &joined, &recruiter}) {
    if (!schema.AddColumn(Table::kPilot, *c).ok()) SetupFailed("declaring pilot." + c->name);
  }
  if (!schema.AddColumn(Table::kCorp, home).ok()) SetupFailed("declaring corp.home_system");
  return schema;
}

SampleRoster::SampleRoster() : schema_(FuzzSchema()) { Open(); }

SampleRoster::~SampleRoster() { Close(); }

void SampleRoster::Close() {
  service_.reset();
  log_.reset();
  if (!dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
    dir_.clear();
  }
}

void SampleRoster::Open() {
  dir_ = MakeTempDir();
  auto log = EventLog::Open(dir_);
  Check(log, "opening the log in " + dir_);
  log_ = std::move(log).value();
  auto service = RosterService::Open(*log_, schema_);
  Check(service, "opening the roster service");
  service_ = std::move(service).value();

  const Actor admin{Source::kCli, "fuzz", true};
  RosterService& s = *service_;
  Check(s.AddCorp(admin, "KRKN", {{"name", "Kraken Deep Industries"}, {"home_system", "Jita"}}),
        "adding KRKN");
  Check(s.AddCorp(admin, "BLKWT", {{"name", "Blackwater Tide"}}), "adding BLKWT");
  Check(s.AddCorp(admin, "OUTLW", {{"name", "Outer Ring Outlaws"}, {"status", "blue"}}),
        "adding OUTLW");
  Check(s.RegisterPilot(admin, "Kaelen Voss",
                        {{"corp", "KRKN"},
                         {"clone", "Omega"},
                         {"timezone", "UTC+1"},
                         {"role", "Logi"},
                         {"joined", "2025-01-15"},
                         {"discord_id", std::string(kKaelenDiscord)}}),
        "registering Kaelen Voss");
  Check(s.RegisterPilot(admin, "Voss Hauler",
                        {{"corp", "KRKN"}, {"clone", "Alpha"}, {"main", "Kaelen Voss"}}),
        "registering Voss Hauler");
  Check(s.RegisterPilot(admin, "Ryn Calder",
                        {{"corp", "KRKN"},
                         {"clone", "Omega"},
                         {"notes", "logi FC"},
                         {"recruiter", "Kaelen Voss"},
                         {"discord_id", std::string(kRynDiscord)}}),
        "registering Ryn Calder");
  Check(s.RegisterPilot(admin, "Calder Miner",
                        {{"corp", "KRKN"}, {"clone", "Alpha"}, {"main", "Ryn Calder"}}),
        "registering Calder Miner");
  Check(s.RegisterPilot(admin, "Marek Halden", {{"corp", "BLKWT"}, {"clone", "Omega"}}),
        "registering Marek Halden");
  Check(s.RegisterPilot(admin, "Sera Valkan", {{"corp", "OUTLW"}, {"clone", "Alpha"}}),
        "registering Sera Valkan");
  Check(s.SetCorp(admin, "KRKN", {{"ceo", "Kaelen Voss"}}), "making Kaelen Voss CEO");
}

AllianceState SampleRoster::State() {
  return service_->Read([](const AllianceState& state) { return state; });
}

void CheckImportPlan(const AllianceState& state, const CsvTable& csv, const ImportOptions& options,
                     const ImportPlan& plan) {
  const Roster& roster = state.roster();
  const std::string_view key_name = plan.table == Table::kCorp ? "ticker" : "name";
  auto trim = [](std::string_view s) { return Trim(s); };
  // Headers match columns ignoring case and surrounding blanks.
  std::set<std::string> header;
  for (const std::string& h : csv.header) header.insert(ToLower(trim(h)));
  std::set<std::string> listed;  // the file's keys, lower case, trimmed
  for (std::size_t c = 0; c < csv.header.size(); ++c) {
    if (ToLower(trim(csv.header[c])) != key_name) continue;
    for (const auto& row : csv.rows) {
      listed.insert(ToLower(trim(c < row.size() ? std::string_view(row[c]) : std::string_view())));
    }
  }
  std::set<std::string> streams;  // of the rows added and changed
  std::set<std::string> added;
  auto stream_of = [&](const std::string& key) {
    return plan.table == Table::kPilot ? PilotStream(key) : CorpStream(key);
  };
  auto check_changes = [&](const RowPlan& row, bool is_new) {
    for (const FieldChange& change : row.changes) {
      const bool implied = is_new && plan.table == Table::kCorp && change.column == "status";
      KRAKEN_FUZZ_CHECK(header.contains(change.column) || implied,
                        row.key + ": a change to column '" + change.column + "' not in the file");
      KRAKEN_FUZZ_CHECK(change.before != change.after,
                        row.key + "." + change.column + ": a change that changes nothing");
    }
  };
  for (const RowPlan& row : plan.added) {
    KRAKEN_FUZZ_CHECK(roster.Find(plan.table, row.key) == nullptr,
                      "added '" + row.key + "', which exists");
    KRAKEN_FUZZ_CHECK(listed.contains(ToLower(row.key)),
                      "added '" + row.key + "', which the file does not list");
    KRAKEN_FUZZ_CHECK(added.insert(ToLower(row.key)).second, "added '" + row.key + "' twice");
    check_changes(row, true);
    streams.insert(stream_of(row.key));
  }
  for (const RowPlan& row : plan.changed) {
    KRAKEN_FUZZ_CHECK(roster.Find(plan.table, row.key) != nullptr,
                      "changed '" + row.key + "', which does not exist");
    KRAKEN_FUZZ_CHECK(listed.contains(ToLower(row.key)),
                      "changed '" + row.key + "', which the file does not list");
    KRAKEN_FUZZ_CHECK(!row.changes.empty(), "changed '" + row.key + "' without changes");
    check_changes(row, false);
    streams.insert(stream_of(row.key));
  }
  for (const RowPlan& row : plan.removed) {
    KRAKEN_FUZZ_CHECK(roster.Find(plan.table, row.key) != nullptr,
                      "removes '" + row.key + "', which does not exist");
    KRAKEN_FUZZ_CHECK(!listed.contains(ToLower(row.key)),
                      "removes '" + row.key + "', which the file lists");
  }
  if (plan.events.empty()) return;
  const std::string batch_stream = "import/" + options.batch_id;
  KRAKEN_FUZZ_CHECK(plan.events.back().stream == batch_stream &&
                        plan.events.back().type() == "ImportBatchCommitted",
                    "the plan does not end with its batch marker");
  for (std::size_t i = 0; i + 1 < plan.events.size(); ++i) {
    const std::string& stream = plan.events[i].stream;
    const bool row_stream = stream.rfind("pilot/", 0) == 0 || stream.rfind("corp/", 0) == 0;
    KRAKEN_FUZZ_CHECK(options.remove_missing ? row_stream : streams.contains(stream),
                      "an event on stream '" + stream + "', of no row the file lists");
  }
  for (const auto& [stream, version] : plan.expected_versions) {
    bool used = false;
    for (const Event& e : plan.events) used = used || e.stream == stream;
    KRAKEN_FUZZ_CHECK(used, "an expected version for '" + stream + "', which no event is on");
  }
}

}  // namespace kraken::fuzz
