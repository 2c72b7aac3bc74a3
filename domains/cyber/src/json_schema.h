#pragma once

#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

// A compact evaluator for the JSON Schema subset the OASIS STIX 2.1 schemas use (draft 2020-12
// keywords: $ref to other files and #/definitions, allOf/anyOf/oneOf/not, if/then/else, type,
// enum, const, pattern, min/maxLength, minimum/maximum, items, min/maxItems, uniqueItems,
// properties, required, additionalProperties, patternProperties, min/maxProperties,
// propertyNames, dependentRequired). Unknown keywords (title, description, format) are
// annotations. See docs/adr/0007-stix-taxii.md.
namespace issa::cyber::detail {

struct SchemaError {
  std::string path;  // "kill_chain_phases[0].phase_name", empty for the object itself
  std::string message;
};

// Thread-safe after Load (read-only).
class SchemaSet {
 public:
  // Files as (relative name "sdos/indicator.json", JSON text). Returns an error text or "".
  std::string Load(const std::vector<std::pair<std::string, std::string>>& files);
  bool Has(const std::string& name) const { return docs_.contains(name); }
  // Validates `value` against the document `name`; nullopt when valid.
  std::optional<SchemaError> Validate(const std::string& name, const nlohmann::json& value) const;

 private:
  struct Ctx;
  std::optional<SchemaError> Eval(const nlohmann::json& schema, const std::string& doc,
                                  const nlohmann::json& value, const std::string& path,
                                  int depth) const;
  bool MatchPattern(const std::string& pattern, const std::string& text) const;
  void CompilePatterns(const nlohmann::json& schema);

  std::map<std::string, nlohmann::json> docs_;
  std::map<std::string, std::regex> regexes_;
};

}  // namespace issa::cyber::detail
