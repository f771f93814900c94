// RollbackWatch on a real log: the Discord users whose change a settled conflict
// rolled back are found once each, whoever settled it, and no one else is.

#include "src/sync/rollback_watch.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <string>
#include <vector>

#include "tests/support/log_dir.h"

namespace kraken::sync {
namespace {

constexpr char kUser[] = "1000000000000000001";
constexpr char kInteraction[] = "1400000000000000001";

class RollbackWatchTest : public ::testing::Test {
 protected:
  RollbackWatchTest() : log_(testing::OpenOrDie(dir_.path())) {}

  std::uint64_t Append(Event event, std::string idempotency_key = "") {
    AppendRequest request;
    request.idempotency_key = std::move(idempotency_key);
    request.events.push_back(std::move(event));
    auto appended = log_->Append(std::move(request));
    EXPECT_TRUE(appended.ok()) << appended.error().message;
    return appended.ok() ? appended->first_seq : 0;
  }

  // A change of Tarin Vey's notes, as `/pilot set` records it (from Discord) or
  // as `kraken pilot set` does.
  std::uint64_t ChangeNotes(std::string value, Source source) {
    Event e;
    e.stream = PilotStream("Tarin Vey");
    e.source = source;
    e.actor = source == Source::kDiscord ? kUser : "admin";
    e.payload = PilotFieldsChanged{{{"notes", std::move(value)}}};
    return Append(std::move(e), source == Source::kDiscord ? kInteraction : "");
  }

  // A conflict on that cell, as the projector records it, then settled.
  void Conflict(const std::string& id, std::uint64_t log_seq, const std::string& winner,
                const std::string& policy, std::string value = "") {
    if (value.empty()) value = winner == "sheet" ? "from the sheet" : "from discord";
    Event detected;
    detected.stream = "conflict/" + id;
    detected.source = Source::kSheet;
    detected.actor = "the sheet";
    detected.payload = ConflictDetected{
        id, "pilot", "Tarin Vey", "notes", "from the sheet", "from discord", log_seq, "Pilots!H2"};
    Append(std::move(detected));
    Event resolved;
    resolved.stream = "conflict/" + id;
    resolved.source = policy == "manual" ? Source::kCli : Source::kSheet;
    resolved.actor = "admin";
    resolved.payload = ConflictResolved{id, winner, std::move(value), policy};
    Append(std::move(resolved));
  }

  testing::TempDir dir_;
  std::unique_ptr<EventLog> log_;
  std::vector<RolledBack> told_;
};

TEST_F(RollbackWatchTest, TheDiscordUserWhoseChangeLostIsFoundOnce) {
  RollbackWatch watch(*log_, 0, [this](RolledBack r) { told_.push_back(std::move(r)); });
  const std::uint64_t change = ChangeNotes("from discord", Source::kDiscord);
  // An admin picked the sheet's value (`kraken conflicts resolve ID sheet`, or
  // the Conflicts tab).
  Conflict("c1", change, "sheet", "manual");
  EXPECT_EQ(*watch.Poll(), 1u);
  ASSERT_EQ(told_.size(), 1u);
  EXPECT_EQ(told_[0].user_id, kUser);
  EXPECT_EQ(told_[0].interaction_id, kInteraction);  // for the follow-up on its token
  EXPECT_EQ(told_[0].message,
            "Your change of notes for Tarin Vey to 'from discord' was replaced by an admin's "
            "decision for the alliance sheet's value: it is now 'from the sheet'.");
  EXPECT_EQ(*watch.Poll(), 0u);  // once
  EXPECT_EQ(told_.size(), 1u);

  // A sheet-wins policy settles the next one in the sync cycle.
  Conflict("c2", ChangeNotes("from discord", Source::kDiscord), "sheet", "sheet-wins");
  EXPECT_EQ(*watch.Poll(), 1u);
  ASSERT_EQ(told_.size(), 2u);
  EXPECT_NE(told_[1].message.find("was replaced by an admin's edit in the alliance sheet"),
            std::string::npos)
      << told_[1].message;
}

TEST_F(RollbackWatchTest, NoOneIsToldWhenNoDiscordChangeLost) {
  RollbackWatch watch(*log_, 0, [this](RolledBack r) { told_.push_back(std::move(r)); });
  // The log's value stood.
  Conflict("kept", ChangeNotes("from discord", Source::kDiscord), "log", "log-wins");
  // The change that lost came from the CLI, not from a Discord user.
  Conflict("cli", ChangeNotes("from discord", Source::kCli), "sheet", "manual");
  // An admin kept the log's value, which had moved on since the conflict was
  // detected: no one's change was replaced by the sheet's.
  Conflict("moved", ChangeNotes("from discord", Source::kDiscord), "log", "manual",
           "changed again since");
  EXPECT_EQ(*watch.Poll(), 0u);
  EXPECT_TRUE(told_.empty());
}

TEST_F(RollbackWatchTest, ConflictsSettledBeforeTheWatchStartedAreNotAnnouncedAgain) {
  Conflict("old", ChangeNotes("from discord", Source::kDiscord), "sheet", "manual");
  RollbackWatch watch(*log_, *log_->Head(),
                      [this](RolledBack r) { told_.push_back(std::move(r)); });
  EXPECT_EQ(*watch.Poll(), 0u);
  Conflict("new", ChangeNotes("from discord", Source::kDiscord), "sheet", "manual");
  EXPECT_EQ(*watch.Poll(), 1u);
  ASSERT_EQ(told_.size(), 1u);
}

TEST_F(RollbackWatchTest, ItsThreadPollsWhenWokenAndOnceMoreWhenStopped) {
  std::promise<RolledBack> first;
  std::vector<RolledBack> later;
  int calls = 0;
  RollbackWatch watch(*log_, 0, [&](RolledBack r) {
    if (calls++ == 0) {
      first.set_value(std::move(r));
    } else {
      later.push_back(std::move(r));
    }
  });
  watch.Start(std::chrono::hours(1));  // only a wake or the stop polls here
  Conflict("c1", ChangeNotes("from discord", Source::kDiscord), "sheet", "manual");
  watch.Wake();
  auto told = first.get_future();
  ASSERT_EQ(told.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(told.get().user_id, kUser);

  Conflict("c2", ChangeNotes("from discord", Source::kDiscord), "sheet", "manual");
  watch.Stop();  // the last poll finds c2
  EXPECT_EQ(later.size(), 1u);
  watch.Stop();  // idempotent
}

}  // namespace
}  // namespace kraken::sync
