#pragma once
// What to write so that a managed tab shows the projection, touching only cells
// that differ: the sheet as read (ParsedTab) against what KRAKEN wants (TabModel).
//
// Rows are never reordered. A row whose id the log no longer has (the pilot left)
// is deleted; rows the log has and the sheet does not go at the bottom; rows an
// admin added get their id written. Columns
// the tab lacks are added after the last used column, never over an admin's own
// column. Cells outside the managed columns are never written.

#include <string>
#include <vector>

#include "src/sync/tab_model.h"
#include "src/sync/three_way.h"

namespace kraken::sync {

struct CellWrite {
  int row = 0;  // after the row deletions below
  int col = 0;
  std::string value;
};

struct WritePlan {
  std::vector<int> delete_rows;  // rows to delete, as read, bottom first
  std::vector<CellWrite> cells;  // positions after the deletions
  int rows_needed = 0;           // the tab must have at least this many rows
  int cols_needed = 0;           // ... and columns
  TabBase base;                  // what the managed cells hold once this is written
  int id_col = 0;
  std::vector<int> column_pos;
};

// A sheet row whose id the base knows and `want` does not is deleted; a row with an
// id neither knows is left alone (Compare reported it). A row with no id whose key
// names a row of `want` missing from the sheet becomes that row (an admin's new
// row, now imported). Every other row of `want` missing from the sheet (new in
// the log, or restored after the deletion guard refused) goes at the bottom.
WritePlan PlanWrites(const TabModel& want, const ParsedTab& sheet, const TabBase& base);

}  // namespace kraken::sync
