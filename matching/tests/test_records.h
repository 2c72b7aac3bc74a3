#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "issa/core/model.h"
#include "issa/matching/matcher.h"

namespace issa::matching::testing {

inline core::Record MakeRecord(std::string id, std::string type, std::string owner,
                               const nlohmann::json& properties) {
  core::Record r;
  r.id = std::move(id);
  r.type = std::move(type);
  r.owner = std::move(owner);
  r.properties_json = properties.dump();
  return r;
}

inline core::Record Person(std::string id, const nlohmann::json& properties,
                           std::string owner = "FR-DGSI") {
  return MakeRecord(std::move(id), "Person", std::move(owner), properties);
}

inline const Candidate* FindId(const std::vector<Candidate>& v, std::string_view id) {
  const auto it =
      std::find_if(v.begin(), v.end(), [id](const Candidate& c) { return c.record_id == id; });
  return it == v.end() ? nullptr : &*it;
}

inline bool HasFeature(const Candidate& c, std::string_view feature) {
  return std::find(c.features.begin(), c.features.end(), feature) != c.features.end();
}

}  // namespace issa::matching::testing
