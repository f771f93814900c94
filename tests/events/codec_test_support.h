#pragma once
// Helpers shared by the codec's tests (codec_test.cc and codec_decode_paths_test.cc):
// events of every payload type with every member set, and a text form of an event
// that spells out every member, to compare decoded events with.

#include <fmt/format.h>

#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "events/codec.h"

namespace kraken::testing {

inline std::string Show(const Fields& fields) {
  std::string out = "{";
  for (const auto& [k, v] : fields) out += fmt::format("{:?}={:?} ", k, v);
  return out + "}";
}

// Every member of every payload type, spelled out here rather than taken from the
// codec, so a member the codec forgets shows up as a difference.
inline std::string Show(const Payload& payload) {
  return std::visit(
      [](const auto& p) -> std::string {
        using T = std::decay_t<decltype(p)>;
        const std::string type(TypeName(Payload(p)));
        if constexpr (std::is_same_v<T, PilotRegistered> || std::is_same_v<T, CorpCreated>) {
          return type + Show(p.fields);
        } else if constexpr (std::is_same_v<T, PilotFieldsChanged> ||
                             std::is_same_v<T, CorpChanged>) {
          return type + Show(p.changes);
        } else if constexpr (std::is_same_v<T, PilotLinkedToDiscord>) {
          return fmt::format("{}({:?})", type, p.user_id);
        } else if constexpr (std::is_same_v<T, AltLinked> || std::is_same_v<T, AltUnlinked>) {
          return fmt::format("{}({:?})", type, p.main);
        } else if constexpr (std::is_same_v<T, PilotLeftAlliance> ||
                             std::is_same_v<T, CorpRemoved>) {
          return fmt::format("{}({:?})", type, p.reason);
        } else if constexpr (std::is_same_v<T, ImportBatchCommitted>) {
          return fmt::format("{}({:?} {:?} {} {} {} {})", type, p.batch_id, p.origin, p.rows_added,
                             p.rows_changed, p.rows_removed, p.cells_rejected);
        } else if constexpr (std::is_same_v<T, ConflictDetected>) {
          return fmt::format("{}({:?} {:?} {:?} {:?} {:?} {:?} {} {:?})", type, p.conflict_id,
                             p.table, p.key, p.field, p.sheet_value, p.log_value, p.log_seq,
                             p.sheet_origin);
        } else if constexpr (std::is_same_v<T, ConflictResolved>) {
          return fmt::format("{}({:?} {:?} {:?} {:?})", type, p.conflict_id, p.winner, p.value,
                             p.policy);
        } else if constexpr (std::is_same_v<T, EventReverted>) {
          return fmt::format("{}({})", type, p.reverted_seq);
        } else {
          return fmt::format("{}({:?} {:?} {:?} {:?} {:?} {:?})", type, p.table, p.key, p.field,
                             p.value, p.reason, p.sheet_origin);
        }
      },
      payload);
}

inline std::string Show(const Event& e) {
  return fmt::format(
      "seq={} ver={} ts={} hash={} stream={:?} src={} actor={:?} idem={:?} "
      "corr={:?} v={} {}",
      e.seq, e.version, e.ts_us, e.hash, e.stream, SourceName(e.source), e.actor, e.idempotency_key,
      e.correlation_id, e.schema_version, Show(e.payload));
}

// One payload of each type, with every member set to something other than its default.
inline std::vector<Payload> OneOfEachType() {
  return {
      PilotRegistered{{{"corp", "KRKN"}, {"clone", "Omega"}, {"timezone", "UTC+2"}}},
      PilotFieldsChanged{{{"clone", "Alpha"}, {"notes", ""}}},
      PilotLinkedToDiscord{"123456789012345678"},
      AltLinked{"Kaelen Voss"},
      AltUnlinked{"Kaelen Voss"},
      PilotLeftAlliance{"moved to another alliance"},
      CorpCreated{{{"name", "Kraken Industries"}, {"status", "member"}}},
      CorpChanged{{{"ceo", "Kaelen Voss"}}},
      CorpRemoved{"disbanded"},
      ImportBatchCommitted{"b-17", "Pilots sheet", 12, 3, 1, 2},
      ConflictDetected{"c-9", "pilot", "Kaelen Voss", "clone", "Alpha", "Omega", 41, "Pilots!C12"},
      ConflictResolved{"c-9", "sheet", "Alpha", "sheet-wins"},
      EventReverted{41},
      SheetEditRejected{"pilot", "Kaelen Voss", "corp", "XXXX", "corp 'XXXX' not found",
                        "Pilots!D7"},
  };
}

inline Event MakeEvent(std::uint64_t seq, Payload payload) {
  Event e;
  e.seq = seq;
  e.version = 3;
  e.ts_us = 1796398313123456;
  e.hash = "5d41402abc4b2a76b9719d911017c5925d41402abc4b2a76b9719d911017c592";
  e.stream = PilotStream("Kaelen Voss");
  e.source = Source::kDiscord;
  e.actor = "998877665544332211";
  e.idempotency_key = "idem-1";
  e.correlation_id = "sync-7";
  e.payload = std::move(payload);
  return e;
}

}  // namespace kraken::testing
