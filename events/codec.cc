#include "events/codec.h"

#include <fmt/format.h>

#include <simdjson.h>

#include <algorithm>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "events/json_text.h"

namespace kraken {
namespace {

namespace od = simdjson::ondemand;

constexpr std::string_view kHashPrefix = ",\"hash\":\"";
constexpr std::size_t kHashSuffixLength = kHashPrefix.size() + kHashHexLength + 2;  // "}

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
  } else {
    static_assert(std::is_same_v<T, EventReverted>, "every payload type lists its members");
    f("reverted_seq", p.reverted_seq);
  }
}

void AppendValue(std::string& out, const std::string& s) { AppendJsonString(out, s); }
void AppendValue(std::string& out, std::uint64_t n) { fmt::format_to(std::back_inserter(out), "{}", n); }
void AppendValue(std::string& out, const Fields& fields) {
  out.push_back('{');
  bool first = true;
  for (const auto& [k, v] : fields) {
    if (!first) out.push_back(',');
    first = false;
    AppendJsonString(out, k);
    out.push_back(':');
    AppendJsonString(out, v);
  }
  out.push_back('}');
}

void AppendPayload(std::string& out, const Payload& payload) {
  out.push_back('{');
  bool first = true;
  std::visit(
      [&](const auto& p) {
        ForEachMember(p, [&](std::string_view name, const auto& member) {
          if (!first) out.push_back(',');
          first = false;
          AppendJsonString(out, name);
          out.push_back(':');
          AppendValue(out, member);
        });
      },
      payload);
  out.push_back('}');
}

// Decoding ------------------------------------------------------------------

simdjson::error_code ReadValue(od::value v, std::string& out) {
  std::string_view s;
  auto err = v.get_string().get(s);
  if (!err) out.assign(s);
  return err;
}
simdjson::error_code ReadValue(od::value v, std::uint64_t& out) { return v.get_uint64().get(out); }
simdjson::error_code ReadValue(od::value v, Fields& out) {
  od::object obj;
  if (auto err = v.get_object().get(obj)) return err;
  out.clear();
  for (auto field : obj) {
    std::string_view key, value;
    if (auto err = field.unescaped_key().get(key)) return err;
    if (auto err = field.value().get_string().get(value)) return err;
    out.emplace(std::string(key), std::string(value));
  }
  return simdjson::SUCCESS;
}

// Fills `payload`'s members from a "data" object; unknown members are ignored so
// that a field added later does not break older readers.
simdjson::error_code ReadPayload(od::object obj, Payload& payload, std::string& bad_member) {
  for (auto field : obj) {
    std::string_view key;
    if (auto err = field.unescaped_key().get(key)) return err;
    simdjson::error_code result = simdjson::SUCCESS;
    bool matched = false;
    std::visit(
        [&](auto& p) {
          ForEachMember(p, [&](std::string_view name, auto& member) {
            if (matched || name != key) return;
            matched = true;
            result = ReadValue(field.value(), member);
          });
        },
        payload);
    if (result) {
      bad_member.assign(key);
      return result;
    }
  }
  return simdjson::SUCCESS;
}

template <std::size_t I = 0>
bool EmplaceByName(std::string_view type, Payload& payload) {
  if constexpr (I < std::variant_size_v<Payload>) {
    if (AllTypeNames()[I] == type) {
      payload.emplace<I>();
      return true;
    }
    return EmplaceByName<I + 1>(type, payload);
  } else {
    return false;
  }
}

void FillPadded(std::string& buffer, std::string_view bytes) {
  buffer.reserve(bytes.size() + simdjson::SIMDJSON_PADDING);
  buffer.assign(bytes);
}

simdjson::padded_string_view Padded(const std::string& buffer) {
  return simdjson::padded_string_view(buffer.data(), buffer.size(), buffer.capacity());
}

}  // namespace

std::string EncodePayloadJson(const Payload& payload) {
  std::string out;
  AppendPayload(out, payload);
  return out;
}

std::string EncodeRecord(const Event& e) {
  std::string out;
  out.reserve(256);
  auto it = std::back_inserter(out);
  fmt::format_to(it, "{{\"seq\":{},\"stream\":", e.seq);
  AppendJsonString(out, e.stream);
  fmt::format_to(it, ",\"ver\":{},\"type\":\"{}\",\"ts\":\"{}\",\"src\":\"{}\",\"actor\":",
                 e.version, e.type(), FormatTimestamp(e.ts_us), SourceName(e.source));
  AppendJsonString(out, e.actor);
  if (!e.idempotency_key.empty()) {
    out.append(",\"idem\":");
    AppendJsonString(out, e.idempotency_key);
  }
  if (!e.correlation_id.empty()) {
    out.append(",\"corr\":");
    AppendJsonString(out, e.correlation_id);
  }
  fmt::format_to(it, ",\"v\":{},\"data\":", e.schema_version);
  AppendPayload(out, e.payload);
  out.append(kHashPrefix);
  if (e.hash.size() == kHashHexLength) {
    out.append(e.hash);
  } else {
    out.append(kHashHexLength, '0');
  }
  out.append("\"}");
  return out;
}

Result<std::string_view> HashedPart(std::string_view record) {
  const bool well_formed = record.size() > kHashSuffixLength &&
                           record.substr(record.size() - kHashSuffixLength, kHashPrefix.size()) ==
                               kHashPrefix &&
                           record.substr(record.size() - 2) == "\"}";
  const auto digits =
      well_formed ? record.substr(record.size() - 2 - kHashHexLength, kHashHexLength) : "";
  const bool hex = well_formed && std::all_of(digits.begin(), digits.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
  if (!hex) {
    return MakeError(ErrorCode::kCorrupt, "record does not end with its hash field");
  }
  return record.substr(0, record.size() - kHashSuffixLength);
}

void SetRecordHash(std::string& record, std::string_view hash_hex) {
  assert(hash_hex.size() == kHashHexLength && record.size() > kHashSuffixLength);
  record.replace(record.size() - 2 - kHashHexLength, kHashHexLength, hash_hex);
}

struct EventDecoder::Impl {
  explicit Impl(const UpcasterChain& chain) : upcasters(chain) {}

  const UpcasterChain& upcasters;
  od::parser parser;
  od::parser data_parser;  // for payloads that must be read after the envelope
  std::string buffer;
  std::string data_buffer;

  Result<Event> Decode(std::string_view record, std::uint64_t stored_seq);
  Error Corrupt(std::uint64_t seq, std::string_view what) const {
    return MakeError(ErrorCode::kCorrupt, fmt::format("event {} is corrupt: {}", seq, what));
  }
};

Result<Event> EventDecoder::Impl::Decode(std::string_view record, std::uint64_t stored_seq) {
  FillPadded(buffer, record);
  od::document doc;
  if (auto err = parser.iterate(Padded(buffer)).get(doc)) {
    return Corrupt(stored_seq, simdjson::error_message(err));
  }
  od::object obj;
  if (auto err = doc.get_object().get(obj)) return Corrupt(stored_seq, simdjson::error_message(err));

  Event e;
  e.schema_version = 0;
  std::string type;
  bool have_seq = false, have_payload = false, have_ts = false, have_v = false;
  std::string_view deferred_data;  // raw "data" when it cannot be read in place
  std::string bad_member;
  for (auto field : obj) {
    std::string_view key;
    if (auto err = field.unescaped_key().get(key)) return Corrupt(stored_seq, simdjson::error_message(err));
    simdjson::error_code err = simdjson::SUCCESS;
    if (key == "seq") {
      err = field.value().get_uint64().get(e.seq);
      have_seq = !err;
    } else if (key == "stream") {
      err = ReadValue(field.value(), e.stream);
    } else if (key == "ver") {
      err = field.value().get_uint64().get(e.version);
    } else if (key == "type") {
      err = ReadValue(field.value(), type);
    } else if (key == "ts") {
      std::string_view ts;
      err = field.value().get_string().get(ts);
      if (!err) {
        auto parsed = ParseTimestamp(ts);
        if (!parsed) return Corrupt(stored_seq, fmt::format("bad timestamp '{}'", ts));
        e.ts_us = *parsed;
        have_ts = true;
      }
    } else if (key == "src") {
      std::string_view src;
      err = field.value().get_string().get(src);
      if (!err) {
        auto parsed = ParseSource(src);
        if (!parsed) return Corrupt(stored_seq, fmt::format("unknown source '{}'", src));
        e.source = *parsed;
      }
    } else if (key == "actor") {
      err = ReadValue(field.value(), e.actor);
    } else if (key == "idem") {
      err = ReadValue(field.value(), e.idempotency_key);
    } else if (key == "corr") {
      err = ReadValue(field.value(), e.correlation_id);
    } else if (key == "v") {
      std::uint64_t v = 0;
      err = field.value().get_uint64().get(v);
      have_v = !err;
      // Saturate rather than truncate: 2^32 + 1 is a newer version, not version 1.
      e.schema_version = static_cast<std::uint32_t>(std::min<std::uint64_t>(v, UINT32_MAX));
    } else if (key == "hash") {
      err = ReadValue(field.value(), e.hash);
    } else if (key == "data") {
      od::object data;
      err = field.value().get_object().get(data);
      if (!err && !type.empty() && e.schema_version == kCurrentSchemaVersion) {
        if (!EmplaceByName(type, e.payload)) {
          return Corrupt(stored_seq, fmt::format("unknown event type '{}'", type));
        }
        err = ReadPayload(data, e.payload, bad_member);
        have_payload = !err;
      } else if (!err) {
        err = data.raw_json().get(deferred_data);
      }
    }
    if (err) {
      return Corrupt(stored_seq, fmt::format("field '{}'{}: {}", key,
                                             bad_member.empty() ? "" : "." + bad_member,
                                             simdjson::error_message(err)));
    }
  }
  // With the object read, the document must be at its end (OUT_OF_BOUNDS).
  if (doc.current_location().error() != simdjson::OUT_OF_BOUNDS) {
    return Corrupt(stored_seq, "trailing content after the record");
  }
  if (!have_seq || e.seq != stored_seq) {
    return Corrupt(stored_seq, fmt::format("it records sequence {}", have_seq ? e.seq : 0));
  }
  // Version 0 is a version like any other: the upcasters bring it up.
  if (type.empty() || !have_ts || e.stream.empty() || !have_v) {
    return Corrupt(stored_seq, "a required field (type, ts, stream, v) is missing");
  }
  if (e.schema_version > kCurrentSchemaVersion) {
    return MakeError(ErrorCode::kCorrupt,
                     fmt::format("event {} was written with schema version {} by a newer KRAKEN; "
                                 "this build reads up to version {}: upgrade KRAKEN",
                                 stored_seq, e.schema_version, kCurrentSchemaVersion));
  }
  if (!have_payload) {
    RawPayload raw{type, std::string(deferred_data.empty() ? "{}" : deferred_data)};
    if (e.schema_version < kCurrentSchemaVersion) {
      auto up = upcasters.Upcast(e.schema_version, kCurrentSchemaVersion, std::move(raw));
      if (!up.ok()) return Corrupt(stored_seq, up.error().message);
      raw = std::move(up).value();
      e.schema_version = kCurrentSchemaVersion;
    }
    if (!EmplaceByName(raw.type, e.payload)) {
      return Corrupt(stored_seq, fmt::format("unknown event type '{}'", raw.type));
    }
    FillPadded(data_buffer, raw.data_json);
    od::document data_doc;
    od::object data;
    auto err = data_parser.iterate(Padded(data_buffer)).get(data_doc);
    if (!err) err = data_doc.get_object().get(data);
    if (!err) err = ReadPayload(data, e.payload, bad_member);
    if (err) {
      return Corrupt(stored_seq, fmt::format("data{}: {}", bad_member.empty() ? "" : "." + bad_member,
                                             simdjson::error_message(err)));
    }
  }
  return e;
}

EventDecoder::EventDecoder(const UpcasterChain& upcasters)
    : impl_(std::make_unique<Impl>(upcasters)) {}
EventDecoder::~EventDecoder() = default;

Result<Event> EventDecoder::Decode(std::string_view record, std::uint64_t stored_seq) {
  return impl_->Decode(record, stored_seq);
}

}  // namespace kraken
