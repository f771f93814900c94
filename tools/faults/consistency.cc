#include "tools/faults/consistency.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <set>

namespace kraken::faults {
namespace {

namespace dom = simdjson::dom;

std::string Field(dom::element e, const char* key) {
  std::string_view v;
  return e[key].get(v) == simdjson::SUCCESS ? std::string(v) : std::string();
}

std::string PilotStream(const std::string& name) { return "pilot/" + name; }

struct LogIndex {
  std::map<std::string, std::vector<const LoggedEvent*>> by_key;
  std::map<std::string, std::vector<const LoggedEvent*>> notes_by_stream;  // in seq order
  std::map<std::pair<std::string, std::string>, int> notes_values;  // (stream, value) -> events
  std::map<std::string, int> registrations;                         // stream -> PilotRegistered
};

LogIndex Index(const std::vector<LoggedEvent>& log) {
  LogIndex index;
  for (const LoggedEvent& e : log) {
    if (!e.idempotency_key.empty()) index.by_key[e.idempotency_key].push_back(&e);
    if (e.notes) {
      index.notes_by_stream[e.stream].push_back(&e);
      ++index.notes_values[{e.stream, *e.notes}];
    }
    if (e.type == "PilotRegistered") ++index.registrations[e.stream];
  }
  return index;
}

void Problem(Findings& f, std::size_t Findings::*counter, std::string text) {
  ++(f.*counter);
  f.problems.push_back(std::move(text));
}

void CheckDiscord(const LogIndex& index, const std::vector<Interaction>& discord, Findings& f) {
  for (const Interaction& it : discord) {
    const auto found = index.by_key.find(it.id);
    const std::size_t batches = [&] {
      if (found == index.by_key.end()) return std::size_t{0};
      std::size_t runs = 1;
      for (std::size_t i = 1; i < found->second.size(); ++i) {
        if (found->second[i]->seq != found->second[i - 1]->seq + 1) ++runs;
      }
      return runs;
    }();
    if (batches > 1) {
      Problem(f, &Findings::duplicated,
              fmt::format("interaction {} ({} {}) was recorded as {} separate batches", it.id,
                          it.kind == Interaction::Kind::kRegister ? "register" : "set", it.pilot,
                          batches));
    }
    if (it.kind == Interaction::Kind::kSet) {
      const auto n = index.notes_values.find({PilotStream(it.pilot), it.value});
      if (n != index.notes_values.end() && n->second > 1) {
        Problem(f, &Findings::duplicated,
                fmt::format("notes={} of '{}' (interaction {}) is in the log {} times", it.value,
                            it.pilot, it.id, n->second));
      }
    }
    if (it.state == Interaction::State::kPending && batches > 0) {
      f.committed_unanswered.push_back(it.id);
    }
    if (it.state == Interaction::State::kRejected && batches > 0) {
      Problem(f, &Findings::phantom,
              fmt::format("interaction {} was refused ({}) yet left events in the log", it.id,
                          it.rejection));
    }
    if (it.state != Interaction::State::kAcknowledged) continue;
    if (batches == 0) {
      Problem(f, &Findings::lost,
              fmt::format(
                  "LOST: interaction {} ({} '{}'{}) was acknowledged as events {}-{} but "
                  "the log has no event with that interaction id",
                  it.id, it.kind == Interaction::Kind::kRegister ? "register" : "set notes of",
                  it.pilot, it.value.empty() ? "" : " to " + it.value, it.first_seq, it.last_seq));
      continue;
    }
    const auto& events = found->second;
    std::size_t inside = 0, outside = 0;
    for (const LoggedEvent* e : events) {
      (e->seq >= it.first_seq && e->seq <= it.last_seq ? inside : outside)++;
    }
    if (inside != it.last_seq - it.first_seq + 1) {
      Problem(f, &Findings::lost,
              fmt::format("LOST: interaction {} was acknowledged as events {}-{} but only {} of "
                          "them carry its id",
                          it.id, it.first_seq, it.last_seq, inside));
    }
    if (outside > 0) {
      Problem(f, &Findings::duplicated,
              fmt::format("interaction {} was acknowledged as events {}-{} but {} more events "
                          "carry its id",
                          it.id, it.first_seq, it.last_seq, outside));
    }
    for (const LoggedEvent* e : events) {
      if (e->stream != PilotStream(it.pilot) || e->source != "discord") {
        Problem(f, &Findings::lost,
                fmt::format("event {} of interaction {} is on stream '{}' from '{}', not on "
                            "'{}' from discord",
                            e->seq, it.id, e->stream, e->source, PilotStream(it.pilot)));
      }
    }
  }
  for (const Interaction& it : discord) {
    if (it.kind != Interaction::Kind::kRegister) continue;
    const auto r = index.registrations.find(PilotStream(it.pilot));
    if (r != index.registrations.end() && r->second > 1) {
      Problem(f, &Findings::duplicated,
              fmt::format("pilot '{}' was registered {} times", it.pilot, r->second));
    }
  }
}

void CheckCli(const LogIndex& index, const std::vector<CliChange>& cli, Findings& f) {
  for (const CliChange& c : cli) {
    const auto n = index.notes_values.find({PilotStream(c.pilot), c.value});
    const int count = n == index.notes_values.end() ? 0 : n->second;
    if (c.exit_code == 0 && count == 0) {
      Problem(f, &Findings::lost,
              fmt::format("LOST: `kraken pilot set \"{}\" notes={}` exited 0 but the log has no "
                          "such change",
                          c.pilot, c.value));
    } else if (count > 1) {
      Problem(f, &Findings::duplicated,
              fmt::format("`kraken pilot set \"{}\" notes={}` is in the log {} times", c.pilot,
                          c.value, count));
    } else if (c.exit_code != 0 && count > 0) {
      Problem(f, &Findings::phantom,
              fmt::format("`kraken pilot set \"{}\" notes={}` failed (exit {}: {}) yet its change "
                          "is in the log",
                          c.pilot, c.value, c.exit_code, c.error));
    }
  }
}

// The notes each pilot must show: the log's last value, which must also be
// the last value acknowledged to its one writer (or the one still unanswered).
void CheckProjection(const LogIndex& index, const PilotTable& pilots,
                     const std::vector<Interaction>& discord, const std::vector<CliChange>& cli,
                     Findings& f) {
  struct Expect {
    std::string acknowledged;       // the last acknowledged value ("" if none)
    std::set<std::string> pending;  // values whose answer is unknown
    std::string user_id;            // Discord pilots: the owner
    bool must_exist = false;
  };
  std::map<std::string, Expect> expect;
  for (const Interaction& it : discord) {
    Expect& e = expect[it.pilot];
    e.user_id = it.user_id;
    if (it.kind == Interaction::Kind::kRegister) {
      if (it.state == Interaction::State::kAcknowledged) e.must_exist = true;
      continue;
    }
    if (it.state == Interaction::State::kAcknowledged) e.acknowledged = it.value;
    if (it.state == Interaction::State::kPending) e.pending.insert(it.value);
  }
  for (const CliChange& c : cli) {
    Expect& e = expect[c.pilot];
    if (c.exit_code == 0) e.acknowledged = c.value;
  }
  for (const auto& [name, e] : expect) {
    const auto row = pilots.find(name);
    if (row == pilots.end()) {
      if (e.must_exist) {
        Problem(f, &Findings::lost,
                fmt::format("LOST: pilot '{}' was acknowledged as registered but `kraken pilots` "
                            "does not list it",
                            name));
      }
      continue;
    }
    const auto stream = index.notes_by_stream.find(PilotStream(name));
    const std::string in_log =
        stream == index.notes_by_stream.end() ? "" : *stream->second.back()->notes;
    const auto notes = row->second.find("notes");
    const std::string shown = notes == row->second.end() ? "" : notes->second;
    if (shown != in_log) {
      Problem(f, &Findings::projection,
              fmt::format("pilot '{}' shows notes '{}' but the log's last value is '{}'", name,
                          shown, in_log));
    }
    const bool imported = e.user_id.empty();  // the CLI's pilots came with the import
    if (!(in_log == e.acknowledged || e.pending.count(in_log) ||
          (imported && e.acknowledged.empty()))) {
      Problem(f, &Findings::lost,
              fmt::format("pilot '{}' has notes '{}' in the log, but the last value acknowledged "
                          "was '{}'",
                          name, in_log, e.acknowledged));
    }
    if (!e.user_id.empty()) {
      const auto id = row->second.find("discord_id");
      if (id == row->second.end() || id->second != e.user_id) {
        Problem(f, &Findings::projection,
                fmt::format("pilot '{}' is not linked to Discord user {}", name, e.user_id));
      }
    }
  }
}

}  // namespace

Result<std::vector<LoggedEvent>> ParseLog(std::string_view json_lines) {
  std::vector<LoggedEvent> out;
  dom::parser parser;
  std::size_t line_no = 0;
  while (!json_lines.empty()) {
    const std::size_t end = std::min(json_lines.find('\n'), json_lines.size());
    const std::string_view line = json_lines.substr(0, end);
    json_lines.remove_prefix(std::min(end + 1, json_lines.size()));
    ++line_no;
    if (line.empty()) continue;
    dom::element e;
    if (parser.parse(line.data(), line.size()).get(e) != simdjson::SUCCESS) {
      return MakeError(
          ErrorCode::kCorrupt,
          fmt::format("line {} of `kraken log --json` is not JSON: {}", line_no, line));
    }
    LoggedEvent event;
    if (e["seq"].get(event.seq) != simdjson::SUCCESS) {
      return MakeError(ErrorCode::kCorrupt,
                       fmt::format("line {} of `kraken log --json` has no seq", line_no));
    }
    event.type = Field(e, "type");
    event.stream = Field(e, "stream");
    event.source = Field(e, "source");
    event.idempotency_key = Field(e, "idempotency_key");
    for (const char* pointer : {"/data/changes/notes", "/data/fields/notes"}) {
      std::string_view notes;
      if (e.at_pointer(pointer).get(notes) == simdjson::SUCCESS) event.notes = std::string(notes);
    }
    out.push_back(std::move(event));
  }
  return out;
}

Result<PilotTable> ParsePilots(std::string_view json) {
  dom::parser parser;
  dom::array rows;
  if (parser.parse(json.data(), json.size()).get(rows) != simdjson::SUCCESS) {
    return MakeError(ErrorCode::kCorrupt, "`kraken pilots --json` did not print a JSON array");
  }
  PilotTable table;
  for (dom::element row : rows) {
    dom::object fields;
    if (row.get(fields) != simdjson::SUCCESS) continue;
    std::map<std::string, std::string> values;
    for (auto [key, value] : fields) {
      std::string_view text;
      values[std::string(key)] = value.get(text) == simdjson::SUCCESS ? std::string(text) : "";
    }
    table[values["name"]] = std::move(values);
  }
  return table;
}

Findings CheckSheetMatches(const PilotTable& pilots, std::string_view sheet_json) {
  Findings f;
  dom::parser parser;
  dom::element shown;
  dom::array rows;
  if (parser.parse(sheet_json.data(), sheet_json.size()).get(shown) != simdjson::SUCCESS ||
      shown["rows"].get(rows) != simdjson::SUCCESS) {
    Problem(f, &Findings::projection, "`kraken sheet show Pilots --json` printed no rows");
    return f;
  }
  auto text = [](dom::element cell) -> std::string {
    std::string_view s;
    if (cell.get(s) == simdjson::SUCCESS) return std::string(s);
    return cell.is_null() ? std::string() : simdjson::minify(cell);
  };
  std::vector<std::string> header;
  std::map<std::string, std::map<std::string, std::string>> sheet;  // name -> column -> cell
  for (dom::element row : rows) {
    std::vector<std::string> cells;
    dom::array row_cells;
    if (row.get(row_cells) == simdjson::SUCCESS) {
      for (dom::element cell : row_cells) cells.push_back(text(cell));
    }
    if (header.empty()) {
      header = cells;
      continue;
    }
    std::map<std::string, std::string> values;
    for (std::size_t i = 0; i < header.size() && i < cells.size(); ++i)
      values[header[i]] = cells[i];
    if (values["name"].empty()) continue;
    if (sheet.count(values["name"])) {
      Problem(f, &Findings::duplicated,
              fmt::format("the Pilots tab has two rows for '{}'", values["name"]));
    }
    sheet[values["name"]] = std::move(values);
  }
  for (const auto& [name, fields] : pilots) {
    const auto row = sheet.find(name);
    if (row == sheet.end()) {
      Problem(f, &Findings::projection, fmt::format("the Pilots tab has no row for '{}'", name));
      continue;
    }
    for (const auto& [column, value] : fields) {
      const auto cell = row->second.find(column);
      const std::string on_sheet = cell == row->second.end() ? "(no such column)" : cell->second;
      if (on_sheet != value) {
        Problem(f, &Findings::projection,
                fmt::format("the Pilots tab shows {} of '{}' as '{}', the roster as '{}'", column,
                            name, on_sheet, value));
      }
    }
  }
  for (const auto& [name, values] : sheet) {
    if (!pilots.count(name)) {
      Problem(f, &Findings::phantom,
              fmt::format("the Pilots tab has a row for '{}', who is not on the roster", name));
    }
  }
  return f;
}

Findings CheckConsistency(const std::vector<LoggedEvent>& log, const PilotTable& pilots,
                          const std::vector<Interaction>& discord,
                          const std::vector<CliChange>& cli, bool tolerate_sheet_events) {
  Findings f;
  const LogIndex index = Index(log);
  CheckDiscord(index, discord, f);
  CheckCli(index, cli, f);
  CheckProjection(index, pilots, discord, cli, f);
  for (const LoggedEvent& e : log) {
    if (e.source == "sheet" || e.type == "ConflictDetected" || e.type == "SheetEditRejected") {
      ++f.spurious_sheet_events;
      if (tolerate_sheet_events) continue;
      Problem(f, &Findings::phantom,
              fmt::format("event {} ({} from {}): nobody edited the sheet, so a sync killed "
                          "midway must have mistaken its own writes for an admin's",
                          e.seq, e.type, e.source));
    }
  }
  return f;
}

}  // namespace kraken::faults
