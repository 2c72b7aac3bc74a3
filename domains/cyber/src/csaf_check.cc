// The mandatory tests of CSAF 2.0 section 6.1 that concern what ISSA generates and reads.
#include <algorithm>
#include <cctype>
#include <limits>
#include <map>
#include <optional>
#include <regex>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "issa/cyber/csaf.h"

#include "csaf_lang.h"
#include "json_read.h"

namespace issa::cyber {
namespace {

using nlohmann::json;

// A revision or document version: integer ("3") or semantic ("1.2.0-rc.1+build").
struct Version {
  bool semantic = false;
  uint64_t major = 0, minor = 0, patch = 0;
  std::string pre_release;  // empty = none
  std::string build;
};

std::optional<Version> ParseVersion(const std::string& text) {
  static const std::regex kInteger("^(0|[1-9][0-9]{0,17})$");
  static const std::regex kSemver(
      "^(0|[1-9][0-9]{0,17})\\.(0|[1-9][0-9]{0,17})\\.(0|[1-9][0-9]{0,17})(?:-([0-9A-Za-z.-]+))?"
      "(?:\\+([0-9A-Za-z.-]+))?$");
  std::smatch m;
  if (std::regex_match(text, m, kInteger)) {
    Version v;
    v.major = std::stoull(m[1].str());
    return v;
  }
  if (std::regex_match(text, m, kSemver)) {
    return Version{.semantic = true,
                   .major = std::stoull(m[1].str()),
                   .minor = std::stoull(m[2].str()),
                   .patch = std::stoull(m[3].str()),
                   .pre_release = m[4].str(),
                   .build = m[5].str()};
  }
  return std::nullopt;
}

// Semantic-versioning precedence (build metadata ignored); integers compare as numbers.
int Compare(const Version& a, const Version& b) {
  const auto cmp = [](uint64_t x, uint64_t y) { return x < y ? -1 : (x > y ? 1 : 0); };
  if (int c = cmp(a.major, b.major)) return c;
  if (int c = cmp(a.minor, b.minor)) return c;
  if (int c = cmp(a.patch, b.patch)) return c;
  if (a.pre_release == b.pre_release) return 0;
  if (a.pre_release.empty()) return 1;
  if (b.pre_release.empty()) return -1;
  return a.pre_release < b.pre_release ? -1 : 1;
}

struct Revision {
  size_t index;
  std::string number;
  std::string date;
  std::optional<Version> version;
};

class Checker {
 public:
  explicit Checker(const json& doc) : doc_(doc) {}

  std::vector<CsafFinding> Run() {
    const json* document = Member(doc_, "document");
    if (document != nullptr && document->is_object()) {
      category_ = detail::StringOr(*document, "category");
      CheckProducts();
      CheckLanguage(*document);
      CheckTracking(*document);
      CheckCves();
      CheckCategoryName();
      CheckProfile(*document);
    }
    return std::move(findings_);
  }

 private:
  static const json* Member(const json& obj, std::string_view key) {
    if (!obj.is_object()) return nullptr;
    const auto it = obj.find(key);
    return it == obj.end() ? nullptr : &*it;
  }
  void Fail(std::string test, std::string path, std::string message) {
    findings_.push_back({std::move(test), std::move(path), std::move(message)});
  }

  // ---- 6.1.1, 6.1.2, 6.1.4, 6.1.5: product and product group ids ----
  void DefineProduct(const json& product, const std::string& path) {
    const std::string id = detail::StringOr(product, "product_id");
    if (id.empty()) return;
    if (!product_defs_.emplace(id, path + "/product_id").second) {
      Fail("6.1.2", path + "/product_id", "product id " + id + " is defined more than once");
    }
  }
  void WalkBranches(const json& branches, const std::string& path) {
    if (!branches.is_array()) return;
    for (size_t i = 0; i < branches.size(); ++i) {
      const std::string at = fmt::format("{}/{}", path, i);
      if (const json* p = Member(branches[i], "product")) DefineProduct(*p, at + "/product");
      if (const json* b = Member(branches[i], "branches")) WalkBranches(*b, at + "/branches");
    }
  }
  void UseIds(const json* ids, const std::string& path, bool groups) {
    if (ids == nullptr || !ids->is_array()) return;
    for (size_t i = 0; i < ids->size(); ++i) {
      if ((*ids)[i].is_string()) {
        (groups ? group_refs_ : product_refs_)
            .emplace_back((*ids)[i].get<std::string>(), fmt::format("{}/{}", path, i));
      }
    }
  }
  void UseId(const json* id, const std::string& path) {
    if (id != nullptr && id->is_string()) product_refs_.emplace_back(id->get<std::string>(), path);
  }
  void CheckProducts() {
    if (const json* tree = Member(doc_, "product_tree")) {
      if (const json* b = Member(*tree, "branches")) WalkBranches(*b, "/product_tree/branches");
      if (const json* names = Member(*tree, "full_product_names"); names && names->is_array()) {
        for (size_t i = 0; i < names->size(); ++i) {
          DefineProduct((*names)[i], fmt::format("/product_tree/full_product_names/{}", i));
        }
      }
      if (const json* rels = Member(*tree, "relationships"); rels && rels->is_array()) {
        for (size_t i = 0; i < rels->size(); ++i) {
          const std::string at = fmt::format("/product_tree/relationships/{}", i);
          if (const json* fpn = Member((*rels)[i], "full_product_name")) {
            DefineProduct(*fpn, at + "/full_product_name");
          }
          UseId(Member((*rels)[i], "product_reference"), at + "/product_reference");
          UseId(Member((*rels)[i], "relates_to_product_reference"),
                at + "/relates_to_product_reference");
        }
      }
      if (const json* groups = Member(*tree, "product_groups"); groups && groups->is_array()) {
        for (size_t i = 0; i < groups->size(); ++i) {
          const std::string at = fmt::format("/product_tree/product_groups/{}", i);
          const std::string gid = detail::StringOr((*groups)[i], "group_id");
          if (!gid.empty() && !group_defs_.insert(gid).second) {
            Fail("6.1.5", at + "/group_id",
                 "product group id " + gid + " is defined more than once");
          }
          UseIds(Member((*groups)[i], "product_ids"), at + "/product_ids", false);
        }
      }
    }
    if (const json* vulns = Member(doc_, "vulnerabilities"); vulns && vulns->is_array()) {
      for (size_t v = 0; v < vulns->size(); ++v) {
        const json& vuln = (*vulns)[v];
        const std::string at = fmt::format("/vulnerabilities/{}", v);
        if (const json* status = Member(vuln, "product_status"); status && status->is_object()) {
          for (const auto& [key, ids] : status->items()) {
            UseIds(&ids, at + "/product_status/" + key, false);
          }
        }
        for (const char* list : {"remediations", "threats", "flags", "scores", "notes"}) {
          const json* items = Member(vuln, list);
          if (items == nullptr || !items->is_array()) continue;
          for (size_t i = 0; i < items->size(); ++i) {
            const std::string item_at = fmt::format("{}/{}/{}", at, list, i);
            const char* key = std::string_view(list) == "scores" ? "products" : "product_ids";
            UseIds(Member((*items)[i], key), item_at + "/" + key, false);
            UseIds(Member((*items)[i], "group_ids"), item_at + "/group_ids", true);
          }
        }
      }
    }
    for (const auto& [id, path] : product_refs_) {
      if (!product_defs_.contains(id)) {
        Fail("6.1.1", path, "product id " + id + " is not defined in the product tree");
      }
    }
    for (const auto& [id, path] : group_refs_) {
      if (!group_defs_.contains(id)) {
        Fail("6.1.4", path, "product group id " + id + " is not defined in the product tree");
      }
    }
  }

  // ---- 6.1.12, 6.1.15, 6.1.28: languages ----
  void CheckLanguage(const json& document) {
    const std::string lang = detail::StringOr(document, "lang");
    const std::string source = detail::StringOr(document, "source_lang");
    if (!lang.empty() && !detail::IsKnownLanguageTag(lang)) {
      Fail("6.1.12", "/document/lang", "unknown language " + lang);
    }
    if (!source.empty() && !detail::IsKnownLanguageTag(source)) {
      Fail("6.1.12", "/document/source_lang", "unknown language " + source);
    }
    const json* publisher = Member(document, "publisher");
    if (publisher != nullptr && detail::StringOr(*publisher, "category") == "translator" &&
        source.empty()) {
      Fail("6.1.15", "/document/source_lang", "a translator's document needs source_lang");
    }
    if (!lang.empty() && !source.empty()) {
      std::string a = lang;
      std::string b = source;
      for (auto* s : {&a, &b}) {
        std::transform(s->begin(), s->end(), s->begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      }
      if (a == b) Fail("6.1.28", "/document/lang", "lang equals source_lang");
    }
  }

  // ---- 6.1.14, 6.1.16-6.1.22, 6.1.30: tracking and revision history ----
  void CheckTracking(const json& document) {
    const json* tracking = Member(document, "tracking");
    if (tracking == nullptr) return;
    const std::string status = detail::StringOr(*tracking, "status");
    const std::string version_text = detail::StringOr(*tracking, "version");
    const auto version = ParseVersion(version_text);
    const json* history = Member(*tracking, "revision_history");
    std::vector<Revision> revisions;
    if (history != nullptr && history->is_array()) {
      for (size_t i = 0; i < history->size(); ++i) {
        const std::string number = detail::StringOr((*history)[i], "number");
        revisions.push_back(
            {i, number, detail::StringOr((*history)[i], "date"), ParseVersion(number)});
      }
    }
    const std::string hist = "/document/tracking/revision_history";
    const bool released = status == "final" || status == "interim";

    // 6.1.30: integer and semantic versioning are not mixed.
    bool any_int = version && !version->semantic;
    bool any_sem = version && version->semantic;
    for (const auto& r : revisions) {
      if (!r.version) continue;
      const bool mixed = r.version->semantic ? any_int : any_sem;
      if (mixed) {
        Fail("6.1.30", fmt::format("{}/{}/number", hist, r.index),
             "integer and semantic versioning are mixed");
      }
      (r.version->semantic ? any_sem : any_int) = true;
    }
    // 6.1.22: no number twice.
    std::set<std::string> numbers;
    for (const auto& r : revisions) {
      if (!numbers.insert(r.number).second) {
        Fail("6.1.22", fmt::format("{}/{}/number", hist, r.index),
             "revision number " + r.number + " is used more than once");
      }
    }
    // 6.1.19: no pre-release revision numbers; 6.1.18: released documents have no 0 revision.
    for (const auto& r : revisions) {
      if (!r.version) continue;
      const std::string at = fmt::format("{}/{}/number", hist, r.index);
      if (!r.version->pre_release.empty()) {
        Fail("6.1.19", at, "revision " + r.number + " is a pre-release");
      }
      if (released && r.version->major == 0) {
        Fail("6.1.18", at, "a " + status + " document has the pre-release revision " + r.number);
      }
    }
    // 6.1.17 and 6.1.20: versions before 1, or pre-releases, are drafts.
    if (version) {
      if ((version->major == 0 || !version->pre_release.empty()) && status != "draft" &&
          !status.empty()) {
        Fail("6.1.17", "/document/tracking/status",
             "version " + version_text + " requires status draft");
      }
      if (released && !version->pre_release.empty()) {
        Fail("6.1.20", "/document/tracking/version",
             "a " + status + " document has the pre-release version " + version_text);
      }
    }
    // Sorted by date (stable): numbers ascend (6.1.14), none is skipped (6.1.21), and the last
    // one is the document version (6.1.16).
    std::vector<Revision> by_date;
    for (const auto& r : revisions) {
      if (r.version) by_date.push_back(r);
    }
    if (by_date.size() != revisions.size() || (any_int && any_sem)) return;
    // Equal dates are ordered by number.
    std::stable_sort(by_date.begin(), by_date.end(), [](const Revision& a, const Revision& b) {
      const auto da = DateKey(a.date);
      const auto db = DateKey(b.date);
      return da != db ? da < db : Compare(*a.version, *b.version) < 0;
    });
    for (size_t i = 1; i < by_date.size(); ++i) {
      if (Compare(*by_date[i - 1].version, *by_date[i].version) > 0) {
        Fail("6.1.14", fmt::format("{}/{}/number", hist, by_date[i].index),
             "revision history is not sorted: " + by_date[i].number + " is dated after " +
                 by_date[i - 1].number);
        break;
      }
    }
    if (!by_date.empty()) {
      std::vector<Revision> by_number = by_date;
      std::stable_sort(
          by_number.begin(), by_number.end(),
          [](const Revision& a, const Revision& b) { return Compare(*a.version, *b.version) < 0; });
      if (by_number.front().version->major > 1) {
        Fail("6.1.21", fmt::format("{}/{}/number", hist, by_number.front().index),
             "the revision history starts at " + by_number.front().number + ", not 0 or 1");
      }
      for (size_t i = 1; i < by_number.size(); ++i) {
        if (by_number[i].version->major > by_number[i - 1].version->major + 1) {
          Fail("6.1.21", fmt::format("{}/{}/number", hist, by_number[i].index),
               "revision " + by_number[i - 1].number + " is followed by " + by_number[i].number);
        }
      }
      if (version) {
        Version last = *by_date.back().version;
        Version doc_version = *version;
        if (status == "draft") last.pre_release = doc_version.pre_release = "";
        if (Compare(last, doc_version) != 0) {
          Fail("6.1.16", "/document/tracking/version",
               "version " + version_text + " is not the latest revision " + by_date.back().number);
        }
      }
    }
  }
  // Dates compare to the nanosecond (the test suite has dates 0.1 ms apart): whole seconds in UTC
  // from the timestamp parser, then the fraction digits. Unparsable dates sort first (the schema
  // reports them).
  static std::pair<core::Timestamp, std::string> DateKey(const std::string& date) {
    std::string whole = date;
    std::string fraction;
    if (const size_t dot = date.find('.'); dot != std::string::npos) {
      size_t end = dot + 1;
      while (end < date.size() && std::isdigit(static_cast<unsigned char>(date[end]))) ++end;
      fraction = date.substr(dot + 1, end - dot - 1);
      whole = date.substr(0, dot) + date.substr(end);
    }
    fraction.resize(12, '0');
    auto t = core::ParseTimestamp(whole);
    if (!t.ok()) return {std::numeric_limits<core::Timestamp>::min(), ""};
    return {*t, fraction};
  }

  // ---- 6.1.23: one CVE per vulnerability ----
  void CheckCves() {
    const json* vulns = Member(doc_, "vulnerabilities");
    if (vulns == nullptr || !vulns->is_array()) return;
    std::set<std::string> cves;
    for (size_t i = 0; i < vulns->size(); ++i) {
      const std::string cve = detail::StringOr((*vulns)[i], "cve");
      if (!cve.empty() && !cves.insert(cve).second) {
        Fail("6.1.23", fmt::format("/vulnerabilities/{}/cve", i), cve + " is used more than once");
      }
    }
  }

  // ---- 6.1.26: a csaf_base category must not look like another profile ----
  static std::string Normalised(std::string_view text) {
    std::string out;
    for (unsigned char c : text) {
      if (c == '-' || c == '_' || std::isspace(c)) continue;
      out += static_cast<char>(std::tolower(c));
    }
    return out;
  }
  void CheckCategoryName() {
    static const std::set<std::string, std::less<>> kProfiles = {
        "csaf_security_incident_response", "csaf_informational_advisory", "csaf_security_advisory",
        "csaf_vex"};
    if (category_.empty() || kProfiles.contains(category_) || category_ == "csaf_base") return;
    std::string lower = category_;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower.rfind("csaf_", 0) == 0) {
      Fail("6.1.26", "/document/category", "the prefix csaf_ is reserved: " + category_);
      return;
    }
    const std::string n = Normalised(category_);
    for (const auto& p : kProfiles) {
      if (n == Normalised(p) || n == Normalised(p.substr(5))) {
        Fail("6.1.26", "/document/category", category_ + " is the name of the profile " + p);
        return;
      }
    }
  }

  // ---- 6.1.27.x: profile tests ----
  void CheckProfile(const json& document) {
    const bool incident_or_info = category_ == "csaf_security_incident_response" ||
                                  category_ == "csaf_informational_advisory";
    const bool advisory_or_vex = category_ == "csaf_security_advisory" || category_ == "csaf_vex";
    if (incident_or_info) {
      bool has_note = false;
      if (const json* notes = Member(document, "notes"); notes && notes->is_array()) {
        for (const auto& n : *notes) {
          const std::string c = detail::StringOr(n, "category");
          has_note |= c == "description" || c == "details" || c == "general" || c == "summary";
        }
      }
      if (!has_note) {
        Fail("6.1.27.1", "/document/notes",
             "needs a note of category description, details, general or summary");
      }
      bool has_external = false;
      if (const json* refs = Member(document, "references"); refs && refs->is_array()) {
        for (const auto& r : *refs) has_external |= detail::StringOr(r, "category") == "external";
      }
      if (!has_external) {
        Fail("6.1.27.2", "/document/references", "needs a reference of category external");
      }
    }
    if (category_ == "csaf_informational_advisory" && Member(doc_, "vulnerabilities") != nullptr) {
      Fail("6.1.27.3", "/vulnerabilities", "an informational advisory has no vulnerabilities");
    }
    if (advisory_or_vex && Member(doc_, "product_tree") == nullptr) {
      Fail("6.1.27.4", "/product_tree", "the profile needs a product tree");
    }
    if (advisory_or_vex && Member(doc_, "vulnerabilities") == nullptr) {
      Fail("6.1.27.11", "/vulnerabilities", "the profile needs vulnerabilities");
    }
  }

  const json& doc_;
  std::string category_;
  std::map<std::string, std::string> product_defs_;
  std::set<std::string> group_defs_;
  std::vector<std::pair<std::string, std::string>> product_refs_;
  std::vector<std::pair<std::string, std::string>> group_refs_;
  std::vector<CsafFinding> findings_;
};

}  // namespace

Result<std::vector<CsafFinding>> CheckCsafMandatory(std::string_view text) {
  ISSA_ASSIGN_OR_RETURN(const auto doc, detail::ParseJson(text, "csaf"));
  if (!doc.is_object()) return InvalidArgument("must be a JSON object", "csaf");
  return Checker(doc).Run();
}

}  // namespace issa::cyber
