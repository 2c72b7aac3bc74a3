#include "json_schema.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace issa::cyber::detail {
namespace {

using json = nlohmann::json;

constexpr size_t kMaxRegexInput = 4096;  // std::regex recurses per character

bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

// ^([a-z][a-z0-9]*)+(-[a-z0-9]+)*\-?$  (== ^[a-z][a-z0-9]*(-[a-z0-9]+)*-?$), with `suffix`.
bool StixTypeName(std::string_view s, std::string_view suffix) {
  if (!suffix.empty()) {
    if (!s.ends_with(suffix)) return false;
    s.remove_suffix(suffix.size());
    if (s.empty() || !IsLower(s[0])) return false;
    // (-[a-z0-9]+)* then the "-ext" suffix: no trailing hyphen allowed before it
    for (size_t i = 1; i < s.size(); ++i) {
      if (s[i] == '-') {
        if (i + 1 >= s.size() || s[i + 1] == '-') return false;
      } else if (!IsLower(s[i]) && !IsDigit(s[i])) {
        return false;
      }
    }
    return true;
  }
  if (s.empty() || !IsLower(s[0])) return false;
  for (size_t i = 1; i < s.size(); ++i) {
    if (s[i] == '-') {
      if (i + 1 < s.size() && s[i + 1] == '-') return false;
    } else if (!IsLower(s[i]) && !IsDigit(s[i])) {
      return false;
    }
  }
  return true;
}

bool HexRun(std::string_view s, size_t n) {
  return s.size() == n && std::all_of(s.begin(), s.end(), IsHex);
}

// ^[a-z][a-z0-9-]+[a-z0-9]--<uuid with version 1-5 and variant 8-b>$
bool Identifier(std::string_view s) {
  const size_t sep = s.find("--");
  if (sep == std::string_view::npos || sep < 3) return false;
  const std::string_view type = s.substr(0, sep);
  if (!IsLower(type[0])) return false;
  for (char c : type) {
    if (!IsLower(c) && !IsDigit(c) && c != '-') return false;
  }
  if (type.back() == '-') return false;
  const std::string_view u = s.substr(sep + 2);
  if (u.size() != 36) return false;
  for (size_t i = 0; i < 36; ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (u[i] != '-') return false;
    } else if (!IsHex(u[i])) {
      return false;
    }
  }
  if (u[14] < '1' || u[14] > '5') return false;
  const char v = static_cast<char>(std::tolower(static_cast<unsigned char>(u[19])));
  return v == '8' || v == '9' || v == 'a' || v == 'b';
}

bool TwoDigits(std::string_view s, size_t i, int lo, int hi) {
  if (i + 2 > s.size() || !IsDigit(s[i]) || !IsDigit(s[i + 1])) return false;
  const int v = (s[i] - '0') * 10 + (s[i + 1] - '0');
  return v >= lo && v <= hi;
}

// ^YYYY-MM-DDTHH:MM:SS(\.[0-9]+)?Z$ with the ranges of timestamp.json.
bool Timestamp(std::string_view s) {
  if (s.size() < 20) return false;
  for (int i = 0; i < 4; ++i) {
    if (!IsDigit(s[i])) return false;
  }
  if (s[4] != '-' || !TwoDigits(s, 5, 1, 12) || s[7] != '-' || !TwoDigits(s, 8, 1, 31) ||
      s[10] != 'T' || !TwoDigits(s, 11, 0, 23) || s[13] != ':' || !TwoDigits(s, 14, 0, 59) ||
      s[16] != ':' || !TwoDigits(s, 17, 0, 60)) {
    return false;
  }
  size_t i = 19;
  if (s[i] == '.') {
    ++i;
    const size_t start = i;
    while (i < s.size() && IsDigit(s[i])) ++i;
    if (i == start) return false;
  }
  return i + 1 == s.size() && s[i] == 'Z';
}

// T\d{2}:\d{2}:\d{2}\.\d{3,}Z$ (search)
bool MillisSuffix(std::string_view s) {
  if (s.empty() || s.back() != 'Z') return false;
  size_t i = s.size() - 1;
  size_t digits = 0;
  while (i > 0 && IsDigit(s[i - 1])) {
    --i;
    ++digits;
  }
  if (digits < 3 || i < 10 || s[i - 1] != '.') return false;
  const std::string_view t = s.substr(i - 10, 9);  // Thh:mm:ss
  return t[0] == 'T' && IsDigit(t[1]) && IsDigit(t[2]) && t[3] == ':' && IsDigit(t[4]) &&
         IsDigit(t[5]) && t[6] == ':' && IsDigit(t[7]) && IsDigit(t[8]);
}

bool Base64(std::string_view s) {
  if (s.empty() || s.size() % 4 != 0) return false;
  size_t pad = 0;
  while (pad < 2 && pad < s.size() && s[s.size() - 1 - pad] == '=') ++pad;
  for (size_t i = 0; i + pad < s.size(); ++i) {
    const char c = s[i];
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '+' && c != '/') return false;
  }
  return true;
}

std::string Join(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

std::string Shown(const json& v) {
  std::string s = v.dump();
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return s;
}

// JSON Schema type names as bits (an unknown name has none: nothing matches it).
enum TypeBit : uint8_t {
  kString = 1,
  kInteger = 2,
  kNumber = 4,
  kBoolean = 8,
  kObject = 16,
  kArray = 32,
  kNull = 64,
};

uint8_t TypeBitOf(const json& name) {
  if (!name.is_string()) return 0;
  const std::string& t = name.get_ref<const std::string&>();
  if (t == "string") return kString;
  if (t == "integer") return kInteger;
  if (t == "number") return kNumber;
  if (t == "boolean") return kBoolean;
  if (t == "object") return kObject;
  if (t == "array") return kArray;
  if (t == "null") return kNull;
  return 0;
}

bool TypesMatch(uint8_t types, const json& v) {
  switch (v.type()) {
    case json::value_t::string:
      return types & kString;
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return types & (kInteger | kNumber);
    case json::value_t::number_float: {
      if (types & kNumber) return true;
      const double d = v.get<double>();
      return (types & kInteger) && d == static_cast<double>(static_cast<int64_t>(d));
    }
    case json::value_t::boolean:
      return types & kBoolean;
    case json::value_t::object:
      return types & kObject;
    case json::value_t::array:
      return types & kArray;
    case json::value_t::null:
      return types & kNull;
    default:
      return false;
  }
}

size_t CodePoints(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

// "../common/core.json" relative to "sdos/indicator.json" -> "common/core.json".
std::string ResolveFile(const std::string& doc, const std::string& ref) {
  std::string base = doc.substr(0, doc.rfind('/') == std::string::npos ? 0 : doc.rfind('/'));
  std::string r = ref;
  while (r.starts_with("../")) {
    r = r.substr(3);
    const size_t slash = base.rfind('/');
    base = slash == std::string::npos ? "" : base.substr(0, slash);
  }
  if (r.starts_with("./")) r = r.substr(2);
  return base.empty() ? r : base + "/" + r;
}

}  // namespace

std::string SchemaSet::Load(const std::vector<std::pair<std::string, std::string>>& files) {
  for (const auto& [name, text] : files) {
    json doc = json::parse(text, nullptr, false);
    if (doc.is_discarded()) return fmt::format("{}: not JSON", name);
    docs_.emplace(name, std::move(doc));
  }
  for (const auto& [name, doc] : docs_) Compile(doc, name);
  // The evaluator's lookup of a schema object's compiled form: open addressing by address.
  size_t slots = 16;
  while (slots < compiled_.size() * 2) slots *= 2;
  lookup_.assign(slots, {nullptr, nullptr});
  lookup_mask_ = slots - 1;
  for (const auto& [schema, c] : compiled_) {
    for (size_t i = Slot(schema);; i = (i + 1) & lookup_mask_) {
      if (lookup_[i].first == nullptr) {
        lookup_[i] = {schema, &c};
        break;
      }
    }
  }
  return "";
}

const SchemaSet::Pattern* SchemaSet::AddPattern(const std::string& p) {
  auto [it, added] = patterns_.try_emplace(p);
  if (!added) return it->second.get();
  auto compiled = std::make_unique<Pattern>();
  compiled->text = p;
  compiled->matcher = MatcherFor(p, compiled->literal);
  if (compiled->matcher == Matcher::kRegex) {
    try {
      compiled->regex =
          std::make_unique<std::regex>(p, std::regex::ECMAScript | std::regex::optimize);
    } catch (const std::regex_error&) {
      // A pattern std::regex cannot compile is treated as matching (annotation).
    }
  }
  it->second = std::move(compiled);
  return it->second.get();
}

void SchemaSet::Compile(const json& schema, const std::string& doc) {
  if (schema.is_array()) {
    for (const auto& v : schema) Compile(v, doc);
    return;
  }
  if (!schema.is_object()) return;
  Compiled c;
  const auto member = [&](const char* key) -> const json* {
    const auto it = schema.find(key);
    return it == schema.end() ? nullptr : &*it;
  };
  if (const json* ref = member("$ref"); ref != nullptr && ref->is_string()) {
    c.has_ref = true;
    const std::string r = ref->get<std::string>();
    const size_t hash = r.find('#');
    const std::string file = hash == 0 ? doc : ResolveFile(doc, r.substr(0, hash));
    const auto d = docs_.find(file);
    if (d == docs_.end()) {
      c.ref_error = fmt::format("schema {} is missing", file);
    } else {
      c.ref = &d->second;
      if (hash != std::string::npos && hash + 1 < r.size()) {
        try {
          c.ref = &d->second.at(json::json_pointer(r.substr(hash + 1)));
        } catch (const std::exception&) {
          c.ref = nullptr;
          c.ref_error = fmt::format("schema reference {} is missing", r);
        }
      }
    }
  }
  c.type = member("type");
  if (c.type != nullptr && c.type->is_array()) {
    for (const auto& one : *c.type) c.types |= TypeBitOf(one);
  } else if (c.type != nullptr) {
    c.types = TypeBitOf(*c.type);
  }
  if (const json* e = member("enum"); e != nullptr && e->is_array()) c.enum_values = e;
  c.const_value = member("const");
  if (const json* p = member("pattern"); p != nullptr && p->is_string()) {
    c.pattern = AddPattern(p->get<std::string>());
  }
  c.length = {member("minLength"), member("maxLength")};
  c.value = {member("minimum"), member("maximum")};
  c.count = {member("minItems"), member("maxItems")};
  if (const json* u = member("uniqueItems"); u != nullptr && u->is_boolean()) {
    c.unique_items = u->get<bool>();
  }
  if (const json* i = member("items"); i != nullptr && i->is_object()) c.items = i;
  if (const json* r = member("required"); r != nullptr && r->is_array()) c.required = r;
  c.size = {member("minProperties"), member("maxProperties")};
  if (const json* d = member("dependentRequired"); d != nullptr && d->is_object()) {
    c.dependent_required = d;
  }
  if (const json* p = member("properties"); p != nullptr && p->is_object()) c.properties = p;
  if (const json* pp = member("patternProperties"); pp != nullptr && pp->is_object()) {
    c.has_pattern_properties = true;
    for (const auto& [pattern, sub] : pp->items()) {
      c.pattern_properties.emplace_back(AddPattern(pattern), &sub);
    }
  }
  c.additional = member("additionalProperties");
  c.property_names = member("propertyNames");
  if (const json* a = member("allOf"); a != nullptr && a->is_array()) c.all_of = a;
  if (const json* a = member("anyOf"); a != nullptr && a->is_array()) c.any_of = a;
  if (const json* a = member("oneOf"); a != nullptr && a->is_array()) c.one_of = a;
  c.not_schema = member("not");
  c.if_schema = member("if");
  c.then_schema = member("then");
  c.else_schema = member("else");
  compiled_.emplace(&schema, std::move(c));
  for (const auto& [k, v] : schema.items()) Compile(v, doc);
}

namespace {

// Property names ^[a-z][a-z0-9_]{0,245}<suffix>$ (custom _bin / _hex properties).
bool SuffixedName(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size() + 1 || s.size() > 246 + suffix.size() || !s.ends_with(suffix)) {
    return false;
  }
  if (!IsLower(s[0])) return false;
  for (size_t i = 1; i + suffix.size() < s.size(); ++i) {
    if (!IsLower(s[i]) && !IsDigit(s[i]) && s[i] != '_') return false;
  }
  return true;
}

// ^([a-z][a-z0-9_]{2,249})|id$ with search semantics: starts with three name characters, or
// ends with "id".
bool CustomName(std::string_view s) {
  const auto name = [](char c) { return IsLower(c) || IsDigit(c) || c == '_'; };
  if (s.size() >= 3 && IsLower(s[0]) && name(s[1]) && name(s[2])) return true;
  return s.ends_with("id");
}

}  // namespace

// "^literal" or "^literal$" where the literal has no regular-expression syntax.
bool LiteralPattern(const std::string& pattern, std::string& literal, bool& exact) {
  if (pattern.size() < 2 || pattern[0] != '^') return false;
  std::string_view body(pattern);
  body.remove_prefix(1);
  exact = body.ends_with('$');
  if (exact) body.remove_suffix(1);
  if (body.empty()) return false;
  for (char c : body) {
    if (!IsLower(c) && !IsDigit(c) && !(c >= 'A' && c <= 'Z') && c != '-' && c != '_') {
      return false;
    }
  }
  literal = std::string(body);
  return true;
}

SchemaSet::Matcher SchemaSet::MatcherFor(const std::string& pattern, std::string& literal) {
  if (bool exact = false; LiteralPattern(pattern, literal, exact)) {
    return exact ? Matcher::kExact : Matcher::kPrefix;
  }
  if (pattern == "^([a-z][a-z0-9]*)+(-[a-z0-9]+)*\\-?$") return Matcher::kTypeName;
  if (pattern == "^([a-z][a-z0-9]*)+(-[a-z0-9]+)*\\-ext$") return Matcher::kExtName;
  if (pattern ==
      "^[a-z][a-z0-9-]+[a-z0-9]--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-"
      "9a-fA-F]{3}-[0-9a-fA-F]{12}$") {
    return Matcher::kIdentifier;
  }
  if (pattern ==
      "^[0-9]{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):([0-5][0-9]):([0-"
      "5][0-9]|60)(\\.[0-9]+)?Z$") {
    return Matcher::kTimestamp;
  }
  if (pattern == "T\\d{2}:\\d{2}:\\d{2}\\.\\d{3,}Z$") return Matcher::kMillis;
  if (pattern == "^([a-fA-F0-9]{2})+$") return Matcher::kHex;
  if (pattern == "^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{4}|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2}==)$") {
    return Matcher::kBase64;
  }
  if (pattern == "^[a-fA-F0-9]{32}$") return Matcher::kHex32;
  if (pattern == "^[a-fA-F0-9]{40}$") return Matcher::kHex40;
  if (pattern == "^[a-fA-F0-9]{64}$") return Matcher::kHex64;
  if (pattern == "^[a-fA-F0-9]{128}$") return Matcher::kHex128;
  if (pattern == "^[a-z][a-z0-9_]{0,245}_bin$") return Matcher::kBinName;
  if (pattern == "^[a-z][a-z0-9_]{0,245}_hex$") return Matcher::kHexName;
  if (pattern == "^([a-z][a-z0-9_]{2,249})|id$") return Matcher::kCustomName;
  return Matcher::kRegex;
}

bool SchemaSet::MatchPattern(const Pattern& pattern, const std::string& text) {
  // The hot and the backtracking-prone patterns of the STIX schemas, by hand.
  switch (pattern.matcher) {
    case Matcher::kPrefix:
      return text.starts_with(pattern.literal);
    case Matcher::kExact:
      return text == pattern.literal;
    case Matcher::kTypeName:
      return StixTypeName(text, "");
    case Matcher::kExtName:
      return StixTypeName(text, "-ext");
    case Matcher::kIdentifier:
      return Identifier(text);
    case Matcher::kTimestamp:
      return Timestamp(text);
    case Matcher::kMillis:
      return MillisSuffix(text);
    case Matcher::kHex:
      return !text.empty() && text.size() % 2 == 0 && HexRun(text, text.size());
    case Matcher::kBase64:
      return Base64(text);
    case Matcher::kHex32:
      return HexRun(text, 32);
    case Matcher::kHex40:
      return HexRun(text, 40);
    case Matcher::kHex64:
      return HexRun(text, 64);
    case Matcher::kHex128:
      return HexRun(text, 128);
    case Matcher::kBinName:
      return SuffixedName(text, "_bin");
    case Matcher::kHexName:
      return SuffixedName(text, "_hex");
    case Matcher::kCustomName:
      return CustomName(text);
    case Matcher::kRegex:
      break;
  }
  if (!pattern.regex) return true;  // std::regex could not compile it: an annotation
  if (text.size() > kMaxRegexInput) return false;
  return std::regex_search(text, *pattern.regex);
}

std::optional<SchemaError> SchemaSet::Validate(const std::string& name, const json& value) const {
  const auto it = docs_.find(name);
  if (it == docs_.end()) return SchemaError{"", fmt::format("no schema {}", name)};
  // Quiet first (the common case: valid); an invalid value is evaluated again for its message.
  if (!Eval(it->second, value, "", 0, true)) return std::nullopt;
  if (auto e = Eval(it->second, value, "", 0, false)) return e;
  return SchemaError{"", "does not match the schema"};  // never reached: both agree
}

std::optional<SchemaError> SchemaSet::Eval(const json& schema, const json& v,
                                           const std::string& path, int depth, bool quiet) const {
  // In quiet mode an error carries no text: only its presence counts.
  const auto fail = [&](auto&& make) -> std::optional<SchemaError> {
    if (quiet) return SchemaError{};
    return make();
  };
  if (depth > 64) return SchemaError{path, "nested too deeply"};
  if (schema.is_boolean()) {
    if (schema.get<bool>()) return std::nullopt;
    return fail([&] { return SchemaError{path, "is not allowed"}; });
  }
  if (!schema.is_object()) return std::nullopt;
  const Compiled* compiled = Find(&schema);
  if (compiled == nullptr) return SchemaError{path, "schema not compiled"};
  const Compiled& c = *compiled;
  if (c.has_ref) {
    if (c.ref == nullptr) return SchemaError{path, c.ref_error};
    if (auto e = Eval(*c.ref, v, path, depth + 1, quiet)) return e;
  }
  if (c.type != nullptr) {
    const json& t = *c.type;
    if (!TypesMatch(c.types, v)) {
      return fail([&] {
        std::string want;
        if (t.is_string()) {
          want = t.get<std::string>();
        } else if (t.is_array()) {
          for (const auto& one : t) {
            if (!want.empty()) want += " or ";
            want += one.get<std::string>();
          }
        }
        return SchemaError{path, fmt::format("must be of type {}", want)};
      });
    }
  }
  if (c.enum_values != nullptr) {
    const json& values = *c.enum_values;
    if (std::find(values.begin(), values.end(), v) == values.end()) {
      return fail([&] {
        std::string allowed;
        for (const auto& e : values) {
          if (allowed.size() > 200) {
            allowed += ", …";
            break;
          }
          if (!allowed.empty()) allowed += ", ";
          allowed += e.dump();
        }
        return SchemaError{path, fmt::format("{} is not one of {}", Shown(v), allowed)};
      });
    }
  }
  if (c.const_value != nullptr && *c.const_value != v) {
    return fail([&] {
      return SchemaError{path, fmt::format("must be {}", c.const_value->dump())};
    });
  }
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    if (c.pattern != nullptr && !MatchPattern(*c.pattern, s)) {
      return fail([&] {
        return SchemaError{
            path, fmt::format("{} does not match {}", Shown(v), c.pattern->text.substr(0, 120))};
      });
    }
    if (c.length.min != nullptr && CodePoints(s) < *c.length.min) {
      return fail([&] {
        return SchemaError{path,
                           fmt::format("shorter than {} characters", c.length.min->get<int64_t>())};
      });
    }
    if (c.length.max != nullptr && CodePoints(s) > *c.length.max) {
      return fail([&] {
        return SchemaError{path,
                           fmt::format("longer than {} characters", c.length.max->get<int64_t>())};
      });
    }
  }
  if (v.is_number()) {
    const double d = v.get<double>();
    if (c.value.min != nullptr && d < c.value.min->get<double>()) {
      return fail([&] {
        return SchemaError{path, fmt::format("must be at least {}", c.value.min->dump())};
      });
    }
    if (c.value.max != nullptr && d > c.value.max->get<double>()) {
      return fail([&] {
        return SchemaError{path, fmt::format("must be at most {}", c.value.max->dump())};
      });
    }
  }
  if (v.is_array()) {
    if (c.count.min != nullptr && v.size() < *c.count.min) {
      return fail([&] {
        return SchemaError{path,
                           fmt::format("needs at least {} items", c.count.min->get<int64_t>())};
      });
    }
    if (c.count.max != nullptr && v.size() > *c.count.max) {
      return fail([&] {
        return SchemaError{path,
                           fmt::format("has more than {} items", c.count.max->get<int64_t>())};
      });
    }
    if (c.unique_items) {
      for (size_t i = 0; i < v.size(); ++i) {
        for (size_t j = i + 1; j < v.size(); ++j) {
          if (v[i] == v[j]) {
            return fail([&] { return SchemaError{path, fmt::format("item {} is repeated", j)}; });
          }
        }
      }
    }
    if (c.items != nullptr) {
      for (size_t i = 0; i < v.size(); ++i) {
        const std::string at = quiet ? std::string() : fmt::format("{}[{}]", path, i);
        if (auto e = Eval(*c.items, v[i], at, depth + 1, quiet)) return e;
      }
    }
  }
  if (v.is_object()) {
    if (c.required != nullptr) {
      for (const auto& r : *c.required) {
        if (!v.contains(r.get_ref<const std::string&>())) {
          return fail([&] { return SchemaError{Join(path, r.get<std::string>()), "is required"}; });
        }
      }
    }
    if (c.size.min != nullptr && v.size() < *c.size.min) {
      return fail([&] {
        return SchemaError{path,
                           fmt::format("needs at least {} properties", c.size.min->get<int64_t>())};
      });
    }
    if (c.size.max != nullptr && v.size() > *c.size.max) {
      return fail([&] {
        return SchemaError{path,
                           fmt::format("has more than {} properties", c.size.max->get<int64_t>())};
      });
    }
    if (c.dependent_required != nullptr) {
      for (const auto& [k, deps] : c.dependent_required->items()) {
        if (!v.contains(k)) continue;
        for (const auto& d : deps) {
          if (!v.contains(d.get_ref<const std::string&>())) {
            return fail([&] {
              return SchemaError{Join(path, d.get<std::string>()),
                                 fmt::format("is required with {}", k)};
            });
          }
        }
      }
    }
    // The value's members and the schema's properties are both in key order: one merged walk
    // finds each member's property schema (no search per member).
    const json::object_t* props =
        c.properties != nullptr ? c.properties->get_ptr<const json::object_t*>() : nullptr;
    auto next_prop = props != nullptr ? props->begin() : json::object_t::const_iterator();
    for (const auto& [k, sub] : *v.get_ptr<const json::object_t*>()) {
      const std::string kp = quiet ? std::string() : Join(path, k);
      if (c.property_names != nullptr) {
        if (auto e = Eval(*c.property_names, json(k), kp, depth + 1, quiet)) {
          return fail([&] {
            return SchemaError{kp, "is not an allowed property name: " + e->message};
          });
        }
      }
      bool matched = false;
      if (props != nullptr) {
        // One three-way comparison per step (not a `<` and then an `==`).
        int order = 1;
        while (next_prop != props->end() && (order = next_prop->first.compare(k)) < 0) ++next_prop;
        if (next_prop != props->end() && order == 0) {
          matched = true;
          if (auto e = Eval(next_prop->second, sub, kp, depth + 1, quiet)) return e;
        }
      }
      for (const auto& [pattern, psub] : c.pattern_properties) {
        if (MatchPattern(*pattern, k)) {
          matched = true;
          if (auto e = Eval(*psub, sub, kp, depth + 1, quiet)) return e;
        }
      }
      if (!matched && c.additional != nullptr) {
        if (c.additional->is_boolean() && !c.additional->get<bool>()) {
          return fail([&] {
            return SchemaError{kp,
                               "is not an allowed property (custom properties need a name of "
                               "3 to 250 lower-case letters, digits or '_')"};
          });
        }
        if (c.additional->is_object()) {
          if (auto e = Eval(*c.additional, sub, kp, depth + 1, quiet)) return e;
        }
      }
    }
  }
  if (c.all_of != nullptr) {
    for (const auto& sub : *c.all_of) {
      if (auto e = Eval(sub, v, path, depth + 1, quiet)) return e;
    }
  }
  // The alternatives are tried quietly; when none fits, the first one's message is made.
  const auto none_fits = [&](const json& alternatives) -> std::optional<SchemaError> {
    return fail([&] {
      std::optional<SchemaError> first;
      if (!alternatives.empty()) first = Eval(alternatives[0], v, path, depth + 1, false);
      return SchemaError{first ? first->path : path,
                         fmt::format("matches none of the allowed forms (first: {})",
                                     first ? first->message : "")};
    });
  };
  if (c.any_of != nullptr) {
    bool any = false;
    for (const auto& sub : *c.any_of) {
      if (!Eval(sub, v, path, depth + 1, true)) {
        any = true;
        break;
      }
    }
    if (!any) return none_fits(*c.any_of);
  }
  if (c.one_of != nullptr) {
    int count = 0;
    for (const auto& sub : *c.one_of) {
      if (!Eval(sub, v, path, depth + 1, true)) ++count;
    }
    if (count == 0) return none_fits(*c.one_of);
    if (count > 1) {
      return fail([&] {
        return SchemaError{path, "matches more than one of the exclusive forms"};
      });
    }
  }
  if (c.not_schema != nullptr) {
    const json& n = *c.not_schema;
    if (!Eval(n, v, path, depth + 1, true)) {
      return fail([&] {
        std::string what = "a form that is not allowed";
        if (n.is_object() && n.contains("anyOf")) {
          std::string names;
          for (const auto& alt : n["anyOf"]) {
            if (alt.contains("required")) {
              for (const auto& r : alt["required"]) {
                if (!v.is_object() || !v.contains(r.get<std::string>())) continue;
                if (!names.empty()) names += ", ";
                names += r.get<std::string>();
              }
            }
          }
          if (!names.empty()) what = "a property that is not allowed here: " + names;
        }
        return SchemaError{path, "has " + what};
      });
    }
  }
  if (c.if_schema != nullptr) {
    if (!Eval(*c.if_schema, v, path, depth + 1, true)) {
      if (c.then_schema != nullptr) {
        if (auto e = Eval(*c.then_schema, v, path, depth + 1, quiet)) return e;
      }
    } else if (c.else_schema != nullptr) {
      if (auto e = Eval(*c.else_schema, v, path, depth + 1, quiet)) return e;
    }
  }
  return std::nullopt;
}

}  // namespace issa::cyber::detail
