#include "events/codec.h"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <iterator>

#include "events/json_text.h"
#include "events/payload_members.h"

namespace kraken {
namespace {

using codec_internal::ForEachMember;

constexpr std::string_view kHashPrefix = ",\"hash\":\"";
constexpr std::size_t kHashSuffixLength = kHashPrefix.size() + kHashHexLength + 2;  // "}

void AppendValue(std::string& out, const std::string& s) { AppendJsonString(out, s); }
void AppendValue(std::string& out, std::uint64_t n) {
  fmt::format_to(std::back_inserter(out), "{}", n);
}
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
  fmt::format_to(it,
                 ",\"ver\":{},\"type\":\"{}\",\"ts\":\"{}\",\"src\":\"{}\",\"actor\":", e.version,
                 e.type(), FormatTimestamp(e.ts_us), SourceName(e.source));
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
  const bool well_formed =
      record.size() > kHashSuffixLength &&
      record.substr(record.size() - kHashSuffixLength, kHashPrefix.size()) == kHashPrefix &&
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

}  // namespace kraken
