#include "issa/cyber/incident.h"

#include <array>
#include <regex>

#include "issa/cyber/tlp.h"

#include "json_read.h"

namespace issa::cyber {

using detail::StringArrayMember;
using detail::StringMember;
using detail::TimeMember;

namespace {

constexpr std::array<std::string_view, 5> kTlpLabels = {"CLEAR", "GREEN", "AMBER", "AMBER+STRICT",
                                                        "RED"};

bool IsStixId(const std::string& id, std::string_view type) {
  static const std::regex kUuid("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  const std::string prefix = std::string(type) + "--";
  return id.size() == prefix.size() + 36 && id.compare(0, prefix.size(), prefix) == 0 &&
         std::regex_match(id.begin() + static_cast<std::ptrdiff_t>(prefix.size()), id.end(), kUuid);
}

Result<std::string> ObjectTlp(const nlohmann::json& obj, const std::string& at) {
  ISSA_ASSIGN_OR_RETURN(auto refs, StringArrayMember(obj, "object_marking_refs", at));
  std::string tlp;
  bool marked = false;
  for (const auto& ref : refs) {
    if (auto label = TlpOfMarkingRef(ref)) {
      tlp = marked ? StricterTlp(tlp, *label) : *label;
      marked = true;
    }
  }
  return tlp;
}

}  // namespace

std::optional<std::string> TlpOfMarkingRef(std::string_view marking_definition_id) {
  // The marking ids are tlp.h's; the label is the TLP level without its "TLP:" prefix.
  const Tlp tlp = TlpOfMarking(marking_definition_id);
  if (tlp == Tlp::kNone) return std::nullopt;
  return std::string(ToString(tlp).substr(4));
}

std::optional<int> TlpRank(std::string_view label) {
  for (size_t i = 0; i < kTlpLabels.size(); ++i) {
    if (kTlpLabels[i] == label) return static_cast<int>(i);
  }
  return std::nullopt;
}

std::string StricterTlp(std::string_view a, std::string_view b) {
  const auto ra = TlpRank(a);
  const auto rb = TlpRank(b);
  if (!ra || !rb) return {};
  return std::string(*ra >= *rb ? a : b);
}

Result<Incident> ParseIncident(std::string_view properties_json) {
  ISSA_ASSIGN_OR_RETURN(const auto doc, detail::ParseJson(properties_json, "properties"));
  if (!doc.is_object()) return InvalidArgument("must be an object", "properties");
  const std::string p = "properties";
  Incident in;
  ISSA_ASSIGN_OR_RETURN(in.title, StringMember(doc, "title", p, true));
  ISSA_ASSIGN_OR_RETURN(in.summary, StringMember(doc, "summary", p));
  ISSA_ASSIGN_OR_RETURN(in.sectors, StringArrayMember(doc, "sectors", p));
  ISSA_ASSIGN_OR_RETURN(in.member_states, StringArrayMember(doc, "member_states", p));
  if (const auto it = doc.find("impact"); it != doc.end()) {
    if (!it->is_object()) return InvalidArgument("must be an object", "properties.impact");
    ISSA_ASSIGN_OR_RETURN(in.impact_level, StringMember(*it, "level", p + ".impact", true));
    ISSA_ASSIGN_OR_RETURN(in.impact_description, StringMember(*it, "description", p + ".impact"));
  }
  ISSA_ASSIGN_OR_RETURN(in.status, StringMember(doc, "status", p, true));
  ISSA_ASSIGN_OR_RETURN(in.detected_at, TimeMember(doc, "detected_at", p));
  ISSA_ASSIGN_OR_RETURN(in.started_at, TimeMember(doc, "started_at", p));
  ISSA_ASSIGN_OR_RETURN(in.ended_at, TimeMember(doc, "ended_at", p));
  ISSA_ASSIGN_OR_RETURN(in.indicators, StringArrayMember(doc, "indicators", p));
  ISSA_ASSIGN_OR_RETURN(in.attack_patterns, StringArrayMember(doc, "attack_patterns", p));
  ISSA_ASSIGN_OR_RETURN(in.vulnerabilities, StringArrayMember(doc, "vulnerabilities", p));
  ISSA_ASSIGN_OR_RETURN(in.reporting_authority, StringMember(doc, "reporting_authority", p));
  ISSA_ASSIGN_OR_RETURN(in.tlp, StringMember(doc, "tlp", p, true));
  if (!TlpRank(in.tlp)) return InvalidArgument("must be a TLP 2.0 label", "properties.tlp");
  if (const auto it = doc.find("references"); it != doc.end() && it->is_array()) {
    for (size_t i = 0; i < it->size(); ++i) {
      const std::string at = p + ".references[" + std::to_string(i) + "]";
      if (!(*it)[i].is_object()) return InvalidArgument("must be an object", at);
      WebReference ref;
      ISSA_ASSIGN_OR_RETURN(ref.url, StringMember((*it)[i], "url", at, true));
      ISSA_ASSIGN_OR_RETURN(ref.summary, StringMember((*it)[i], "summary", at, true));
      in.references.push_back(std::move(ref));
    }
  }
  return in;
}

Result<IndicatorSet> ParseStixIndicatorSet(std::string_view json) {
  ISSA_ASSIGN_OR_RETURN(const auto doc, detail::ParseJson(json, "bundle"));
  const nlohmann::json* objects = nullptr;
  if (doc.is_array()) {
    objects = &doc;
  } else if (doc.is_object() && detail::StringOr(doc, "type") == "bundle") {
    const auto it = doc.find("objects");
    if (it == doc.end()) return IndicatorSet{};
    if (!it->is_array()) return InvalidArgument("must be an array", "objects");
    objects = &*it;
  } else {
    return InvalidArgument("must be a STIX bundle or an array of STIX objects", "bundle");
  }
  IndicatorSet set;
  bool first = true;
  for (size_t i = 0; i < objects->size(); ++i) {
    const auto& obj = (*objects)[i];
    const std::string at = "objects[" + std::to_string(i) + "]";
    if (!obj.is_object()) return InvalidArgument("must be an object", at);
    ISSA_ASSIGN_OR_RETURN(const std::string type, StringMember(obj, "type", at, true));
    if (type != "indicator" && type != "vulnerability") continue;
    ISSA_ASSIGN_OR_RETURN(const std::string id, StringMember(obj, "id", at, true));
    if (!IsStixId(id, type)) return InvalidArgument("must be " + type + "--<UUID>", at + ".id");
    ISSA_ASSIGN_OR_RETURN(const std::string tlp, ObjectTlp(obj, at));
    set.tlp = first ? tlp : StricterTlp(set.tlp, tlp);
    first = false;
    if (type == "indicator") {
      IndicatorEntry e;
      e.stix_id = id;
      e.tlp = tlp;
      ISSA_ASSIGN_OR_RETURN(e.name, StringMember(obj, "name", at));
      ISSA_ASSIGN_OR_RETURN(e.pattern, StringMember(obj, "pattern", at, true));
      ISSA_ASSIGN_OR_RETURN(e.description, StringMember(obj, "description", at));
      set.indicators.push_back(std::move(e));
    } else {
      VulnerabilityEntry e;
      e.stix_id = id;
      e.tlp = tlp;
      ISSA_ASSIGN_OR_RETURN(e.name, StringMember(obj, "name", at, true));
      ISSA_ASSIGN_OR_RETURN(e.description, StringMember(obj, "description", at));
      if (const auto refs = obj.find("external_references"); refs != obj.end()) {
        if (!refs->is_array())
          return InvalidArgument("must be an array", at + ".external_references");
        for (const auto& ref : *refs) {
          if (detail::StringOr(ref, "source_name") == "cve" &&
              !detail::StringOr(ref, "external_id").empty()) {
            e.cve = detail::StringOr(ref, "external_id");
          }
        }
      }
      set.vulnerabilities.push_back(std::move(e));
    }
  }
  return set;
}

}  // namespace issa::cyber
