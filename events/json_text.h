#pragma once
// Writing JSON text by hand, for the codec and the CLI's --json output. Reading
// is simdjson's job; this is the small other half.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kraken {

// Appends `s` as a quoted JSON string. Control characters are escaped; invalid
// UTF-8 is replaced by U+FFFD so the output always parses.
void AppendJsonString(std::string& out, std::string_view s);

// `s` as a quoted JSON string.
std::string JsonString(std::string_view s);

// Builds a JSON document in one string, placing commas and colons itself:
//   JsonWriter w;
//   w.BeginObject().Key("type").Int(4).Key("data").BeginObject()...EndObject().EndObject();
//   std::string body = w.Take();
// Misuse (a value where a key is due, unbalanced ends) is a bug: asserted.
class JsonWriter {
 public:
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(std::string_view key);
  JsonWriter& String(std::string_view value);
  JsonWriter& Int(std::int64_t value);
  JsonWriter& Uint(std::uint64_t value);
  JsonWriter& Double(double value);  // shortest round-trip form; NaN/inf become null
  JsonWriter& Bool(bool value);
  JsonWriter& Null();
  // A value that is already JSON text (inserted as is).
  JsonWriter& Raw(std::string_view json);

  const std::string& str() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  void BeforeValue();
  std::string out_;
  // One entry per open container: true once it holds an element.
  std::vector<bool> has_element_;
  bool after_key_ = false;
};

}  // namespace kraken
