#include "issa/cyber/stix.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <iterator>
#include <map>
#include <set>
#include <unordered_map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <openssl/evp.h>

#include "issa/cyber/pattern.h"

#include "json_fast.h"
#include "json_schema.h"

namespace issa::cyber {
namespace detail {
const std::vector<std::pair<std::string, std::string>>& StixSchemaFiles();
}  // namespace detail

namespace {

using json = nlohmann::json;

constexpr std::string_view kObservableTypes[] = {"artifact",
                                                 "autonomous-system",
                                                 "directory",
                                                 "domain-name",
                                                 "email-addr",
                                                 "email-message",
                                                 "file",
                                                 "ipv4-addr",
                                                 "ipv6-addr",
                                                 "mac-addr",
                                                 "mutex",
                                                 "network-traffic",
                                                 "process",
                                                 "software",
                                                 "url",
                                                 "user-account",
                                                 "windows-registry-key",
                                                 "x509-certificate"};

// ID-contributing properties per observable type (STIX 2.1 §6).
const std::map<std::string, std::vector<std::string>, std::less<>>& Contributing() {
  static const auto* m = new std::map<std::string, std::vector<std::string>, std::less<>>{
      {"artifact", {"hashes", "payload_bin"}},
      {"autonomous-system", {"number"}},
      {"directory", {"path"}},
      {"domain-name", {"value"}},
      {"email-addr", {"value"}},
      {"email-message", {"from_ref", "subject", "body"}},
      {"file", {"hashes", "name", "extensions", "parent_directory_ref"}},
      {"ipv4-addr", {"value"}},
      {"ipv6-addr", {"value"}},
      {"mac-addr", {"value"}},
      {"mutex", {"name"}},
      {"network-traffic",
       {"start", "end", "src_ref", "dst_ref", "src_port", "dst_port", "protocols", "extensions"}},
      {"software", {"name", "cpe", "swid", "vendor", "version"}},
      {"url", {"value"}},
      {"user-account", {"account_type", "user_id", "account_login"}},
      {"windows-registry-key", {"key", "values"}},
      {"x509-certificate", {"hashes", "serial_number"}},
  };
  return *m;
}

std::string SchemaFor(const std::string& type) {
  static const std::set<std::string, std::less<>> kSdo = {
      "attack-pattern", "campaign",      "course-of-action", "grouping",
      "identity",       "incident",      "indicator",        "infrastructure",
      "intrusion-set",  "location",      "malware",          "malware-analysis",
      "note",           "observed-data", "opinion",          "report",
      "threat-actor",   "tool",          "vulnerability"};
  if (kSdo.contains(type)) return "sdos/" + type + ".json";
  if (type == "relationship" || type == "sighting") return "sros/" + type + ".json";
  if (IsObservableType(type)) return "observables/" + type + ".json";
  if (type == "marking-definition" || type == "language-content" ||
      type == "extension-definition") {
    return "common/" + type + ".json";
  }
  return "";  // custom object
}

bool IsRefKey(std::string_view k) { return k.ends_with("_ref") || k.ends_with("_refs"); }

// Collects the ids of *_ref / *_refs properties (top level and inside extensions); returns the
// path of the first value that is not a STIX identifier.
std::optional<std::string> CollectRefs(const json& o, const std::string& path,
                                       std::vector<std::string>& refs, int depth = 0) {
  if (depth > 8 || !o.is_object()) return std::nullopt;
  for (const auto& [k, v] : o.items()) {
    if (!IsRefKey(k) && k != "extensions") continue;
    const std::string p = path.empty() ? k : path + "." + k;
    if (IsRefKey(k)) {
      if (v.is_string()) {
        if (!IsStixId(v.get_ref<const std::string&>())) return p;
        refs.push_back(v.get<std::string>());
      } else if (v.is_array()) {
        for (size_t i = 0; i < v.size(); ++i) {
          if (!v[i].is_string() || !IsStixId(v[i].get_ref<const std::string&>())) {
            return fmt::format("{}[{}]", p, i);
          }
          refs.push_back(v[i].get<std::string>());
        }
      } else {
        return p;
      }
    } else if (k == "extensions" && v.is_object()) {
      for (const auto& [ek, ev] : v.items()) {
        if (auto bad = CollectRefs(ev, p + "." + ek, refs, depth + 1)) return bad;
      }
    }
  }
  return std::nullopt;
}

Status ObjectError(const std::string& id, const std::string& path, const std::string& message) {
  return InvalidArgument(id.empty() ? message : fmt::format("{}: {}", id, message), path);
}

std::string HexByte(unsigned char b) {
  static constexpr char kHex[] = "0123456789abcdef";
  return {kHex[b >> 4], kHex[b & 15]};
}

bool ParseUuid(std::string_view text, std::array<unsigned char, 16>& out) {
  if (text.size() != 36) return false;
  size_t j = 0;
  for (size_t i = 0; i < 36;) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i] != '-') return false;
      ++i;
      continue;
    }
    auto nib = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    const int hi = nib(text[i]);
    const int lo = nib(text[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[j++] = static_cast<unsigned char>(hi * 16 + lo);
    i += 2;
  }
  return true;
}

std::optional<std::string> DeterministicId(const std::string& type, const json& o) {
  const auto it = Contributing().find(type);
  if (it == Contributing().end()) return std::nullopt;
  json name = json::object();
  for (const std::string& p : it->second) {
    const auto v = o.find(p);
    if (v == o.end()) continue;
    if (p == "hashes" && v->is_object() && !v->empty()) {
      // One hash, by preference MD5, SHA-1, SHA-256, SHA-512, else the first.
      json one = json::object();
      for (const char* algo : {"MD5", "SHA-1", "SHA-256", "SHA-512"}) {
        if (v->contains(algo)) {
          one[algo] = (*v)[algo];
          break;
        }
      }
      if (one.empty()) one[v->begin().key()] = v->begin().value();
      name[p] = one;
    } else {
      name[p] = *v;
    }
  }
  if (name.empty()) return std::nullopt;
  return type + "--" + UuidV5(kStixScoNamespace, name.dump());
}

}  // namespace

struct StixValidator::Impl {
  detail::SchemaSet schemas;

  Result<StixObject> Check(json o) const {
    if (!o.is_object()) return InvalidArgument("a STIX object must be a JSON object", "");
    std::string id;
    if (auto it = o.find("id"); it != o.end() && it->is_string()) id = it->get<std::string>();
    const auto t = o.find("type");
    if (t == o.end() || !t->is_string()) return ObjectError(id, "type", "is required (a string)");
    const std::string type = t->get<std::string>();
    StixObject out;
    out.type = type;
    out.observable = IsObservableType(type);
    if (out.observable) {
      // The deterministic id, so that one observable from several CERTs is one object.
      if (auto det = DeterministicId(type, o)) {
        if (id != *det) {
          out.original_id = id;
          id = *det;
          o["id"] = id;
        }
      } else if (id.empty()) {
        return ObjectError(id, "id", "is required (no id-contributing property is present)");
      }
    }
    if (!id.empty() &&
        !(id.starts_with(type) && std::string_view(id).substr(type.size()).starts_with("--"))) {
      return ObjectError(id, "id", fmt::format("must start with \"{}--\"", type));
    }
    std::string schema = SchemaFor(type);
    if (schema.empty()) schema = "common/core.json";  // custom objects: the common properties
    if (auto e = schemas.Validate(schema, o)) return ObjectError(id, e->path, e->message);
    if (!IsStixId(id)) return ObjectError(id, "id", "is not a STIX identifier <type>--<UUID>");
    if (auto bad = CollectRefs(o, "", out.refs)) {
      return ObjectError(id, *bad, "is not a STIX identifier <type>--<UUID>");
    }
    for (const auto& [k, v] : o.items()) {
      if (!IsRefKey(k) || k == "created_by_ref") continue;
      const auto self = [&](const json& x) {
        return x.is_string() && x.get_ref<const std::string&>() == id;
      };
      if (self(v) || (v.is_array() && std::any_of(v.begin(), v.end(), self))) {
        return ObjectError(id, k, "refers to the object itself (a cyclic reference)");
      }
    }
    if (type == "indicator") {
      const auto pt = o.find("pattern_type");
      const auto p = o.find("pattern");
      if (pt != o.end() && pt->is_string() && *pt == "stix" && p != o.end() && p->is_string()) {
        Result<ParsedPattern> parsed = ParsePattern(p->get_ref<const std::string&>());
        if (!parsed.ok()) return ObjectError(id, "pattern", parsed.status().message());
        out.pattern = std::move(parsed).value();
      }
    }
    if (auto it = o.find("spec_version"); it != o.end() && it->is_string()) {
      out.spec_version = it->get<std::string>();
    } else {
      out.spec_version = "2.1";
    }
    if (auto it = o.find("created"); it != o.end() && it->is_string()) {
      out.created = it->get<std::string>();
    }
    if (auto it = o.find("modified"); it != o.end() && it->is_string()) {
      out.modified = it->get<std::string>();
    }
    if (!out.created.empty() && !out.modified.empty() && out.modified < out.created) {
      return ObjectError(id, "modified", "is earlier than created");
    }
    out.version = !out.modified.empty() ? out.modified : out.created;
    if (auto it = o.find("object_marking_refs"); it != o.end() && it->is_array()) {
      for (const auto& m : *it) out.marking_refs.push_back(m.get<std::string>());
    }
    out.tlp = StrictestTlp(out.marking_refs);
    out.id = std::move(id);
    out.json = detail::CanonicalJson(o);
    out.value = std::move(o);
    return out;
  }
};

StixValidator::StixValidator(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
StixValidator::~StixValidator() = default;

Result<std::shared_ptr<const StixValidator>> StixValidator::Builtin() {
  auto impl = std::make_unique<Impl>();
  const std::string err = impl->schemas.Load(detail::StixSchemaFiles());
  if (!err.empty()) return Internal("STIX schemas: " + err);
  return std::shared_ptr<const StixValidator>(new StixValidator(std::move(impl)));
}

Result<StixObject> StixValidator::Validate(std::string_view object_json) const {
  json o = detail::ParseJsonFast(object_json);
  if (o.is_discarded()) return InvalidArgument("not valid JSON", "");
  return impl_->Check(std::move(o));
}

namespace {

// Reads the members of the top-level object up to the "objects" array, then yields each
// element's text. A small scanner over the text: strings and nesting are tracked, nothing is
// parsed into a tree beyond one element.
class ArrayScanner {
 public:
  explicit ArrayScanner(std::string_view s) : s_(s) {}

  // Positions after the '[' of the top-level member "objects". Returns an error text.
  std::string FindObjects(std::string& bundle_type) {
    SkipWs();
    if (i_ >= s_.size() || s_[i_] != '{') return "a bundle must be a JSON object";
    ++i_;
    for (;;) {
      SkipWs();
      if (i_ < s_.size() && s_[i_] == '}') return "the bundle has no \"objects\" array";
      std::string key;
      if (!ReadString(key)) return "malformed JSON in the bundle";
      SkipWs();
      if (i_ >= s_.size() || s_[i_] != ':') return "malformed JSON in the bundle";
      ++i_;
      SkipWs();
      if (key == "objects") {
        if (i_ >= s_.size() || s_[i_] != '[') return "\"objects\" must be an array";
        ++i_;
        return "";
      }
      const size_t start = i_;
      if (!SkipValue()) return "malformed JSON in the bundle";
      if (key == "type") bundle_type = std::string(s_.substr(start, i_ - start));
      SkipWs();
      if (i_ < s_.size() && s_[i_] == ',') {
        ++i_;
        continue;
      }
      return "malformed JSON in the bundle";
    }
  }

  // The next element's text; empty at the array's end; error text in `err`.
  std::string_view NextElement(std::string& err) {
    SkipWs();
    if (i_ < s_.size() && s_[i_] == ']') {
      ++i_;
      return {};
    }
    if (!first_) {
      if (i_ >= s_.size() || s_[i_] != ',') {
        err = "malformed JSON in \"objects\"";
        return {};
      }
      ++i_;
      SkipWs();
    }
    first_ = false;
    const size_t start = i_;
    if (!SkipValue()) {
      err = "malformed JSON in \"objects\"";
      return {};
    }
    return s_.substr(start, i_ - start);
  }

 private:
  void SkipWs() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t'))
      ++i_;
  }
  bool ReadString(std::string& out) {
    if (i_ >= s_.size() || s_[i_] != '"') return false;
    const size_t start = i_;
    if (!SkipString()) return false;
    json j = json::parse(s_.substr(start, i_ - start), nullptr, false);
    if (!j.is_string()) return false;
    out = j.get<std::string>();
    return true;
  }
  bool SkipString() {
    ++i_;
    while (i_ < s_.size()) {
      if (s_[i_] == '\\') {
        i_ += 2;
        continue;
      }
      if (s_[i_] == '"') {
        ++i_;
        return true;
      }
      ++i_;
    }
    return false;
  }
  bool SkipValue() {
    if (i_ >= s_.size()) return false;
    if (s_[i_] == '"') return SkipString();
    if (s_[i_] == '{' || s_[i_] == '[') {
      int depth = 0;
      while (i_ < s_.size()) {
        const char c = s_[i_];
        if (c == '"') {
          if (!SkipString()) return false;
          continue;
        }
        if (c == '{' || c == '[') {
          if (++depth > 512) return false;
        } else if (c == '}' || c == ']') {
          if (--depth == 0) {
            ++i_;
            return true;
          }
        }
        ++i_;
      }
      return false;
    }
    const size_t start = i_;
    while (i_ < s_.size() && s_[i_] != ',' && s_[i_] != '}' && s_[i_] != ']' && s_[i_] != ' ' &&
           s_[i_] != '\n' && s_[i_] != '\r' && s_[i_] != '\t')
      ++i_;
    return i_ > start;
  }

  std::string_view s_;
  size_t i_ = 0;
  bool first_ = true;
};

// Parent-direction and containment-direction refs: a cycle along either is refused.
constexpr std::string_view kUpRefs[] = {"parent_ref", "parent_directory_ref",
                                        "encapsulated_by_ref"};
constexpr std::string_view kDownRefs[] = {"child_refs", "contains_refs", "encapsulates_refs"};

}  // namespace

Status ReadBundle(const StixValidator& validator, std::istream& in, const BundleLimits& limits,
                  const std::function<bool(BundleItem&)>& visit) {
  ISSA_ASSIGN_OR_RETURN(std::vector<BundleItem> items, ReadBundleItems(validator, in, limits));
  for (BundleItem& item : items) {
    if (!visit(item)) break;
  }
  return Status::Ok();
}

Result<std::vector<BundleItem>> ReadBundleItems(const StixValidator& validator, std::istream& in,
                                                const BundleLimits& limits) {
  std::string text;
  {
    // What the stream holds already (a request body in memory) is read into one buffer of its
    // size, not into one grown by doubling and copied each time.
    const std::streamsize buffered = in.rdbuf() != nullptr ? in.rdbuf()->in_avail() : 0;
    if (buffered > 0) {
      text.reserve(std::min(static_cast<size_t>(buffered), limits.max_bytes) + 1);
    }
    std::array<char, 1 << 16> buf{};
    while (in) {
      in.read(buf.data(), buf.size());
      text.append(buf.data(), static_cast<size_t>(in.gcount()));
      if (text.size() > limits.max_bytes) {
        return ResourceExhausted(
            fmt::format("the bundle is larger than {} bytes", limits.max_bytes));
      }
    }
  }
  ArrayScanner scan(text);
  std::string bundle_type;
  if (std::string err = scan.FindObjects(bundle_type); !err.empty()) {
    return InvalidArgument(err, "objects");
  }
  if (!bundle_type.empty() && bundle_type != "\"bundle\"") {
    return InvalidArgument("must be \"bundle\"", "type");
  }
  // The elements' texts first, so that the items are allocated once (a growing vector of
  // validated objects would be moved and its old buffers freed several times per bundle).
  std::vector<std::string_view> elements;
  for (size_t index = 0;; ++index) {
    std::string err;
    const std::string_view element = scan.NextElement(err);
    if (!err.empty()) return InvalidArgument(fmt::format("{} at object {}", err, index), "objects");
    if (element.empty()) break;
    if (elements.size() >= limits.max_objects) {
      return ResourceExhausted(
          fmt::format("the bundle has more than {} objects", limits.max_objects));
    }
    elements.push_back(element);
  }
  std::vector<BundleItem> items;
  items.reserve(elements.size());
  std::unordered_map<std::string, std::string> replaced;  // submitted id -> deterministic id
  for (size_t index = 0; index < elements.size(); ++index) {
    const std::string_view element = elements[index];
    BundleItem item;
    item.index = index;
    if (element.size() > limits.max_object_bytes) {
      item.object = InvalidArgument(
          fmt::format("object {} is larger than {} bytes", index, limits.max_object_bytes), "");
    } else {
      item.object = validator.Validate(element);
      if (item.object.ok()) {
        item.submitted_id =
            item.object->original_id.empty() ? item.object->id : item.object->original_id;
        if (!item.object->original_id.empty()) {
          replaced.emplace(item.object->original_id, item.object->id);
        }
      } else {
        const json o = json::parse(element, nullptr, false);
        if (o.is_object()) {
          if (auto it = o.find("id"); it != o.end() && it->is_string()) {
            item.submitted_id = it->get<std::string>();
          }
        }
      }
    }
    items.push_back(std::move(item));
  }
  // Rewrite refs to replaced observable ids.
  if (!replaced.empty()) {
    for (BundleItem& item : items) {
      if (!item.object.ok()) continue;
      StixObject& obj = *item.object;
      if (std::none_of(obj.refs.begin(), obj.refs.end(),
                       [&](const std::string& r) { return replaced.contains(r); })) {
        continue;
      }
      json& o = obj.value;
      for (auto& [k, v] : o.items()) {
        if (!IsRefKey(k)) continue;
        if (v.is_string()) {
          if (auto r = replaced.find(v.get<std::string>()); r != replaced.end()) v = r->second;
        } else if (v.is_array()) {
          for (auto& e : v) {
            if (auto r = replaced.find(e.get<std::string>()); r != replaced.end()) e = r->second;
          }
        }
      }
      for (std::string& r : obj.refs) {
        if (auto it = replaced.find(r); it != replaced.end()) r = it->second;
      }
      obj.json = detail::CanonicalJson(o);
    }
  }
  // Cycles along parent or containment refs among the bundle's objects (only a bundle with
  // such refs needs the index of its ids).
  const bool tree_refs = std::any_of(items.begin(), items.end(), [](const BundleItem& item) {
    // Parent and containment refs are among an object's refs: one whose refs are all its
    // object_marking_refs (each counted once in both) has none of them.
    if (!item.object.ok() || item.object->refs.size() == item.object->marking_refs.size()) {
      return false;
    }
    const json& o = item.object->value;
    const auto has = [&](std::string_view key) { return o.contains(key); };
    return std::any_of(std::begin(kUpRefs), std::end(kUpRefs), has) ||
           std::any_of(std::begin(kDownRefs), std::end(kDownRefs), has);
  });
  std::unordered_map<std::string, size_t> by_id;
  for (size_t i = 0; tree_refs && i < items.size(); ++i) {
    if (items[i].object.ok()) by_id.emplace(items[i].object->id, i);
  }
  for (const auto* group : {&kUpRefs, &kDownRefs}) {
    if (!tree_refs) break;
    std::vector<std::vector<size_t>> edges(items.size());
    bool any = false;
    for (size_t i = 0; i < items.size(); ++i) {
      if (!items[i].object.ok()) continue;
      const json& o = items[i].object->value;
      for (std::string_view key : *group) {
        const auto it = o.find(key);
        if (it == o.end()) continue;
        const auto add = [&](const json& ref) {
          if (!ref.is_string()) return;
          if (auto t = by_id.find(ref.get<std::string>()); t != by_id.end()) {
            edges[i].push_back(t->second);
            any = true;
          }
        };
        if (it->is_array()) {
          for (const auto& r : *it) add(r);
        } else {
          add(*it);
        }
      }
    }
    if (!any) continue;
    // Iterative three-colour DFS; every object on a found cycle fails.
    std::vector<int> colour(items.size(), 0);
    std::vector<size_t> parent(items.size(), SIZE_MAX);
    for (size_t s = 0; s < items.size(); ++s) {
      if (colour[s] != 0) continue;
      std::vector<std::pair<size_t, size_t>> stack{{s, 0}};
      colour[s] = 1;
      while (!stack.empty()) {
        auto& [node, next] = stack.back();
        if (next < edges[node].size()) {
          const size_t to = edges[node][next++];
          if (colour[to] == 0) {
            colour[to] = 1;
            parent[to] = node;
            stack.emplace_back(to, 0);
          } else if (colour[to] == 1) {
            std::vector<size_t> cycle{to};
            for (size_t n = node; n != to && n != SIZE_MAX; n = parent[n]) cycle.push_back(n);
            for (size_t n : cycle) {
              if (!items[n].object.ok()) continue;
              const std::string id = items[n].object->id;
              items[n].object =
                  ObjectError(id, "",
                              fmt::format("is on a cycle of parent or containment references ({} "
                                          "objects)",
                                          cycle.size()));
            }
          }
        } else {
          colour[node] = 2;
          stack.pop_back();
        }
      }
    }
  }
  return items;
}

std::optional<std::string> DeterministicObservableId(std::string_view type,
                                                     std::string_view object_json) {
  const json o = json::parse(object_json, nullptr, false);
  if (!o.is_object()) return std::nullopt;
  return DeterministicId(std::string(type), o);
}

std::string UuidV5(std::string_view namespace_uuid, std::string_view name) {
  std::array<unsigned char, 16> ns{};
  if (!ParseUuid(namespace_uuid, ns)) ns.fill(0);
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha1(), nullptr);
  EVP_DigestUpdate(ctx, ns.data(), ns.size());
  EVP_DigestUpdate(ctx, name.data(), name.size());
  EVP_DigestFinal_ex(ctx, digest.data(), &length);
  EVP_MD_CTX_free(ctx);
  digest[6] = static_cast<unsigned char>((digest[6] & 0x0F) | 0x50);
  digest[8] = static_cast<unsigned char>((digest[8] & 0x3F) | 0x80);
  std::string out;
  out.reserve(36);
  for (size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out += HexByte(digest[i]);
  }
  return out;
}

bool IsStixId(std::string_view id) {
  const size_t sep = id.find("--");
  if (sep == std::string_view::npos || sep < 1) return false;
  const std::string_view type = id.substr(0, sep);
  for (char c : type) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  std::array<unsigned char, 16> u{};
  return ParseUuid(id.substr(sep + 2), u);
}

bool IsObservableType(std::string_view type) {
  return std::find(std::begin(kObservableTypes), std::end(kObservableTypes), type) !=
         std::end(kObservableTypes);
}

}  // namespace issa::cyber
