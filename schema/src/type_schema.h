#pragma once

#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "issa/core/status.h"

namespace issa::schema {

// One compiled JSON Schema node (the supported subset; unknown keywords are refused at load so
// that a schema never silently means less than it says).
struct SchemaNode {
  enum TypeBit : uint8_t {
    kNull = 1,
    kBoolean = 2,
    kObject = 4,
    kArray = 8,
    kNumber = 16,
    kInteger = 32,
    kString = 64,
  };
  enum class Format : uint8_t { kNone, kDate, kDateTime, kPartialDate, kCountry };

  uint8_t types = 0;  // 0 = any
  std::map<std::string, std::unique_ptr<SchemaNode>, std::less<>> properties;
  bool additional_properties = true;
  std::vector<std::string> required;
  std::vector<std::string> require_one_of;
  std::vector<nlohmann::json> enum_values;
  std::optional<std::regex> pattern;
  std::string pattern_text;
  Format format = Format::kNone;
  std::optional<size_t> min_length, max_length, min_items, max_items;
  std::optional<double> minimum, maximum;
  std::unique_ptr<SchemaNode> items;
  bool search = false;
  bool personal = false;
};

class TypeSchema {
 public:
  static Result<std::unique_ptr<TypeSchema>> Compile(const nlohmann::json& doc);
  // Validates `value` (the properties object); `path` prefixes error fields.
  Status Validate(const nlohmann::json& value) const;
  // Appends the text of "x-search" properties of a valid value.
  void CollectSearchText(const nlohmann::json& value, std::string& out) const;
  std::vector<std::string> PersonalProperties() const;
  // The record key of a valid value: the string of the property named by the top-level
  // "x-key" keyword; empty when the schema names none or the value lacks it.
  std::string KeyOf(const nlohmann::json& value) const;
  const std::string& key_property() const { return key_property_; }
  // "x-retention": "mask": personal properties are sealed, not erased, at depersonalisation.
  bool masked() const { return masked_; }
  // Whether a record with these properties is masked: "x-retention": "mask", or
  // {"mask_when": {"<property>": [values]}} and one of the properties holds one of its values.
  bool MasksRecord(const nlohmann::json& properties) const;
  const std::string& title() const { return title_; }

 private:
  std::unique_ptr<SchemaNode> root_;
  std::string title_;
  bool masked_ = false;
  std::string key_property_;  // "x-key", empty for none
  std::map<std::string, std::vector<std::string>> mask_when_;
};

bool IsIsoCountry(std::string_view code);

}  // namespace issa::schema
