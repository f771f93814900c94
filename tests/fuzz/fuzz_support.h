#pragma once
// What the fuzz targets share: an invariant check that aborts in every build
// type (libFuzzer and the replay tests both report an abort as a crash), and a
// small alliance in a real event log in a temporary directory, for the targets
// whose input is validated against the roster.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "events/schema.h"
#include "projections/alliance_state.h"
#include "src/app/csv.h"
#include "src/app/import_planner.h"
#include "src/app/roster_service.h"
#include "src/store/event_log.h"

namespace kraken::fuzz {

// Prints `what` (and the input's size) to stderr and aborts.
[[noreturn]] void Fail(std::string_view what);

// KRAKEN_FUZZ_CHECK(invariant, message): kept under NDEBUG, unlike assert().
#define KRAKEN_FUZZ_CHECK(condition, message)                                      \
  do {                                                                             \
    if (!(condition))                                                              \
      ::kraken::fuzz::Fail(std::string("invariant failed: ") + #condition + ": " + \
                           std::string(message));                                  \
  } while (false)

// Discord ids of sample pilots, for seed interactions that act on them.
inline constexpr std::string_view kKaelenDiscord = "555200494606748983";  // main of KRKN's CEO
inline constexpr std::string_view kRynDiscord = "155670462648394832";
inline constexpr std::string_view kAdminRole = "1380490000000000001";

// The core schema plus the declared columns of docs/configuration.md's example
// (an enum, a date, a pilot reference, a corp text column), so fuzzed values reach
// every column type.
Schema FuzzSchema();

// A log in a temporary directory (under $KRAKEN_FUZZ_TMPDIR, else /dev/shm when
// writable: fuzzing appends thousands of times a second and needs no
// durability, else $TMPDIR or /tmp) holding three
// corps and six pilots, two of them linked to Discord with alts, and the roster
// service over it. The directory is removed on destruction.
class SampleRoster {
 public:
  SampleRoster();
  ~SampleRoster();
  SampleRoster(const SampleRoster&) = delete;
  SampleRoster& operator=(const SampleRoster&) = delete;

  RosterService& service() { return *service_; }
  const Schema& schema() const { return schema_; }
  // A copy of the tables as they are now.
  AllianceState State();

 private:
  void Open();
  void Close();

  Schema schema_;
  std::string dir_;
  std::unique_ptr<EventLog> log_;
  std::unique_ptr<RosterService> service_;
};

// Checks that an import plan holds nothing its file did not ask for: rows added
// are new keys the file lists, once each; rows changed exist and are listed;
// changes are to the file's columns and really change something; rows removed
// exist and are not listed; and the events are on those rows' streams (any row's
// with remove_missing, whose removals unlink alts and CEOs), closed by the batch
// marker. Fails (aborts) naming the first thing that does not hold.
void CheckImportPlan(const AllianceState& state, const CsvTable& csv, const ImportOptions& options,
                     const ImportPlan& plan);

}  // namespace kraken::fuzz
