#include "issa/cyber/ioc_indicators.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "issa/cyber/misp.h"
#include "issa/cyber/pattern.h"
#include "issa/cyber/stix.h"

namespace issa::cyber {
namespace {

using Json = nlohmann::json;

// Namespace of the ids of scan sightings and of the node's authority identities (fixed).
constexpr std::string_view kAuthorityIdentityNamespace = "2b7c5e1d-3f4a-4c8b-9e6d-0a1b2c3d4e5f";

std::optional<ObservableType> TypeOfPath(const std::string& path, const std::string& value) {
  auto ip = [&]() -> std::optional<ObservableType> {
    auto parsed = ParseIpNetwork(value);
    if (!parsed.ok()) return std::nullopt;
    return parsed->v6 ? ObservableType::kIpv6 : ObservableType::kIpv4;
  };
  if (path == "ipv4-addr:value" || path == "ipv6-addr:value" ||
      (path.ends_with("_ref.value") && path.starts_with("network-traffic:")) ||
      path == "domain-name:resolves_to_refs[*].value")
    return ip();
  if (path == "domain-name:value") return ObservableType::kDomain;
  if (path == "url:value") return ObservableType::kUrl;
  if (path == "email-addr:value" || path == "email-message:from_ref.value" ||
      path == "email-message:to_refs[*].value")
    return ObservableType::kEmail;
  if (path == "file:hashes.MD5" || path == "file:hashes.'MD5'") return ObservableType::kMd5;
  if (path == "file:hashes.'SHA-1'" || path == "file:hashes.SHA1") return ObservableType::kSha1;
  if (path == "file:hashes.'SHA-256'" || path == "file:hashes.SHA256")
    return ObservableType::kSha256;
  if (path == "file:hashes.'SHA-512'" || path == "file:hashes.SHA512")
    return ObservableType::kSha512;
  if (path == "file:name") return ObservableType::kFilename;
  if (path == "mutex:name") return ObservableType::kMutex;
  if (path == "windows-registry-key:key") return ObservableType::kRegistryKey;
  return std::nullopt;
}

}  // namespace

Result<std::vector<ScanIndicator>> StixScanIndicators(std::string_view json, core::Timestamp now,
                                                      std::vector<ScanProblem>& problems) {
  const auto doc = Json::parse(json, nullptr, false);
  if (doc.is_discarded()) return InvalidArgument("indicators: not valid JSON", "");
  const Json objects =
      doc.is_array() ? doc : (doc.is_object() && doc.contains("objects") ? doc["objects"] : Json());
  if (!objects.is_array()) return InvalidArgument("indicators: no STIX objects", "objects");
  std::vector<ScanIndicator> out;
  for (const auto& o : objects) {
    if (!o.is_object() || o.value("type", "") != "indicator") continue;
    const std::string id = o.value("id", "");
    auto problem = [&](std::string message, std::string field) {
      problems.push_back({id, InvalidArgument(std::move(message), std::move(field))});
    };
    if (!o.contains("pattern") || !o["pattern"].is_string()) {
      problem("indicator without a pattern", "pattern");
      continue;
    }
    if (o.value("revoked", false)) continue;
    if (o.value("pattern_type", "stix") != "stix") {
      problem("pattern type is not stix", "pattern_type");
      continue;
    }
    if (o.contains("valid_until") && o["valid_until"].is_string()) {
      auto until = core::ParseTimestamp(o["valid_until"].get<std::string>());
      if (until.ok() && *until <= now) continue;
    }
    if (o.contains("valid_from") && o["valid_from"].is_string()) {
      auto from = core::ParseTimestamp(o["valid_from"].get<std::string>());
      if (from.ok() && *from > now) continue;
    }
    // The one STIX pattern parser (pattern.h): the equality, IN and MATCHES comparisons of an
    // unqualified pattern are scanned.
    auto parsed = ParsePattern(o["pattern"].get<std::string>());
    if (!parsed.ok()) {
      problem(std::string(parsed.status().message()), "pattern");
      continue;
    }
    if (parsed->has_qualifiers) {
      problem("pattern not scannable (qualifiers)", "pattern");
      continue;
    }
    for (const auto& c : parsed->comparisons) {
      const std::string path = c.object_type + ":" + c.path;
      if (c.op == PatternOperator::kMatches && !c.negated) {
        out.push_back({id, ObservableType::kText, c.values.front(), IndicatorMatch::kRegex});
        continue;
      }
      if (c.negated || (c.op != PatternOperator::kEqual && c.op != PatternOperator::kIn) ||
          (c.kind != LiteralKind::kString && c.kind != LiteralKind::kSet)) {
        problem(fmt::format("comparison '{}{} {}' is not scanned", c.negated ? "NOT " : "", path,
                            ToString(c.op)),
                "pattern");
        continue;
      }
      for (const auto& value : c.values) {
        const auto type = TypeOfPath(path, value);
        if (!type) {
          problem(fmt::format("comparison '{} {}' is not scanned", path, ToString(c.op)),
                  "pattern");
          continue;
        }
        if (auto n = NormaliseObservable(*type, value); !n.ok()) {
          problem(std::string(n.status().message()), "pattern");
          continue;
        }
        out.push_back({id, *type, value, IndicatorMatch::kExact});
      }
    }
  }
  return out;
}

Result<std::vector<ScanIndicator>> LoadScanIndicators(std::string_view json, core::Timestamp now,
                                                      std::vector<ScanProblem>& problems) {
  const auto doc = Json::parse(json, nullptr, false);
  if (doc.is_discarded()) return InvalidArgument("indicators: not valid JSON", "");
  if (doc.is_object() && (doc.contains("Event") || doc.contains("response") ||
                          doc.contains("Attribute") || doc.contains("Object"))) {
    std::vector<MispProblem> misp_problems;
    ISSA_ASSIGN_OR_RETURN(auto indicators, MispScanIndicators(json, misp_problems));
    for (auto& p : misp_problems) problems.push_back({p.item_uuid, std::move(p.status)});
    return indicators;
  }
  return StixScanIndicators(json, now, problems);
}

std::string AuthorityIdentityId(std::string_view authority) {
  return "identity--" + UuidV5(kAuthorityIdentityNamespace, "authority:" + std::string(authority));
}

std::string SightingStixJson(const IocSighting& sighting, std::string_view sighted_by_identity,
                             core::Timestamp now) {
  const auto indicator = sighting.indicator_id.starts_with("indicator--")
                             ? sighting.indicator_id
                             : "indicator--" + sighting.indicator_id;
  Json o;
  o["type"] = "sighting";
  o["spec_version"] = "2.1";
  // A version 5 UUID (the STIX id pattern admits versions 1-5 only).
  o["id"] = "sighting--" + UuidV5(kAuthorityIdentityNamespace,
                                  fmt::format("sighting|{}|{}|{}", indicator, sighting.log_file,
                                              sighting.first_line));
  o["created"] = core::FormatTimestamp(now);
  o["modified"] = core::FormatTimestamp(now);
  o["first_seen"] = core::FormatTimestamp(sighting.first_seen.value_or(now));
  o["last_seen"] = core::FormatTimestamp(sighting.last_seen.value_or(now));
  o["count"] = sighting.count;
  o["sighting_of_ref"] = indicator;
  if (!sighted_by_identity.empty()) o["where_sighted_refs"] = {std::string(sighted_by_identity)};
  o["x_issa_log"] = sighting.log_file;
  o["x_issa_lines"] = {sighting.first_line, sighting.last_line};
  return o.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace issa::cyber
