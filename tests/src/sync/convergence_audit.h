#pragma once
// The bookkeeping of the convergence test (convergence_test.cc): what the admin
// typed into the sheet, and the log replayed cell by cell, to check that nothing
// typed in the sheet or said in Discord was lost without a trace.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "events/event.h"
#include "events/schema.h"
#include "src/store/event_log.h"

namespace kraken::sync::convergence {

// table, lower-case key, column: one managed cell, wherever its row is.
using CellKey = std::tuple<Table, std::string, std::string>;

// A value an admin typed into the sheet.
struct SheetEdit {
  CellKey cell;
  std::string value, shown;  // typed, and what the cell showed when the admin read it
  std::uint64_t head = 0;    // the log's head when it was typed
  bool superseded = false;   // typed over, or its row or column gone, before KRAKEN read it
};

// What the log says about the managed cells, replayed from the events.
struct Audit {
  struct Set {
    std::uint64_t seq;
    Source source;
    std::string value, correlation;  // the value in lower case
  };
  std::map<CellKey, std::vector<Set>> history;
  std::vector<std::pair<std::uint64_t, ConflictDetected>> conflicts;
  std::vector<std::pair<std::uint64_t, SheetEditRejected>> rejections;
  std::set<std::string> leave_batches;  // correlation ids of batches removing rows
  std::set<std::string> left;           // lower-case keys of pilots that left
};

inline Table TableOf(const std::string& name) {
  return name == "corp" ? Table::kCorp : Table::kPilot;
}

inline Audit Replay(EventLog& log, const Schema& schema, std::uint64_t head) {
  Audit a;
  auto status = log.Scan(1, head, [&](const Event& e) {
    const auto [kind, key] = SplitStream(e.stream);
    const Table table = kind == "corp" ? Table::kCorp : Table::kPilot;
    auto set = [&](const std::string& column, const std::string& value, Source source) {
      a.history[{table, ToLower(key), column}].push_back(
          {e.seq, source, ToLower(value), e.correlation_id});
    };
    auto set_all = [&](const Fields& fields) {
      for (const auto& [column, value] : fields) set(column, value, e.source);
    };
    auto create = [&](const Fields& fields) {  // a new row's other columns start empty
      const auto& columns = schema.columns(table);
      for (std::size_t c = 0; c < columns.size(); ++c) {
        auto it = fields.find(columns[c].name);
        set(columns[c].name,
            c == 0               ? std::string(key)
            : it != fields.end() ? it->second
                                 : std::string(),
            e.source);
      }
    };
    if (const auto* p = std::get_if<PilotRegistered>(&e.payload)) {
      create(p->fields);
    } else if (const auto* c = std::get_if<CorpCreated>(&e.payload)) {
      create(c->fields);
    } else if (const auto* f = std::get_if<PilotFieldsChanged>(&e.payload)) {
      set_all(f->changes);
    } else if (const auto* cc = std::get_if<CorpChanged>(&e.payload)) {
      set_all(cc->changes);
    } else if (const auto* l = std::get_if<AltLinked>(&e.payload)) {
      set("main", l->main, e.source);
    } else if (std::holds_alternative<AltUnlinked>(e.payload)) {
      set("main", "", e.source);
    } else if (const auto* d = std::get_if<PilotLinkedToDiscord>(&e.payload)) {
      set("discord_id", d->user_id, e.source);
    } else if (const auto* x = std::get_if<ConflictDetected>(&e.payload)) {
      a.conflicts.emplace_back(e.seq, *x);
    } else if (const auto* r = std::get_if<SheetEditRejected>(&e.payload)) {
      a.rejections.emplace_back(e.seq, *r);
    } else if (std::holds_alternative<PilotLeftAlliance>(e.payload) ||
               std::holds_alternative<CorpRemoved>(e.payload)) {
      // The row is gone, values and all.
      for (const Column& column : schema.columns(table)) set(column.name, "", Source::kSystem);
      a.leave_batches.insert(e.correlation_id);
      if (kind == "pilot") a.left.insert(ToLower(key));
    }
    return true;
  });
  EXPECT_TRUE(status.ok()) << status.error().message;
  return a;
}

// " seq:source:'value'" for every value the log gave a cell, for failure messages.
inline std::string HistoryOf(const Audit& audit, const CellKey& cell) {
  std::string out;
  if (auto it = audit.history.find(cell); it != audit.history.end()) {
    for (const auto& set : it->second) {
      out += fmt::format(" {}:{}:'{}'", set.seq, SourceName(set.source), set.value);
    }
  }
  return out;
}

// Edits found nowhere in the log: neither a value the cell had when it was typed
// or was given since, nor a conflict's sheet value, nor a rejected value.
inline std::vector<std::string> LostEdits(const Audit& audit, const std::vector<SheetEdit>& edits) {
  std::vector<std::string> lost;
  for (const SheetEdit& edit : edits) {
    if (edit.superseded) continue;
    const auto& [table, key, column] = edit.cell;
    const std::string value = ToLower(edit.value);
    bool found = value.empty() && !audit.history.contains(edit.cell);  // never set: empty
    if (auto it = audit.history.find(edit.cell); it != audit.history.end()) {
      const Audit::Set* before = nullptr;
      for (const Audit::Set& s : it->second) {
        if (s.seq <= edit.head) before = &s;
        found = found || (s.seq > edit.head && s.value == value);
      }
      found = found || (before != nullptr && before->value == value);
    }
    for (const auto& [seq, c] : audit.conflicts) {
      found = found || (seq > edit.head && TableOf(c.table) == table && ToLower(c.key) == key &&
                        c.field == column && ToLower(c.sheet_value) == value);
    }
    for (const auto& [seq, r] : audit.rejections) {
      found = found || (seq > edit.head && TableOf(r.table) == table && ToLower(r.key) == key &&
                        r.field == column && ToLower(r.value) == value);
    }
    if (!found) {
      lost.push_back(fmt::format("{} '{}' {}: '{}' typed at head {}; the cell's history:{}",
                                 TableName(table), key, column, edit.value, edit.head,
                                 HistoryOf(audit, edit.cell)));
    }
  }
  return lost;
}

// Values set from Discord (or the CLI) that an import from the sheet replaced
// although nobody saw them: the admin did not type over them, and no conflict
// recorded them as the log's value.
inline std::vector<std::string> UnseenReplacements(const Audit& audit,
                                                   const std::vector<SheetEdit>& edits) {
  std::vector<std::string> unseen;
  for (const auto& [cell, sets] : audit.history) {
    const auto& [table, key, column] = cell;
    for (std::size_t i = 1; i < sets.size(); ++i) {
      const Audit::Set &was = sets[i - 1], &now = sets[i];
      if (now.source != Source::kSheet || was.source == Source::kSheet ||
          was.source == Source::kSystem || now.value == was.value ||
          audit.leave_batches.contains(now.correlation)) {
        continue;  // not from the sheet, not over someone else's value, or a row removal
      }
      bool seen = false;
      for (const SheetEdit& edit : edits) {
        seen = seen || (edit.cell == cell && ToLower(edit.value) == now.value &&
                        ToLower(edit.shown) == was.value);
      }
      for (const auto& [seq, c] : audit.conflicts) {
        seen = seen || (seq > was.seq && TableOf(c.table) == table && ToLower(c.key) == key &&
                        c.field == column && ToLower(c.log_value) == was.value);
      }
      if (!seen) {
        unseen.push_back(fmt::format(
            "{} '{}' {}: '{}' (event {}) was replaced from the sheet by '{}' (event {})",
            TableName(table), key, column, was.value, was.seq, now.value, now.seq));
      }
    }
  }
  return unseen;
}

}  // namespace kraken::sync::convergence
