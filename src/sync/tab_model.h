#pragma once
// The managed tabs as grids of text, and a tab of the sheet as read back.
//
// Row identity: every managed row carries a stable id ("P812" = the pilot
// registered by event 812, "C3" = the corp created by event 3) in a hidden,
// protected `kraken_id` column. Cell values travel with their row when admins
// sort, filter, insert or delete rows, so the id does too; a blank id marks a row
// an admin added. Row developer metadata was the alternative: it costs the same
// single write, but what happens to it on sort and cut/paste is undocumented
// (../shared/reference/sheets-api.md, section 2), and an id an admin can see in a
// hidden column is easier to reason about when something looks wrong.
// See docs/sheet-projector.md.

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "events/schema.h"
#include "projections/roster.h"

namespace kraken::sync {

inline constexpr std::string_view kIdHeader = "kraken_id";

// What KRAKEN wants a managed tab to hold: one row per pilot or corp.
struct TabModel {
  Table table = Table::kPilot;
  std::vector<std::string> columns;  // the schema's column names, the key first
  std::vector<std::string> ids;      // in creation order: new rows go to the bottom in it
  std::unordered_map<std::string, std::vector<std::string>> rows;  // id -> values per column

  const std::vector<std::string>* Find(const std::string& id) const;
};

std::string RowId(Table table, std::uint64_t created_seq);
TabModel RenderTab(const Roster& roster, Table table);

// One data row of a managed tab as read.
struct SheetRow {
  int row = 0;                      // 0-based row in the tab (0 is the header)
  std::string id;                   // "" for a row an admin added
  std::vector<std::string> values;  // per managed column; "" where the column is missing
};

// A managed tab as read: where its columns are and what its rows hold.
struct ParsedTab {
  int id_col = -1;              // -1: no kraken_id header
  std::vector<int> column_pos;  // per managed column: its column in the tab, -1 if missing
  std::vector<SheetRow> rows;   // rows with an id or any managed value, top to bottom
  std::unordered_map<std::string, int> row_of_id;  // first row holding each id
  std::vector<int> duplicate_id_rows;              // later rows repeating an id (a copied row)
  std::vector<std::string> duplicate_id_keys;      // the key each of those rows holds
  int used_rows = 1;  // the header plus every row holding anything, managed or not
  int used_cols = 0;  // columns with a header or any value
};

// Reads `grid` (row 0 the header, rows ragged, cells as text) for `columns`.
// Headers match ignoring case and surrounding spaces.
ParsedTab ParseTab(const std::vector<std::string>& columns,
                   const std::vector<std::vector<std::string>>& grid);

}  // namespace kraken::sync
