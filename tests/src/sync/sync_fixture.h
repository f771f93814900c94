#pragma once
// Small tabs for the projector's pure tests: a three-column pilot table.

#include <string>
#include <vector>

#include "src/sync/tab_model.h"
#include "src/sync/three_way.h"

namespace kraken::sync::testing {

using Grid = std::vector<std::vector<std::string>>;

inline const std::vector<std::string> kColumns = {"name", "corp", "clone"};

inline TabModel Model(const std::vector<std::vector<std::string>>& rows_with_ids) {
  TabModel model;
  model.columns = kColumns;
  for (const auto& r : rows_with_ids) {
    model.ids.push_back(r[0]);
    model.rows[r[0]] = std::vector<std::string>(r.begin() + 1, r.end());
  }
  return model;
}

inline TabBase Base(const TabModel& model) {
  TabBase base;
  base.columns = model.columns;
  for (const auto& [id, values] : model.rows) base.rows.emplace(id, values);
  return base;
}

inline Policy LogWins(const std::string&) { return Policy::kLogWins; }

}  // namespace kraken::sync::testing
