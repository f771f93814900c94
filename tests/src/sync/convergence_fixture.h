#pragma once
// The fixture of the convergence test (convergence_test.cc): a sample alliance, a
// Sheets emulator that fails a share of requests, a projector, and the people who
// change things meanwhile: an admin editing the sheet (convergence_sheet_admin.cc)
// and Discord members and admins using RosterService. It records what each of them
// did so the test can check that nothing was lost.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "src/sync/projector.h"
#include "src/sync/sheet_grid.h"
#include "src/sync/tab_model.h"
#include "tests/src/app/app_test_support.h"
#include "tests/src/sheets/emulator_fixture.h"
#include "tests/src/sync/convergence_audit.h"

namespace kraken::sync::convergence {

inline constexpr int kCycles = 36;
inline constexpr const char* kModes[] = {"full", "pull", "push", "plan"};

class ConvergenceTest : public ::testing::TestWithParam<std::uint64_t> {
 protected:
  ConvergenceTest() : rng_(GetParam()), sheet_(StartSheet(GetParam())) {
    roster_.AddSampleAlliance();
    const Actor admin = kraken::testing::Admin();
    Must(roster_.service().AddCorp(admin, "SNSE", {{"name", "Sense Amplified"}}));
    Must(roster_.service().RegisterPilot(
        admin, "Tova Reinholt", {{"corp", "BLKWT"}, {"discord_id", "300000000000000001"}}));
    Must(roster_.service().RegisterPilot(admin, "Ilse Varga",
                                         {{"corp", "SNSE"}, {"discord_id", "300000000000000002"}}));
    members_ = {{std::string(kraken::testing::kKaelenDiscord), {"Kaelen Voss", "Voss Hauler"}},
                {std::string(kraken::testing::kRynDiscord), {"Ryn Calder", "Calder Miner"}},
                {"300000000000000001", {"Tova Reinholt"}},
                {"300000000000000002", {"Ilse Varga"}}};
    client_ = sheet_.Client();
    admin_ = sheet_.Client();
    ProjectorOptions options;
    // Every policy on some columns; which column gets which depends on the seed.
    options.policy = [this, seed = GetParam()](Table table, const std::string& column) {
      static constexpr Policy kPolicies[] = {Policy::kSheetWins, Policy::kLogWins, Policy::kManual};
      const auto index = roster_.schema().IndexOf(table, column).value_or(0);
      return kPolicies[(index + seed + (table == Table::kCorp ? 1 : 0)) % 3];
    };
    options.max_deletions = 2;
    options.max_deletion_share = 0.1;
    const std::int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
    options.now_us = [now] { return now; };  // one Analytics day for the whole run
    projector_ = std::make_unique<SheetProjector>(roster_.service(), *client_, options);
  }

  static sheets::testing::EmulatedSheet StartSheet(std::uint64_t seed) {
    sheets::EmulatorOptions options;
    options.fail_429 = 0.08;
    options.fail_500 = 0.04;
    options.seed = seed;
    return sheets::testing::StartEmulatedSheet(options);
  }

  static void Must(const Result<CommandResult>& r) {
    if (!r.ok()) throw std::runtime_error(r.error().message);
  }
  template <typename T>
  static T Must(Result<T> r, const char* what) {
    if (!r.ok()) throw std::runtime_error(std::string(what) + ": " + r.error().message);
    return std::move(r).value();
  }

  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool Chance(int percent) { return Uniform(0, 99) < percent; }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[static_cast<std::size_t>(Uniform(0, static_cast<int>(v.size()) - 1))];
  }
  std::string Unique(std::string_view what) { return fmt::format("{} {}", what, ++counter_); }

  std::vector<std::string> Columns(Table table) const {
    std::vector<std::string> out;
    for (const Column& c : roster_.schema().columns(table)) out.push_back(c.name);
    return out;
  }
  TabModel Model(Table table) {
    return roster_.service().Read(
        [&](const AllianceState& state) { return RenderTab(state.roster(), table); });
  }
  std::vector<std::string> Keys(Table table) {
    std::vector<std::string> keys;
    const TabModel model = Model(table);
    for (const auto& id : model.ids) keys.push_back((*model.Find(id))[0]);
    return keys;
  }

  // --- The admin in the sheet ------------------------------------------------

  struct View {
    TextGrid grid;
    ParsedTab parsed;
  };
  View& ViewOf(Table table) { return table == Table::kPilot ? pilots_ : corps_; }
  static std::string TabOf(Table table) {
    return std::string(table == Table::kPilot ? kPilotsTab : kCorpsTab);
  }

  void ReadSheet();
  std::string Shown(Table table, int row, int col);
  void Write(const std::string& tab, int row, int col, std::vector<std::vector<std::string>> rows,
             sheets::ValueInput input);
  // Types `value` into a managed cell of the row read as `row`, whose key is `key`.
  void Type(Table table, int row, const std::string& key, const std::string& column,
            const std::string& value);
  std::string ValueFor(Table table, const std::string& column);
  // A managed cell of a row KRAKEN put there (it has an id the log knows).
  void EditCell(Table table);
  void SheetAddRow(Table table);
  // Sorts the Pilots rows as Sheets does: every cell moves with its row.
  void SheetSort();
  // Deletes the row of a pilot no Discord member owns; now and then three rows at
  // once, which the deletion guard may refuse.
  void SheetDeleteRows();
  // Settles an open conflict on the Conflicts tab.
  void SheetDecide();
  // An admin's own column, with a value on every row that stays with its row.
  void SheetOwnColumn();
  // Renames a header: that column becomes the admin's own and KRAKEN adds it again.
  // Without the kraken_id column rows are found by name.
  void SheetRenameHeader();

  // --- Discord -----------------------------------------------------------------

  bool Owned(const std::string& pilot) const {
    for (const auto& [id, pilots] : members_) {
      for (const auto& p : pilots) {
        if (EqualsIgnoreCase(p, pilot)) return true;
      }
    }
    return false;
  }

  template <typename F>
  void Discord(F&& command) {
    auto result = command(roster_.service());
    if (!result.ok()) return;  // refused (a bad value, a pilot gone): nothing recorded
    Trace("discord: {}", result->summary);
    for (const Event& e : result->events) discord_events_.emplace_back(e.seq, e.type());
  }

  template <typename... Args>
  void Trace(fmt::format_string<Args...> format, Args&&... args) {
    trace_.push_back(fmt::format(format, std::forward<Args>(args)...));
  }

  void MemberChange() {
    const auto& [user, pilots] = Pick(members_);
    const std::string column = Pick(std::vector<std::string>{"corp", "clone", "timezone", "notes"});
    std::string value = column == "corp"    ? (Chance(15) ? "NOPE" : Pick(Keys(Table::kCorp)))
                        : column == "clone" ? Pick(std::vector<std::string>{"Alpha", "Omega"})
                                            : Unique(fmt::format("discord {}", column));
    const Actor actor = kraken::testing::Member(user);
    Discord([&](RosterService& s) { return s.SetPilot(actor, Pick(pilots), {{column, value}}); });
  }

  void AdminChange() {
    const int r = Uniform(0, 99);
    if (r < 45) {
      const std::string column =
          Pick(std::vector<std::string>{"corp", "timezone", "notes", "main"});
      const std::string value = column == "corp"   ? Pick(Keys(Table::kCorp))
                                : column == "main" ? (Chance(30) ? "" : Pick(Keys(Table::kPilot)))
                                                   : Unique(fmt::format("admin {}", column));
      Discord([&](RosterService& s) {
        return s.SetPilot(admin_actor_, Pick(Keys(Table::kPilot)), {{column, value}});
      });
    } else if (r < 70) {
      const std::string column = Pick(std::vector<std::string>{"name", "status"});
      const std::string value = column == "name" ? Unique("admin corp")
                                                 : Pick(std::vector<std::string>{"member", "blue"});
      Discord([&](RosterService& s) {
        return s.SetCorp(admin_actor_, Pick(Keys(Table::kCorp)), {{column, value}});
      });
    } else if (r < 90) {
      const std::string name = Unique("Discord Pilot");
      Discord([&](RosterService& s) {
        return s.RegisterPilot(admin_actor_, name, {{"corp", Pick(Keys(Table::kCorp))}});
      });
    } else {
      std::vector<std::string> others;
      for (const auto& key : Keys(Table::kPilot)) {
        if (!Owned(key)) others.push_back(key);
      }
      if (others.empty()) return;
      Discord([&](RosterService& s) {
        return s.PilotLeave(admin_actor_, Pick(others), "left the game");
      });
    }
  }

  // --- The run -------------------------------------------------------------------

  CycleReport Cycle(CycleMode mode) {
    CycleReport report = Must(projector_->RunCycle(mode), "a projector cycle");
    Trace("--- {} cycle, log at {}: {}", kModes[static_cast<int>(mode)], roster_.Head(),
          report.Summary());
    for (const auto& line : report.repairs) {
      guard_refused_ = guard_refused_ || line.find("deletion guard") != line.npos;
    }
    if (mode == CycleMode::kFull || mode == CycleMode::kPull) pending_.clear();
    return report;
  }

  void Window(int cycle) {
    ReadSheet();
    renamed_.clear();
    if (cycle == 2) SheetOwnColumn();
    if (cycle == kCycles / 2) SheetRenameHeader();
    for (int ops = Uniform(1, 6); ops > 0; --ops) {
      const int r = Uniform(0, 99);
      if (r < 30) {
        EditCell(Table::kPilot);
      } else if (r < 40) {
        EditCell(Table::kCorp);
      } else if (r < 47) {
        SheetAddRow(Table::kPilot);
      } else if (r < 49) {
        SheetAddRow(Table::kCorp);
      } else if (r < 52) {
        SheetSort();
      } else if (r < 54) {
        SheetDeleteRows();
      } else if (r < 58) {
        SheetDecide();
      } else if (r < 80) {
        MemberChange();
      } else {
        AdminChange();
      }
    }
  }

  std::mt19937_64 rng_;
  kraken::testing::TestRoster roster_;
  sheets::testing::EmulatedSheet sheet_;
  std::unique_ptr<sheets::SheetsClient> client_, admin_;
  std::unique_ptr<SheetProjector> projector_;
  const Actor admin_actor_{Source::kDiscord, "900000000000000009", true};
  std::vector<std::pair<std::string, std::vector<std::string>>> members_;
  View pilots_, corps_;
  int counter_ = 0;
  std::vector<SheetEdit> edits_;
  std::map<CellKey, std::size_t> pending_;  // edits no cycle has imported yet
  std::set<std::string> renamed_;           // row ids whose name was typed over this window
  std::set<std::string> deleted_;           // lower-case keys of rows the admin deleted
  bool guard_refused_ = false;
  std::vector<std::pair<std::uint64_t, std::string>> discord_events_;  // seq, type
  std::vector<std::string> trace_;  // what happened, printed when the test fails

  void TearDown() override {
    if (!HasFailure()) return;
    std::string all;
    for (const auto& line : trace_) all += line + "\n";
    ADD_FAILURE() << "seed " << GetParam() << ", what happened:\n" << all;
  }
};

}  // namespace kraken::sync::convergence
