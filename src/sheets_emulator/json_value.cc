#include "src/sheets_emulator/json_value.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <climits>
#include <cmath>

namespace kraken::sheets::emu {
namespace {

// Nesting deeper than this is no request the API would accept.
constexpr int kMaxDepth = 64;

Result<JsonValue> Convert(simdjson::dom::element e, int depth) {
  if (depth > kMaxDepth) {
    return MakeError(ErrorCode::kInvalidArgument, "JSON nested too deeply");
  }
  switch (e.type()) {
    case simdjson::dom::element_type::NULL_VALUE:
      return JsonValue::Null();
    case simdjson::dom::element_type::BOOL:
      return JsonValue::Bool(bool(e));
    case simdjson::dom::element_type::INT64:
      return JsonValue::Number(static_cast<double>(int64_t(e)));
    case simdjson::dom::element_type::UINT64:
      return JsonValue::Number(static_cast<double>(uint64_t(e)));
    case simdjson::dom::element_type::DOUBLE:
      return JsonValue::Number(double(e));
    case simdjson::dom::element_type::STRING:
      return JsonValue::String(std::string(std::string_view(e)));
    case simdjson::dom::element_type::ARRAY: {
      std::vector<JsonValue> items;
      for (simdjson::dom::element child : simdjson::dom::array(e)) {
        KRAKEN_ASSIGN_OR_RETURN(JsonValue v, Convert(child, depth + 1));
        items.push_back(std::move(v));
      }
      return JsonValue::Array(std::move(items));
    }
    case simdjson::dom::element_type::OBJECT: {
      std::vector<JsonValue::Member> members;
      for (simdjson::dom::key_value_pair kv : simdjson::dom::object(e)) {
        KRAKEN_ASSIGN_OR_RETURN(JsonValue v, Convert(kv.value, depth + 1));
        members.emplace_back(std::string(kv.key), std::move(v));
      }
      return JsonValue::Object(std::move(members));
    }
  }
  return JsonValue::Null();
}

}  // namespace

Result<JsonValue> JsonValue::Parse(std::string_view text) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  const simdjson::padded_string padded(text);
  if (auto err = parser.parse(padded).get(root)) {
    return MakeError(ErrorCode::kInvalidArgument, simdjson::error_message(err));
  }
  try {
    return Convert(root, 0);
  } catch (const simdjson::simdjson_error& e) {
    return MakeError(ErrorCode::kInvalidArgument, e.what());
  }
}

bool JsonValue::is_int() const {
  return type_ == Type::kNumber && std::floor(number_) == number_ && number_ >= INT_MIN &&
         number_ <= INT_MAX;
}

const JsonValue* JsonValue::Get(std::string_view key) const {
  for (const auto& [k, v] : members_) {
    if (k == key) return &v;
  }
  return nullptr;
}

JsonValue JsonValue::Bool(bool b) {
  JsonValue v;
  v.type_ = Type::kBool;
  v.boolean_ = b;
  return v;
}

JsonValue JsonValue::Number(double n) {
  JsonValue v;
  v.type_ = Type::kNumber;
  v.number_ = n;
  return v;
}

JsonValue JsonValue::String(std::string s) {
  JsonValue v;
  v.type_ = Type::kString;
  v.string_ = std::move(s);
  return v;
}

JsonValue JsonValue::Array(std::vector<JsonValue> items) {
  JsonValue v;
  v.type_ = Type::kArray;
  v.items_ = std::move(items);
  return v;
}

JsonValue JsonValue::Object(std::vector<Member> members) {
  JsonValue v;
  v.type_ = Type::kObject;
  v.members_ = std::move(members);
  return v;
}

}  // namespace kraken::sheets::emu
