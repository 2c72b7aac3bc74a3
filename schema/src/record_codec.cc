#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "issa/core/ids.h"
#include "issa/schema/registry.h"

#include "json_util.h"
#include "type_schema.h"

namespace issa::schema {
namespace {

using json = nlohmann::json;

constexpr size_t kMaxLinks = 1000;
constexpr size_t kMaxAuthorities = 100;

Result<core::Timestamp> TimeMember(const json& v, const std::string& field) {
  if (!v.is_string()) return InvalidArgument("must be an RFC 3339 date-time string", field);
  auto t = core::ParseTimestamp(v.get_ref<const std::string&>());
  if (!t.ok()) return InvalidArgument(t.status().message(), field);
  return *t;
}

Result<std::vector<std::string>> StringList(const json& v, const std::string& field, size_t max) {
  if (!v.is_array()) return InvalidArgument("must be an array of strings", field);
  if (v.size() > max) return InvalidArgument(fmt::format("at most {} entries", max), field);
  std::vector<std::string> out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (!v[i].is_string()) {
      return InvalidArgument("must be a string", fmt::format("{}[{}]", field, i));
    }
    out.push_back(v[i].get<std::string>());
  }
  return out;
}

// The checks of a handling whatever its source (JSON or a service's struct); sorts and
// de-duplicates the authorities.
Status CheckHandling(core::Handling& out) {
  if (out.authorities.size() > kMaxAuthorities) {
    return InvalidArgument(fmt::format("at most {} entries", kMaxAuthorities),
                           "handling.authorities");
  }
  for (size_t i = 0; i < out.authorities.size(); ++i) {
    if (!core::IsValidAuthorityId(out.authorities[i])) {
      return InvalidArgument("is not an authority id such as FR-PIU",
                             fmt::format("handling.authorities[{}]", i));
    }
  }
  std::sort(out.authorities.begin(), out.authorities.end());
  out.authorities.erase(std::unique(out.authorities.begin(), out.authorities.end()),
                        out.authorities.end());
  switch (out.distribution) {
    case core::Distribution::kAuthorities:
      if (out.authorities.empty()) {
        return InvalidArgument("distribution \"authorities\" needs at least one authority",
                               "handling.authorities");
      }
      if (!out.group.empty()) {
        return InvalidArgument("only with distribution \"group\"", "handling.group");
      }
      break;
    case core::Distribution::kGroup:
      if (out.group.empty()) {
        return InvalidArgument("distribution \"group\" needs a group id", "handling.group");
      }
      if (!out.authorities.empty()) {
        return InvalidArgument("only with distribution \"authorities\"", "handling.authorities");
      }
      break;
    case core::Distribution::kOwner:
    case core::Distribution::kAll:
      if (!out.authorities.empty()) {
        return InvalidArgument("only with distribution \"authorities\"", "handling.authorities");
      }
      if (!out.group.empty()) {
        return InvalidArgument("only with distribution \"group\"", "handling.group");
      }
      break;
  }
  if (out.purposes == 0) {
    return InvalidArgument("needs at least one purpose (border, crime, terrorism, cyber, crisis)",
                           "handling.purposes");
  }
  if (out.delete_after && out.depersonalise_after && *out.depersonalise_after > *out.delete_after) {
    return InvalidArgument("must not be after delete_after", "handling.depersonalise_after");
  }
  return Status::Ok();
}

Result<core::Handling> ParseHandling(const json& h) {
  if (!h.is_object()) return InvalidArgument("must be an object", "handling");
  static const std::set<std::string_view> kMembers = {
      "classification", "distribution", "authorities",         "group",
      "purposes",       "delete_after", "depersonalise_after", "hit_notice"};
  for (const auto& [key, value] : h.items()) {
    if (!kMembers.contains(key)) return InvalidArgument("unknown member", "handling." + key);
  }
  core::Handling out;
  const auto cls = h.find("classification");
  if (cls == h.end()) return InvalidArgument("is required", "handling.classification");
  if (!cls->is_string()) return InvalidArgument("must be a string", "handling.classification");
  auto c = core::ParseClassification(cls->get_ref<const std::string&>());
  if (!c.ok()) return InvalidArgument(c.status().message(), "handling.classification");
  out.classification = *c;

  const auto dist = h.find("distribution");
  if (dist != h.end()) {
    if (!dist->is_string()) return InvalidArgument("must be a string", "handling.distribution");
    auto d = core::ParseDistribution(dist->get_ref<const std::string&>());
    if (!d.ok()) return InvalidArgument(d.status().message(), "handling.distribution");
    out.distribution = *d;
  }
  if (const auto it = h.find("authorities"); it != h.end() && !it->is_null()) {
    ISSA_ASSIGN_OR_RETURN(out.authorities,
                          StringList(*it, "handling.authorities", kMaxAuthorities));
  }
  if (const auto it = h.find("group"); it != h.end() && !it->is_null()) {
    if (!it->is_string() || it->get_ref<const std::string&>().empty()) {
      return InvalidArgument("must be a sharing group id", "handling.group");
    }
    out.group = it->get<std::string>();
  }
  const auto purposes = h.find("purposes");
  if (purposes == h.end()) return InvalidArgument("is required", "handling.purposes");
  ISSA_ASSIGN_OR_RETURN(const auto names, StringList(*purposes, "handling.purposes", 5));
  for (size_t i = 0; i < names.size(); ++i) {
    auto p = core::ParsePurpose(names[i]);
    if (!p.ok()) {
      return InvalidArgument(p.status().message(), fmt::format("handling.purposes[{}]", i));
    }
    out.purposes |= static_cast<core::PurposeSet>(*p);
  }
  if (const auto it = h.find("delete_after"); it != h.end() && !it->is_null()) {
    ISSA_ASSIGN_OR_RETURN(out.delete_after, TimeMember(*it, "handling.delete_after"));
  }
  if (const auto it = h.find("depersonalise_after"); it != h.end() && !it->is_null()) {
    ISSA_ASSIGN_OR_RETURN(out.depersonalise_after, TimeMember(*it, "handling.depersonalise_after"));
  }
  if (const auto it = h.find("hit_notice"); it != h.end()) {
    if (!it->is_boolean()) return InvalidArgument("must be true or false", "handling.hit_notice");
    out.hit_notice = it->get<bool>();
  }
  ISSA_RETURN_IF_ERROR(CheckHandling(out));
  return out;
}

Result<std::vector<core::Link>> ParseLinks(const json& v) {
  if (!v.is_array()) return InvalidArgument("must be an array of {\"rel\",\"target\"}", "links");
  if (v.size() > kMaxLinks) return InvalidArgument("too many links", "links");
  std::vector<core::Link> out;
  for (size_t i = 0; i < v.size(); ++i) {
    const std::string at = fmt::format("links[{}]", i);
    const json& l = v[i];
    if (!l.is_object()) return InvalidArgument("must be an object", at);
    for (const auto& [key, value] : l.items()) {
      if (key != "rel" && key != "target") return InvalidArgument("unknown member", at + "." + key);
    }
    const auto rel = l.find("rel");
    const auto target = l.find("target");
    if (rel == l.end() || !rel->is_string()) {
      return InvalidArgument("needs a string", at + ".rel");
    }
    const std::string& r = rel->get_ref<const std::string&>();
    if (r.empty() || r.size() > 64 || !std::all_of(r.begin(), r.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || c == '_';
        })) {
      return InvalidArgument("must be a snake_case relation such as crew_of", at + ".rel");
    }
    if (target == l.end() || !target->is_string() ||
        !core::IsUuid(target->get_ref<const std::string&>())) {
      return InvalidArgument("must be a record id", at + ".target");
    }
    out.push_back({r, target->get<std::string>()});
  }
  return out;
}

// Validates the (create or patched) JSON form into a draft.
Result<RecordDraft> DraftFrom(const Registry& registry, const json& doc) {
  static const std::set<std::string_view> kMembers = {"type",     "properties", "geometry", "links",
                                                      "handling", "valid_from", "valid_to"};
  for (const auto& [key, value] : doc.items()) {
    if (!kMembers.contains(key)) {
      return InvalidArgument(key == "id" || key == "owner" || key == "version"
                                 ? "is assigned by the node and cannot be set"
                                 : "unknown member",
                             key);
    }
  }
  RecordDraft d;
  const auto type = doc.find("type");
  if (type == doc.end() || !type->is_string()) return InvalidArgument("is required", "type");
  d.type = type->get<std::string>();
  const TypeSchema* schema = registry.FindType(d.type);
  if (schema == nullptr) {
    std::string all;
    for (const auto& t : registry.Types()) all += (all.empty() ? "" : ", ") + t;
    return InvalidArgument(
        fmt::format("unknown record type '{}' (one of: {})", d.type.substr(0, 40), all), "type");
  }
  const auto props = doc.find("properties");
  if (props == doc.end()) return InvalidArgument("is required", "properties");
  ISSA_RETURN_IF_ERROR(schema->Validate(*props).WithFieldPrefix("properties"));
  d.properties_json = props->dump();
  schema->CollectSearchText(*props, d.search_text);
  d.key = schema->KeyOf(*props);

  if (const auto g = doc.find("geometry"); g != doc.end() && !g->is_null()) {
    ISSA_ASSIGN_OR_RETURN(d.bbox, GeometryBBoxOf(*g));
    d.geometry_json = g->dump();
  }
  if (const auto l = doc.find("links"); l != doc.end() && !l->is_null()) {
    ISSA_ASSIGN_OR_RETURN(d.links, ParseLinks(*l));
  }
  const auto h = doc.find("handling");
  if (h == doc.end()) return InvalidArgument("is required", "handling");
  ISSA_ASSIGN_OR_RETURN(d.handling, ParseHandling(*h));
  if (const auto v = doc.find("valid_from"); v != doc.end() && !v->is_null()) {
    ISSA_ASSIGN_OR_RETURN(d.valid_from, TimeMember(*v, "valid_from"));
  }
  if (const auto v = doc.find("valid_to"); v != doc.end() && !v->is_null()) {
    ISSA_ASSIGN_OR_RETURN(d.valid_to, TimeMember(*v, "valid_to"));
  }
  if (d.valid_from && d.valid_to && *d.valid_to < *d.valid_from) {
    return InvalidArgument("must not be before valid_from", "valid_to");
  }
  return d;
}

json HandlingJson(const core::Handling& h) {
  json o = json::object();
  o["classification"] = core::ToString(h.classification);
  o["distribution"] = core::ToString(h.distribution);
  if (h.distribution == core::Distribution::kAuthorities) o["authorities"] = h.authorities;
  if (h.distribution == core::Distribution::kGroup) o["group"] = h.group;
  o["purposes"] = core::PurposeNames(h.purposes);
  o["delete_after"] = h.delete_after ? json(core::FormatTimestamp(*h.delete_after)) : json(nullptr);
  o["depersonalise_after"] =
      h.depersonalise_after ? json(core::FormatTimestamp(*h.depersonalise_after)) : json(nullptr);
  o["hit_notice"] = h.hit_notice;
  return o;
}

json LinksJson(const std::vector<core::Link>& links) {
  json a = json::array();
  for (const auto& l : links) a.push_back({{"rel", l.rel}, {"target", l.target}});
  return a;
}

json OptTime(const std::optional<core::Timestamp>& t) {
  return t ? json(core::FormatTimestamp(*t)) : json(nullptr);
}

// The writable members of a record, as a client would submit them.
json InputForm(const core::Record& r) {
  json doc = json::object();
  doc["type"] = r.type;
  doc["properties"] = json::parse(r.properties_json, nullptr, false);
  doc["geometry"] = r.geometry_json.empty() ? json(nullptr) : json::parse(r.geometry_json);
  doc["links"] = LinksJson(r.links);
  doc["handling"] = HandlingJson(r.handling);
  doc["valid_from"] = OptTime(r.valid_from);
  doc["valid_to"] = OptTime(r.valid_to);
  return doc;
}

}  // namespace

Result<json> ParseJsonObject(std::string_view text) {
  if (const auto bad = FindInvalidUtf8(text)) {
    return InvalidArgument(fmt::format("invalid UTF-8 at byte {}", *bad), "body");
  }
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    return InvalidArgument(fmt::format("malformed JSON at byte {}", e.byte), "body");
  }
  if (!doc.is_object()) return InvalidArgument("must be a JSON object", "body");
  return doc;
}

Result<RecordDraft> ParseRecord(const Registry& registry, std::string_view text) {
  ISSA_ASSIGN_OR_RETURN(const json doc, ParseJsonObject(text));
  return DraftFrom(registry, doc);
}

Result<RecordDraft> DraftFromParsed(const Registry& registry, std::string_view type,
                                    const json& properties, std::string properties_json,
                                    core::Handling handling) {
  RecordDraft d;
  d.type = std::string(type);
  const TypeSchema* schema = registry.FindType(type);
  if (schema == nullptr) {
    return InvalidArgument(fmt::format("unknown record type '{}'", type.substr(0, 40)), "type");
  }
  ISSA_RETURN_IF_ERROR(schema->Validate(properties).WithFieldPrefix("properties"));
  if (const auto bad = FindInvalidUtf8(properties_json)) {
    return InvalidArgument(fmt::format("invalid UTF-8 at byte {}", *bad), "properties");
  }
  d.properties_json = std::move(properties_json);
  schema->CollectSearchText(properties, d.search_text);
  d.key = schema->KeyOf(properties);
  ISSA_RETURN_IF_ERROR(CheckHandling(handling));
  d.handling = std::move(handling);
  return d;
}

std::string HandlingToJson(const core::Handling& handling) { return HandlingJson(handling).dump(); }

Result<RecordDraft> ApplyPatch(const Registry& registry, const core::Record& current,
                               std::string_view patch_text) {
  ISSA_ASSIGN_OR_RETURN(const json patch, ParseJsonObject(patch_text));
  if (const auto t = patch.find("type"); t != patch.end() && *t != json(current.type)) {
    return InvalidArgument("the type of a record cannot change", "type");
  }
  json doc = InputForm(current);
  // Handling and links are replaced as units when given, so that a patch cannot leave a mix of
  // two distributions behind; properties and geometry follow RFC 7396.
  json merged_patch = patch;
  if (const auto h = patch.find("handling"); h != patch.end() && h->is_object()) {
    json handling = doc["handling"];
    handling.merge_patch(*h);
    if (h->contains("distribution")) {
      const std::string dist =
          (*h)["distribution"].is_string() ? (*h)["distribution"].get<std::string>() : "";
      if (dist != "authorities" && !h->contains("authorities")) handling.erase("authorities");
      if (dist != "group" && !h->contains("group")) handling.erase("group");
    }
    merged_patch.erase("handling");
    doc["handling"] = handling;
  }
  doc.merge_patch(merged_patch);
  if (!doc.contains("properties")) doc["properties"] = json::object();
  return DraftFrom(registry, doc);
}

std::string RecordToJson(const core::Record& r, bool include_grants) {
  json o = json::object();
  o["id"] = r.id;
  o["type"] = r.type;
  o["owner"] = r.owner;
  o["origin_node"] = r.origin_node;
  o["version"] = r.version;
  o["created_at"] = core::FormatTimestamp(r.created_at);
  o["updated_at"] = core::FormatTimestamp(r.updated_at);
  o["valid_from"] = OptTime(r.valid_from);
  o["valid_to"] = OptTime(r.valid_to);
  o["properties"] = json::parse(r.properties_json, nullptr, false);
  o["geometry"] =
      r.geometry_json.empty() ? json(nullptr) : json::parse(r.geometry_json, nullptr, false);
  if (r.bbox) {
    o["bbox"] = {r.bbox->min_lon, r.bbox->min_lat, r.bbox->max_lon, r.bbox->max_lat};
  }
  o["links"] = LinksJson(r.links);
  o["handling"] = HandlingJson(r.handling);
  o["created_by"] = r.created_by;
  o["depersonalised"] = r.depersonalised;
  if (include_grants) o["grants"] = r.grants;
  return o.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace issa::schema
