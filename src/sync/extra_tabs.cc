#include "src/sync/extra_tabs.h"

#include <fmt/format.h>

#include <algorithm>

namespace kraken::sync {
namespace {

OutCell Text(std::string text) { return {std::move(text), std::nullopt}; }
OutCell Number(double n) { return {"", n}; }

std::string When(std::int64_t ts_us) {
  std::string t = FormatTimestamp(ts_us);  // 2026-12-04T15:31:53.123456Z
  t[10] = ' ';
  return t.substr(0, 19);
}

}  // namespace

void ConflictLog::Apply(const Event& event) {
  seq_ = event.seq;
  if (const auto* d = std::get_if<ConflictDetected>(&event.payload)) {
    ConflictEntry e;
    e.id = d->conflict_id;
    e.seq = event.seq;
    e.ts_us = event.ts_us;
    e.table = d->table;
    e.key = d->key;
    e.field = d->field;
    e.sheet_value = d->sheet_value;
    e.log_value = d->log_value;
    e.origin = d->sheet_origin;
    e.log_seq = d->log_seq;
    entries_.push_back(std::move(e));
  } else if (const auto* r = std::get_if<ConflictResolved>(&event.payload)) {
    for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
      if (!it->rejection && it->id == r->conflict_id) {
        it->open = false;
        it->winner = r->winner;
        it->value = r->value;
        it->policy = r->policy;
        break;
      }
    }
  } else if (const auto* x = std::get_if<SheetEditRejected>(&event.payload)) {
    ConflictEntry e;
    e.id = fmt::format("R{}", event.seq);
    e.seq = event.seq;
    e.ts_us = event.ts_us;
    e.rejection = true;
    e.open = false;
    e.table = x->table;
    e.key = x->key;
    e.field = x->field;
    e.sheet_value = x->value;
    e.origin = x->sheet_origin;
    e.reason = x->reason;
    entries_.push_back(std::move(e));
  }
}

const ConflictEntry* ConflictLog::Find(std::string_view id) const {
  for (const auto& e : entries_) {
    if (e.id == id) return &e;
  }
  return nullptr;
}

std::vector<const ConflictEntry*> ConflictLog::Open() const {
  std::vector<const ConflictEntry*> out;
  for (const auto& e : entries_) {
    if (!e.rejection && e.open) out.push_back(&e);
  }
  return out;
}

const std::vector<std::string>& ConflictColumns() {
  static const std::vector<std::string> kColumns = {
      "id",          "when (UTC)", "kind",   "where",  "row",    "field",
      "sheet value", "log value",  "status", "stands", "reason", "decision"};
  return kColumns;
}

OutGrid RenderConflicts(const ConflictLog& conflicts) {
  OutGrid grid;
  std::vector<OutCell> header;
  for (const auto& c : ConflictColumns()) header.push_back(Text(c));
  grid.push_back(std::move(header));
  for (const ConflictEntry& e : conflicts.entries()) {
    std::string status, reason = e.reason;
    if (e.rejection) {
      status = "not applied";
    } else if (e.open) {
      status = "open";
      reason = "changed in the sheet and in the log; type sheet or log under decision";
    } else {
      status = fmt::format("resolved: {} ({})", e.winner, e.policy);
    }
    grid.push_back({Text(e.id), Text(When(e.ts_us)), Text(e.rejection ? "rejected" : "conflict"),
                    Text(e.origin), Text(e.table.empty() ? e.key : e.table + " " + e.key),
                    Text(e.field), Text(e.sheet_value), Text(e.log_value), Text(status),
                    Text(e.open ? e.log_value : e.value), Text(reason)});
  }
  return grid;
}

OutGrid RenderAnalytics(const AllianceState& state, std::int64_t now_us) {
  const AllianceSummary summary = Summarize(state.roster());
  OutGrid grid;
  grid.push_back({Text("corp"), Text("pilots"), Text("alpha"), Text("omega"), Text("clone unknown"),
                  Text("unlinked")});
  auto line = [&](std::string name, const CorpHeadcount& c) {
    grid.push_back({Text(std::move(name)), Number(static_cast<double>(c.pilots)),
                    Number(static_cast<double>(c.alpha)), Number(static_cast<double>(c.omega)),
                    Number(static_cast<double>(c.unknown_clone)),
                    Number(static_cast<double>(c.unlinked))});
  };
  for (const CorpHeadcount& c : summary.corps) line(c.ticker.empty() ? "(no corp)" : c.ticker, c);
  line("total", summary.total);
  grid.push_back({});
  grid.push_back({Text("changes, last 7 days"),
                  Number(static_cast<double>(state.changes().LastDays(now_us, 7)))});
  grid.push_back({Text("changes, last 30 days"),
                  Number(static_cast<double>(state.changes().LastDays(now_us, 30)))});
  grid.push_back({Text("as of event"), Number(static_cast<double>(state.seq()))});
  grid.push_back({});
  grid.push_back({Text("unlinked pilots")});
  for (const std::string& name : summary.unlinked_pilots) grid.push_back({Text(name)});
  return grid;
}

}  // namespace kraken::sync
