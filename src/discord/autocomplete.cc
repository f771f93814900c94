// Autocomplete: suggestions for pilot names, corp tickers, field names and
// field values while the user types. Discord asks on every keystroke and cannot
// wait long, so this only reads the in-memory tables.

#include <fmt/format.h>

#include <algorithm>

#include "src/discord/handlers.h"

namespace kraken::discord {
namespace {

bool WordStart(std::string_view text, std::size_t at) {
  if (at == 0) return true;
  const char before = text[at - 1];
  return before == ' ' || before == '-' || before == '_' || before == '.' || before == '(';
}

// 0 exact, 1 prefix, 2 a word's prefix, 3 substring; nullopt: no match.
std::optional<int> Score(std::string_view text, std::string_view typed) {
  const std::string t = ToLower(text);
  if (typed.empty()) return 0;
  if (t == typed) return 0;
  int best = 4;
  for (std::size_t at = t.find(typed); at != std::string::npos; at = t.find(typed, at + 1)) {
    best = std::min(best, at == 0 ? 1 : WordStart(t, at) ? 2 : 3);
  }
  return best < 4 ? std::optional<int>(best) : std::nullopt;
}

AutocompleteChoice PilotChoice(const Row& pilot) {
  const std::string& corp = pilot.values[kPilotCorp];
  return {corp.empty() ? pilot.key() : fmt::format("{} ({})", pilot.key(), corp), pilot.key()};
}

std::vector<AutocompleteChoice> Pilots(const Roster& roster, const Actor& actor, Completion which) {
  std::vector<AutocompleteChoice> out;
  for (const Row* row : roster.Rows(Table::kPilot)) {
    const bool keep =
        which == Completion::kPilot ||
        (which == Completion::kOwnPilot && (actor.admin || Owns(roster, actor.id, *row))) ||
        (which == Completion::kClaimable &&
         (!Claimed(roster, *row) || Owns(roster, actor.id, *row)));
    if (keep) out.push_back(PilotChoice(*row));
  }
  return out;
}

std::vector<AutocompleteChoice> Corps(const Roster& roster) {
  std::vector<AutocompleteChoice> out;
  for (const Row* row : roster.Rows(Table::kCorp)) {
    const std::string& name = row->values[kCorpName];
    out.push_back(
        {name.empty() ? row->key() : fmt::format("{}: {}", row->key(), name), row->key()});
  }
  return out;
}

// Values for the column the sibling "field" option names: an enum's values,
// existing pilots or corps for a reference; nothing for free text.
std::vector<AutocompleteChoice> FieldValues(const Roster& roster, const Call& call,
                                            const OptionSpec& spec) {
  const Column* column = roster.schema().Find(spec.table, call.String("field"));
  if (column == nullptr) return {};
  if (!call.actor.admin && column->editor != Editor::kSelf) return {};
  std::vector<AutocompleteChoice> out;
  switch (column->type) {
    case ColumnType::kEnum:
      for (const auto& v : column->enum_values) out.push_back({v, v});
      return out;
    case ColumnType::kCorpRef:
      return Corps(roster);
    case ColumnType::kPilotRef:
      return Pilots(roster, call.actor, Completion::kPilot);
    default:
      return out;
  }
}

}  // namespace

std::vector<AutocompleteChoice> Rank(std::vector<AutocompleteChoice> candidates,
                                     std::string_view typed, bool match_names) {
  const std::string query = ToLower(typed);
  struct Scored {
    int score;
    std::string key;
    AutocompleteChoice choice;
  };
  std::vector<Scored> scored;
  for (AutocompleteChoice& c : candidates) {
    auto by_value = Score(c.value, query);
    auto by_name = match_names ? Score(c.name, query) : std::nullopt;
    if (!by_value && !by_name) continue;
    const int score = std::min(by_value.value_or(4), by_name.value_or(4));
    scored.push_back({score, ToLower(c.name), std::move(c)});
  }
  const std::size_t keep = std::min(scored.size(), kMaxChoices);
  std::partial_sort(scored.begin(), scored.begin() + static_cast<std::ptrdiff_t>(keep),
                    scored.end(), [](const Scored& a, const Scored& b) {
                      return a.score != b.score ? a.score < b.score : a.key < b.key;
                    });
  std::vector<AutocompleteChoice> out;
  for (std::size_t i = 0; i < keep; ++i) out.push_back(std::move(scored[i].choice));
  return out;
}

std::vector<AutocompleteChoice> Complete(const Catalogue& catalogue, const Call& call) {
  const Interaction& interaction = call.interaction;
  const std::vector<OptionSpec>* specs = catalogue.Find(interaction.path);
  const OptionValue* focused = interaction.Focused();
  if (specs == nullptr || focused == nullptr) return {};
  // Hidden isn't secret enough: a non-admin gets nothing from /admin.
  if (interaction.path.front() == "admin" && !call.actor.admin) return {};
  const OptionSpec* spec = FindOption(*specs, focused->name);
  if (spec == nullptr) return {};
  std::string typed;
  switch (focused->kind) {
    case OptionValue::Kind::kString:
      typed = focused->string_value;
      break;
    case OptionValue::Kind::kInteger:
      typed = std::to_string(focused->int_value);
      break;
    default:
      break;
  }
  return call.roster.Read([&](const AllianceState& state) -> std::vector<AutocompleteChoice> {
    const Roster& roster = state.roster();
    switch (spec->completion) {
      case Completion::kPilot:
      case Completion::kOwnPilot:
      case Completion::kClaimable:
        return Rank(Pilots(roster, call.actor, spec->completion), typed, false);
      case Completion::kCorp:
        return Rank(Corps(roster), typed);
      case Completion::kField: {
        std::vector<AutocompleteChoice> fields;
        // As the catalogue lists them: /pilot set offers the self-editable ones.
        const bool all = interaction.path.front() == "admin";
        for (const Column* c : SettableColumns(roster.schema(), spec->table, all)) {
          fields.push_back(
              {c->description.empty() ? c->name : c->name + ": " + c->description, c->name});
        }
        return Rank(std::move(fields), typed);
      }
      case Completion::kFieldValue: {
        const Column* column = roster.schema().Find(spec->table, call.String("field"));
        const bool pilots = column != nullptr && column->type == ColumnType::kPilotRef;
        return Rank(FieldValues(roster, call, *spec), typed, !pilots);
      }
      case Completion::kNone:
        break;
    }
    return {};
  });
}

}  // namespace kraken::discord
