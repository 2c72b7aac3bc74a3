#include "issa/travel/risk_criteria.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <functional>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "travel_dates.h"
#include "travel_text.h"

namespace issa::travel {

using json = nlohmann::json;

namespace {

enum class FactType { kText, kSet, kNumber, kBool, kDate };

struct FactInfo {
  std::string_view name;
  FactType type;
};

// The facts a rule may test. Nothing here describes a person (no name, sex, age, nationality,
// special service request): criteria rest on travel behaviour (docs/adr/0010).
constexpr std::array<FactInfo, 28> kFacts = {{
    {"origin", FactType::kText},
    {"destination", FactType::kText},
    {"transit", FactType::kSet},
    {"airports", FactType::kSet},
    {"route_legs", FactType::kSet},
    {"origin_country", FactType::kText},
    {"destination_country", FactType::kText},
    {"transit_countries", FactType::kSet},
    {"countries", FactType::kSet},
    {"carriers", FactType::kSet},
    {"flights", FactType::kSet},
    {"payment_form", FactType::kSet},
    {"agency_code", FactType::kText},
    {"agency_country", FactType::kText},
    {"remarks", FactType::kSet},
    {"legs", FactType::kNumber},
    {"travellers", FactType::kNumber},
    {"booking_to_departure_hours", FactType::kNumber},
    {"ticket_issue_to_departure_hours", FactType::kNumber},
    {"bag_count", FactType::kNumber},
    {"one_way", FactType::kBool},
    {"code_share", FactType::kBool},
    {"listed_companion", FactType::kBool},
    {"travelling_alone", FactType::kBool},
    {"frequent_flyer", FactType::kBool},
    {"departure_date", FactType::kDate},
    {"reservation_date", FactType::kDate},
    {"ticket_issue_date", FactType::kDate},
}};

const FactInfo* FindFact(std::string_view name) {
  for (const auto& f : kFacts) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

enum class Op { kEq, kNe, kIn, kNotIn, kLt, kLe, kGt, kGe, kBetween, kContains, kMatches, kExists };

struct OpInfo {
  std::string_view name;
  Op op;
};
constexpr std::array<OpInfo, 12> kOps = {{{"eq", Op::kEq},
                                          {"ne", Op::kNe},
                                          {"in", Op::kIn},
                                          {"not_in", Op::kNotIn},
                                          {"lt", Op::kLt},
                                          {"le", Op::kLe},
                                          {"gt", Op::kGt},
                                          {"ge", Op::kGe},
                                          {"between", Op::kBetween},
                                          {"contains", Op::kContains},
                                          {"matches", Op::kMatches},
                                          {"exists", Op::kExists}}};

// Art. 6(4): terms that encode a protected category. Words are matched whole, upper-cased.
enum class Protected { kRace, kPolitics, kReligion, kUnion, kHealth, kSexLife };
std::string_view ProtectedName(Protected p) {
  switch (p) {
    case Protected::kRace:
      return "race or ethnic origin";
    case Protected::kPolitics:
      return "political opinions";
    case Protected::kReligion:
      return "religion or philosophical beliefs";
    case Protected::kUnion:
      return "trade-union membership";
    case Protected::kHealth:
      return "health";
    case Protected::kSexLife:
      return "sex life or sexual orientation";
  }
  return "a protected category";
}

struct ProtectedTerm {
  std::string_view word;
  Protected category;
};
constexpr std::array<ProtectedTerm, 75> kProtectedTerms = {{
    // race, ethnic origin
    {"RACE", Protected::kRace},
    {"RACIAL", Protected::kRace},
    {"ETHNIC", Protected::kRace},
    {"ETHNICITY", Protected::kRace},
    {"SKIN", Protected::kRace},
    {"TRIBE", Protected::kRace},
    {"ROMA", Protected::kRace},
    // political opinions
    {"POLITICAL", Protected::kPolitics},
    {"POLITICS", Protected::kPolitics},
    {"OPINION", Protected::kPolitics},
    {"OPINIONS", Protected::kPolitics},
    {"PARTISAN", Protected::kPolitics},
    // religion
    {"RELIGION", Protected::kReligion},
    {"RELIGIOUS", Protected::kReligion},
    {"FAITH", Protected::kReligion},
    {"MUSLIM", Protected::kReligion},
    {"ISLAM", Protected::kReligion},
    {"ISLAMIC", Protected::kReligion},
    {"JEWISH", Protected::kReligion},
    {"JUDAISM", Protected::kReligion},
    {"CHRISTIAN", Protected::kReligion},
    {"CATHOLIC", Protected::kReligion},
    {"PROTESTANT", Protected::kReligion},
    {"HINDU", Protected::kReligion},
    {"SIKH", Protected::kReligion},
    {"BUDDHIST", Protected::kReligion},
    {"KOSHER", Protected::kReligion},
    {"HALAL", Protected::kReligion},
    {"MOSQUE", Protected::kReligion},
    {"CHURCH", Protected::kReligion},
    {"SYNAGOGUE", Protected::kReligion},
    {"HAJJ", Protected::kReligion},
    {"UMRAH", Protected::kReligion},
    {"PILGRIMAGE", Protected::kReligion},
    {"RAMADAN", Protected::kReligion},
    {"MOML", Protected::kReligion},  // Muslim meal
    {"KSML", Protected::kReligion},  // kosher meal
    {"HNML", Protected::kReligion},  // Hindu meal
    // trade-union membership
    {"UNIONIST", Protected::kUnion},
    {"SYNDICATE", Protected::kUnion},
    // health
    {"HEALTH", Protected::kHealth},
    {"MEDICAL", Protected::kHealth},
    {"MEDICINE", Protected::kHealth},
    {"DISEASE", Protected::kHealth},
    {"ILLNESS", Protected::kHealth},
    {"DISABLED", Protected::kHealth},
    {"DISABILITY", Protected::kHealth},
    {"WHEELCHAIR", Protected::kHealth},
    {"PREGNANT", Protected::kHealth},
    {"PREGNANCY", Protected::kHealth},
    {"HIV", Protected::kHealth},
    {"DIAGNOSIS", Protected::kHealth},
    {"PATIENT", Protected::kHealth},
    {"OXYGEN", Protected::kHealth},
    {"BLIND", Protected::kHealth},
    {"DEAF", Protected::kHealth},
    {"WCHR", Protected::kHealth},
    {"WCHS", Protected::kHealth},
    {"WCHC", Protected::kHealth},
    {"MEDA", Protected::kHealth},
    {"BLND", Protected::kHealth},
    {"DPNA", Protected::kHealth},
    {"OXYG", Protected::kHealth},
    {"STCR", Protected::kHealth},
    {"DBML", Protected::kHealth},  // diabetic meal
    {"GFML", Protected::kHealth},  // gluten-free meal
    // sex life, sexual orientation
    {"SEXUAL", Protected::kSexLife},
    {"SEXUALITY", Protected::kSexLife},
    {"ORIENTATION", Protected::kSexLife},
    {"GAY", Protected::kSexLife},
    {"LESBIAN", Protected::kSexLife},
    {"HOMOSEXUAL", Protected::kSexLife},
    {"BISEXUAL", Protected::kSexLife},
    {"TRANSGENDER", Protected::kSexLife},
    {"LGBT", Protected::kSexLife},
}};

std::optional<Protected> ProtectedWord(std::string_view word) {
  for (const auto& t : kProtectedTerms) {
    if (t.word == word) return t.category;
  }
  // Any other IATA special-meal code (xxML, SPML): meals reveal religion or health.
  if (word.size() == 4 && word.substr(2) == "ML") return Protected::kReligion;
  return std::nullopt;
}

// The first protected term of a text ("TRADE UNION" as a pair), with its category.
std::optional<std::pair<std::string, Protected>> FindProtected(std::string_view text) {
  std::string prev;
  std::string word;
  auto check = [&]() -> std::optional<std::pair<std::string, Protected>> {
    if (word.empty()) return std::nullopt;
    if (prev == "TRADE" && (word == "UNION" || word == "UNIONS")) {
      return std::make_pair(std::string("TRADE UNION"), Protected::kUnion);
    }
    if (const auto c = ProtectedWord(word)) return std::make_pair(word, *c);
    prev = word;
    word.clear();
    return std::nullopt;
  };
  for (const char ch : text) {
    const bool alnum =
        (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
    if (alnum) {
      word.push_back(ch >= 'a' && ch <= 'z' ? static_cast<char>(ch - 'a' + 'A') : ch);
    } else if (auto hit = check()) {
      return hit;
    }
  }
  return check();
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

bool Glob(std::string_view pattern, std::string_view text) {
  // '*' any run, '?' one character.
  size_t p = 0;
  size_t t = 0;
  size_t star = std::string_view::npos;
  size_t mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace

struct CompiledCondition {
  enum class Kind { kAll, kAny, kNot, kPredicate } kind = Kind::kPredicate;
  std::vector<CompiledCondition> children;
  // predicate
  const FactInfo* fact = nullptr;
  Op op = Op::kEq;
  std::string op_name;
  std::vector<std::string> texts;  // upper-cased
  std::vector<double> numbers;
  bool flag = false;
  std::string expected_json;
};

namespace {

class Compiler {
 public:
  explicit Compiler(std::string rule_name) : rule_(std::move(rule_name)) {}

  Status Error(const std::string& at, const std::string& what) const {
    return InvalidArgument(fmt::format("rule \"{}\": {} at {}", rule_, what, at), at);
  }

  Status CheckProtected(const std::string& at, std::string_view text) const {
    if (const auto hit = FindProtected(text)) {
      return InvalidArgument(
          fmt::format("rule \"{}\" refers to {} (\"{}\" at {}): a pre-determined criterion may "
                      "not rest on race or ethnic origin, political opinions, religion or "
                      "philosophical beliefs, trade-union membership, health, sex life or "
                      "sexual orientation (Directive (EU) 2016/681, Art. 6(4))",
                      rule_, ProtectedName(hit->second), hit->first, at),
          at);
    }
    return Status::Ok();
  }

  Result<CompiledCondition> Compile(const json& j, const std::string& at, int depth);

 private:
  Result<CompiledCondition> Predicate(const json& j, const std::string& at);
  std::string rule_;
};

Result<CompiledCondition> Compiler::Compile(const json& j, const std::string& at, int depth) {
  if (depth > 16) return Error(at, "conditions nest deeper than 16");
  if (!j.is_object()) return Error(at, "a condition must be an object");
  CompiledCondition c;
  for (const char* k : {"all", "any"}) {
    if (!j.contains(k)) continue;
    if (j.size() != 1) return Error(at, fmt::format("\"{}\" stands alone in its object", k));
    const json& list = j[k];
    if (!list.is_array() || list.empty() || list.size() > 64) {
      return Error(at + "." + k, "must be an array of 1 to 64 conditions");
    }
    c.kind = std::string_view(k) == "all" ? CompiledCondition::Kind::kAll
                                          : CompiledCondition::Kind::kAny;
    for (size_t i = 0; i < list.size(); ++i) {
      ISSA_ASSIGN_OR_RETURN(CompiledCondition child,
                            Compile(list[i], fmt::format("{}.{}[{}]", at, k, i), depth + 1));
      c.children.push_back(std::move(child));
    }
    return c;
  }
  if (j.contains("not")) {
    if (j.size() != 1) return Error(at, "\"not\" stands alone in its object");
    c.kind = CompiledCondition::Kind::kNot;
    ISSA_ASSIGN_OR_RETURN(CompiledCondition child, Compile(j["not"], at + ".not", depth + 1));
    c.children.push_back(std::move(child));
    return c;
  }
  return Predicate(j, at);
}

Result<CompiledCondition> Compiler::Predicate(const json& j, const std::string& at) {
  for (const auto& [key, value] : j.items()) {
    if (key != "fact" && key != "op" && key != "value") {
      return Error(at + "." + key,
                   "unknown member (a condition is all, any, not or "
                   "{fact, op, value})");
    }
  }
  if (!j.contains("fact") || !j["fact"].is_string()) return Error(at + ".fact", "needs a fact");
  const std::string fact_name = j["fact"].get<std::string>();
  ISSA_RETURN_IF_ERROR(CheckProtected(at + ".fact", fact_name));
  CompiledCondition c;
  c.fact = FindFact(fact_name);
  if (c.fact == nullptr) {
    std::string known;
    for (const auto& f : kFacts) known += (known.empty() ? "" : ", ") + std::string(f.name);
    return Error(at + ".fact", fmt::format("unknown fact \"{}\" (known: {})", fact_name, known));
  }
  if (!j.contains("op") || !j["op"].is_string()) return Error(at + ".op", "needs an op");
  c.op_name = j["op"].get<std::string>();
  const auto op =
      std::find_if(kOps.begin(), kOps.end(), [&](const OpInfo& o) { return o.name == c.op_name; });
  if (op == kOps.end()) return Error(at + ".op", fmt::format("unknown op \"{}\"", c.op_name));
  c.op = op->op;
  if (!j.contains("value")) return Error(at + ".value", "needs a value");
  const json& v = j["value"];
  c.expected_json = v.dump();
  // Every string of the value is checked for protected terms.
  const std::vector<json> items = v.is_array() ? v.get<std::vector<json>>() : std::vector<json>{v};
  for (size_t i = 0; i < items.size(); ++i) {
    if (items[i].is_string()) {
      ISSA_RETURN_IF_ERROR(CheckProtected(at + ".value", items[i].get<std::string>()));
    }
  }
  const FactType type = c.fact->type;
  auto bad = [&](std::string_view expected) {
    return Error(at + ".value",
                 fmt::format("op \"{}\" on fact \"{}\" needs {}", c.op_name, fact_name, expected));
  };
  if (c.op == Op::kExists) {
    if (!v.is_boolean()) return bad("true or false");
    c.flag = v.get<bool>();
    return c;
  }
  switch (type) {
    case FactType::kBool:
      if (c.op != Op::kEq && c.op != Op::kNe) return bad("eq or ne");
      if (!v.is_boolean()) return bad("true or false");
      c.flag = v.get<bool>();
      return c;
    case FactType::kNumber: {
      if (c.op == Op::kContains || c.op == Op::kMatches) return bad("a comparison");
      std::vector<json> nums = v.is_array() ? v.get<std::vector<json>>() : std::vector<json>{v};
      for (const auto& n : nums) {
        if (!n.is_number()) return bad("numbers");
        c.numbers.push_back(n.get<double>());
      }
      if (c.op == Op::kBetween && c.numbers.size() != 2) return bad("[low, high]");
      if ((c.op == Op::kIn || c.op == Op::kNotIn) ? c.numbers.empty() : false) return bad("a list");
      if (c.op != Op::kBetween && c.op != Op::kIn && c.op != Op::kNotIn && c.numbers.size() != 1) {
        return bad("one number");
      }
      return c;
    }
    case FactType::kDate: {
      if (c.op == Op::kContains || c.op == Op::kMatches) return bad("a comparison");
      std::vector<json> ds = v.is_array() ? v.get<std::vector<json>>() : std::vector<json>{v};
      for (const auto& d : ds) {
        if (!d.is_string()) return bad("ISO dates YYYY-MM-DD");
        const std::string s = d.get<std::string>();
        int y = 0;
        int m = 0;
        int day = 0;
        if (s.size() != 10 || std::sscanf(s.c_str(), "%4d-%2d-%2d", &y, &m, &day) != 3 ||
            !DaysFromCivil(y, m, day)) {
          return bad("ISO dates YYYY-MM-DD");
        }
        c.texts.push_back(s);
      }
      if (c.op == Op::kBetween && c.texts.size() != 2) return bad("[from, to]");
      if (c.op != Op::kBetween && c.op != Op::kIn && c.op != Op::kNotIn && c.texts.size() != 1) {
        return bad("one date");
      }
      return c;
    }
    case FactType::kText:
    case FactType::kSet: {
      if (c.op == Op::kLt || c.op == Op::kLe || c.op == Op::kGt || c.op == Op::kGe ||
          c.op == Op::kBetween) {
        return bad("eq, ne, in, not_in, contains or matches");
      }
      for (const auto& s : items) {
        if (!s.is_string() || s.get<std::string>().empty()) return bad("non-empty strings");
        c.texts.push_back(Upper(s.get<std::string>()));
      }
      if ((c.op == Op::kEq || c.op == Op::kNe || c.op == Op::kContains) && c.texts.size() != 1) {
        return bad("one string");
      }
      return c;
    }
  }
  return c;
}

std::string FactText(const PnrFacts& facts, const FactInfo& f) {
  if (f.type == FactType::kNumber || f.type == FactType::kBool) {
    const auto it = facts.number.find(f.name);
    if (it == facts.number.end()) return "(none)";
    if (f.type == FactType::kBool) return it->second != 0 ? "true" : "false";
    return fmt::format("{}", it->second);
  }
  const auto it = facts.text.find(f.name);
  if (it == facts.text.end() || it->second.empty()) return "(none)";
  if (it->second.size() == 1) return it->second[0];
  json a = it->second;
  return a.dump();
}

// Numbers and ISO dates (which order as text).
template <typename T>
bool Compare(Op op, const T& x, const std::vector<T>& v) {
  switch (op) {
    case Op::kEq:
      return x == v[0];
    case Op::kNe:
      return x != v[0];
    case Op::kLt:
      return x < v[0];
    case Op::kLe:
      return x <= v[0];
    case Op::kGt:
      return x > v[0];
    case Op::kGe:
      return x >= v[0];
    case Op::kBetween:
      return x >= v[0] && x <= v[1];
    case Op::kIn:
      return std::find(v.begin(), v.end(), x) != v.end();
    case Op::kNotIn:
      return std::find(v.begin(), v.end(), x) == v.end();
    default:
      return false;
  }
}

bool TestPredicate(const CompiledCondition& c, const PnrFacts& facts) {
  const FactInfo& f = *c.fact;
  const bool numeric = f.type == FactType::kNumber || f.type == FactType::kBool;
  if (numeric) {
    const auto it = facts.number.find(f.name);
    if (c.op == Op::kExists) return (it != facts.number.end()) == c.flag;
    if (it == facts.number.end()) return false;
    const double x = it->second;
    if (f.type == FactType::kBool) {
      const bool b = x != 0;
      return c.op == Op::kEq ? b == c.flag : b != c.flag;
    }
    return Compare(c.op, x, c.numbers);
  }
  const auto it = facts.text.find(f.name);
  const bool present = it != facts.text.end() && !it->second.empty();
  if (c.op == Op::kExists) return present == c.flag;
  if (!present) return c.op == Op::kNe || c.op == Op::kNotIn;
  const auto& values = it->second;
  auto any = [&](auto pred) { return std::any_of(values.begin(), values.end(), pred); };
  auto in_list = [&](const std::string& v) {
    return std::find(c.texts.begin(), c.texts.end(), v) != c.texts.end();
  };
  if (f.type == FactType::kDate) {
    return Compare(c.op, values[0], c.texts);
  }
  switch (c.op) {
    case Op::kEq:
      return any([&](const std::string& v) { return v == c.texts[0]; });
    case Op::kNe:
      return !any([&](const std::string& v) { return v == c.texts[0]; });
    case Op::kIn:
      return any(in_list);
    case Op::kNotIn:
      return !any(in_list);
    case Op::kContains:
      return any([&](const std::string& v) { return v.find(c.texts[0]) != std::string::npos; });
    case Op::kMatches:
      return any([&](const std::string& v) {
        return std::any_of(c.texts.begin(), c.texts.end(),
                           [&](const std::string& p) { return Glob(p, v); });
      });
    default:
      return false;
  }
}

// True when the condition holds; `out` gets the predicates that made it hold.
bool Eval(const CompiledCondition& c, const PnrFacts& facts, std::vector<FactMatch>& out) {
  switch (c.kind) {
    case CompiledCondition::Kind::kAll: {
      const size_t mark = out.size();
      for (const auto& child : c.children) {
        if (!Eval(child, facts, out)) {
          out.resize(mark);
          return false;
        }
      }
      return true;
    }
    case CompiledCondition::Kind::kAny: {
      bool any = false;
      for (const auto& child : c.children) {
        std::vector<FactMatch> branch;
        if (Eval(child, facts, branch)) {
          any = true;
          out.insert(out.end(), branch.begin(), branch.end());
        }
      }
      return any;
    }
    case CompiledCondition::Kind::kNot: {
      std::vector<FactMatch> inner;
      if (Eval(c.children[0], facts, inner)) return false;
      // Explain with the facts the negated condition tested.
      std::vector<FactMatch> all;
      std::function<void(const CompiledCondition&)> collect = [&](const CompiledCondition& n) {
        if (n.kind == CompiledCondition::Kind::kPredicate) {
          all.push_back({std::string(n.fact->name), "not " + n.op_name, n.expected_json,
                         FactText(facts, *n.fact)});
        }
        for (const auto& ch : n.children) collect(ch);
      };
      collect(c.children[0]);
      out.insert(out.end(), all.begin(), all.end());
      return true;
    }
    case CompiledCondition::Kind::kPredicate:
      if (!TestPredicate(c, facts)) return false;
      out.push_back(
          {std::string(c.fact->name), c.op_name, c.expected_json, FactText(facts, *c.fact)});
      return true;
  }
  return false;
}

Result<LocalDateTime> RuleDate(const json& j, const char* key, const std::string& rule) {
  LocalDateTime out;
  if (!j.contains(key) || j[key].is_null()) return out;
  if (!j[key].is_string()) {
    return InvalidArgument(fmt::format("rule \"{}\": {} must be a date YYYY-MM-DD", rule, key),
                           key);
  }
  const std::string s = j[key].get<std::string>();
  int y = 0;
  int m = 0;
  int d = 0;
  std::optional<int32_t> days;
  if (s.size() == 10 && std::sscanf(s.c_str(), "%4d-%2d-%2d", &y, &m, &d) == 3) {
    days = DaysFromCivil(y, m, d);
  }
  if (!days) {
    return InvalidArgument(
        fmt::format("rule \"{}\": {} \"{}\" is not a date YYYY-MM-DD", rule, key, s), key);
  }
  out.days = *days;
  return out;
}

Result<RiskRule> CompileRuleJson(const json& j) {
  if (!j.is_object()) return InvalidArgument("a rule must be a JSON object", "rule");
  static constexpr std::array<std::string_view, 8> kMembers = {
      "id", "version", "author", "valid_from", "valid_to", "title", "description", "when"};
  RiskRule r;
  if (!j.contains("id") || !j["id"].is_string() || j["id"].get<std::string>().empty() ||
      j["id"].get<std::string>().size() > 64) {
    return InvalidArgument("a rule needs an \"id\" (a string of 1 to 64 characters)", "id");
  }
  r.id = j["id"].get<std::string>();
  for (const auto& [key, value] : j.items()) {
    if (std::find(kMembers.begin(), kMembers.end(), key) == kMembers.end()) {
      return InvalidArgument(fmt::format("rule \"{}\": unknown member \"{}\"", r.id, key), key);
    }
  }
  if (!j.contains("version") || !j["version"].is_number_integer() ||
      j["version"].get<int64_t>() < 1) {
    return InvalidArgument(fmt::format("rule \"{}\": \"version\" must be an integer >= 1", r.id),
                           "version");
  }
  r.version = j["version"].get<int64_t>();
  if (!j.contains("author") || !j["author"].is_string() || j["author"].get<std::string>().empty()) {
    return InvalidArgument(fmt::format("rule \"{}\": \"author\" is required", r.id), "author");
  }
  r.author = j["author"].get<std::string>();
  ISSA_ASSIGN_OR_RETURN(r.valid_from, RuleDate(j, "valid_from", r.id));
  ISSA_ASSIGN_OR_RETURN(r.valid_to, RuleDate(j, "valid_to", r.id));
  if (r.valid_from.has_date() && r.valid_to.has_date() && r.valid_to.days < r.valid_from.days) {
    return InvalidArgument(fmt::format("rule \"{}\": valid_to is before valid_from", r.id),
                           "valid_to");
  }
  if (!j.contains("title") || !j["title"].is_string() || j["title"].get<std::string>().empty()) {
    return InvalidArgument(fmt::format("rule \"{}\": \"title\" is required", r.id), "title");
  }
  r.title = j["title"].get<std::string>();
  if (j.contains("description")) {
    if (!j["description"].is_string()) {
      return InvalidArgument(fmt::format("rule \"{}\": description must be a string", r.id),
                             "description");
    }
    r.description = j["description"].get<std::string>();
  }
  Compiler compiler(r.id);
  ISSA_RETURN_IF_ERROR(compiler.CheckProtected("id", r.id));
  ISSA_RETURN_IF_ERROR(compiler.CheckProtected("title", r.title));
  ISSA_RETURN_IF_ERROR(compiler.CheckProtected("description", r.description));
  if (!j.contains("when"))
    return InvalidArgument(fmt::format("rule \"{}\": \"when\" is required", r.id), "when");
  ISSA_ASSIGN_OR_RETURN(CompiledCondition c, compiler.Compile(j["when"], "when", 0));
  r.condition = std::make_shared<const CompiledCondition>(std::move(c));
  r.source = j.dump();
  return r;
}

}  // namespace

bool RiskRule::ValidOn(int32_t day) const {
  if (day == LocalDateTime::kNone) return true;
  if (valid_from.has_date() && day < valid_from.days) return false;
  if (valid_to.has_date() && day > valid_to.days) return false;
  return true;
}

Result<RiskRule> RuleSet::CompileRule(std::string_view text) {
  const json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return InvalidArgument("the rule is not valid JSON", "rule");
  return CompileRuleJson(j);
}

Result<RuleSet> RuleSet::Compile(std::string_view text) {
  const json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return InvalidArgument("the rules are not valid JSON", "rules");
  RuleSet set;
  const std::vector<json> list = j.is_array() ? j.get<std::vector<json>>() : std::vector<json>{j};
  for (size_t i = 0; i < list.size(); ++i) {
    auto rule = CompileRuleJson(list[i]);
    if (!rule.ok()) return rule.status().WithFieldPrefix(fmt::format("rules[{}]", i));
    for (const auto& other : set.rules_) {
      if (other.id == rule->id && other.version == rule->version) {
        return InvalidArgument(
            fmt::format("rule \"{}\" version {} appears twice", rule->id, rule->version),
            fmt::format("rules[{}].version", i));
      }
    }
    set.rules_.push_back(std::move(*rule));
  }
  return set;
}

Result<AirportCountries> ParseAirportCountries(std::string_view csv) {
  AirportCountries out;
  size_t line_no = 0;
  while (!csv.empty()) {
    const size_t nl = csv.find('\n');
    std::string_view line = detail::TrimBlanks(csv.substr(0, nl));
    csv = nl == std::string_view::npos ? std::string_view() : csv.substr(nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    const size_t comma = line.find(',');
    const std::string_view airport =
        detail::TrimBlanks(comma == std::string_view::npos ? line : line.substr(0, comma));
    const std::string_view country = comma == std::string_view::npos
                                         ? std::string_view()
                                         : detail::TrimBlanks(line.substr(comma + 1));
    if (airport.size() != 3 || country.size() != 2) {
      return InvalidArgument(
          fmt::format("line {}: expected AIRPORT,CC (IATA code, ISO 3166-1 alpha-2)", line_no),
          fmt::format("line[{}]", line_no));
    }
    out[Upper(airport)] = Upper(country);
  }
  return out;
}

std::vector<PnrFacts> BookingFacts(const Booking& booking, const FlightLeg& flight,
                                   const EvaluationInput& input) {
  std::vector<FlightLeg> legs = booking.itinerary;
  if (legs.empty() && !flight.origin.empty()) legs.push_back(flight);
  PnrFacts common;
  auto country = [&](const std::string& airport) -> std::string {
    if (input.airport_countries == nullptr) return {};
    const auto it = input.airport_countries->find(airport);
    return it == input.airport_countries->end() ? std::string() : it->second;
  };
  auto add = [&](PnrFacts& f, std::string_view name, const std::string& v) {
    if (v.empty()) return;
    auto& list = f.text[std::string(name)];
    const std::string up = Upper(v);
    if (std::find(list.begin(), list.end(), up) == list.end()) list.push_back(up);
  };
  if (!legs.empty()) {
    add(common, "origin", legs.front().origin);
    add(common, "destination", legs.back().destination);
    add(common, "origin_country", country(legs.front().origin));
    add(common, "destination_country", country(legs.back().destination));
    for (size_t i = 0; i < legs.size(); ++i) {
      const FlightLeg& l = legs[i];
      add(common, "airports", l.origin);
      add(common, "airports", l.destination);
      add(common, "countries", country(l.origin));
      add(common, "countries", country(l.destination));
      add(common, "route_legs", l.origin + "-" + l.destination);
      add(common, "carriers", l.carrier);
      add(common, "flights", l.carrier + l.flight_number);
      if (i + 1 < legs.size()) {
        add(common, "transit", l.destination);
        add(common, "transit_countries", country(l.destination));
      }
    }
    if (legs.front().departure.has_date()) {
      common.text["departure_date"] = {legs.front().departure.IsoDate()};
    }
  }
  common.number["legs"] = static_cast<double>(legs.size());
  common.number["travellers"] = static_cast<double>(booking.travellers.size());
  common.number["travelling_alone"] = booking.travellers.size() == 1 ? 1 : 0;
  if (booking.one_way) common.number["one_way"] = *booking.one_way ? 1 : 0;
  common.number["code_share"] = booking.code_share ? 1 : 0;
  if (booking.agency) {
    add(common, "agency_code", booking.agency->agent_code);
    add(common, "agency_country", booking.agency->country);
  }
  for (const auto& r : booking.remarks) add(common, "remarks", r);
  for (const auto& p : booking.payments)
    add(common, "payment_form", std::string(PaymentFormName(p.form)));
  const LocalDateTime departure = legs.empty() ? LocalDateTime{} : legs.front().departure;
  auto hours_before = [&](const LocalDateTime& when) -> std::optional<double> {
    if (!departure.has_date() || !when.has_date()) return std::nullopt;
    double h = (departure.days - when.days) * 24.0;
    if (departure.has_time() && when.has_time()) h += (departure.minutes - when.minutes) / 60.0;
    return h;
  };
  const LocalDateTime booked =
      booking.reservation_date.has_date() ? booking.reservation_date : LocalDateTime{};
  if (booked.has_date()) {
    common.text["reservation_date"] = {booked.IsoDate()};
    if (const auto h = hours_before(booked)) common.number["booking_to_departure_hours"] = *h;
  }

  std::vector<PnrFacts> out;
  for (const auto& t : booking.travellers) {
    PnrFacts f = common;
    f.passenger_key = t.key;
    for (const auto& p : t.payments) add(f, "payment_form", std::string(PaymentFormName(p.form)));
    for (const auto& r : t.remarks) add(f, "remarks", r);
    LocalDateTime issued = booking.ticket_issue_date;
    for (const auto& k : t.tickets) {
      if (k.issue_date.has_date()) {
        issued = k.issue_date;
        break;
      }
    }
    if (issued.has_date()) {
      f.text["ticket_issue_date"] = {issued.IsoDate()};
      if (const auto h = hours_before(issued)) f.number["ticket_issue_to_departure_hours"] = *h;
    }
    uint32_t bags = 0;
    for (const auto& b : t.baggage) bags += b.count;
    f.number["bag_count"] = bags;
    f.number["frequent_flyer"] = t.frequent_flyers.empty() ? 0 : 1;
    bool listed_companion = false;
    if (input.listed_passengers != nullptr) {
      for (const auto& other : booking.travellers) {
        if (other.key != t.key && input.listed_passengers->contains(other.key)) {
          listed_companion = true;
        }
      }
    }
    f.number["listed_companion"] = listed_companion ? 1 : 0;
    out.push_back(std::move(f));
  }
  return out;
}

std::vector<RuleHit> RuleSet::Evaluate(const PnrFacts& facts, std::string_view record_locator,
                                       const EvaluationInput& input) const {
  std::vector<RuleHit> hits;
  for (const auto& r : rules_) {
    if (!r.ValidOn(input.evaluation_day)) continue;
    std::vector<FactMatch> matched;
    if (!Eval(*r.condition, facts, matched)) continue;
    hits.push_back({r.id, r.version, r.title, facts.passenger_key, std::string(record_locator),
                    std::move(matched)});
  }
  return hits;
}

std::vector<RuleHit> RuleSet::Evaluate(const PnrMessage& message,
                                       const EvaluationInput& input) const {
  std::vector<RuleHit> hits;
  for (const auto& b : message.bookings) {
    for (const auto& f : BookingFacts(b, message.flight, input)) {
      auto h = Evaluate(f, b.record_locator, input);
      hits.insert(hits.end(), std::make_move_iterator(h.begin()), std::make_move_iterator(h.end()));
    }
  }
  return hits;
}

std::string RiskRuleRecordProperties(const RiskRule& rule) {
  json j = json::object();
  j["rule_id"] = rule.id;
  j["version"] = rule.version;
  j["author"] = rule.author;
  if (rule.valid_from.has_date()) j["valid_from"] = rule.valid_from.IsoDate();
  if (rule.valid_to.has_date()) j["valid_to"] = rule.valid_to.IsoDate();
  j["title"] = rule.title;
  if (!rule.description.empty()) j["description"] = rule.description;
  j["definition"] = rule.source;
  return j.dump();
}

std::string RuleHitJson(const RuleHit& hit) {
  json facts = json::array();
  for (const auto& f : hit.facts) {
    facts.push_back({{"fact", f.fact},
                     {"op", f.op},
                     {"expected", json::parse(f.expected, nullptr, false)},
                     {"actual", f.actual}});
  }
  json j = {{"rule_id", hit.rule_id},
            {"version", hit.version},
            {"title", hit.title},
            {"passenger_key", hit.passenger_key},
            {"record_locator", hit.record_locator},
            {"facts", std::move(facts)}};
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace issa::travel
