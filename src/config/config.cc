#include "src/config/config.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <toml++/toml.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace kraken {
namespace {

Error Invalid(const std::string& origin, const std::string& what) {
  return MakeError(ErrorCode::kInvalidArgument, fmt::format("{}: {}", origin, what));
}

// Unknown keys are errors, not silently ignored: a typo must not go unnoticed.
Status CheckKeys(const toml::table& table, const std::set<std::string>& allowed,
                 const std::string& origin, std::string_view where) {
  for (const auto& [key, value] : table) {
    if (!allowed.contains(std::string(key.str()))) {
      return Invalid(origin,
                     fmt::format("unknown key '{}{}' (line {}); allowed here: {}", where, key.str(),
                                 key.source().begin.line, fmt::join(allowed, ", ")));
    }
  }
  return Ok{};
}

Result<Column> ParseColumn(const toml::table& t, const std::string& origin,
                           std::string_view where) {
  KRAKEN_RETURN_IF_ERROR(CheckKeys(
      t, {"name", "type", "values", "editable_by", "description", "max_length"}, origin, where));
  Column c;
  auto name = t["name"].value<std::string>();
  if (!name) return Invalid(origin, fmt::format("{}: every column needs a name", where));
  c.name = *name;
  const std::string type = t["type"].value_or<std::string>("text");
  auto parsed = ParseColumnType(type);
  if (!parsed) {
    return Invalid(origin, fmt::format("column '{}': unknown type '{}'; use text, integer, enum, "
                                       "date, pilot or corp",
                                       c.name, type));
  }
  c.type = *parsed;
  if (const auto* values = t["values"].as_array()) {
    for (const auto& v : *values) {
      auto s = v.value<std::string>();
      if (!s || s->empty()) {
        return Invalid(origin,
                       fmt::format("column '{}': values must be non-empty strings", c.name));
      }
      c.enum_values.push_back(*s);
    }
  }
  const std::string editor = t["editable_by"].value_or<std::string>("admin");
  if (editor == "self") {
    c.editor = Editor::kSelf;
  } else if (editor == "admin") {
    c.editor = Editor::kAdmin;
  } else {
    return Invalid(origin, fmt::format("column '{}': editable_by must be \"self\" (the pilot and "
                                       "admins) or \"admin\", not \"{}\"",
                                       c.name, editor));
  }
  c.description = t["description"].value_or<std::string>("");
  if (auto max = t["max_length"].value<std::int64_t>()) {
    if (*max < 1 || *max > 50000) {
      return Invalid(origin, fmt::format("column '{}': max_length must be 1 to 50000", c.name));
    }
    c.max_length = static_cast<std::size_t>(*max);
  }
  return c;
}

Status ParseColumns(const toml::table& root, Table table, Schema& schema,
                    const std::string& origin) {
  const std::string section(TableName(table));
  const auto* node = root.get(section);
  if (node == nullptr) return Ok{};
  const auto* sec = node->as_table();
  if (sec == nullptr) return Invalid(origin, fmt::format("'{}' must be a table", section));
  KRAKEN_RETURN_IF_ERROR(CheckKeys(*sec, {"columns"}, origin, section + "."));
  const auto* columns = (*sec)["columns"].as_array();
  if (columns == nullptr) {
    if (sec->contains("columns")) {
      return Invalid(origin, fmt::format("declare columns as [[{}.columns]] tables", section));
    }
    return Ok{};
  }
  for (const auto& entry : *columns) {
    const auto* t = entry.as_table();
    if (t == nullptr) {
      return Invalid(origin, fmt::format("declare columns as [[{}.columns]] tables", section));
    }
    KRAKEN_ASSIGN_OR_RETURN(Column column, ParseColumn(*t, origin, section + ".columns."));
    Status added = schema.AddColumn(table, std::move(column));
    if (!added.ok()) return Invalid(origin, added.error().message);
  }
  return Ok{};
}

void ApplyEnvironment(Config& config, const EnvLookup& env) {
  if (auto dir = env("KRAKEN_DATA_DIR"); dir && !dir->empty()) config.data_dir = *dir;
}

}  // namespace

EnvLookup ProcessEnvironment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

Result<Config> ParseConfig(std::string_view text, const std::string& origin, const EnvLookup& env) {
  toml::table root;
  try {
    root = toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    return Invalid(origin, fmt::format("line {}, column {}: {}", e.source().begin.line,
                                       e.source().begin.column, e.description()));
  }
  KRAKEN_RETURN_IF_ERROR(CheckKeys(root, {"data_dir", "pilot", "corp"}, origin, ""));
  Config config;
  config.source = origin;
  if (auto dir = root["data_dir"].value<std::string>()) config.data_dir = *dir;
  KRAKEN_RETURN_IF_ERROR(ParseColumns(root, Table::kPilot, config.schema, origin));
  KRAKEN_RETURN_IF_ERROR(ParseColumns(root, Table::kCorp, config.schema, origin));
  ApplyEnvironment(config, env);
  return config;
}

Result<Config> LoadConfig(const std::optional<std::string>& path, const EnvLookup& env) {
  std::optional<std::string> file = path;
  if (!file) file = env("KRAKEN_CONFIG");
  if (!file && std::filesystem::exists("kraken.toml")) file = "kraken.toml";
  if (!file) {
    Config config;
    config.source = "embedded defaults";
    ApplyEnvironment(config, env);
    return config;
  }
  std::ifstream in(*file, std::ios::binary);
  if (!in) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("cannot read config file '{}': {}; check the path (from --config "
                                 "or KRAKEN_CONFIG)",
                                 *file, std::strerror(errno)));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  return ParseConfig(buffer.str(), *file, env);
}

}  // namespace kraken
