#include "issa/cyber/misp.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "issa/core/file.h"
#include "issa/core/ids.h"
#include "issa/core/time.h"
#include "issa/cyber/stix.h"

namespace issa::cyber {
namespace {

// Ids derived from content (relationships, sightings, bundles): UUIDv5 in ISSA's namespace for
// MISP-derived objects, so the same event gives the same ids and they pass the STIX identifier
// pattern (RFC 4122 versions 1-5).
constexpr std::string_view kMispDerivedNamespace = "6f1f3c55-2d0e-4a51-9b7e-5a0c7d2e8b41";

std::string MispDerivedUuid(std::string_view name) { return UuidV5(kMispDerivedNamespace, name); }

using Json = nlohmann::ordered_json;

// TLP tags to marking definitions as misp-stix writes them: TLP 1.0 ids for white/green/amber/
// red, TLP 2.0 ids for clear and amber+strict.
const std::map<std::string, std::string>& TlpMarkings() {
  static const std::map<std::string, std::string> kMarkings = {
      {"tlp:white", "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"},
      {"tlp:green", "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"},
      {"tlp:amber", "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"},
      {"tlp:red", "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"},
      {"tlp:clear", "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"},
      {"tlp:amber+strict", "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"},
  };
  return kMarkings;
}

std::string Lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

std::string JsonString(const Json& j, const char* key) {
  if (!j.is_object() || !j.contains(key)) return {};
  const auto& v = j[key];
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<std::int64_t>());
  if (v.is_boolean()) return v.get<bool>() ? "1" : "0";
  return {};
}

bool JsonBool(const Json& j, const char* key) {
  if (!j.contains(key)) return false;
  const auto& v = j[key];
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_string()) return v == "1" || v == "true";
  if (v.is_number_integer()) return v.get<int>() != 0;
  return false;
}

// MISP timestamps are epoch seconds (string or number); STIX wants RFC 3339.
std::optional<std::int64_t> Seconds(const Json& j, const char* key) {
  const auto s = JsonString(j, key);
  if (s.empty() || s.size() > 12 ||
      !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  return std::stoll(s);
}

std::string StixTime(std::int64_t seconds) { return core::FormatTimestamp(seconds * 1000); }
std::string StixTimeNoMs(std::int64_t seconds) {
  auto t = StixTime(seconds);
  return t.substr(0, 19) + "Z";
}

std::string PatternValue(std::string_view v) {
  std::string out;
  for (const char c : v) {
    if (c == '\\' || c == '\'') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

std::string HashKey(std::string_view type) {
  if (type == "md5") return "MD5";
  if (type == "sha1") return "SHA-1";
  if (type == "sha224") return "SHA-224";
  if (type == "sha256") return "SHA-256";
  if (type == "sha384") return "SHA-384";
  if (type == "sha512") return "SHA-512";
  if (type == "ssdeep") return "SSDEEP";
  if (type == "tlsh") return "TLSH";
  return {};
}

std::string HashPath(const std::string& key) {
  return key.find('-') != std::string::npos ? "hashes.'" + key + "'" : "hashes." + key;
}

bool IsIp(std::string_view v) { return ParseIpNetwork(v).ok(); }
std::string IpType(std::string_view v) {
  auto ip = ParseIpNetwork(v);
  return ip.ok() && ip->v6 ? "ipv6-addr" : "ipv4-addr";
}

// The STIX rendering of one attribute (or of one object's attributes): its SCOs, the
// observed-data refs and the pattern comparisons.
struct Rendering {
  std::vector<Json> scos;
  std::vector<std::string> refs;
  std::vector<std::string> comparisons;
};

struct EventContext {
  std::string event_uuid;
  std::string creator_ref;  // identity id, may be empty
  std::vector<std::string> objects_out;
  std::vector<std::string> grouping_refs;
  std::vector<MispProblem> problems;
};

Json Common(const std::string& type, const std::string& id, const EventContext& ctx,
            std::int64_t ts) {
  Json o;
  o["type"] = type;
  o["spec_version"] = "2.1";
  o["id"] = id;
  if (!ctx.creator_ref.empty()) o["created_by_ref"] = ctx.creator_ref;
  o["created"] = StixTime(ts);
  o["modified"] = StixTime(ts);
  return o;
}

Json Sco(const std::string& type, const std::string& uuid) {
  Json o;
  o["type"] = type;
  o["spec_version"] = "2.1";
  o["id"] = type + "--" + uuid;
  return o;
}

std::vector<std::string> TagNames(const Json& item) {
  std::vector<std::string> out;
  if (item.contains("Tag") && item["Tag"].is_array())
    for (const auto& t : item["Tag"]) {
      auto name = JsonString(t, "name");
      if (!name.empty()) out.push_back(std::move(name));
    }
  return out;
}

void AddMarkings(Json& o, const std::vector<std::string>& tags) {
  std::vector<std::string> refs;
  for (const auto& t : tags)
    if (auto it = TlpMarkings().find(Lower(t)); it != TlpMarkings().end())
      refs.push_back(it->second);
  if (!refs.empty()) o["object_marking_refs"] = refs;
}

// Renders one single attribute; returns false for types without an SCO mapping.
Status RenderAttribute(const std::string& type, const std::string& value, const std::string& uuid,
                       Rendering& r) {
  auto bad = [&](std::string message) { return InvalidArgument(std::move(message), "value"); };
  auto simple = [&](const std::string& sco_type, const char* property, const std::string& v) {
    auto sco = Sco(sco_type, uuid);
    sco[property] = v;
    r.refs.push_back(sco["id"]);
    r.scos.push_back(std::move(sco));
    r.comparisons.push_back(fmt::format("{}:{} = '{}'", sco_type, property, PatternValue(v)));
  };
  if (type == "AS") {
    auto asn = NormaliseObservable(ObservableType::kAsn, value);
    if (!asn.ok()) return bad(asn.status().message());
    auto sco = Sco("autonomous-system", uuid);
    const auto number = std::stoll(asn->substr(2));
    sco["number"] = number;
    r.refs.push_back(sco["id"]);
    r.scos.push_back(std::move(sco));
    r.comparisons.push_back(fmt::format("autonomous-system:number = '{}'", number));
  } else if (type == "domain" || type == "hostname") {
    simple("domain-name", "value", value);
  } else if (type == "domain|ip" || type == "hostname|ip") {
    const auto bar = value.find('|');
    if (bar == std::string::npos) return bad("a domain|ip value is 'domain|ip'");
    const auto domain = value.substr(0, bar);
    const auto ip = value.substr(bar + 1);
    if (!IsIp(ip)) return bad(fmt::format("'{}' is not an IP address", ip));
    auto d = Sco("domain-name", uuid);
    auto a = Sco(IpType(ip), uuid);
    d["value"] = domain;
    d["resolves_to_refs"] = {a["id"]};
    a["value"] = ip;
    r.refs = {d["id"], a["id"]};
    r.scos = {d, a};
    r.comparisons = {fmt::format("domain-name:value = '{}'", PatternValue(domain)),
                     fmt::format("domain-name:resolves_to_refs[*].value = '{}'", PatternValue(ip))};
  } else if (type == "ip-src" || type == "ip-dst") {
    if (!IsIp(value)) return bad(fmt::format("'{}' is not an IP address", value));
    const auto ip_type = IpType(value);
    const auto side = type == "ip-src" ? "src_ref" : "dst_ref";
    auto traffic = Sco("network-traffic", uuid);
    auto address = Sco(ip_type, uuid);
    address["value"] = value;
    traffic[side] = address["id"];
    traffic["protocols"] = {"tcp"};
    r.refs = {traffic["id"], address["id"]};
    r.scos = {traffic, address};
    r.comparisons = {fmt::format("network-traffic:{}.type = '{}'", side, ip_type),
                     fmt::format("network-traffic:{}.value = '{}'", side, PatternValue(value))};
  } else if (type == "url" || type == "link" || type == "uri") {
    simple("url", "value", value);
  } else if (type == "email" || type == "email-src" || type == "email-dst" ||
             type == "target-email") {
    simple("email-addr", "value", value);
  } else if (!HashKey(type).empty()) {
    const auto key = HashKey(type);
    auto sco = Sco("file", uuid);
    sco["hashes"] = {{key, value}};
    r.refs.push_back(sco["id"]);
    r.scos.push_back(std::move(sco));
    r.comparisons.push_back(fmt::format("file:{} = '{}'", HashPath(key), PatternValue(value)));
  } else if (type.starts_with("filename|") && !HashKey(type.substr(9)).empty()) {
    const auto bar = value.find('|');
    if (bar == std::string::npos) return bad("a filename|hash value is 'name|hash'");
    const auto key = HashKey(type.substr(9));
    auto sco = Sco("file", uuid);
    sco["name"] = value.substr(0, bar);
    sco["hashes"] = {{key, value.substr(bar + 1)}};
    r.refs.push_back(sco["id"]);
    r.scos.push_back(std::move(sco));
    r.comparisons = {
        fmt::format("file:name = '{}'", PatternValue(value.substr(0, bar))),
        fmt::format("file:{} = '{}'", HashPath(key), PatternValue(value.substr(bar + 1)))};
  } else if (type == "filename") {
    simple("file", "name", value);
  } else if (type == "mutex") {
    simple("mutex", "name", value);
  } else if (type == "regkey") {
    // STIX 2.1 forbids the hive abbreviations MISP events commonly use (HKLM\…).
    auto key = NormaliseObservable(ObservableType::kRegistryKey, value);
    if (!key.ok()) return bad(key.status().message());
    simple("windows-registry-key", "key", *key);
  } else {
    return Unimplemented(type);
  }
  return Status::Ok();
}

std::vector<std::string> AttributeLabels(const Json& a) {
  std::vector<std::string> labels = {
      fmt::format("misp:type=\"{}\"", JsonString(a, "type")),
      fmt::format("misp:category=\"{}\"", JsonString(a, "category"))};
  for (const auto& t : TagNames(a)) labels.push_back(t);
  return labels;
}

// observed-data + SCOs, and indicator + based-on relationship when to_ids.
void EmitObservation(EventContext& ctx, const std::string& uuid, std::int64_t ts,
                     const std::vector<std::string>& labels, const std::vector<std::string>& tags,
                     Rendering& r, bool to_ids, const std::string& comment,
                     const std::string& phase, const std::string& pattern_joiner) {
  auto observed = Common("observed-data", "observed-data--" + uuid, ctx, ts);
  observed["first_observed"] = StixTimeNoMs(ts);
  observed["last_observed"] = StixTimeNoMs(ts);
  observed["number_observed"] = 1;
  observed["object_refs"] = r.refs;
  observed["labels"] = labels;
  AddMarkings(observed, tags);
  ctx.grouping_refs.push_back(observed["id"]);
  ctx.objects_out.push_back(observed.dump());
  for (auto& sco : r.scos) {
    ctx.grouping_refs.push_back(sco["id"]);
    ctx.objects_out.push_back(sco.dump());
  }
  if (!to_ids || r.comparisons.empty()) return;
  auto indicator = Common("indicator", "indicator--" + uuid, ctx, ts);
  if (!comment.empty()) indicator["description"] = comment;
  std::string pattern = "[";
  for (size_t i = 0; i < r.comparisons.size(); ++i)
    pattern += (i ? pattern_joiner : "") + r.comparisons[i];
  indicator["pattern"] = pattern + "]";
  indicator["pattern_type"] = "stix";
  indicator["pattern_version"] = "2.1";
  indicator["valid_from"] = StixTimeNoMs(ts);
  indicator["kill_chain_phases"] =
      Json::array({{{"kill_chain_name", "misp-category"}, {"phase_name", phase}}});
  indicator["labels"] = labels;
  AddMarkings(indicator, tags);
  auto relationship = Json::object();
  const std::string source = indicator["id"];
  const std::string target = observed["id"];
  relationship["type"] = "relationship";
  relationship["spec_version"] = "2.1";
  relationship["id"] = "relationship--" + MispDerivedUuid(source + "|based-on|" + target);
  relationship["created"] = StixTime(ts);
  relationship["modified"] = StixTime(ts);
  relationship["relationship_type"] = "based-on";
  relationship["source_ref"] = source;
  relationship["target_ref"] = target;
  ctx.grouping_refs.push_back(indicator["id"]);
  ctx.grouping_refs.push_back(relationship["id"]);
  ctx.objects_out.push_back(indicator.dump());
  ctx.objects_out.push_back(relationship.dump());
}

void EmitCustomAttribute(EventContext& ctx, const Json& a, const std::string& uuid,
                         std::int64_t ts) {
  auto o = Common("x-misp-attribute", "x-misp-attribute--" + uuid, ctx, ts);
  o["labels"] = AttributeLabels(a);
  o["x_misp_type"] = JsonString(a, "type");
  o["x_misp_category"] = JsonString(a, "category");
  o["x_misp_value"] = JsonString(a, "value");
  if (auto c = JsonString(a, "comment"); !c.empty()) o["x_misp_comment"] = c;
  if (JsonBool(a, "to_ids")) o["x_misp_to_ids"] = true;
  AddMarkings(o, TagNames(a));
  ctx.grouping_refs.push_back(o["id"]);
  ctx.objects_out.push_back(o.dump());
}

Status CheckUuid(const std::string& uuid) {
  if (!core::IsUuid(uuid)) return InvalidArgument(fmt::format("'{}' is not a UUID", uuid), "uuid");
  return Status::Ok();
}

void EmitSightings(EventContext& ctx, const Json& a, const std::string& uuid, bool has_indicator,
                   const std::string& path) {
  if (!a.contains("Sighting") || !a["Sighting"].is_array()) return;
  for (size_t i = 0; i < a["Sighting"].size(); ++i) {
    const auto& s = a["Sighting"][i];
    const auto when = Seconds(s, "date_sighting");
    if (!when) {
      ctx.problems.push_back(
          {ctx.event_uuid, uuid,
           InvalidArgument("sighting without a date_sighting",
                           fmt::format("{}.Sighting[{}].date_sighting", path, i))});
      continue;
    }
    const auto kind = JsonString(s, "type");
    auto sighting_uuid = JsonString(s, "uuid");
    if (!core::IsUuid(sighting_uuid))
      sighting_uuid = MispDerivedUuid(uuid + "|sighting|" + std::to_string(i));
    Json o;
    o["type"] = "sighting";
    o["spec_version"] = "2.1";
    o["id"] = "sighting--" + sighting_uuid;
    o["created"] = StixTime(*when);
    o["modified"] = StixTime(*when);
    o["first_seen"] = StixTimeNoMs(*when);
    o["last_seen"] = StixTimeNoMs(*when);
    o["count"] = 1;
    o["sighting_of_ref"] = (has_indicator ? "indicator--" : "observed-data--") + uuid;
    const auto org =
        s.contains("Organisation") ? JsonString(s["Organisation"], "uuid") : std::string();
    if (core::IsUuid(org)) o["where_sighted_refs"] = {"identity--" + org};
    // MISP sighting types: 0 sighting, 1 false positive, 2 expiration.
    o["x_misp_sighting_type"] = kind == "1"   ? "false-positive"
                                : kind == "2" ? "expiration"
                                              : "sighting";
    if (auto source = JsonString(s, "source"); !source.empty()) o["x_misp_source"] = source;
    ctx.objects_out.push_back(o.dump());
    ctx.grouping_refs.push_back(o["id"]);
  }
}

void ConvertAttribute(EventContext& ctx, const Json& a, size_t index, std::int64_t event_ts) {
  const auto path = fmt::format("Attribute[{}]", index);
  const auto uuid = JsonString(a, "uuid");
  auto problem = [&](Status s) {
    ctx.problems.push_back({ctx.event_uuid, uuid, s.WithFieldPrefix(path)});
  };
  if (!a.is_object()) return problem(InvalidArgument("attribute is not an object"));
  if (auto s = CheckUuid(uuid); !s.ok()) return problem(s);
  const auto type = JsonString(a, "type");
  const auto value = JsonString(a, "value");
  if (type.empty()) return problem(InvalidArgument("missing type", "type"));
  if (value.empty()) return problem(InvalidArgument("missing value", "value"));
  const auto ts = Seconds(a, "timestamp").value_or(event_ts);
  Rendering r;
  const auto status = RenderAttribute(type, value, uuid, r);
  if (status.code() == StatusCode::kUnimplemented) {
    EmitCustomAttribute(ctx, a, uuid, ts);
    EmitSightings(ctx, a, uuid, false, path);
    return;
  }
  if (!status.ok()) return problem(status);
  const bool to_ids = JsonBool(a, "to_ids");
  EmitObservation(ctx, uuid, ts, AttributeLabels(a), TagNames(a), r, to_ids,
                  JsonString(a, "comment"), JsonString(a, "category"), " AND ");
  EmitSightings(ctx, a, uuid, to_ids, path);
}

// Object templates with an SCO mapping (misp-stix): file, domain-ip, url, email. Others become
// x-misp-object.
bool ConvertObject(EventContext& ctx, const Json& o, size_t index, std::int64_t event_ts) {
  const auto path = fmt::format("Object[{}]", index);
  const auto uuid = JsonString(o, "uuid");
  if (!o.is_object() || !core::IsUuid(uuid)) {
    ctx.problems.push_back(
        {ctx.event_uuid, uuid, InvalidArgument("object without a valid uuid", path + ".uuid")});
    return false;
  }
  const auto name = JsonString(o, "name");
  const auto meta = JsonString(o, "meta-category");
  const auto ts = Seconds(o, "timestamp").value_or(event_ts);
  const Json attributes =
      o.contains("Attribute") && o["Attribute"].is_array() ? o["Attribute"] : Json::array();
  std::vector<std::string> labels = {fmt::format("misp:name=\"{}\"", name),
                                     fmt::format("misp:meta-category=\"{}\"", meta)};
  auto tags = TagNames(o);
  Rendering r;
  bool to_ids = false;
  for (const auto& a : attributes) to_ids = to_ids || JsonBool(a, "to_ids");
  auto attr = [&](const char* relation) -> const Json* {
    for (const auto& a : attributes)
      if (JsonString(a, "object_relation") == relation) return &a;
    return nullptr;
  };
  auto ids_value = [&](const Json* a) { return a != nullptr && JsonBool(*a, "to_ids"); };
  // Attributes without an SCO property travel as x_misp_<relation> on the main SCO (misp-stix).
  auto extras = [&](Json& sco, const std::set<std::string>& mapped) {
    for (const auto& a : attributes) {
      auto relation = JsonString(a, "object_relation");
      if (relation.empty() || mapped.contains(relation) || !HashKey(JsonString(a, "type")).empty())
        continue;
      std::replace(relation.begin(), relation.end(), '-', '_');
      sco["x_misp_" + relation] = JsonString(a, "value");
    }
  };
  if (name == "file") {
    auto file = Sco("file", uuid);
    std::vector<std::string> hash_comparisons;
    for (const auto& a : attributes) {
      const auto key = HashKey(JsonString(a, "type"));
      if (key.empty()) continue;
      file["hashes"][key] = JsonString(a, "value");
      if (JsonBool(a, "to_ids"))
        hash_comparisons.push_back(
            fmt::format("file:{} = '{}'", HashPath(key), PatternValue(JsonString(a, "value"))));
    }
    if (const auto* size = attr("size-in-bytes")) {
      const auto v = JsonString(*size, "value");
      if (!v.empty() && v.size() < 19 &&
          std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; }))
        file["size"] = std::stoll(v);
    }
    const auto* filename = attr("filename");
    if (filename != nullptr) file["name"] = JsonString(*filename, "value");
    extras(file, {"filename", "size-in-bytes", "path"});
    r.comparisons = hash_comparisons;
    if (ids_value(filename))
      r.comparisons.push_back(
          fmt::format("file:name = '{}'", PatternValue(JsonString(*filename, "value"))));
    r.refs.push_back(file["id"]);
    if (const auto* p = attr("path")) {
      auto directory = Sco("directory", JsonString(*p, "uuid"));
      directory["path"] = JsonString(*p, "value");
      file["parent_directory_ref"] = directory["id"];
      r.refs.push_back(directory["id"]);
      r.scos.push_back(file);
      r.scos.push_back(directory);
    } else {
      r.scos.push_back(file);
    }
  } else if (name == "domain-ip") {
    const auto* domain = attr("domain");
    const auto* ip = attr("ip");
    if (domain == nullptr) domain = attr("hostname");
    if (domain == nullptr || ip == nullptr) return false;
    const auto ip_value = JsonString(*ip, "value");
    auto address = Sco(IpType(ip_value), JsonString(*ip, "uuid"));
    address["value"] = ip_value;
    auto name_sco = Sco("domain-name", JsonString(*domain, "uuid"));
    name_sco["value"] = JsonString(*domain, "value");
    name_sco["resolves_to_refs"] = {address["id"]};
    extras(name_sco, {"domain", "hostname", "ip"});
    r.refs = {address["id"], name_sco["id"]};
    r.scos = {address, name_sco};
    if (ids_value(domain))
      r.comparisons.push_back(fmt::format("domain-name:value = '{}'",
                                          PatternValue(name_sco["value"].get<std::string>())));
    if (ids_value(ip))
      r.comparisons.push_back(
          fmt::format("domain-name:resolves_to_refs[*].value = '{}'", PatternValue(ip_value)));
  } else if (name == "url") {
    const auto* url = attr("url");
    if (url == nullptr) return false;
    auto sco = Sco("url", uuid);
    sco["value"] = JsonString(*url, "value");
    extras(sco, {"url"});
    r.refs = {sco["id"]};
    r.scos = {sco};
    if (ids_value(url))
      r.comparisons.push_back(
          fmt::format("url:value = '{}'", PatternValue(sco["value"].get<std::string>())));
  } else if (name == "email") {
    auto message = Sco("email-message", uuid);
    message["is_multipart"] = false;
    std::vector<Json> addresses;
    std::vector<std::string> address_refs;
    for (const auto& a : attributes) {
      const auto relation = JsonString(a, "object_relation");
      const auto v = JsonString(a, "value");
      if (relation == "from" || relation == "to" || relation == "cc") {
        auto address = Sco("email-addr", JsonString(a, "uuid"));
        address["value"] = v;
        if (relation == "from") {
          message["from_ref"] = address["id"];
          if (JsonBool(a, "to_ids"))
            r.comparisons.push_back(
                fmt::format("email-message:from_ref.value = '{}'", PatternValue(v)));
        } else {
          message[relation + "_refs"].push_back(address["id"]);
          if (JsonBool(a, "to_ids"))
            r.comparisons.push_back(
                fmt::format("email-message:{}_refs[*].value = '{}'", relation, PatternValue(v)));
        }
        address_refs.push_back(address["id"]);
        addresses.push_back(std::move(address));
      } else if (relation == "subject" || relation == "message-id") {
        const auto property = relation == "subject" ? "subject" : "message_id";
        message[property] = v;
        if (JsonBool(a, "to_ids"))
          r.comparisons.push_back(
              fmt::format("email-message:{} = '{}'", property, PatternValue(v)));
      }
    }
    extras(message, {"from", "to", "cc", "subject", "message-id"});
    r.refs.push_back(message["id"]);
    r.scos.push_back(message);
    for (size_t i = 0; i < addresses.size(); ++i) {
      r.refs.push_back(address_refs[i]);
      r.scos.push_back(addresses[i]);
    }
  } else {
    return false;
  }
  EmitObservation(ctx, uuid, ts, labels, tags, r, to_ids, JsonString(o, "comment"), meta, " AND ");
  for (size_t i = 0; i < attributes.size(); ++i)
    EmitSightings(ctx, attributes[i], JsonString(attributes[i], "uuid"), false,
                  fmt::format("{}.Attribute[{}]", path, i));
  return true;
}

void EmitCustomObject(EventContext& ctx, const Json& o, std::int64_t event_ts) {
  const auto uuid = JsonString(o, "uuid");
  const auto ts = Seconds(o, "timestamp").value_or(event_ts);
  auto out = Common("x-misp-object", "x-misp-object--" + uuid, ctx, ts);
  out["labels"] = {fmt::format("misp:name=\"{}\"", JsonString(o, "name")),
                   fmt::format("misp:meta-category=\"{}\"", JsonString(o, "meta-category"))};
  out["x_misp_name"] = JsonString(o, "name");
  out["x_misp_meta_category"] = JsonString(o, "meta-category");
  Json attributes = Json::array();
  if (o.contains("Attribute") && o["Attribute"].is_array())
    for (const auto& a : o["Attribute"])
      attributes.push_back({{"uuid", JsonString(a, "uuid")},
                            {"type", JsonString(a, "type")},
                            {"object_relation", JsonString(a, "object_relation")},
                            {"category", JsonString(a, "category")},
                            {"value", JsonString(a, "value")},
                            {"to_ids", JsonBool(a, "to_ids")}});
  out["x_misp_attributes"] = attributes;
  AddMarkings(out, TagNames(o));
  ctx.grouping_refs.push_back(out["id"]);
  ctx.objects_out.push_back(out.dump());
}

Result<Json> ParseEvent(std::string_view json) {
  if (json.size() > (std::size_t{512} << 20))
    return InvalidArgument("MISP event larger than 512 MiB", "");
  auto doc = Json::parse(json, nullptr, false);
  if (doc.is_discarded()) return InvalidArgument("not valid JSON", "");
  if (doc.is_object() && doc.contains("response")) {
    auto& response = doc["response"];
    if (response.is_array() && !response.empty()) doc = response[0];
  }
  if (doc.is_object() && doc.contains("Event")) doc = doc["Event"];
  if (!doc.is_object()) return InvalidArgument("no MISP event object", "Event");
  return doc;
}

}  // namespace

std::optional<ObservableType> MispObservableType(std::string_view type, std::string_view value) {
  if (type == "ip-src" || type == "ip-dst" || type == "ip") {
    auto ip = ParseIpNetwork(value);
    if (!ip.ok()) return std::nullopt;
    return ip->v6 ? ObservableType::kIpv6 : ObservableType::kIpv4;
  }
  if (type == "domain") return ObservableType::kDomain;
  if (type == "hostname") return ObservableType::kHostname;
  if (type == "url" || type == "link" || type == "uri") return ObservableType::kUrl;
  if (type == "email" || type == "email-src" || type == "email-dst" || type == "target-email")
    return ObservableType::kEmail;
  if (type == "md5") return ObservableType::kMd5;
  if (type == "sha1") return ObservableType::kSha1;
  if (type == "sha256") return ObservableType::kSha256;
  if (type == "sha512") return ObservableType::kSha512;
  if (type == "ssdeep") return ObservableType::kSsdeep;
  if (type == "filename") return ObservableType::kFilename;
  if (type == "mutex") return ObservableType::kMutex;
  if (type == "regkey") return ObservableType::kRegistryKey;
  if (type == "AS") return ObservableType::kAsn;
  return std::nullopt;
}

Result<MispConversion> MispEventToStix(std::string_view json) {
  ISSA_ASSIGN_OR_RETURN(const auto event, ParseEvent(json));
  EventContext ctx;
  ctx.event_uuid = JsonString(event, "uuid");
  if (!core::IsUuid(ctx.event_uuid))
    return InvalidArgument(fmt::format("event uuid '{}' is not a UUID", ctx.event_uuid),
                           "Event.uuid");
  const auto event_ts = Seconds(event, "timestamp").value_or(0);
  std::string identity_json;
  if (event.contains("Orgc") && event["Orgc"].is_object()) {
    const auto org_uuid = JsonString(event["Orgc"], "uuid");
    if (core::IsUuid(org_uuid)) {
      Json identity;
      identity["type"] = "identity";
      identity["spec_version"] = "2.1";
      identity["id"] = "identity--" + org_uuid;
      identity["created"] = StixTime(event_ts);
      identity["modified"] = StixTime(event_ts);
      identity["name"] = JsonString(event["Orgc"], "name");
      identity["identity_class"] = "organization";
      ctx.creator_ref = identity["id"];
      identity_json = identity.dump();
    }
  }
  if (event.contains("Attribute") && event["Attribute"].is_array())
    for (size_t i = 0; i < event["Attribute"].size(); ++i)
      ConvertAttribute(ctx, event["Attribute"][i], i, event_ts);
  if (event.contains("Object") && event["Object"].is_array())
    for (size_t i = 0; i < event["Object"].size(); ++i) {
      const auto& o = event["Object"][i];
      if (!ConvertObject(ctx, o, i, event_ts) && o.is_object() &&
          core::IsUuid(JsonString(o, "uuid")))
        EmitCustomObject(ctx, o, event_ts);
    }
  auto grouping = Common("grouping", "grouping--" + ctx.event_uuid, ctx, event_ts);
  grouping["name"] = JsonString(event, "info");
  grouping["context"] = "suspicious-activity";
  grouping["object_refs"] =
      ctx.grouping_refs.empty()
          ? std::vector<std::string>{ctx.creator_ref.empty() ? grouping["id"].get<std::string>()
                                                             : ctx.creator_ref}
          : ctx.grouping_refs;
  std::vector<std::string> labels;
  const auto tags = TagNames(event);
  for (const auto& t : tags) labels.push_back(t);
  if (event.contains("Galaxy") && event["Galaxy"].is_array())
    for (const auto& g : event["Galaxy"])
      if (g.contains("GalaxyCluster") && g["GalaxyCluster"].is_array())
        for (const auto& c : g["GalaxyCluster"])
          if (auto t = JsonString(c, "tag_name");
              !t.empty() && std::find(labels.begin(), labels.end(), t) == labels.end())
            labels.push_back(t);
  if (!labels.empty()) grouping["labels"] = labels;
  AddMarkings(grouping, tags);
  grouping["x_misp_date"] = JsonString(event, "date");
  if (auto level = JsonString(event, "threat_level_id"); !level.empty())
    grouping["x_misp_threat_level_id"] = level;
  if (auto analysis = JsonString(event, "analysis"); !analysis.empty())
    grouping["x_misp_analysis"] = analysis;
  MispConversion out;
  out.event_uuid = ctx.event_uuid;
  if (!identity_json.empty()) out.objects.push_back(identity_json);
  out.objects.push_back(grouping.dump());
  for (auto& o : ctx.objects_out) out.objects.push_back(std::move(o));
  out.problems = std::move(ctx.problems);
  return out;
}

std::string StixBundle(const std::vector<std::string>& objects) {
  std::string all;
  for (const auto& o : objects) all += o;
  std::string out =
      R"({"type":"bundle","id":"bundle--)" + MispDerivedUuid(all) + R"(","objects":[)";
  for (size_t i = 0; i < objects.size(); ++i) {
    if (i) out.push_back(',');
    out += objects[i];
  }
  return out + "]}";
}

namespace {

std::int64_t ParseStixSeconds(const Json& o, const char* key) {
  auto t = core::ParseTimestamp(JsonString(o, key));
  return t.ok() ? *t / 1000 : 0;
}

std::string Uuid(const std::string& id) {
  const auto sep = id.find("--");
  return sep == std::string::npos ? id : id.substr(sep + 2);
}

std::string LabelValue(const Json& o, std::string_view prefix) {
  if (!o.contains("labels") || !o["labels"].is_array()) return {};
  for (const auto& l : o["labels"]) {
    if (!l.is_string()) continue;
    const auto s = l.get<std::string>();
    // misp:type="sha1"
    if (s.starts_with(prefix) && s.size() >= prefix.size() + 3 && s[prefix.size()] == '=')
      return s.substr(prefix.size() + 2, s.size() - prefix.size() - 3);
  }
  return {};
}

Json TagsFromLabels(const Json& o) {
  Json tags = Json::array();
  if (o.contains("labels") && o["labels"].is_array())
    for (const auto& l : o["labels"])
      if (l.is_string() && !l.get<std::string>().starts_with("misp:"))
        tags.push_back({{"name", l}});
  return tags;
}

}  // namespace

Result<std::string> StixToMispEvent(std::string_view json) {
  auto doc = Json::parse(json, nullptr, false);
  if (doc.is_discarded()) return InvalidArgument("not valid JSON", "");
  const Json objects =
      doc.is_array() ? doc : (doc.is_object() && doc.contains("objects") ? doc["objects"] : Json());
  if (!objects.is_array()) return InvalidArgument("no STIX objects", "objects");
  std::map<std::string, Json> by_id;
  for (const auto& o : objects)
    if (o.is_object() && o.contains("id") && o["id"].is_string()) by_id[o["id"]] = o;
  const Json* grouping = nullptr;
  for (const auto& o : objects)
    if (o.is_object() &&
        (JsonString(o, "type") == "grouping" || JsonString(o, "type") == "report")) {
      grouping = &o;
      break;
    }
  if (grouping == nullptr) return InvalidArgument("no grouping or report for the event", "objects");
  Json event;
  event["uuid"] = Uuid(JsonString(*grouping, "id"));
  event["info"] = JsonString(*grouping, "name");
  event["date"] = JsonString(*grouping, "x_misp_date");
  event["timestamp"] = std::to_string(ParseStixSeconds(*grouping, "modified"));
  if (grouping->contains("x_misp_threat_level_id"))
    event["threat_level_id"] = (*grouping)["x_misp_threat_level_id"];
  if (grouping->contains("x_misp_analysis")) event["analysis"] = (*grouping)["x_misp_analysis"];
  if (auto creator = JsonString(*grouping, "created_by_ref"); by_id.contains(creator))
    event["Orgc"] = {{"uuid", Uuid(creator)}, {"name", JsonString(by_id[creator], "name")}};
  event["Tag"] = TagsFromLabels(*grouping);
  Json attributes = Json::array();
  Json misp_objects = Json::array();
  std::map<std::string, Json> sightings_of;  // attribute uuid -> sightings
  for (const auto& o : objects) {
    if (JsonString(o, "type") != "sighting") continue;
    const auto target = Uuid(JsonString(o, "sighting_of_ref"));
    const auto kind = JsonString(o, "x_misp_sighting_type");
    Json s = {{"uuid", Uuid(JsonString(o, "id"))},
              {"type", kind == "false-positive" ? "1"
                       : kind == "expiration"   ? "2"
                                                : "0"},
              {"date_sighting", std::to_string(ParseStixSeconds(o, "first_seen"))}};
    if (o.contains("where_sighted_refs") && o["where_sighted_refs"].is_array() &&
        !o["where_sighted_refs"].empty())
      s["Organisation"] = {{"uuid", Uuid(o["where_sighted_refs"][0].get<std::string>())}};
    if (auto source = JsonString(o, "x_misp_source"); !source.empty()) s["source"] = source;
    sightings_of[target].push_back(s);
  }
  auto scalar = [](const Json& sco) -> std::string {
    const auto type = JsonString(sco, "type");
    if (type == "autonomous-system") return "AS" + JsonString(sco, "number");
    if (type == "file") {
      if (sco.contains("hashes") && sco["hashes"].is_object() && !sco["hashes"].empty())
        return sco["hashes"].begin().value().get<std::string>();
      return JsonString(sco, "name");
    }
    if (type == "mutex") return JsonString(sco, "name");
    if (type == "windows-registry-key") return JsonString(sco, "key");
    return JsonString(sco, "value");
  };
  for (const auto& o : objects) {
    const auto type = JsonString(o, "type");
    const auto uuid = Uuid(JsonString(o, "id"));
    if (type == "x-misp-attribute") {
      Json a = {{"uuid", uuid},
                {"type", JsonString(o, "x_misp_type")},
                {"category", JsonString(o, "x_misp_category")},
                {"value", JsonString(o, "x_misp_value")},
                {"to_ids", JsonBool(o, "x_misp_to_ids")},
                {"timestamp", std::to_string(ParseStixSeconds(o, "modified"))}};
      if (o.contains("x_misp_comment")) a["comment"] = o["x_misp_comment"];
      a["Tag"] = TagsFromLabels(o);
      if (sightings_of.contains(uuid)) a["Sighting"] = sightings_of[uuid];
      attributes.push_back(a);
    } else if (type == "x-misp-object") {
      misp_objects.push_back({{"uuid", uuid},
                              {"name", JsonString(o, "x_misp_name")},
                              {"meta-category", JsonString(o, "x_misp_meta_category")},
                              {"timestamp", std::to_string(ParseStixSeconds(o, "modified"))},
                              {"Attribute", o.contains("x_misp_attributes") ? o["x_misp_attributes"]
                                                                            : Json::array()}});
    } else if (type == "observed-data") {
      const bool to_ids = by_id.contains("indicator--" + uuid);
      const auto& indicator = to_ids ? by_id["indicator--" + uuid] : o;
      const auto misp_type = LabelValue(o, "misp:type");
      const auto timestamp = std::to_string(ParseStixSeconds(o, "modified"));
      std::vector<Json> scos;
      if (o.contains("object_refs") && o["object_refs"].is_array())
        for (const auto& ref : o["object_refs"])
          if (ref.is_string() && by_id.contains(ref)) scos.push_back(by_id[ref]);
      if (!misp_type.empty()) {
        // A single attribute.
        std::string value;
        if (misp_type == "domain|ip" || misp_type == "hostname|ip") {
          std::string domain, ip;
          for (const auto& s : scos)
            (JsonString(s, "type") == "domain-name" ? domain : ip) = JsonString(s, "value");
          value = domain + "|" + ip;
        } else if (misp_type.starts_with("filename|") && !scos.empty()) {
          value = JsonString(scos[0], "name") + "|" + scalar(scos[0]);
        } else if (misp_type == "ip-src" || misp_type == "ip-dst") {
          for (const auto& s : scos)
            if (JsonString(s, "type") != "network-traffic") value = JsonString(s, "value");
        } else if (!scos.empty()) {
          value = scalar(scos[0]);
        }
        Json a = {
            {"uuid", uuid},   {"type", misp_type}, {"category", LabelValue(o, "misp:category")},
            {"value", value}, {"to_ids", to_ids},  {"timestamp", timestamp}};
        if (indicator.contains("description")) a["comment"] = indicator["description"];
        a["Tag"] = TagsFromLabels(o);
        if (sightings_of.contains(uuid)) a["Sighting"] = sightings_of[uuid];
        attributes.push_back(a);
      } else {
        // An object: each SCO property becomes an object attribute.
        const auto name = LabelValue(o, "misp:name");
        Json object_attributes = Json::array();
        auto add = [&](const std::string& relation, const std::string& t, const std::string& v) {
          object_attributes.push_back({{"type", t}, {"object_relation", relation}, {"value", v}});
        };
        for (const auto& s : scos) {
          const auto t = JsonString(s, "type");
          for (const auto& [k, v] : s.items())
            if (k.starts_with("x_misp_") && v.is_string()) {
              auto relation = k.substr(7);
              std::replace(relation.begin(), relation.end(), '_', '-');
              add(relation, "text", v.get<std::string>());
            }
          if (t == "file") {
            if (s.contains("hashes") && s["hashes"].is_object())
              for (const auto& [k, v] : s["hashes"].items()) {
                std::string misp = Lower(k);
                misp.erase(std::remove(misp.begin(), misp.end(), '-'), misp.end());
                add(misp, misp, v.get<std::string>());
              }
            if (s.contains("name")) add("filename", "filename", JsonString(s, "name"));
            if (s.contains("size")) add("size-in-bytes", "size-in-bytes", JsonString(s, "size"));
          } else if (t == "directory") {
            add("path", "text", JsonString(s, "path"));
          } else if (t == "domain-name") {
            add("domain", "domain", JsonString(s, "value"));
          } else if (t == "ipv4-addr" || t == "ipv6-addr") {
            add("ip", "ip-dst", JsonString(s, "value"));
          } else if (t == "url") {
            add("url", "url", JsonString(s, "value"));
          } else if (t == "email-message") {
            if (s.contains("subject")) add("subject", "email-subject", JsonString(s, "subject"));
            if (s.contains("message_id"))
              add("message-id", "email-message-id", JsonString(s, "message_id"));
            if (auto from = JsonString(s, "from_ref"); by_id.contains(from))
              add("from", "email-src", JsonString(by_id[from], "value"));
            if (s.contains("to_refs") && s["to_refs"].is_array())
              for (const auto& to : s["to_refs"])
                if (by_id.contains(to)) add("to", "email-dst", JsonString(by_id[to], "value"));
          }
        }
        misp_objects.push_back({{"uuid", uuid},
                                {"name", name},
                                {"meta-category", LabelValue(o, "misp:meta-category")},
                                {"timestamp", timestamp},
                                {"to_ids", to_ids},
                                {"Attribute", object_attributes}});
      }
    }
  }
  event["Attribute"] = attributes;
  event["Object"] = misp_objects;
  return Json{{"Event", event}}.dump();
}

Result<std::vector<ScanIndicator>> MispScanIndicators(std::string_view json,
                                                      std::vector<MispProblem>& problems) {
  ISSA_ASSIGN_OR_RETURN(const auto event, ParseEvent(json));
  const auto event_uuid = JsonString(event, "uuid");
  std::vector<ScanIndicator> out;
  auto take = [&](const Json& a, const std::string& path) {
    if (!JsonBool(a, "to_ids")) return;
    const auto uuid = JsonString(a, "uuid");
    auto type = JsonString(a, "type");
    auto value = JsonString(a, "value");
    // Composite types: scan for each half.
    std::vector<std::pair<std::string, std::string>> parts;
    if (const auto bar = type.find('|');
        bar != std::string::npos && value.find('|') != std::string::npos) {
      const auto vbar = value.find('|');
      parts.emplace_back(type.substr(0, bar), value.substr(0, vbar));
      parts.emplace_back(type.substr(bar + 1), value.substr(vbar + 1));
      if (parts[1].first == "ip") parts[1].first = "ip-dst";
      if (parts[1].first == "port") parts.pop_back();
    } else {
      parts.emplace_back(type, value);
    }
    for (const auto& [t, v] : parts) {
      const auto observable = MispObservableType(t, v);
      if (!observable) {
        problems.push_back(
            {event_uuid, uuid,
             Unimplemented(fmt::format("{}: MISP type '{}' is not scanned", path, t))});
        continue;
      }
      if (auto n = NormaliseObservable(*observable, v); !n.ok()) {
        problems.push_back({event_uuid, uuid, n.status().WithFieldPrefix(path)});
        continue;
      }
      out.push_back(
          {uuid.empty() ? event_uuid + ":" + path : uuid, *observable, v, IndicatorMatch::kExact});
    }
  };
  if (event.contains("Attribute") && event["Attribute"].is_array())
    for (size_t i = 0; i < event["Attribute"].size(); ++i)
      take(event["Attribute"][i], fmt::format("Attribute[{}]", i));
  if (event.contains("Object") && event["Object"].is_array())
    for (size_t i = 0; i < event["Object"].size(); ++i) {
      const auto& o = event["Object"][i];
      if (o.is_object() && o.contains("Attribute") && o["Attribute"].is_array())
        for (size_t k = 0; k < o["Attribute"].size(); ++k)
          take(o["Attribute"][k], fmt::format("Object[{}].Attribute[{}]", i, k));
    }
  return out;
}

Result<std::vector<MispFeedEntry>> ParseMispFeedManifest(std::string_view json) {
  const auto doc = Json::parse(json, nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    return InvalidArgument("manifest is not a JSON object", "");
  std::vector<MispFeedEntry> out;
  for (const auto& [uuid, entry] : doc.items()) {
    if (!core::IsUuid(uuid))
      return InvalidArgument(fmt::format("'{}' is not an event UUID", uuid), uuid);
    if (!entry.is_object()) return InvalidArgument("entry is not an object", uuid);
    MispFeedEntry e;
    e.event_uuid = uuid;
    e.info = JsonString(entry, "info");
    const auto ts = Seconds(entry, "timestamp");
    if (!ts) return InvalidArgument("missing or bad timestamp", uuid + ".timestamp");
    e.timestamp_s = *ts;
    e.tags = TagNames(entry);
    out.push_back(std::move(e));
  }
  return out;
}

Result<MispFeedResult> IngestMispFeed(const std::string& directory) {
  const auto manifest_path = (std::filesystem::path(directory) / "manifest.json").string();
  ISSA_ASSIGN_OR_RETURN(const auto manifest_text, core::ReadFile(manifest_path));
  ISSA_ASSIGN_OR_RETURN(const auto entries, ParseMispFeedManifest(manifest_text));
  MispFeedResult result;
  for (const auto& entry : entries) {
    const auto path = (std::filesystem::path(directory) / (entry.event_uuid + ".json")).string();
    auto text = core::ReadFile(path);
    if (!text.ok()) {
      result.problems.push_back({entry.event_uuid, "", text.status()});
      continue;
    }
    auto conversion = MispEventToStix(*text);
    if (!conversion.ok()) {
      result.problems.push_back({entry.event_uuid, "", conversion.status()});
      continue;
    }
    if (conversion->event_uuid != entry.event_uuid)
      result.problems.push_back(
          {entry.event_uuid, "",
           InvalidArgument(fmt::format("file holds event {}", conversion->event_uuid),
                           "Event.uuid")});
    result.events.push_back(std::move(*conversion));
  }
  return result;
}

}  // namespace issa::cyber
