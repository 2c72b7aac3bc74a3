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

bool TypeMatches(const std::string& t, const json& v) {
  if (t == "string") return v.is_string();
  if (t == "integer") {
    return v.is_number_integer() ||
           (v.is_number_float() &&
            v.get<double>() == static_cast<double>(static_cast<int64_t>(v.get<double>())));
  }
  if (t == "number") return v.is_number();
  if (t == "boolean") return v.is_boolean();
  if (t == "object") return v.is_object();
  if (t == "array") return v.is_array();
  if (t == "null") return v.is_null();
  return false;
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
    CompilePatterns(doc);
    docs_.emplace(name, std::move(doc));
  }
  return "";
}

void SchemaSet::CompilePatterns(const json& schema) {
  if (schema.is_object()) {
    if (auto it = schema.find("pattern"); it != schema.end() && it->is_string()) {
      const std::string p = it->get<std::string>();
      if (!regexes_.contains(p)) {
        try {
          regexes_.emplace(p, std::regex(p, std::regex::ECMAScript | std::regex::optimize));
        } catch (const std::regex_error&) {
          // A pattern std::regex cannot compile is treated as matching (annotation).
        }
      }
    }
    if (auto it = schema.find("patternProperties"); it != schema.end() && it->is_object()) {
      for (const auto& [p, sub] : it->items()) {
        if (!regexes_.contains(p)) {
          try {
            regexes_.emplace(p, std::regex(p, std::regex::ECMAScript | std::regex::optimize));
          } catch (const std::regex_error&) {
          }
        }
      }
    }
    for (const auto& [k, v] : schema.items()) CompilePatterns(v);
  } else if (schema.is_array()) {
    for (const auto& v : schema) CompilePatterns(v);
  }
}

bool SchemaSet::MatchPattern(const std::string& pattern, const std::string& text) const {
  // The hot and the backtracking-prone patterns of the STIX schemas, by hand.
  if (pattern == "^([a-z][a-z0-9]*)+(-[a-z0-9]+)*\\-?$") return StixTypeName(text, "");
  if (pattern == "^([a-z][a-z0-9]*)+(-[a-z0-9]+)*\\-ext$") return StixTypeName(text, "-ext");
  if (pattern ==
      "^[a-z][a-z0-9-]+[a-z0-9]--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-"
      "9a-fA-F]{3}-[0-9a-fA-F]{12}$") {
    return Identifier(text);
  }
  if (pattern ==
      "^[0-9]{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):([0-5][0-9]):([0-"
      "5][0-9]|60)(\\.[0-9]+)?Z$") {
    return Timestamp(text);
  }
  if (pattern == "T\\d{2}:\\d{2}:\\d{2}\\.\\d{3,}Z$") return MillisSuffix(text);
  if (pattern == "^([a-fA-F0-9]{2})+$")
    return !text.empty() && HexRun(text, text.size()) && text.size() % 2 == 0;
  if (pattern == "^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{4}|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2}==)$") {
    return Base64(text);
  }
  if (pattern == "^[a-fA-F0-9]{32}$") return HexRun(text, 32);
  if (pattern == "^[a-fA-F0-9]{40}$") return HexRun(text, 40);
  if (pattern == "^[a-fA-F0-9]{64}$") return HexRun(text, 64);
  if (pattern == "^[a-fA-F0-9]{128}$") return HexRun(text, 128);
  const auto it = regexes_.find(pattern);
  if (it == regexes_.end()) return true;
  if (text.size() > kMaxRegexInput) return false;
  return std::regex_search(text, it->second);
}

std::optional<SchemaError> SchemaSet::Validate(const std::string& name, const json& value) const {
  const auto it = docs_.find(name);
  if (it == docs_.end()) return SchemaError{"", fmt::format("no schema {}", name)};
  return Eval(it->second, name, value, "", 0);
}

std::optional<SchemaError> SchemaSet::Eval(const json& schema, const std::string& doc,
                                           const json& v, const std::string& path,
                                           int depth) const {
  if (depth > 64) return SchemaError{path, "nested too deeply"};
  if (schema.is_boolean()) {
    if (schema.get<bool>()) return std::nullopt;
    return SchemaError{path, "is not allowed"};
  }
  if (!schema.is_object()) return std::nullopt;
  if (auto it = schema.find("$ref"); it != schema.end() && it->is_string()) {
    const std::string ref = it->get<std::string>();
    const size_t hash = ref.find('#');
    const std::string file = hash == 0 ? doc : ResolveFile(doc, ref.substr(0, hash));
    const auto d = docs_.find(file);
    if (d == docs_.end()) return SchemaError{path, fmt::format("schema {} is missing", file)};
    const json* target = &d->second;
    if (hash != std::string::npos && hash + 1 < ref.size()) {
      try {
        target = &d->second.at(json::json_pointer(ref.substr(hash + 1)));
      } catch (const std::exception&) {
        return SchemaError{path, fmt::format("schema reference {} is missing", ref)};
      }
    }
    if (auto e = Eval(*target, file, v, path, depth + 1)) return e;
  }
  if (auto it = schema.find("type"); it != schema.end()) {
    bool ok = false;
    std::string want;
    if (it->is_string()) {
      want = it->get<std::string>();
      ok = TypeMatches(want, v);
    } else if (it->is_array()) {
      for (const auto& t : *it) {
        if (!want.empty()) want += " or ";
        want += t.get<std::string>();
        ok = ok || TypeMatches(t.get<std::string>(), v);
      }
    }
    if (!ok) return SchemaError{path, fmt::format("must be of type {}", want)};
  }
  if (auto it = schema.find("enum"); it != schema.end() && it->is_array()) {
    if (std::find(it->begin(), it->end(), v) == it->end()) {
      std::string allowed;
      for (const auto& e : *it) {
        if (allowed.size() > 200) {
          allowed += ", …";
          break;
        }
        if (!allowed.empty()) allowed += ", ";
        allowed += e.dump();
      }
      return SchemaError{path, fmt::format("{} is not one of {}", Shown(v), allowed)};
    }
  }
  if (auto it = schema.find("const"); it != schema.end() && *it != v) {
    return SchemaError{path, fmt::format("must be {}", it->dump())};
  }
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    if (auto it = schema.find("pattern"); it != schema.end() && it->is_string()) {
      if (!MatchPattern(it->get<std::string>(), s)) {
        return SchemaError{path, fmt::format("{} does not match {}", Shown(v),
                                             it->get<std::string>().substr(0, 120))};
      }
    }
    if (auto it = schema.find("minLength"); it != schema.end() && CodePoints(s) < *it) {
      return SchemaError{path, fmt::format("shorter than {} characters", it->get<int64_t>())};
    }
    if (auto it = schema.find("maxLength"); it != schema.end() && CodePoints(s) > *it) {
      return SchemaError{path, fmt::format("longer than {} characters", it->get<int64_t>())};
    }
  }
  if (v.is_number()) {
    const double d = v.get<double>();
    if (auto it = schema.find("minimum"); it != schema.end() && d < it->get<double>()) {
      return SchemaError{path, fmt::format("must be at least {}", it->dump())};
    }
    if (auto it = schema.find("maximum"); it != schema.end() && d > it->get<double>()) {
      return SchemaError{path, fmt::format("must be at most {}", it->dump())};
    }
  }
  if (v.is_array()) {
    if (auto it = schema.find("minItems"); it != schema.end() && v.size() < *it) {
      return SchemaError{path, fmt::format("needs at least {} items", it->get<int64_t>())};
    }
    if (auto it = schema.find("maxItems"); it != schema.end() && v.size() > *it) {
      return SchemaError{path, fmt::format("has more than {} items", it->get<int64_t>())};
    }
    if (auto it = schema.find("uniqueItems");
        it != schema.end() && it->is_boolean() && it->get<bool>()) {
      for (size_t i = 0; i < v.size(); ++i) {
        for (size_t j = i + 1; j < v.size(); ++j) {
          if (v[i] == v[j]) return SchemaError{path, fmt::format("item {} is repeated", j)};
        }
      }
    }
    if (auto it = schema.find("items"); it != schema.end() && it->is_object()) {
      for (size_t i = 0; i < v.size(); ++i) {
        if (auto e = Eval(*it, doc, v[i], fmt::format("{}[{}]", path, i), depth + 1)) return e;
      }
    }
  }
  if (v.is_object()) {
    if (auto it = schema.find("required"); it != schema.end() && it->is_array()) {
      for (const auto& r : *it) {
        if (!v.contains(r.get<std::string>())) {
          return SchemaError{Join(path, r.get<std::string>()), "is required"};
        }
      }
    }
    if (auto it = schema.find("minProperties"); it != schema.end() && v.size() < *it) {
      return SchemaError{path, fmt::format("needs at least {} properties", it->get<int64_t>())};
    }
    if (auto it = schema.find("maxProperties"); it != schema.end() && v.size() > *it) {
      return SchemaError{path, fmt::format("has more than {} properties", it->get<int64_t>())};
    }
    if (auto it = schema.find("dependentRequired"); it != schema.end() && it->is_object()) {
      for (const auto& [k, deps] : it->items()) {
        if (!v.contains(k)) continue;
        for (const auto& d : deps) {
          if (!v.contains(d.get<std::string>())) {
            return SchemaError{Join(path, d.get<std::string>()),
                               fmt::format("is required with {}", k)};
          }
        }
      }
    }
    const json* props = nullptr;
    const json* pattern_props = nullptr;
    if (auto it = schema.find("properties"); it != schema.end() && it->is_object()) props = &*it;
    if (auto it = schema.find("patternProperties"); it != schema.end() && it->is_object()) {
      pattern_props = &*it;
    }
    const auto additional = schema.find("additionalProperties");
    const auto names = schema.find("propertyNames");
    for (const auto& [k, sub] : v.items()) {
      const std::string kp = Join(path, k);
      if (names != schema.end()) {
        if (auto e = Eval(*names, doc, json(k), kp, depth + 1)) {
          return SchemaError{kp, "is not an allowed property name: " + e->message};
        }
      }
      bool matched = false;
      if (props != nullptr) {
        if (auto p = props->find(k); p != props->end()) {
          matched = true;
          if (auto e = Eval(*p, doc, sub, kp, depth + 1)) return e;
        }
      }
      if (pattern_props != nullptr) {
        for (const auto& [pattern, psub] : pattern_props->items()) {
          if (MatchPattern(pattern, k)) {
            matched = true;
            if (auto e = Eval(psub, doc, sub, kp, depth + 1)) return e;
          }
        }
      }
      if (!matched && additional != schema.end()) {
        if (additional->is_boolean() && !additional->get<bool>()) {
          return SchemaError{kp,
                             "is not an allowed property (custom properties need a name of "
                             "3 to 250 lower-case letters, digits or '_')"};
        }
        if (additional->is_object()) {
          if (auto e = Eval(*additional, doc, sub, kp, depth + 1)) return e;
        }
      }
    }
  }
  if (auto it = schema.find("allOf"); it != schema.end() && it->is_array()) {
    for (const auto& sub : *it) {
      if (auto e = Eval(sub, doc, v, path, depth + 1)) return e;
    }
  }
  if (auto it = schema.find("anyOf"); it != schema.end() && it->is_array()) {
    std::optional<SchemaError> first;
    bool any = false;
    for (const auto& sub : *it) {
      auto e = Eval(sub, doc, v, path, depth + 1);
      if (!e) {
        any = true;
        break;
      }
      if (!first) first = e;
    }
    if (!any) {
      return SchemaError{first ? first->path : path,
                         fmt::format("matches none of the allowed forms (first: {})",
                                     first ? first->message : "")};
    }
  }
  if (auto it = schema.find("oneOf"); it != schema.end() && it->is_array()) {
    int count = 0;
    std::optional<SchemaError> first;
    for (const auto& sub : *it) {
      auto e = Eval(sub, doc, v, path, depth + 1);
      if (!e) {
        ++count;
      } else if (!first) {
        first = e;
      }
    }
    if (count == 0) {
      return SchemaError{first ? first->path : path,
                         fmt::format("matches none of the allowed forms (first: {})",
                                     first ? first->message : "")};
    }
    if (count > 1) return SchemaError{path, "matches more than one of the exclusive forms"};
  }
  if (auto it = schema.find("not"); it != schema.end()) {
    if (!Eval(*it, doc, v, path, depth + 1)) {
      std::string what = "a form that is not allowed";
      if (it->is_object() && it->contains("anyOf")) {
        std::string names;
        for (const auto& alt : (*it)["anyOf"]) {
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
    }
  }
  if (auto it = schema.find("if"); it != schema.end()) {
    if (!Eval(*it, doc, v, path, depth + 1)) {
      if (auto t = schema.find("then"); t != schema.end()) {
        if (auto e = Eval(*t, doc, v, path, depth + 1)) return e;
      }
    } else if (auto el = schema.find("else"); el != schema.end()) {
      if (auto e = Eval(*el, doc, v, path, depth + 1)) return e;
    }
  }
  return std::nullopt;
}

}  // namespace issa::cyber::detail
