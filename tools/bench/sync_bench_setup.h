#pragma once
// Setup for sync_bench: the Sheets emulator in a child process (so the bench
// process's CPU time is KRAKEN's alone, as it would be against Google), a roster
// of corps and pilots registered through RosterService, and cell-grid diffs.

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <vector>

#include "src/app/roster_service.h"
#include "src/sheets/cell.h"

namespace kraken::bench {

// The emulator (no quotas, no faults) serving one spreadsheet with the tabs
// Pilots and Corps, shared with `email`, from a forked child process. Start it
// before any thread exists in this process (fork copies only the calling one).
// Dies on failure. The child ends when Stop() is called or this process exits.
class ChildEmulator {
 public:
  static ChildEmulator Start(const std::string& email);
  ChildEmulator(ChildEmulator&& other) noexcept;
  ChildEmulator& operator=(ChildEmulator&&) = delete;
  ~ChildEmulator();

  const std::string& base_url() const { return base_url_; }
  const std::string& spreadsheet_id() const { return spreadsheet_id_; }
  const std::string& key_json() const { return key_json_; }

  // Stops the child and returns the CPU time it used, in ms (user + system).
  double Stop();

 private:
  ChildEmulator() = default;
  pid_t pid_ = -1;
  int keep_alive_fd_ = -1;  // the child serves until this pipe closes
  std::string base_url_, spreadsheet_id_, key_json_;
};

// Registers `corps` corps (tickers C0..) and `pilots` pilots spread over them,
// as two import batches (PlanImport + Execute, as `kraken import --apply`).
void SeedRoster(RosterService& service, const Actor& admin, int corps, int pilots);

// CPU time of this process so far (every thread, user + system), in ms.
double ProcessCpuMs();

using CellRows = std::vector<std::vector<sheets::Cell>>;

// Cells that differ between two grids; a cell missing from one counts as empty.
std::size_t CellsDiffering(const CellRows& a, const CellRows& b);

}  // namespace kraken::bench
