#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

// A compact evaluator for the JSON Schema subset the OASIS STIX 2.1 schemas use (draft 2020-12
// keywords: $ref to other files and #/definitions, allOf/anyOf/oneOf/not, if/then/else, type,
// enum, const, pattern, min/maxLength, minimum/maximum, items, min/maxItems, uniqueItems,
// properties, required, additionalProperties, patternProperties, min/maxProperties,
// propertyNames, dependentRequired). Unknown keywords (title, description, format) are
// annotations. See docs/adr/0012-stix-taxii.md.
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
  enum class Matcher {
    kRegex,
    kTypeName,
    kExtName,
    kIdentifier,
    kTimestamp,
    kMillis,
    kHex,
    kBase64,
    kHex32,
    kHex40,
    kHex64,
    kHex128,
    kBinName,
    kHexName,
    kCustomName,
    kPrefix,  // ^literal
    kExact,   // ^literal$
  };
  struct Pattern {
    std::string text;
    Matcher matcher = Matcher::kRegex;
    std::string literal;                // for kPrefix and kExact
    std::unique_ptr<std::regex> regex;  // for kRegex
  };
  // One schema object with its keywords looked up once at load: the evaluator never searches
  // a schema by keyword name, resolves a $ref or finds a pattern by its text per value.
  struct Bounds {
    const nlohmann::json* min = nullptr;
    const nlohmann::json* max = nullptr;
  };
  struct Compiled {
    bool has_ref = false;
    const nlohmann::json* ref = nullptr;  // the $ref target, null when missing
    std::string ref_error;                // why it is missing
    const nlohmann::json* type = nullptr;
    uint8_t types = 0;  // `type` as bits (TypeBit in json_schema.cc)
    const nlohmann::json* enum_values = nullptr;
    const nlohmann::json* const_value = nullptr;
    const Pattern* pattern = nullptr;
    Bounds length;  // minLength, maxLength
    Bounds value;   // minimum, maximum
    Bounds count;   // minItems, maxItems
    Bounds size;    // minProperties, maxProperties
    bool unique_items = false;
    const nlohmann::json* items = nullptr;
    const nlohmann::json* required = nullptr;
    const nlohmann::json* dependent_required = nullptr;
    const nlohmann::json* properties = nullptr;
    std::vector<std::pair<const Pattern*, const nlohmann::json*>> pattern_properties;
    bool has_pattern_properties = false;
    const nlohmann::json* additional = nullptr;
    const nlohmann::json* property_names = nullptr;
    const nlohmann::json* all_of = nullptr;
    const nlohmann::json* any_of = nullptr;
    const nlohmann::json* one_of = nullptr;
    const nlohmann::json* not_schema = nullptr;
    const nlohmann::json* if_schema = nullptr;
    const nlohmann::json* then_schema = nullptr;
    const nlohmann::json* else_schema = nullptr;
  };
  // `quiet`: only whether the value is valid matters (an empty error stands for "invalid"),
  // so no message or path is formatted; messages are made by a second, loud evaluation.
  std::optional<SchemaError> Eval(const nlohmann::json& schema, const nlohmann::json& value,
                                  const std::string& path, int depth, bool quiet) const;
  static Matcher MatcherFor(const std::string& pattern, std::string& literal);
  static bool MatchPattern(const Pattern& pattern, const std::string& text);
  const Pattern* AddPattern(const std::string& pattern);
  void Compile(const nlohmann::json& schema, const std::string& doc);

  std::map<std::string, nlohmann::json> docs_;
  std::unordered_map<std::string, std::unique_ptr<Pattern>> patterns_;
  std::unordered_map<const nlohmann::json*, Compiled> compiled_;
  // compiled_ again, as an open-addressing table by address (the evaluator's hot lookup).
  size_t Slot(const nlohmann::json* schema) const {
    return static_cast<size_t>((reinterpret_cast<uintptr_t>(schema) >> 4) * 0x9E3779B97F4A7C15ULL >>
                               20) &
           lookup_mask_;
  }
  const Compiled* Find(const nlohmann::json* schema) const {
    if (lookup_.empty()) return nullptr;
    for (size_t i = Slot(schema);; i = (i + 1) & lookup_mask_) {
      if (lookup_[i].first == schema) return lookup_[i].second;
      if (lookup_[i].first == nullptr) return nullptr;
    }
  }
  std::vector<std::pair<const nlohmann::json*, const Compiled*>> lookup_;
  size_t lookup_mask_ = 0;
};

}  // namespace issa::cyber::detail
