#pragma once
// Converting between the Sheets client's cells and the projector's text grids,
// and batching cell writes into value ranges. Internal to src/sync.

#include <string>
#include <vector>

#include "events/schema.h"
#include "src/sheets/sheets_client.h"
#include "src/sync/extra_tabs.h"
#include "src/sync/write_plan.h"

namespace kraken::sync {

using TextGrid = std::vector<std::vector<std::string>>;

// A tab's cells as text: strings as written, numbers in their shortest form,
// TRUE/FALSE; a number in a date-typed column (an admin typed a date, which
// Sheets stores as a serial) becomes YYYY-MM-DD.
TextGrid ToText(const sheets::ValueRange& range, const std::vector<Column>* columns = nullptr,
                const std::vector<int>* column_pos = nullptr);

// The grid size a batchGet echo shows ("Pilots!A1:Z1000" -> 1000 x 26).
void GridSize(const sheets::ValueRange& range, int& rows, int& columns);

// One cell to write on a tab.
struct TabWrite {
  int row = 0, col = 0;
  sheets::Cell value;
};

// Cells that differ between `want` and what the tab shows, cells beyond `want`
// that hold something are cleared. Columns in `skip_columns` are never written
// below the header row (the header itself is KRAKEN's).
std::vector<TabWrite> DiffGrid(const OutGrid& want, const TextGrid& shown,
                               const std::vector<int>& skip_columns = {});

// Writes as few value ranges as possible: runs of adjacent cells in one row.
void AppendRanges(const std::string& tab, std::vector<TabWrite> writes,
                  std::vector<sheets::ValueRange>& out);

}  // namespace kraken::sync
