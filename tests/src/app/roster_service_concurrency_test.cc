// RosterService under concurrency: commands from many threads on one pilot, and
// a change made by another process. No update may be lost, and every command
// either succeeds or is validated again against what changed.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <latch>
#include <string>
#include <thread>
#include <vector>

#include "src/app/roster_service.h"
#include "tests/src/app/app_test_support.h"
#include "tests/support/log_dir.h"

namespace kraken {
namespace {

using testing::Admin;
using testing::TestRoster;

// Eight admin text columns, f0..f7, so eight threads can each change another one.
std::string EightColumns() {
  std::string toml;
  for (int i = 0; i < 8; ++i) {
    toml += "[[pilot.columns]]\nname = \"f" + std::to_string(i) + "\"\n";
  }
  return toml + "[[pilot.columns]]\nname = \"kills\"\ntype = \"integer\"\n";
}

TEST(RosterServiceConcurrencyTest, ChangesToOnePilotFromManyThreadsAreAllApplied) {
  TestRoster roster(testing::SchemaFromToml(EightColumns()));
  roster.AddSampleAlliance();
  constexpr int kThreads = 8;
  std::latch start(kThreads);
  std::vector<std::string> errors(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      auto r = roster.service().SetPilot(Admin(), "Kaelen Voss",
                                         {{"f" + std::to_string(t), "value " + std::to_string(t)}});
      if (!r.ok()) errors[t] = r.error().message;
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(errors[t], "") << "thread " << t;
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(roster.Get(Table::kPilot, "Kaelen Voss", "f" + std::to_string(t)),
              "value " + std::to_string(t));
  }
  // Reopening (a full replay) gives the same row: each change is in the log.
  roster.Reopen();
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(roster.Get(Table::kPilot, "Kaelen Voss", "f" + std::to_string(t)),
              "value " + std::to_string(t));
  }
}

TEST(RosterServiceConcurrencyTest, IncrementsFromManyThreadsLoseNoUpdate) {
  TestRoster roster(testing::SchemaFromToml(EightColumns()));
  roster.AddSampleAlliance();
  constexpr int kThreads = 4;
  constexpr int kIncrements = 10;
  // Reads the counter and writes it plus one, expecting the stream's version: a
  // planner that would lose updates if a stale plan were ever appended.
  auto increment = [](const AllianceState& state) -> Result<Plan> {
    const Row* row = state.roster().Find(Table::kPilot, "Kaelen Voss");
    const std::size_t column = *state.roster().schema().IndexOf(Table::kPilot, "kills");
    const int kills = row->values[column].empty() ? 0 : std::stoi(row->values[column]);
    Plan plan;
    Event e;
    e.stream = PilotStream("Kaelen Voss");
    e.payload = PilotFieldsChanged{{{"kills", std::to_string(kills + 1)}}};
    plan.events.push_back(std::move(e));
    plan.expected_versions.emplace(PilotStream("Kaelen Voss"),
                                   state.versions().Get(PilotStream("Kaelen Voss")));
    return plan;
  };
  std::latch start(kThreads);
  std::vector<std::string> errors(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int i = 0; i < kIncrements; ++i) {
        auto r = roster.service().Execute(increment, Admin(), {});
        if (!r.ok()) errors[t] = r.error().message;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(errors[t], "") << "thread " << t;
  EXPECT_EQ(roster.Get(Table::kPilot, "Kaelen Voss", "kills"),
            std::to_string(kThreads * kIncrements));
  // Every increment saw the one before it: the counter's values run 1..N in the log.
  auto stream = roster.log().ReadStream("pilot/Kaelen Voss");
  ASSERT_TRUE(stream.ok());
  int expected = 0;
  for (const Event& e : *stream) {
    const auto* changed = std::get_if<PilotFieldsChanged>(&e.payload);
    if (changed == nullptr || !changed->changes.contains("kills")) continue;
    EXPECT_EQ(changed->changes.at("kills"), std::to_string(++expected));
  }
  EXPECT_EQ(expected, kThreads * kIncrements);
}

bool ReadByte(int fd) {
  char c = 0;
  return read(fd, &c, 1) == 1;
}

// The child: waits for the parent's go, then changes the roster through its own
// log and service (it never touches the parent's). Exit code 0 on success.
[[noreturn]] void ChangeFromAnotherProcess(const std::string& dir, int go_fd) {
  if (!ReadByte(go_fd)) _exit(10);
  auto log = EventLog::Open(dir);
  if (!log.ok()) _exit(11);
  const Schema schema = Schema::Core();
  auto service = RosterService::Open(**log, schema);
  if (!service.ok()) _exit(12);
  const Actor bob = Admin("bob");
  if (!(*service)->SetPilot(bob, "Ryn Calder", {{"notes", "from the other process"}}).ok())
    _exit(13);
  if (!(*service)->RegisterPilot(bob, "Nyx Marlowe", {{"corp", "KRKN"}}).ok()) _exit(14);
  _exit(0);
}

TEST(RosterServiceProcessTest, AChangeFromAnotherProcessIsSeenAndValidatedAgainst) {
  testing::TempDir dir;
  int go[2];
  ASSERT_EQ(pipe(go), 0);
  // Forked before this process opens the log: LMDB must not be opened twice in one
  // process, and a fork after opening would copy the writer thread's state.
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(go[1]);
    ChangeFromAnotherProcess(dir.path(), go[0]);
  }
  close(go[0]);

  const Schema schema = Schema::Core();
  auto log = testing::OpenOrDie(dir.path());
  auto opened = RosterService::Open(*log, schema);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  RosterService& service = **opened;
  testing::AddSampleAlliance(service);
  const auto notes_before = service.Read([](const AllianceState& s) {
    return s.roster().Find(Table::kPilot, "Ryn Calder")->values[kPilotNotes];
  });
  EXPECT_EQ(notes_before, "logi FC");
  const auto head_before = *log->Head();

  ASSERT_EQ(write(go[1], "g", 1), 1);
  close(go[1]);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0) << "the child failed at step " << WEXITSTATUS(status);

  ASSERT_TRUE(service.CatchUp().ok());
  service.Read([&](const AllianceState& state) {
    EXPECT_EQ(state.seq(), head_before + 2);
    const Row* ryn = state.roster().Find(Table::kPilot, "Ryn Calder");
    EXPECT_EQ(ryn ? ryn->values[kPilotNotes] : "(gone)", "from the other process");
    EXPECT_NE(state.roster().Find(Table::kPilot, "Nyx Marlowe"), nullptr);
    return 0;
  });
  // Commands here validate against the other process's changes.
  auto twice = service.RegisterPilot(Admin(), "nyx marlowe", {});
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code, ErrorCode::kAlreadyExists);
  auto change = service.SetPilot(Admin(), "Ryn Calder", {{"notes", "back from the other process"}});
  ASSERT_TRUE(change.ok()) << change.error().message;
  EXPECT_EQ(change->summary,
            "Ryn Calder: notes from the other process -> back from the other process");
  auto stream = log->ReadStream("pilot/Ryn Calder");
  ASSERT_TRUE(stream.ok());
  ASSERT_GE(stream->size(), 2u);
  EXPECT_EQ((*stream)[stream->size() - 2].actor, "bob");
}

}  // namespace
}  // namespace kraken
