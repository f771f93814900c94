#pragma once
// Roster: the alliance's pilot and corp tables, folded from the log. A pure fold:
// no I/O, no clock; the same events in the same order always give the same tables.
// Not thread-safe; the service guards it (src/app/roster_service.h).

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "events/event.h"
#include "events/schema.h"

namespace kraken {

// One pilot or corp. values[i] is the column schema.columns(table)[i] ("" when
// unset); values[0] is the key. set_by[i] is the sequence of the event that last
// set column i (0: never set), which is what `kraken blame` shows.
struct Row {
  std::vector<std::string> values;
  std::vector<std::uint64_t> set_by;
  std::uint64_t created_seq = 0;

  const std::string& key() const { return values[0]; }
};

class Roster {
 public:
  // `schema` must outlive the roster.
  explicit Roster(const Schema& schema);
  // A copy indexes its own rows; a move keeps the rows where they are.
  Roster(const Roster& other);
  Roster& operator=(const Roster& other);
  Roster(Roster&&) noexcept = default;
  Roster& operator=(Roster&&) noexcept = default;

  // Folds one event. Events must arrive in sequence order. Events that do not
  // touch the tables (imports, conflicts, revert markers) only advance seq().
  // An event for a row that does not exist, or a field the schema no longer has,
  // is ignored: the log validated it when it was appended.
  void Apply(const Event& event);

  // The sequence and time of the last event applied (0 before any).
  std::uint64_t seq() const { return seq_; }
  std::int64_t ts_us() const { return ts_us_; }

  // Finds a row by key, ignoring ASCII case. nullptr if there is none.
  const Row* Find(Table table, std::string_view key) const;
  // Every row, sorted by key ignoring case.
  std::vector<const Row*> Rows(Table table) const;
  // Every row, in no particular order: for callers that sort by something else.
  std::vector<const Row*> RowsInAnyOrder(Table table) const;
  std::size_t size(Table table) const;
  // Pilots whose main is `main` (ignoring case), sorted by name. Indexed.
  std::vector<const Row*> AltsOf(std::string_view main) const;
  // Pilots linked to Discord user `user_id`, sorted by name. Indexed.
  std::vector<const Row*> LinkedTo(std::string_view user_id) const;
  // Up to `max` existing keys closest to `key` by edit distance ignoring ASCII case,
  // closest first, ties by key; only keys within max(2, key.size() / 3) edits count.
  // Used for "did you mean ...?" in error messages.
  std::vector<std::string> Suggest(Table table, std::string_view key, std::size_t max = 3) const;

  const Schema& schema() const { return *schema_; }

 private:
  friend class RosterCodec;
  // Rows are keyed by ToLower(key) and found by a key in any case without a
  // lower-case copy: the hash and the comparison ignore ASCII case themselves.
  struct KeyHash {
    using is_transparent = void;
    // Not noexcept, deliberately: libstdc++ then keeps each key's hash in its
    // node, and a lookup compares hashes before keys instead of rehashing keys.
    std::size_t operator()(std::string_view key) const;
  };
  struct KeyEqual {  // EqualsIgnoreCase, eight bytes at a time
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const noexcept;
  };
  using RowMap = std::unordered_map<std::string, Row, KeyHash, KeyEqual>;

  RowMap& rows(Table table) { return table == Table::kPilot ? pilots_ : corps_; }
  const RowMap& rows(Table table) const { return table == Table::kPilot ? pilots_ : corps_; }
  void Create(Table table, std::string_view key, const Fields& fields, std::uint64_t seq);
  void Change(Table table, std::string_view key, const Fields& changes, std::uint64_t seq);
  void SetColumn(Table table, std::string_view key, std::size_t column, std::string value,
                 std::uint64_t seq);

  // The pilot indexes follow every change to a pilot's main or Discord id: a
  // row leaves them before it changes and joins them after.
  void Unindex(const Row& pilot);
  void Index(const Row& pilot);
  void RebuildIndexes();  // after the codec filled pilots_

  const Schema* schema_;
  RowMap pilots_;
  RowMap corps_;
  // Into pilots_' nodes, which stay put until erased (Unindex comes first); the
  // keys view the rows' own main and Discord id strings.
  std::unordered_multimap<std::string_view, const Row*, KeyHash, KeyEqual> alts_by_main_;
  std::unordered_multimap<std::string_view, const Row*> pilots_by_discord_;
  std::uint64_t seq_ = 0;
  std::int64_t ts_us_ = 0;
};

}  // namespace kraken
