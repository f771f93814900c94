// The real `kraken` binary, run as a user would: each test gets a fresh data
// directory (KRAKEN_DATA_DIR) and checks stdout, stderr and the exit code.

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <simdjson.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "events/event.h"
#include "tests/support/log_dir.h"
#include "tests/support/raw_lmdb.h"

extern char** environ;

namespace kraken {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

const std::string kSamples = std::string(KRAKEN_SOURCE_DIR) + "/tools/sample/";

struct Output {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::ostream& operator<<(std::ostream& os, const Output& o) {
  return os << "exit " << o.exit_code << "\n--- stdout\n" << o.out << "--- stderr\n" << o.err;
}

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

class KrakenCliTest : public ::testing::Test {
 protected:
  std::string DataDir() const { return dir_.Sub("data"); }

  // Runs `kraken args...` in the test's directory with KRAKEN_DATA_DIR set to its
  // data directory, and waits for it to exit.
  Output Kraken(const std::vector<std::string>& args) {
    const std::string out_path = dir_.Sub("stdout"), err_path = dir_.Sub("stderr");
    std::vector<std::string> env_strings;
    for (char** e = environ; *e != nullptr; ++e) {
      if (std::string_view(*e).starts_with("KRAKEN_")) continue;
      env_strings.emplace_back(*e);
    }
    env_strings.push_back("KRAKEN_DATA_DIR=" + DataDir());
    env_strings.push_back("KRAKEN_ACTOR=tester");
    std::vector<char*> envp;
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);
    std::vector<std::string> argv_strings{KRAKEN_BINARY};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& s : argv_strings) argv.push_back(s.data());
    argv.push_back(nullptr);

    const pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
      const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      const int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      const int null = open("/dev/null", O_RDONLY);
      if (out < 0 || err < 0 || null < 0 || chdir(dir_.path().c_str()) != 0) _exit(127);
      dup2(null, STDIN_FILENO);
      dup2(out, STDOUT_FILENO);
      dup2(err, STDERR_FILENO);
      execve(argv[0], argv.data(), envp.data());
      _exit(127);
    }
    int status = 0;
    if (waitpid(pid, &status, 0) != pid) throw std::runtime_error("waitpid failed");
    Output o;
    o.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    o.out = ReadWholeFile(out_path);
    o.err = ReadWholeFile(err_path);
    return o;
  }

  // Runs a command that must succeed.
  Output Ok(const std::vector<std::string>& args) {
    Output o = Kraken(args);
    EXPECT_EQ(o.exit_code, 0) << "kraken " << ::testing::PrintToString(args) << "\n" << o;
    return o;
  }

  // The number of events in the log, as a script would count them.
  std::size_t EventCount() { return Lines(Ok({"log", "--json"}).out).size(); }

  void ImportSamples() {
    for (const char* file : {"corps.csv", "pilots.csv", "leadership.csv"}) {
      Ok({"import", kSamples + file, "--apply"});
    }
  }

  std::string WriteFile(const std::string& name, const std::string& text) {
    const std::string path = dir_.Sub(name);
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  testing::TempDir dir_;
  simdjson::dom::parser parser_;
};

// ---- the README tour ----

TEST_F(KrakenCliTest, ImportShowsThePlanAndWritesNothingUntilApply) {
  Output plan = Ok({"import", kSamples + "corps.csv"});
  EXPECT_THAT(plan.out, HasSubstr("add 6 corps:"));
  EXPECT_THAT(plan.out, HasSubstr("KRKN: name=Kraken Deep Industries, status=member"));
  EXPECT_THAT(plan.out, HasSubstr("Nothing was changed; run again with --apply"));
  EXPECT_EQ(EventCount(), 0u);

  Output applied = Ok({"import", kSamples + "corps.csv", "--apply"});
  EXPECT_THAT(applied.out, HasSubstr("Imported as batch import-"));
  EXPECT_THAT(applied.out, HasSubstr("events 1-7"));
  EXPECT_EQ(EventCount(), 7u);

  // The same file again changes nothing.
  Output again = Ok({"import", kSamples + "corps.csv", "--apply"});
  EXPECT_THAT(again.out, HasSubstr("unchanged: 6 corps"));
  EXPECT_THAT(again.out, HasSubstr("Nothing to import"));
  EXPECT_EQ(EventCount(), 7u);
}

TEST_F(KrakenCliTest, TheTablesShowTheImportedAlliance) {
  ImportSamples();
  Output corps = Ok({"corps"});
  EXPECT_THAT(corps.out, HasSubstr("(6 corps)"));
  EXPECT_THAT(Lines(corps.out)[0],
              AllOf(HasSubstr("ticker"), HasSubstr("ceo"), HasSubstr("status")));
  bool krkn_row = false;
  for (const auto& line : Lines(corps.out)) {
    if (line.starts_with("KRKN ")) {
      krkn_row = true;
      EXPECT_THAT(line, AllOf(HasSubstr("Kraken Deep Industries"), HasSubstr("Kaelen Voss")));
    }
  }
  EXPECT_TRUE(krkn_row) << corps.out;

  Output krkn = Ok({"pilots", "--corp", "KRKN"});
  EXPECT_THAT(krkn.out, AllOf(HasSubstr("(10 pilots)"), HasSubstr("Voss Hauler"),
                              Not(HasSubstr("Marek Halden"))));

  Output kaelen = Ok({"pilot", "show", "Kaelen Voss"});
  EXPECT_THAT(kaelen.out, AllOf(HasSubstr("(2 pilots)"), HasSubstr("Voss Hauler")));
  EXPECT_THAT(Lines(kaelen.out)[1], StartsWith("Kaelen Voss"));
}

TEST_F(KrakenCliTest, PilotSetThenHistoryAndBlameShowWhoChangedWhat) {
  ImportSamples();
  const std::size_t before = EventCount();
  Output set = Ok({"pilot", "set", "Ryn Calder", "clone=Alpha", "notes=on a break until January"});
  EXPECT_THAT(set.out, HasSubstr("Ryn Calder: clone Omega -> Alpha, notes logi FC -> on a break "
                                 "until January"));
  EXPECT_THAT(set.out, HasSubstr("recorded as event " + std::to_string(before + 1)));
  EXPECT_EQ(EventCount(), before + 1);

  Output history = Ok({"history", "pilot", "Ryn Calder"});
  const auto lines = Lines(history.out);
  ASSERT_EQ(lines.size(), 4u) << history.out;  // header, registered, Discord link, change
  EXPECT_THAT(lines[1], HasSubstr("PilotRegistered"));
  EXPECT_THAT(lines[2], HasSubstr("PilotLinkedToDiscord"));
  EXPECT_THAT(lines[3], AllOf(HasSubstr(std::to_string(before + 1)),
                              HasSubstr("PilotFieldsChanged"), HasSubstr("clone=Alpha")));

  Output blame = Ok({"blame", "pilot", "ryn calder"});
  bool clone_line = false;
  for (const auto& line : Lines(blame.out)) {
    if (!line.starts_with("clone ")) continue;
    clone_line = true;
    EXPECT_THAT(line, AllOf(HasSubstr("Alpha"), HasSubstr(std::to_string(before + 1)),
                            HasSubstr("cli"), HasSubstr("tester")));
  }
  EXPECT_TRUE(clone_line) << blame.out;
}

TEST_F(KrakenCliTest, LogJsonIsOneParsableEventPerLine) {
  ImportSamples();
  Ok({"pilot", "set", "Ryn Calder", "clone=Alpha"});
  const auto lines = Lines(Ok({"log", "--json"}).out);
  ASSERT_EQ(lines.size(), 106u);
  std::uint64_t expected_seq = 0;
  for (const auto& line : lines) {
    simdjson::dom::element event;
    ASSERT_EQ(parser_.parse(line).get(event), simdjson::SUCCESS) << line;
    std::uint64_t seq = 0;
    std::string_view ts, type, stream, source, actor;
    simdjson::dom::object data;
    ASSERT_EQ(event["seq"].get(seq), simdjson::SUCCESS) << line;
    ASSERT_EQ(event["ts"].get(ts), simdjson::SUCCESS) << line;
    ASSERT_EQ(event["type"].get(type), simdjson::SUCCESS) << line;
    ASSERT_EQ(event["stream"].get(stream), simdjson::SUCCESS) << line;
    ASSERT_EQ(event["source"].get(source), simdjson::SUCCESS) << line;
    ASSERT_EQ(event["actor"].get(actor), simdjson::SUCCESS) << line;
    ASSERT_EQ(event["data"].get(data), simdjson::SUCCESS) << line;
    EXPECT_EQ(seq, ++expected_seq);
    EXPECT_TRUE(ParseTimestamp(ts).has_value()) << ts;
    EXPECT_EQ(source, "cli");
    EXPECT_EQ(actor, "tester");
  }

  // Filters: the three imports, each naming its batch.
  const auto imports = Lines(Ok({"log", "--type", "ImportBatchCommitted", "--json"}).out);
  ASSERT_EQ(imports.size(), 3u);
  for (const auto& line : imports) {
    std::string_view batch;
    ASSERT_EQ(parser_.parse(line)["data"]["batch_id"].get(batch), simdjson::SUCCESS) << line;
    EXPECT_THAT(std::string(batch), StartsWith("import-"));
  }
  EXPECT_EQ(Lines(Ok({"log", "--source", "cli", "--json"}).out).size(), 106u);
  EXPECT_EQ(Lines(Ok({"log", "--source", "discord", "--json"}).out).size(), 0u);
  EXPECT_EQ(Lines(Ok({"log", "--stream", "pilot/Ryn Calder", "--json"}).out).size(), 3u);
}

TEST_F(KrakenCliTest, ReplayShowsTheRosterAsOfAnEventOrATime) {
  ImportSamples();
  Ok({"pilot", "set", "Ryn Calder", "clone=Alpha"});

  Output at7 = Ok({"replay", "--until", "7"});
  EXPECT_THAT(at7.out, AllOf(HasSubstr("The roster as of event 7"), HasSubstr("(6 corps)"),
                             HasSubstr("(0 pilots)")));
  Output pilots = Ok({"replay", "--until", "105", "--table", "pilots"});
  EXPECT_THAT(pilots.out, AllOf(HasSubstr("(50 pilots)"), Not(HasSubstr("(6 corps)"))));
  bool ryn = false;
  for (const auto& line : Lines(pilots.out)) {
    if (line.starts_with("Ryn Calder ")) {
      ryn = true;
      EXPECT_THAT(line, HasSubstr("Omega"));  // before event 106 changed it
    }
  }
  EXPECT_TRUE(ryn) << pilots.out;

  EXPECT_THAT(Ok({"replay", "--until", "1999-01-01"}).out,
              HasSubstr("The roster before the first event"));
  EXPECT_THAT(Ok({"replay", "--until", "2999-01-01T00:00"}).out,
              HasSubstr("The roster as of event 106"));

  simdjson::dom::array rows;
  ASSERT_EQ(
      parser_.parse(Ok({"replay", "--until", "7", "--table", "corps", "--json"}).out).get(rows),
      simdjson::SUCCESS);
  EXPECT_EQ(rows.size(), 6u);

  // Both tables are one JSON document too.
  Output both = Ok({"replay", "--until", "105", "--json"});
  simdjson::dom::element tables;
  ASSERT_EQ(parser_.parse(both.out).get(tables), simdjson::SUCCESS) << both.out;
  std::uint64_t seq = 0;
  simdjson::dom::array corps, all_pilots;
  ASSERT_EQ(tables["seq"].get(seq), simdjson::SUCCESS);
  ASSERT_EQ(tables["corps"].get(corps), simdjson::SUCCESS);
  ASSERT_EQ(tables["pilots"].get(all_pilots), simdjson::SUCCESS);
  EXPECT_EQ(seq, 105u);
  EXPECT_EQ(corps.size(), 6u);
  EXPECT_EQ(all_pilots.size(), 50u);
}

TEST_F(KrakenCliTest, StatsVerifyAndBackup) {
  ImportSamples();
  Output stats = Ok({"stats"});
  EXPECT_THAT(stats.out, AllOf(HasSubstr("log: 105 events"),
                               HasSubstr("roster: 50 pilots in 6 corps; 27 Omega, 22 Alpha, 1 "
                                         "unknown; 10 not linked to Discord")));
  EXPECT_THAT(Ok({"verify"}).out, HasSubstr("ok: 105 events, hash chain intact"));

  const std::string backup = dir_.Sub("backup");
  EXPECT_THAT(Ok({"backup", backup}).out, HasSubstr("backed up"));
  EXPECT_THAT(Ok({"--data-dir", backup, "verify"}).out, HasSubstr("ok: 105 events"));
  EXPECT_THAT(Ok({"--data-dir", backup, "pilots"}).out, HasSubstr("(50 pilots)"));
  Output twice = Kraken({"backup", backup});
  EXPECT_EQ(twice.exit_code, 1) << twice;
}

TEST_F(KrakenCliTest, AddLinkLeaveAndRevertAPilot) {
  ImportSamples();
  Ok({"pilot", "add", "Nyx Marlowe", "--corp", "KRKN", "--clone", "Omega"});
  Ok({"pilot", "alt", "Nyx Marlowe", "--main", "Kaelen Voss"});
  EXPECT_THAT(Ok({"pilot", "show", "Kaelen Voss"}).out,
              AllOf(HasSubstr("Nyx Marlowe"), HasSubstr("(3 pilots)")));
  Output left = Ok({"--json", "pilot", "leave", "Nyx Marlowe", "--reason", "moved on"});
  std::uint64_t leave_seq = 0;
  ASSERT_EQ(parser_.parse(left.out)["events"].at(0)["seq"].get(leave_seq), simdjson::SUCCESS)
      << left.out;
  EXPECT_EQ(Kraken({"pilot", "show", "Nyx Marlowe"}).exit_code, 1);

  Output reverted = Ok({"revert", std::to_string(leave_seq)});
  EXPECT_THAT(reverted.out, HasSubstr("Reverted 1 event(s)"));
  EXPECT_THAT(Ok({"pilot", "show", "Kaelen Voss"}).out, HasSubstr("Nyx Marlowe"));
  EXPECT_THAT(Ok({"revert", std::to_string(leave_seq)}).out, HasSubstr("Already reverted"));
}

// ---- exit codes and messages ----

TEST_F(KrakenCliTest, BadUsageExitsWithTwo) {
  ImportSamples();
  const std::size_t before = EventCount();
  const std::vector<std::vector<std::string>> usage_errors = {
      {},                                               // no subcommand
      {"--bogus", "corps"},                             // unknown flag
      {"pilots", "--nope"},                             // unknown flag of a subcommand
      {"pilot", "set", "Ryn Calder"},                   // missing argument
      {"pilot", "set", "Ryn Calder", "clone"},          // not field=value
      {"replay", "--until", "banana"},                  // neither a sequence nor a time
      {"log", "--type", "PilotWentAway"},               // not an event type
      {"revert"},                                       // neither SEQ nor --batch
      {"history", "person", "Ryn Calder"},              // not pilot or corp
      {"replay", "--until", "7", "--table", "people"},  // not pilots or corps
  };
  for (const auto& args : usage_errors) {
    Output o = Kraken(args);
    EXPECT_EQ(o.exit_code, 2) << ::testing::PrintToString(args) << "\n" << o;
    EXPECT_FALSE(o.err.empty()) << ::testing::PrintToString(args);
  }
  EXPECT_THAT(Kraken({"replay", "--until", "banana"}).err,
              HasSubstr("--until banana: give a sequence number (e.g. 120) or a UTC time"));
  EXPECT_THAT(Kraken({"pilot", "set", "Ryn Calder", "clone"}).err,
              HasSubstr("expected field=value, got 'clone'"));
  EXPECT_EQ(Kraken({"--help"}).exit_code, 0);
  EXPECT_EQ(EventCount(), before);
}

TEST_F(KrakenCliTest, ErrorsSayWhatToFixExitWithOneAndAppendNothing) {
  ImportSamples();
  const std::size_t before = EventCount();

  Output typo = Kraken({"pilot", "set", "Ryn Caldr", "clone=Omega"});
  EXPECT_EQ(typo.exit_code, 1) << typo;
  EXPECT_EQ(typo.err, "kraken: pilot 'Ryn Caldr' not found; did you mean 'Ryn Calder'?\n");
  EXPECT_EQ(typo.out, "");

  Output bad_enum = Kraken({"pilot", "set", "Ryn Calder", "clone=Alfa"});
  EXPECT_EQ(bad_enum.exit_code, 1) << bad_enum;
  EXPECT_EQ(bad_enum.err, "kraken: clone must be one of Alpha, Omega, not 'Alfa'\n");

  Output corp = Kraken({"pilot", "set", "Ryn Calder", "corp=KRK"});
  EXPECT_EQ(corp.exit_code, 1) << corp;
  EXPECT_THAT(corp.err, HasSubstr("did you mean 'KRKN'?"));

  Output exists = Kraken({"corp", "add", "krkn", "--name", "Again"});
  EXPECT_EQ(exists.exit_code, 1) << exists;
  EXPECT_THAT(exists.err, HasSubstr("corp 'KRKN' exists already"));

  Output busy = Kraken({"corp", "remove", "KRKN"});
  EXPECT_EQ(busy.exit_code, 1) << busy;
  EXPECT_THAT(busy.err, HasSubstr("corp KRKN still has 10 pilot(s)"));

  Output missing_file = Kraken({"import", dir_.Sub("nope.csv")});
  EXPECT_EQ(missing_file.exit_code, 1) << missing_file;
  EXPECT_THAT(missing_file.err, HasSubstr("cannot read"));

  EXPECT_EQ(EventCount(), before);
}

// ---- imports ----

TEST_F(KrakenCliTest, RejectedCellsRefuseApplyUnlessSkipped) {
  ImportSamples();
  const std::size_t before = EventCount();
  const std::string file = WriteFile("update.csv",
                                     "name,clone,notes\n"
                                     "Ryn Calder,Alfa,typo in the clone\n"
                                     "Marek Halden,Omega,CEO of Blackwater\n");
  Output refused = Kraken({"import", file, "--apply"});
  EXPECT_EQ(refused.exit_code, 1) << refused;
  EXPECT_THAT(refused.out, AllOf(HasSubstr("reject 1 cell(s):"), HasSubstr("line 2"),
                                 HasSubstr("clone must be one of Alpha, Omega, not 'Alfa'")));
  EXPECT_THAT(refused.err, HasSubstr("1 cell(s) rejected, so nothing was imported"));
  EXPECT_EQ(EventCount(), before);

  Output plan_json = Ok({"import", file, "--json"});
  simdjson::dom::element plan;
  ASSERT_EQ(parser_.parse(plan_json.out).get(plan), simdjson::SUCCESS) << plan_json.out;
  simdjson::dom::array rejected, changed;
  ASSERT_EQ(plan["rejected"].get(rejected), simdjson::SUCCESS);
  ASSERT_EQ(plan["changed"].get(changed), simdjson::SUCCESS);
  EXPECT_EQ(rejected.size(), 1u);
  EXPECT_EQ(changed.size(), 2u);
  EXPECT_EQ(EventCount(), before);

  Ok({"import", file, "--apply", "--skip-rejected"});
  EXPECT_GT(EventCount(), before);
  Output ryn = Ok({"pilot", "show", "Ryn Calder"});
  EXPECT_THAT(ryn.out, AllOf(HasSubstr("typo in the clone"), HasSubstr("Omega")));
  EXPECT_THAT(Ok({"pilot", "show", "Marek Halden"}).out, HasSubstr("CEO of Blackwater"));
}

TEST_F(KrakenCliTest, RevertBatchUndoesAWholeImportOnce) {
  Ok({"import", kSamples + "corps.csv", "--apply"});
  Ok({"import", kSamples + "pilots.csv", "--apply"});
  const auto imports = Lines(Ok({"log", "--type", "ImportBatchCommitted", "--json"}).out);
  ASSERT_EQ(imports.size(), 2u);
  std::string_view batch_view;
  ASSERT_EQ(parser_.parse(imports[1])["data"]["batch_id"].get(batch_view), simdjson::SUCCESS);
  const std::string batch(batch_view);

  Output reverted = Ok({"revert", "--batch", batch});
  EXPECT_THAT(reverted.out, HasSubstr("Reverted 92 event(s)"));
  simdjson::dom::array pilots;
  ASSERT_EQ(parser_.parse(Ok({"pilots", "--json"}).out).get(pilots), simdjson::SUCCESS);
  EXPECT_EQ(pilots.size(), 0u);
  EXPECT_THAT(Ok({"corps"}).out, HasSubstr("(6 corps)"));

  const std::size_t after = EventCount();
  EXPECT_THAT(Ok({"revert", "--batch", batch}).out, HasSubstr("Already reverted"));
  EXPECT_EQ(EventCount(), after);
  Output unknown = Kraken({"revert", "--batch", "import-nope"});
  EXPECT_EQ(unknown.exit_code, 1) << unknown;
  EXPECT_THAT(unknown.err, HasSubstr("no events with batch id 'import-nope'"));
  EXPECT_THAT(Ok({"verify"}).out, HasSubstr("hash chain intact"));
}

// ---- integrity ----

TEST_F(KrakenCliTest, VerifyExitsWithOneAndNamesATamperedEvent) {
  Ok({"import", kSamples + "corps.csv", "--apply"});
  // The CLI has exited; change one byte of event 3's record behind the log's back.
  std::string record = testing::RawRecord(DataDir(), 3);
  const auto at = record.find("Exhale Mining");
  ASSERT_NE(at, std::string::npos) << record;
  record[at] = 'I';
  testing::RawPutRecord(DataDir(), 3, record);

  Output verify = Kraken({"verify"});
  EXPECT_EQ(verify.exit_code, 1) << verify;
  EXPECT_THAT(verify.out, HasSubstr("problem: event 3:"));
  EXPECT_THAT(verify.err, HasSubstr("verify found"));
  EXPECT_THAT(verify.err, HasSubstr("restore from a backup"));

  simdjson::dom::element report;
  Output json = Kraken({"verify", "--json"});
  EXPECT_EQ(json.exit_code, 1);
  ASSERT_EQ(parser_.parse(json.out).get(report), simdjson::SUCCESS) << json.out;
  bool ok = true;
  ASSERT_EQ(report["ok"].get(ok), simdjson::SUCCESS);
  EXPECT_FALSE(ok);
}

TEST_F(KrakenCliTest, VerifyOfADirectoryWithoutALogFailsAndCreatesNothing) {
  const std::string typo = dir_.Sub("backups-typo");
  Output verify = Kraken({"--data-dir", typo, "verify"});
  EXPECT_EQ(verify.exit_code, 1) << verify;
  EXPECT_THAT(verify.err, HasSubstr("there is no event log in " + typo));
  EXPECT_FALSE(std::filesystem::exists(typo));
}

// ---- JSON output ----

TEST_F(KrakenCliTest, JsonOutputParses) {
  ImportSamples();
  simdjson::dom::array pilots, corps;
  ASSERT_EQ(parser_.parse(Ok({"pilots", "--json"}).out).get(pilots), simdjson::SUCCESS);
  EXPECT_EQ(pilots.size(), 50u);
  std::string_view name;
  ASSERT_EQ(pilots.at(0)["name"].get(name), simdjson::SUCCESS);
  ASSERT_EQ(parser_.parse(Ok({"corps", "--json"}).out).get(corps), simdjson::SUCCESS);
  EXPECT_EQ(corps.size(), 6u);
  std::string_view ceo;
  for (auto corp : corps) {
    std::string_view ticker;
    ASSERT_EQ(corp["ticker"].get(ticker), simdjson::SUCCESS);
    if (ticker == "KRKN") {
      ASSERT_EQ(corp["ceo"].get(ceo), simdjson::SUCCESS);
    }
  }
  EXPECT_EQ(ceo, "Kaelen Voss");

  simdjson::dom::element set;
  ASSERT_EQ(
      parser_.parse(Ok({"pilot", "set", "Ryn Calder", "notes=\"quoted\"", "--json"}).out).get(set),
      simdjson::SUCCESS);
  std::string_view summary;
  bool duplicate = true;
  ASSERT_EQ(set["summary"].get(summary), simdjson::SUCCESS);
  ASSERT_EQ(set["duplicate"].get(duplicate), simdjson::SUCCESS);
  EXPECT_EQ(summary, "Ryn Calder: notes logi FC -> \"quoted\"");
  EXPECT_FALSE(duplicate);

  simdjson::dom::element stats;
  ASSERT_EQ(parser_.parse(Ok({"stats", "--json"}).out).get(stats), simdjson::SUCCESS);
  std::uint64_t pilot_count = 0;
  ASSERT_EQ(stats["pilots"].get(pilot_count), simdjson::SUCCESS);
  EXPECT_EQ(pilot_count, 50u);
}

}  // namespace
}  // namespace kraken
