// Folding is on the replay's hot path: looking a row up in another case, or
// folding a change to an existing row, must not allocate. This binary counts
// every allocation, so it holds only these tests.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>

#include "events/schema.h"
#include "projections/alliance_state.h"
#include "projections/roster.h"

namespace {
std::atomic<std::size_t> allocations{0};
}  // namespace

// The replacements pair malloc with free, which GCC cannot see through once
// gtest's `new`/`delete` are inlined around them.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t size) {
  ++allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#pragma GCC diagnostic pop

namespace kraken {
namespace {

// Longer than any short-string buffer, so a lower-case copy would allocate.
constexpr char kName[] = "Aurelia Achterberg-Castellan 12";
constexpr char kNameInCapitals[] = "AURELIA ACHTERBERG-CASTELLAN 12";
constexpr std::int64_t kNoon = 20791LL * 86'400'000'000LL + 43'200'000'000LL;

Event Change(std::uint64_t seq, std::string_view name, std::string notes) {
  Event e;
  e.seq = seq;
  e.version = seq;
  e.ts_us = kNoon + static_cast<std::int64_t>(seq);
  e.stream = PilotStream(name);
  e.payload = PilotFieldsChanged{{{"notes", std::move(notes)}}};
  return e;
}

TEST(RosterAllocationTest, FindingALongKeyInAnotherCaseAllocatesNothing) {
  const Schema schema = Schema::Core();
  Roster roster(schema);
  Event registered = Change(1, kName, "");
  registered.payload = PilotRegistered{};
  roster.Apply(registered);
  const std::string query = kNameInCapitals;

  const std::size_t before = allocations.load();
  const Row* row = roster.Find(Table::kPilot, query);
  const Row* missing = roster.Find(Table::kPilot, "AURELIA ACHTERBERG-CASTELLAN 13");
  EXPECT_EQ(allocations.load() - before, 0u);
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->key(), kName);
  EXPECT_EQ(missing, nullptr);
}

TEST(RosterAllocationTest, FoldingAChangeToAnExistingPilotAllocatesNothing) {
  const Schema schema = Schema::Core();
  AllianceState state(schema);
  Event registered = Change(1, kName, "");
  registered.payload = PilotRegistered{{{"notes", std::string(40, 'a')}}};
  state.Apply(registered);
  // The stream, the row, the day: all seen before the change that is counted.
  state.Apply(Change(2, kNameInCapitals, std::string(40, 'b')));
  const Event change = Change(3, kNameInCapitals, std::string(40, 'c'));
  const std::string stream = PilotStream(kName);

  const std::size_t before = allocations.load();
  state.Apply(change);
  const std::uint64_t version = state.versions().Get(stream);
  EXPECT_EQ(allocations.load() - before, 0u);
  EXPECT_EQ(state.roster().Find(Table::kPilot, kName)->values[kPilotNotes], std::string(40, 'c'));
  EXPECT_EQ(version, 1u);  // the stream spelt in capitals is another stream
  EXPECT_EQ(state.versions().Get(change.stream), 3u);
}

}  // namespace
}  // namespace kraken
