#pragma once
// A parsed JSON document as a plain tree, so the emulator's request handlers and
// its state file reader walk bodies without simdjson in their headers. Bodies are
// small (the API recommends at most 2 MB), so the copy costs nothing that matters.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "events/result.h"

namespace kraken::sheets::emu {

class JsonValue {
 public:
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };
  using Member = std::pair<std::string, JsonValue>;

  // kInvalidArgument naming the parser's complaint when `text` is not JSON.
  static Result<JsonValue> Parse(std::string_view text);

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::kNull; }
  bool is_bool() const { return type_ == Type::kBool; }
  bool is_number() const { return type_ == Type::kNumber; }
  bool is_string() const { return type_ == Type::kString; }
  bool is_array() const { return type_ == Type::kArray; }
  bool is_object() const { return type_ == Type::kObject; }
  // True for a number with no fraction that fits an int (sheet ids, indexes).
  bool is_int() const;

  bool boolean() const { return boolean_; }
  double number() const { return number_; }
  int as_int() const { return static_cast<int>(number_); }
  const std::string& string() const { return string_; }
  const std::vector<JsonValue>& items() const { return items_; }
  const std::vector<Member>& members() const { return members_; }

  // The member named `key`, or nullptr (also when this is not an object).
  const JsonValue* Get(std::string_view key) const;

  // Builders, for the parser.
  static JsonValue Null() { return JsonValue(); }
  static JsonValue Bool(bool b);
  static JsonValue Number(double n);
  static JsonValue String(std::string s);
  static JsonValue Array(std::vector<JsonValue> items);
  static JsonValue Object(std::vector<Member> members);

 private:
  Type type_ = Type::kNull;
  bool boolean_ = false;
  double number_ = 0;
  std::string string_;
  std::vector<JsonValue> items_;
  std::vector<Member> members_;
};

}  // namespace kraken::sheets::emu
