#pragma once
// The codec's shared knowledge of payloads (internal to events/): the name of
// every member of every payload type, and how the decoders clear a payload and
// refill it while keeping its storage. Included by codec.cc (encoding),
// event_decoder.cc and canonical_record.cc (decoding); not part of the API.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "events/event.h"

namespace kraken::codec_internal {

// The one place that names each payload's members: encoding and decoding both
// walk it, so the two cannot drift apart.
template <typename Self, typename F>
void ForEachMember(Self& p, F&& f) {
  using T = std::remove_const_t<Self>;
  if constexpr (std::is_same_v<T, PilotRegistered> || std::is_same_v<T, CorpCreated>) {
    f("fields", p.fields);
  } else if constexpr (std::is_same_v<T, PilotFieldsChanged> || std::is_same_v<T, CorpChanged>) {
    f("changes", p.changes);
  } else if constexpr (std::is_same_v<T, PilotLinkedToDiscord>) {
    f("user_id", p.user_id);
  } else if constexpr (std::is_same_v<T, AltLinked> || std::is_same_v<T, AltUnlinked>) {
    f("main", p.main);
  } else if constexpr (std::is_same_v<T, PilotLeftAlliance> || std::is_same_v<T, CorpRemoved>) {
    f("reason", p.reason);
  } else if constexpr (std::is_same_v<T, ImportBatchCommitted>) {
    f("batch_id", p.batch_id);
    f("origin", p.origin);
    f("rows_added", p.rows_added);
    f("rows_changed", p.rows_changed);
    f("rows_removed", p.rows_removed);
    f("cells_rejected", p.cells_rejected);
  } else if constexpr (std::is_same_v<T, ConflictDetected>) {
    f("conflict_id", p.conflict_id);
    f("table", p.table);
    f("key", p.key);
    f("field", p.field);
    f("sheet_value", p.sheet_value);
    f("log_value", p.log_value);
    f("log_seq", p.log_seq);
    f("sheet_origin", p.sheet_origin);
  } else if constexpr (std::is_same_v<T, ConflictResolved>) {
    f("conflict_id", p.conflict_id);
    f("winner", p.winner);
    f("value", p.value);
    f("policy", p.policy);
  } else if constexpr (std::is_same_v<T, EventReverted>) {
    f("reverted_seq", p.reverted_seq);
  } else {
    static_assert(std::is_same_v<T, SheetEditRejected>, "every payload type lists its members");
    f("table", p.table);
    f("key", p.key);
    f("field", p.field);
    f("value", p.value);
    f("reason", p.reason);
    f("sheet_origin", p.sheet_origin);
  }
}

// Whether the `n` bytes at `a` and `b` are equal. Short runs (member names,
// type names) are compared as two overlapping words each: GCC calls memcmp for
// most lengths, which costs more than the comparison.
inline bool SameBytes(const char* a, const char* b, std::size_t n) {
  auto same = [a, b](std::size_t at, auto word) {
    decltype(word) x, y;
    std::memcpy(&x, a + at, sizeof x);
    std::memcpy(&y, b + at, sizeof y);
    return x == y;
  };
  if (n >= 8) {
    if (n > 16) return std::memcmp(a, b, n) == 0;
    return same(0, std::uint64_t{}) && same(n - 8, std::uint64_t{});
  }
  if (n >= 4) return same(0, std::uint32_t{}) && same(n - 4, std::uint32_t{});
  for (std::size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

// Whether member name `key` is `name`.
inline bool IsName(std::string_view key, std::string_view name) {
  return key.size() == name.size() && SameBytes(key.data(), name.data(), name.size());
}

// Map nodes (each a column name and a value) that a reused Event's Fields no
// longer hold, kept for its next payload: a replay then neither allocates nor
// frees a node and its strings per field.
class FieldNodes {
 public:
  // Moves the nodes of `fields` here (up to a bound; the rest are freed).
  void Recycle(Fields& fields) {
    while (!fields.empty() && spare_.size() < kMaxSpare) {
      spare_.push_back(fields.extract(fields.begin()));
    }
    fields.clear();
  }

  // Adds key -> value to `fields` unless the key is there already (the first of
  // a repeated member stands, as with std::map::emplace).
  void Add(Fields& fields, std::string_view key, std::string_view value) {
    if (spare_.empty()) {
      fields.emplace(key, value);
      return;
    }
    Fields::node_type node = std::move(spare_.back());
    spare_.pop_back();
    node.key().assign(key);
    node.mapped().assign(value);
    // Records list the fields in order, so the end is the right hint.
    fields.insert(fields.end(), std::move(node));
    if (!node.empty()) spare_.push_back(std::move(node));  // a repeated key
  }

 private:
  static constexpr std::size_t kMaxSpare = 64;
  std::vector<Fields::node_type> spare_;
};

// A member back at its default; a Fields' nodes go to `nodes`.
inline void Clear(std::string& s, FieldNodes&) { s.clear(); }
inline void Clear(std::uint64_t& n, FieldNodes&) { n = 0; }
inline void Clear(Fields& fields, FieldNodes& nodes) { nodes.Recycle(fields); }

// The index in Payload of the type named `type`, or std::variant_npos.
inline std::size_t TypeIndex(const std::vector<std::string_view>& names, std::string_view type) {
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i].size() == type.size() && SameBytes(names[i].data(), type.data(), type.size())) {
      return i;
    }
  }
  return std::variant_npos;
}

// Makes `payload` an empty payload of type `index` (every member at its default,
// as the record may leave some out). A payload of that type already there is
// cleared in place, keeping its storage. `index` is a valid TypeIndex.
template <std::size_t I = 0>
void ResetPayload(std::size_t index, Payload& payload, FieldNodes& nodes) {
  if constexpr (I < std::variant_size_v<Payload>) {
    if (index != I) return ResetPayload<I + 1>(index, payload, nodes);
    if (payload.index() != I) {
      std::visit([&](auto& p) { ForEachMember(p, [&](auto, auto& m) { Clear(m, nodes); }); },
                 payload);
      payload.emplace<I>();
    } else {
      ForEachMember(std::get<I>(payload), [&](auto, auto& m) { Clear(m, nodes); });
    }
  }
}

}  // namespace kraken::codec_internal
