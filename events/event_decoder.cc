// EventDecoder, declared in codec.h: the decoding half of the codec. Records as
// KRAKEN writes them go through the fast path (canonical_record.h); this file
// holds the general decoder, which reads any valid record (members in any
// order, whitespace, escapes, older schema versions) and reports malformed ones.
#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "events/canonical_record.h"
#include "events/codec.h"
#include "events/payload_members.h"

namespace kraken {
namespace {

namespace od = simdjson::ondemand;
using codec_internal::DecodeCanonicalRecord;
using codec_internal::FieldNodes;
using codec_internal::ForEachMember;
using codec_internal::ResetPayload;
using codec_internal::TypeIndex;

simdjson::error_code ReadValue(od::value v, std::string& out, FieldNodes&) {
  std::string_view s;
  auto err = v.get_string().get(s);
  if (!err) out.assign(s);
  return err;
}
simdjson::error_code ReadValue(od::value v, std::uint64_t& out, FieldNodes&) {
  return v.get_uint64().get(out);
}
simdjson::error_code ReadValue(od::value v, Fields& out, FieldNodes& nodes) {
  od::object obj;
  if (auto err = v.get_object().get(obj)) return err;
  nodes.Recycle(out);
  for (auto field : obj) {
    std::string_view key, value;
    if (auto err = field.unescaped_key().get(key)) return err;
    if (auto err = field.value().get_string().get(value)) return err;
    nodes.Add(out, key, value);
  }
  return simdjson::SUCCESS;
}

// Fills `payload`'s members from a "data" object; unknown members are ignored so
// that a field added later does not break older readers.
simdjson::error_code ReadPayload(od::object obj, Payload& payload, FieldNodes& nodes,
                                 std::string& bad_member) {
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
            result = ReadValue(field.value(), member, nodes);
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

// Copies `bytes` into `buffer` with simdjson's padding after them. The buffer
// only grows, so decoding many records settles on one allocation.
void FillPadded(std::string& buffer, std::string_view bytes) {
  const std::size_t needed = bytes.size() + simdjson::SIMDJSON_PADDING;
  if (buffer.capacity() < needed) buffer.reserve(std::max(needed, 2 * buffer.capacity()));
  buffer.assign(bytes);
}

simdjson::padded_string_view Padded(const std::string& buffer) {
  return simdjson::padded_string_view(buffer.data(), buffer.size(), buffer.capacity());
}

}  // namespace

struct EventDecoder::Impl {
  explicit Impl(const UpcasterChain& chain) : upcasters(chain), type_names(AllTypeNames()) {}

  const UpcasterChain& upcasters;
  const std::vector<std::string_view>& type_names;
  od::parser parser;
  od::parser data_parser;  // for payloads that must be read after the envelope
  std::string buffer;
  std::string data_buffer;
  FieldNodes nodes;  // kept from one event's Fields for the next

  Status DecodeInto(std::string_view record, std::uint64_t stored_seq, Event& e);
  Status DecodeGeneral(std::string_view record, std::uint64_t stored_seq, Event& e);
  Error Corrupt(std::uint64_t seq, std::string_view what) const {
    return MakeError(ErrorCode::kCorrupt, fmt::format("event {} is corrupt: {}", seq, what));
  }
};

Status EventDecoder::Impl::DecodeInto(std::string_view record, std::uint64_t stored_seq, Event& e) {
  // The fast path takes a record only when it would decode it exactly as the
  // general decoder does; it never reports an error itself.
  if (DecodeCanonicalRecord(record, stored_seq, type_names, nodes, e)) return Ok{};
  return DecodeGeneral(record, stored_seq, e);
}

Status EventDecoder::Impl::DecodeGeneral(std::string_view record, std::uint64_t stored_seq,
                                         Event& e) {
  FillPadded(buffer, record);
  od::document doc;
  if (auto err = parser.iterate(Padded(buffer)).get(doc)) {
    return Corrupt(stored_seq, simdjson::error_message(err));
  }
  od::object obj;
  if (auto err = doc.get_object().get(obj))
    return Corrupt(stored_seq, simdjson::error_message(err));

  // What the record leaves out is as in a new Event; the payload is reset when
  // its type is known.
  e.seq = 0;
  e.version = 0;
  e.ts_us = 0;
  e.hash.clear();
  e.stream.clear();
  e.source = Source::kSystem;
  e.actor.clear();
  e.idempotency_key.clear();
  e.correlation_id.clear();
  e.schema_version = 0;
  std::string_view type;           // in `buffer` or the parser's: valid for this record
  std::string_view deferred_data;  // raw "data" when it cannot be read in place
  bool have_seq = false, have_payload = false, have_ts = false, have_v = false;
  std::string bad_member;
  for (auto field : obj) {
    std::string_view key;
    if (auto err = field.unescaped_key().get(key))
      return Corrupt(stored_seq, simdjson::error_message(err));
    simdjson::error_code err = simdjson::SUCCESS;
    if (key == "seq") {
      err = field.value().get_uint64().get(e.seq);
      have_seq = !err;
    } else if (key == "stream") {
      err = ReadValue(field.value(), e.stream, nodes);
    } else if (key == "ver") {
      err = field.value().get_uint64().get(e.version);
    } else if (key == "type") {
      err = field.value().get_string().get(type);
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
      err = ReadValue(field.value(), e.actor, nodes);
    } else if (key == "idem") {
      err = ReadValue(field.value(), e.idempotency_key, nodes);
    } else if (key == "corr") {
      err = ReadValue(field.value(), e.correlation_id, nodes);
    } else if (key == "v") {
      std::uint64_t v = 0;
      err = field.value().get_uint64().get(v);
      have_v = !err;
      // Saturate rather than truncate: 2^32 + 1 is a newer version, not version 1.
      e.schema_version = static_cast<std::uint32_t>(std::min<std::uint64_t>(v, UINT32_MAX));
    } else if (key == "hash") {
      err = ReadValue(field.value(), e.hash, nodes);
      if (!err && !IsHashHex(e.hash)) {
        return Corrupt(stored_seq, "the hash is not 64 lower-case hex digits");
      }
    } else if (key == "data") {
      od::object data;
      err = field.value().get_object().get(data);
      if (!err && !type.empty() && e.schema_version == kCurrentSchemaVersion) {
        const std::size_t index = TypeIndex(type_names, type);
        if (index == std::variant_npos) {
          return Corrupt(stored_seq, fmt::format("unknown event type '{}'", type));
        }
        ResetPayload(index, e.payload, nodes);
        err = ReadPayload(data, e.payload, nodes, bad_member);
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
    RawPayload raw{std::string(type), std::string(deferred_data.empty() ? "{}" : deferred_data)};
    if (e.schema_version < kCurrentSchemaVersion) {
      auto up = upcasters.Upcast(e.schema_version, kCurrentSchemaVersion, std::move(raw));
      if (!up.ok()) return Corrupt(stored_seq, up.error().message);
      raw = std::move(up).value();
      e.schema_version = kCurrentSchemaVersion;
    }
    const std::size_t index = TypeIndex(type_names, raw.type);
    if (index == std::variant_npos) {
      return Corrupt(stored_seq, fmt::format("unknown event type '{}'", raw.type));
    }
    ResetPayload(index, e.payload, nodes);
    FillPadded(data_buffer, raw.data_json);
    od::document data_doc;
    od::object data;
    auto err = data_parser.iterate(Padded(data_buffer)).get(data_doc);
    if (!err) err = data_doc.get_object().get(data);
    if (!err) err = ReadPayload(data, e.payload, nodes, bad_member);
    if (err) {
      return Corrupt(stored_seq,
                     fmt::format("data{}: {}", bad_member.empty() ? "" : "." + bad_member,
                                 simdjson::error_message(err)));
    }
  }
  return Ok{};
}

EventDecoder::EventDecoder(const UpcasterChain& upcasters)
    : impl_(std::make_unique<Impl>(upcasters)) {}
EventDecoder::~EventDecoder() = default;

Result<Event> EventDecoder::Decode(std::string_view record, std::uint64_t stored_seq) {
  Event event;
  Status decoded = impl_->DecodeInto(record, stored_seq, event);
  if (!decoded.ok()) return decoded.take_error();
  return event;
}

Status EventDecoder::DecodeInto(std::string_view record, std::uint64_t stored_seq, Event& out) {
  return impl_->DecodeInto(record, stored_seq, out);
}

}  // namespace kraken
