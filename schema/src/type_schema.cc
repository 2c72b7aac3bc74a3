#include "type_schema.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <set>
#include <string_view>

#include <fmt/format.h>

#include "issa/core/time.h"

namespace issa::schema {
namespace {

using json = nlohmann::json;

constexpr std::string_view kCountries =
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR "
    "BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ "
    "EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW "
    "GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY "
    "KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV "
    "MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY "
    "QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG "
    "TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA "
    "ZM ZW";

const std::set<std::string_view> kKnownKeywords = {
    "$schema",     "$id",         "title",
    "description", "type",        "properties",
    "required",    "enum",        "pattern",
    "format",      "minLength",   "maxLength",
    "minimum",     "maximum",     "items",
    "minItems",    "maxItems",    "additionalProperties",
    "x-search",    "x-personal",  "x-require-one-of",
    "examples",    "x-retention", "x-key"};

size_t CodePoints(const std::string& s) {
  size_t n = 0;
  for (const char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

bool IsPartialDate(const std::string& s) {
  if (s.size() == 4) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  }
  if (s.size() == 7) {
    if (!IsPartialDate(s.substr(0, 4)) || s[4] != '-') return false;
    if (s[5] < '0' || s[5] > '1' || s[6] < '0' || s[6] > '9') return false;
    const int m = (s[5] - '0') * 10 + (s[6] - '0');
    return m >= 1 && m <= 12;
  }
  return core::ParseDate(s).ok();
}

std::string_view TypeName(const json& v) {
  switch (v.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "boolean";
    case json::value_t::object:
      return "object";
    case json::value_t::array:
      return "array";
    case json::value_t::string:
      return "string";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "integer";
    case json::value_t::number_float:
      return "number";
    default:
      return "value";
  }
}

std::string TypesText(uint8_t types) {
  static constexpr std::array<std::pair<uint8_t, std::string_view>, 7> kNames{{
      {SchemaNode::kNull, "null"},
      {SchemaNode::kBoolean, "boolean"},
      {SchemaNode::kObject, "object"},
      {SchemaNode::kArray, "array"},
      {SchemaNode::kNumber, "number"},
      {SchemaNode::kInteger, "integer"},
      {SchemaNode::kString, "string"},
  }};
  std::string out;
  for (const auto& [bit, name] : kNames) {
    if ((types & bit) != 0) {
      if (!out.empty()) out += " or ";
      out += name;
    }
  }
  return out;
}

Result<uint8_t> ParseTypeName(const json& t, std::string_view at) {
  if (!t.is_string()) return InvalidArgument("type must be a string", std::string(at));
  const std::string& s = t.get_ref<const std::string&>();
  if (s == "null") return uint8_t{SchemaNode::kNull};
  if (s == "boolean") return uint8_t{SchemaNode::kBoolean};
  if (s == "object") return uint8_t{SchemaNode::kObject};
  if (s == "array") return uint8_t{SchemaNode::kArray};
  if (s == "number") return uint8_t{SchemaNode::kNumber};
  if (s == "integer") return uint8_t{SchemaNode::kInteger};
  if (s == "string") return uint8_t{SchemaNode::kString};
  return InvalidArgument(fmt::format("unknown type '{}'", s), std::string(at));
}

Result<std::unique_ptr<SchemaNode>> CompileNode(const json& doc, const std::string& at) {
  if (!doc.is_object()) return InvalidArgument("a schema must be an object", at);
  auto node = std::make_unique<SchemaNode>();
  for (const auto& [key, value] : doc.items()) {
    if (!kKnownKeywords.contains(key)) {
      return InvalidArgument(fmt::format("unsupported schema keyword '{}'", key), at);
    }
  }
  const auto size_kw = [&](const char* kw, std::optional<size_t>& out) -> Status {
    if (!doc.contains(kw)) return Status::Ok();
    const json& v = doc[kw];
    if (!v.is_number_unsigned()) {
      return InvalidArgument(fmt::format("{} must be a non-negative integer", kw), at);
    }
    out = v.get<size_t>();
    return Status::Ok();
  };
  const auto num_kw = [&](const char* kw, std::optional<double>& out) -> Status {
    if (!doc.contains(kw)) return Status::Ok();
    if (!doc[kw].is_number()) return InvalidArgument(fmt::format("{} must be a number", kw), at);
    out = doc[kw].get<double>();
    return Status::Ok();
  };
  if (doc.contains("type")) {
    const json& t = doc["type"];
    if (t.is_array()) {
      for (const auto& one : t) {
        ISSA_ASSIGN_OR_RETURN(const uint8_t bit, ParseTypeName(one, at));
        node->types |= bit;
      }
    } else {
      ISSA_ASSIGN_OR_RETURN(node->types, ParseTypeName(t, at));
    }
    if ((node->types & SchemaNode::kNumber) != 0) node->types |= SchemaNode::kInteger;
  }
  if (doc.contains("properties")) {
    if (!doc["properties"].is_object()) return InvalidArgument("properties must be an object", at);
    for (const auto& [name, sub] : doc["properties"].items()) {
      ISSA_ASSIGN_OR_RETURN(auto child, CompileNode(sub, at + "." + name));
      node->properties.emplace(name, std::move(child));
    }
  }
  if (doc.contains("additionalProperties")) {
    if (!doc["additionalProperties"].is_boolean()) {
      return InvalidArgument("additionalProperties must be a boolean here", at);
    }
    node->additional_properties = doc["additionalProperties"].get<bool>();
  }
  for (const char* kw : {"required", "x-require-one-of"}) {
    if (!doc.contains(kw)) continue;
    if (!doc[kw].is_array()) return InvalidArgument(fmt::format("{} must be an array", kw), at);
    for (const auto& r : doc[kw]) {
      if (!r.is_string()) return InvalidArgument(fmt::format("{} lists names", kw), at);
      (std::string_view(kw) == "required" ? node->required : node->require_one_of)
          .push_back(r.get<std::string>());
    }
  }
  if (doc.contains("enum")) {
    if (!doc["enum"].is_array() || doc["enum"].empty()) {
      return InvalidArgument("enum must be a non-empty array", at);
    }
    for (const auto& e : doc["enum"]) node->enum_values.push_back(e);
  }
  if (doc.contains("pattern")) {
    if (!doc["pattern"].is_string()) return InvalidArgument("pattern must be a string", at);
    node->pattern_text = doc["pattern"].get<std::string>();
    try {
      node->pattern.emplace(node->pattern_text, std::regex::ECMAScript | std::regex::optimize);
    } catch (const std::regex_error& e) {
      return InvalidArgument(fmt::format("pattern does not compile: {}", e.what()), at);
    }
  }
  if (doc.contains("format")) {
    const std::string f = doc["format"].is_string() ? doc["format"].get<std::string>() : "";
    if (f == "date") {
      node->format = SchemaNode::Format::kDate;
    } else if (f == "date-time") {
      node->format = SchemaNode::Format::kDateTime;
    } else if (f == "partial-date") {
      node->format = SchemaNode::Format::kPartialDate;
    } else if (f == "country") {
      node->format = SchemaNode::Format::kCountry;
    } else {
      return InvalidArgument(fmt::format("unsupported format '{}'", f), at);
    }
  }
  ISSA_RETURN_IF_ERROR(size_kw("minLength", node->min_length));
  ISSA_RETURN_IF_ERROR(size_kw("maxLength", node->max_length));
  ISSA_RETURN_IF_ERROR(size_kw("minItems", node->min_items));
  ISSA_RETURN_IF_ERROR(size_kw("maxItems", node->max_items));
  ISSA_RETURN_IF_ERROR(num_kw("minimum", node->minimum));
  ISSA_RETURN_IF_ERROR(num_kw("maximum", node->maximum));
  if (doc.contains("items")) {
    ISSA_ASSIGN_OR_RETURN(node->items, CompileNode(doc["items"], at + "[]"));
  }
  if (!at.empty() && doc.contains("x-key")) {
    return InvalidArgument("x-key belongs at the top level of a record schema", at);
  }
  node->search = doc.value("x-search", false);
  node->personal = doc.value("x-personal", false);
  return node;
}

uint8_t TypeBitOf(const json& v) {
  switch (v.type()) {
    case json::value_t::null:
      return SchemaNode::kNull;
    case json::value_t::boolean:
      return SchemaNode::kBoolean;
    case json::value_t::object:
      return SchemaNode::kObject;
    case json::value_t::array:
      return SchemaNode::kArray;
    case json::value_t::string:
      return SchemaNode::kString;
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return SchemaNode::kInteger;
    case json::value_t::number_float:
      return SchemaNode::kNumber;
    default:
      return 0;
  }
}

Status ValidateNode(const SchemaNode& node, const json& v, const std::string& path) {
  if (node.types != 0) {
    uint8_t bit = TypeBitOf(v);
    // A float with an integral value satisfies "integer" only if it is written as one.
    if ((node.types & bit) == 0) {
      return InvalidArgument(fmt::format("must be {}, not {}", TypesText(node.types), TypeName(v)),
                             path);
    }
  }
  if (!node.enum_values.empty()) {
    if (std::find(node.enum_values.begin(), node.enum_values.end(), v) == node.enum_values.end()) {
      std::string allowed;
      for (const auto& e : node.enum_values) {
        if (!allowed.empty()) allowed += ", ";
        allowed += e.dump();
      }
      return InvalidArgument(fmt::format("must be one of {}", allowed), path);
    }
  }
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    const size_t n = CodePoints(s);
    if (node.min_length && n < *node.min_length) {
      return InvalidArgument(*node.min_length == 1
                                 ? std::string("must not be empty")
                                 : fmt::format("must be at least {} characters", *node.min_length),
                             path);
    }
    if (node.max_length && n > *node.max_length) {
      return InvalidArgument(fmt::format("must be at most {} characters", *node.max_length), path);
    }
    if (node.pattern && !std::regex_search(s, *node.pattern)) {
      return InvalidArgument(fmt::format("must match {}", node.pattern_text), path);
    }
    switch (node.format) {
      case SchemaNode::Format::kNone:
        break;
      case SchemaNode::Format::kDate:
        if (!core::ParseDate(s).ok()) {
          return InvalidArgument("must be a calendar date YYYY-MM-DD", path);
        }
        break;
      case SchemaNode::Format::kDateTime:
        if (s.size() <= 10 || !core::ParseTimestamp(s).ok()) {
          return InvalidArgument("must be an RFC 3339 date-time such as 2026-11-23T08:40:00Z",
                                 path);
        }
        break;
      case SchemaNode::Format::kPartialDate:
        if (!IsPartialDate(s)) {
          return InvalidArgument("must be a date YYYY-MM-DD, YYYY-MM or YYYY", path);
        }
        break;
      case SchemaNode::Format::kCountry:
        if (!IsIsoCountry(s)) {
          return InvalidArgument("must be an ISO 3166-1 alpha-2 country code such as FR", path);
        }
        break;
    }
  } else if (v.is_number()) {
    const double d = v.get<double>();
    if (!std::isfinite(d)) return InvalidArgument("must be a finite number", path);
    if (node.minimum && d < *node.minimum) {
      return InvalidArgument(fmt::format("must be at least {}", *node.minimum), path);
    }
    if (node.maximum && d > *node.maximum) {
      return InvalidArgument(fmt::format("must be at most {}", *node.maximum), path);
    }
  } else if (v.is_array()) {
    if (node.min_items && v.size() < *node.min_items) {
      return InvalidArgument(fmt::format("must have at least {} items", *node.min_items), path);
    }
    if (node.max_items && v.size() > *node.max_items) {
      return InvalidArgument(fmt::format("must have at most {} items", *node.max_items), path);
    }
    if (node.items) {
      for (size_t i = 0; i < v.size(); ++i) {
        ISSA_RETURN_IF_ERROR(ValidateNode(*node.items, v[i], fmt::format("{}[{}]", path, i)));
      }
    }
  } else if (v.is_object()) {
    // An open object without property schemas (StixObject's "object") has nothing to check
    // member by member.
    const bool walk = !node.properties.empty() || !node.additional_properties;
    for (const auto& [key, child] : v.items()) {
      if (!walk) break;
      const auto it = node.properties.find(key);
      // Only a property that is checked or refused needs its path (an open object's members
      // are many and never looked at).
      if (it == node.properties.end()) {
        if (!node.additional_properties) {
          return InvalidArgument("unknown property", path.empty() ? key : path + "." + key);
        }
        continue;
      }
      ISSA_RETURN_IF_ERROR(ValidateNode(*it->second, child, path.empty() ? key : path + "." + key));
    }
    for (const auto& r : node.required) {
      if (!v.contains(r)) {
        return InvalidArgument("is required", path.empty() ? r : path + "." + r);
      }
    }
    if (!node.require_one_of.empty()) {
      const bool any = std::any_of(node.require_one_of.begin(), node.require_one_of.end(),
                                   [&](const std::string& k) { return v.contains(k); });
      if (!any) {
        std::string names;
        for (const auto& k : node.require_one_of) {
          if (!names.empty()) names += ", ";
          names += k;
        }
        return InvalidArgument(
            fmt::format("needs at least one of: {}", names),
            path.empty() ? node.require_one_of.front() : path + "." + node.require_one_of.front());
      }
    }
  }
  return Status::Ok();
}

void Collect(const SchemaNode& node, const json& v, bool search, std::string& out) {
  const bool here = search || node.search;
  if (v.is_string()) {
    if (here) {
      if (!out.empty()) out.push_back(' ');
      out += v.get_ref<const std::string&>();
    }
  } else if (v.is_array() && node.items) {
    for (const auto& e : v) Collect(*node.items, e, here, out);
  } else if (v.is_object() && !node.properties.empty()) {
    for (const auto& [key, child] : v.items()) {
      const auto it = node.properties.find(key);
      if (it != node.properties.end()) Collect(*it->second, child, here, out);
    }
  }
}

}  // namespace

bool IsIsoCountry(std::string_view code) {
  if (code.size() != 2) return false;
  for (size_t i = 0; i + 1 < kCountries.size(); i += 3) {
    if (kCountries.substr(i, 2) == code) return true;
  }
  return false;
}

Result<std::unique_ptr<TypeSchema>> TypeSchema::Compile(const json& doc) {
  auto schema = std::make_unique<TypeSchema>();
  if (!doc.is_object() || !doc.contains("title") || !doc["title"].is_string()) {
    return InvalidArgument("a record schema needs a string \"title\": the record type", "title");
  }
  schema->title_ = doc["title"].get<std::string>();
  if (doc.value("type", "") != "object") {
    return InvalidArgument("a record schema must have \"type\": \"object\"", "type");
  }
  if (doc.contains("x-retention")) {
    const json& r = doc["x-retention"];
    if (r.is_object()) {
      // {"mask_when": {"<property>": ["<value>", …]}}: records whose property holds one of the
      // values are masked, the others erased.
      const auto when = r.find("mask_when");
      if (r.size() != 1 || when == r.end() || !when->is_object() || when->empty()) {
        return InvalidArgument(
            "must be \"mask\", \"erase\" or {\"mask_when\": {\"<property>\": [values]}}",
            "x-retention");
      }
      for (const auto& [property, values] : when->items()) {
        const std::string at = "x-retention.mask_when." + property;
        if (!doc.contains("properties") || !doc["properties"].is_object() ||
            !doc["properties"].contains(property)) {
          return InvalidArgument("names no property of the type", at);
        }
        if (!values.is_array() || values.empty()) {
          return InvalidArgument("must be a non-empty array of strings", at);
        }
        std::vector<std::string>& out = schema->mask_when_[property];
        for (const auto& v : values) {
          if (!v.is_string()) return InvalidArgument("must be a non-empty array of strings", at);
          out.push_back(v.get<std::string>());
        }
      }
    } else {
      const std::string mode = r.is_string() ? r.get<std::string>() : "";
      if (mode != "mask" && mode != "erase") {
        return InvalidArgument(
            "must be \"mask\", \"erase\" or {\"mask_when\": {\"<property>\": [values]}}",
            "x-retention");
      }
      schema->masked_ = mode == "mask";
    }
  }
  ISSA_ASSIGN_OR_RETURN(schema->root_, CompileNode(doc, ""));
  if (doc.contains("x-key")) {
    // The name of a top-level string property: the record's key (exact lookups, not words).
    const json& k = doc["x-key"];
    const std::string name = k.is_string() ? k.get<std::string>() : "";
    const auto it = schema->root_->properties.find(name);
    if (it == schema->root_->properties.end() || it->second->types != SchemaNode::kString) {
      return InvalidArgument("must name a top-level property of type string", "x-key");
    }
    schema->key_property_ = name;
  }
  return schema;
}

std::string TypeSchema::KeyOf(const json& value) const {
  if (key_property_.empty() || !value.is_object()) return {};
  const auto it = value.find(key_property_);
  if (it == value.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

bool TypeSchema::MasksRecord(const json& properties) const {
  if (masked_) return true;
  if (mask_when_.empty() || !properties.is_object()) return false;
  for (const auto& [property, values] : mask_when_) {
    const auto it = properties.find(property);
    if (it == properties.end() || !it->is_string()) continue;
    if (std::find(values.begin(), values.end(), it->get_ref<const std::string&>()) != values.end())
      return true;
  }
  return false;
}

Status TypeSchema::Validate(const json& value) const {
  if (!value.is_object()) return InvalidArgument("must be an object", "");
  return ValidateNode(*root_, value, "");
}

void TypeSchema::CollectSearchText(const json& value, std::string& out) const {
  Collect(*root_, value, false, out);
}

std::vector<std::string> TypeSchema::PersonalProperties() const {
  std::vector<std::string> out;
  for (const auto& [name, node] : root_->properties) {
    if (node->personal) out.push_back(name);
  }
  return out;
}

}  // namespace issa::schema
