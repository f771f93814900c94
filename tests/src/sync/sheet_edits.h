#pragma once
// What the projector's end-to-end tests do to the emulated sheet and read back:
// read a tab as text, type into a cell as a person would, list new events.

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "src/sheets/a1.h"
#include "src/sheets/sheets_client.h"
#include "src/store/event_log.h"
#include "src/sync/sheet_grid.h"

namespace kraken::sync::testing {

inline TextGrid ReadTab(sheets::SheetsClient& client, const std::string& title) {
  auto read = client.BatchGet({sheets::QuoteSheetName(title, true)});
  if (!read.ok()) throw std::runtime_error(read.error().message);
  return ToText((*read)[0]);
}

// Someone with edit access typing `text` into one cell (0-based).
inline void TypeInto(sheets::SheetsClient& client, const std::string& tab, int row, int col,
                     const std::string& text) {
  sheets::A1Range a1{tab, row, col, row + 1, col + 1};
  auto done = client.BatchUpdate(
      {sheets::ValueRange{sheets::FormatA1ForRequest(a1), {{sheets::Cell::String(text)}}}},
      sheets::ValueInput::kUserEntered);
  if (!done.ok()) throw std::runtime_error(done.error().message);
}

// The events after `seq`, oldest first.
inline std::vector<Event> EventsAfter(const EventLog& log, std::uint64_t seq) {
  std::vector<Event> out;
  auto head = log.Head();
  EXPECT_TRUE(head.ok());
  EXPECT_TRUE(log.Scan(seq + 1, head.ok() ? *head : seq,
                       [&](const Event& e) {
                         out.push_back(e);
                         return true;
                       })
                  .ok());
  return out;
}

}  // namespace kraken::sync::testing
