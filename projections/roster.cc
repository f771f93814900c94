#include "projections/roster.h"

#include <algorithm>
#include <cstring>
#include <type_traits>
#include <utility>

#include "projections/edit_distance.h"

namespace kraken {
namespace {

// `w` with the ASCII capitals among its 8 bytes made lower-case, all at once:
// a byte's top bit marks it as a capital when it is at least 'A', at most 'Z',
// and below 0x80; shifted down two places that bit is the 0x20 to add.
std::uint64_t LowerAscii8(std::uint64_t w) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  const std::uint64_t low7 = w & (0x7F * kOnes);
  const std::uint64_t at_least_a = low7 + (0x80 - 'A') * kOnes;
  const std::uint64_t above_z = low7 + (0x80 - 'Z' - 1) * kOnes;
  const std::uint64_t capitals = at_least_a & ~above_z & ~w & (0x80 * kOnes);
  return w | (capitals >> 2);
}

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Orders keys ignoring ASCII case, without building lower-case copies.
bool LessIgnoreCase(std::string_view a, std::string_view b) {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                      [](char x, char y) { return Lower(x) < Lower(y); });
}

void SortByKey(std::vector<const Row*>& rows) {
  std::sort(rows.begin(), rows.end(),
            [](const Row* a, const Row* b) { return LessIgnoreCase(a->key(), b->key()); });
}

template <typename T>
inline constexpr bool kIsPilotEvent =
    std::is_same_v<T, PilotRegistered> || std::is_same_v<T, PilotFieldsChanged> ||
    std::is_same_v<T, PilotLinkedToDiscord> || std::is_same_v<T, AltLinked> ||
    std::is_same_v<T, AltUnlinked> || std::is_same_v<T, PilotLeftAlliance>;
template <typename T>
inline constexpr bool kIsCorpEvent =
    std::is_same_v<T, CorpCreated> || std::is_same_v<T, CorpChanged> ||
    std::is_same_v<T, CorpRemoved>;

}  // namespace

std::size_t Roster::KeyHash::operator()(std::string_view key) const {
  // Eight bytes at a time, each word lower-cased before it is mixed in, so keys
  // that differ only in ASCII case hash alike. Final mix from MurmurHash3's fmix64.
  constexpr std::uint64_t kMultiplier = 0x9E3779B97F4A7C15ULL;
  std::uint64_t h = key.size() * kMultiplier;
  std::size_t i = 0;
  for (; i + sizeof(std::uint64_t) <= key.size(); i += sizeof(std::uint64_t)) {
    std::uint64_t word;
    std::memcpy(&word, key.data() + i, sizeof word);
    h = (h ^ LowerAscii8(word)) * kMultiplier;
    h ^= h >> 29;
  }
  if (i < key.size()) {
    std::uint64_t word = 0;
    std::memcpy(&word, key.data() + i, key.size() - i);
    h = (h ^ LowerAscii8(word)) * kMultiplier;
  }
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDULL;
  h ^= h >> 33;
  return static_cast<std::size_t>(h);
}

bool Roster::KeyEqual::operator()(std::string_view a, std::string_view b) const noexcept {
  if (a.size() != b.size()) return false;
  std::size_t i = 0;
  for (; i + sizeof(std::uint64_t) <= a.size(); i += sizeof(std::uint64_t)) {
    std::uint64_t x, y;
    std::memcpy(&x, a.data() + i, sizeof x);
    std::memcpy(&y, b.data() + i, sizeof y);
    if (LowerAscii8(x) != LowerAscii8(y)) return false;
  }
  for (; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

Roster::Roster(const Schema& schema) : schema_(&schema) {}

Roster::Roster(const Roster& other)
    : schema_(other.schema_),
      pilots_(other.pilots_),
      corps_(other.corps_),
      seq_(other.seq_),
      ts_us_(other.ts_us_) {
  RebuildIndexes();
}

Roster& Roster::operator=(const Roster& other) {
  if (this != &other) {
    Roster copy(other);
    *this = std::move(copy);
  }
  return *this;
}

void Roster::Apply(const Event& event) {
  seq_ = event.seq;
  ts_us_ = event.ts_us;
  // Not a structured binding: clang before 16 cannot capture one in a lambda.
  const std::pair<std::string_view, std::string_view> split = SplitStream(event.stream);
  const std::string_view kind = split.first, key = split.second;
  std::visit(
      [&](const auto& p) {
        using T = std::decay_t<decltype(p)>;
        // The table comes from the event type; a stream of another kind is not ours.
        if constexpr (kIsPilotEvent<T>) {
          if (kind != TableName(Table::kPilot)) return;
        } else if constexpr (kIsCorpEvent<T>) {
          if (kind != TableName(Table::kCorp)) return;
        }
        if constexpr (std::is_same_v<T, PilotRegistered>) {
          Create(Table::kPilot, key, p.fields, event.seq);
        } else if constexpr (std::is_same_v<T, PilotFieldsChanged>) {
          Change(Table::kPilot, key, p.changes, event.seq);
        } else if constexpr (std::is_same_v<T, PilotLinkedToDiscord>) {
          SetColumn(Table::kPilot, key, kPilotDiscordId, p.user_id, event.seq);
        } else if constexpr (std::is_same_v<T, AltLinked>) {
          SetColumn(Table::kPilot, key, kPilotMain, p.main, event.seq);
        } else if constexpr (std::is_same_v<T, AltUnlinked>) {
          SetColumn(Table::kPilot, key, kPilotMain, std::string(), event.seq);
        } else if constexpr (std::is_same_v<T, PilotLeftAlliance>) {
          if (auto it = pilots_.find(key); it != pilots_.end()) {
            Unindex(it->second);
            pilots_.erase(it);
          }
        } else if constexpr (std::is_same_v<T, CorpCreated>) {
          Create(Table::kCorp, key, p.fields, event.seq);
        } else if constexpr (std::is_same_v<T, CorpChanged>) {
          Change(Table::kCorp, key, p.changes, event.seq);
        } else if constexpr (std::is_same_v<T, CorpRemoved>) {
          if (auto it = corps_.find(key); it != corps_.end()) corps_.erase(it);
        }
        // ImportBatchCommitted, ConflictDetected, ConflictResolved and EventReverted
        // are markers: the compensating or imported changes are events of their own.
      },
      event.payload);
}

void Roster::Create(Table table, std::string_view key, const Fields& fields, std::uint64_t seq) {
  if (key.empty()) return;
  const std::size_t width = schema_->columns(table).size();
  Row row;
  row.values.resize(width);
  row.set_by.assign(width, 0);
  row.values[0] = std::string(key);
  row.set_by[0] = seq;
  row.created_seq = seq;
  for (const auto& [name, value] : fields) {
    const auto column = schema_->IndexOf(table, name);
    // The key comes from the stream; a "name" field cannot rename the row.
    if (!column || *column == 0) continue;
    row.values[*column] = value;
    row.set_by[*column] = seq;
  }
  // A registration of an existing key (say, after the pilot left and came back)
  // starts the row afresh.
  RowMap& table_rows = rows(table);
  auto it = table_rows.find(key);
  if (it != table_rows.end()) {
    if (table == Table::kPilot) Unindex(it->second);
    it->second = std::move(row);
  } else {
    it = table_rows.emplace(ToLower(key), std::move(row)).first;
  }
  if (table == Table::kPilot) Index(it->second);
}

void Roster::Change(Table table, std::string_view key, const Fields& changes, std::uint64_t seq) {
  auto it = rows(table).find(key);
  if (it == rows(table).end()) return;
  Row& row = it->second;
  bool unindexed = false;  // only a change of a column the indexes are keyed by moves the pilot
  for (const auto& [name, value] : changes) {
    const auto column = schema_->IndexOf(table, name);
    if (!column || *column == 0) continue;
    if (!unindexed && table == Table::kPilot &&
        (*column == kPilotMain || *column == kPilotDiscordId)) {
      Unindex(row);
      unindexed = true;
    }
    row.values[*column] = value;  // assigned into the string's own storage
    row.set_by[*column] = seq;
  }
  if (unindexed) Index(row);
}

void Roster::SetColumn(Table table, std::string_view key, std::size_t column, std::string value,
                       std::uint64_t seq) {
  auto it = rows(table).find(key);
  if (it == rows(table).end()) return;
  const bool indexed = table == Table::kPilot && (column == kPilotMain || column == kPilotDiscordId);
  if (indexed) Unindex(it->second);
  it->second.values[column] = std::move(value);
  it->second.set_by[column] = seq;
  if (indexed) Index(it->second);
}

void Roster::Unindex(const Row& pilot) {
  auto drop = [&](auto& index, const std::string& by) {
    if (by.empty()) return;
    auto [first, last] = index.equal_range(std::string_view(by));
    for (auto it = first; it != last; ++it) {
      if (it->second == &pilot) {
        index.erase(it);
        return;
      }
    }
  };
  drop(alts_by_main_, pilot.values[kPilotMain]);
  drop(pilots_by_discord_, pilot.values[kPilotDiscordId]);
}

void Roster::Index(const Row& pilot) {
  const std::string& main = pilot.values[kPilotMain];
  if (!main.empty()) alts_by_main_.emplace(main, &pilot);
  const std::string& discord = pilot.values[kPilotDiscordId];
  if (!discord.empty()) pilots_by_discord_.emplace(discord, &pilot);
}

void Roster::RebuildIndexes() {
  alts_by_main_.clear();
  pilots_by_discord_.clear();
  for (const auto& [lower_key, row] : pilots_) Index(row);
}

const Row* Roster::Find(Table table, std::string_view key) const {
  auto it = rows(table).find(key);
  return it == rows(table).end() ? nullptr : &it->second;
}

std::vector<const Row*> Roster::Rows(Table table) const {
  std::vector<const Row*> out = RowsInAnyOrder(table);
  SortByKey(out);
  return out;
}

std::vector<const Row*> Roster::RowsInAnyOrder(Table table) const {
  std::vector<const Row*> out;
  out.reserve(rows(table).size());
  for (const auto& [lower_key, row] : rows(table)) out.push_back(&row);
  return out;
}

std::size_t Roster::size(Table table) const { return rows(table).size(); }

std::vector<const Row*> Roster::AltsOf(std::string_view main) const {
  std::vector<const Row*> out;
  auto [first, last] = alts_by_main_.equal_range(main);
  for (auto it = first; it != last; ++it) out.push_back(it->second);
  SortByKey(out);
  return out;
}

std::vector<const Row*> Roster::LinkedTo(std::string_view user_id) const {
  std::vector<const Row*> out;
  auto [first, last] = pilots_by_discord_.equal_range(user_id);
  for (auto it = first; it != last; ++it) out.push_back(it->second);
  SortByKey(out);
  return out;
}

std::vector<std::string> Roster::Suggest(Table table, std::string_view key, std::size_t max) const {
  // Only plausible typos: a third of the name may differ, and two edits always may.
  const std::size_t limit = std::max<std::size_t>(2, key.size() / 3);
  std::vector<std::pair<std::size_t, const std::string*>> candidates;
  for (const auto& [lower_key, row] : rows(table)) {
    const std::size_t distance = EditDistance(key, row.key(), limit);
    if (distance <= limit) candidates.emplace_back(distance, &row.key());
  }
  const std::size_t n = std::min(max, candidates.size());
  std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(n),
                    candidates.end(), [](const auto& a, const auto& b) {
                      if (a.first != b.first) return a.first < b.first;
                      return LessIgnoreCase(*a.second, *b.second);
                    });
  std::vector<std::string> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) out.push_back(*candidates[i].second);
  return out;
}

}  // namespace kraken
