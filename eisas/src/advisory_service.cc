#include "issa/eisas/advisory_service.h"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "issa/core/text.h"
#include "issa/cyber/advisory.h"
#include "issa/cyber/csaf.h"
#include "issa/cyber/incident.h"
#include "issa/cyber/tlp.h"

namespace issa::eisas {
namespace {

using nlohmann::json;

constexpr std::string_view kAdvisoryType = "Advisory";
constexpr std::string_view kUnmarked = "UNMARKED";

Result<json> ParseBody(std::string_view text, const std::string& field) {
  if (core::JsonNestsDeeperThan(text, 64)) return InvalidArgument("nests too deep", field);
  auto doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    return InvalidArgument("must be a JSON object", field);
  return doc;
}

std::string StringOr(const json& obj, std::string_view key) {
  const auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The TLP 2.0 label a record's handling amounts to (cyber::TlpOfHandling, read strictly).
std::string HandlingTlp(const core::Handling& h) {
  return std::string(cyber::TlpLabel(cyber::TlpOfHandling(h)));
}

// The handling of an advisory of a TLP: the converse of HandlingTlp.
std::string HandlingJsonFor(std::string_view tlp) {
  if (tlp == "CLEAR") {
    return R"({"classification":"PUBLIC","distribution":"all","purposes":["cyber"]})";
  }
  if (tlp == "GREEN") {
    return R"({"classification":"LIMITED","distribution":"all","purposes":["cyber"]})";
  }
  if (tlp == "RED") {
    return R"({"classification":"RESTRICTED","distribution":"owner","purposes":["cyber"]})";
  }
  return R"({"classification":"LIMITED","distribution":"owner","purposes":["cyber"]})";
}

// Stricter of two labels where "" (unmarked) is the strictest.
std::string Combine(const std::string& a, const std::string& b) { return cyber::StricterTlp(a, b); }

Status RequireCertOfficer(node::Node& node, const node::Context& ctx, std::string_view action,
                          std::string_view target, core::Authority* authority) {
  const auto role = ctx.principal.role;
  if (role != core::Role::kOfficer && role != core::Role::kAdmin) {
    node.Audit(ctx, action, target, "denied", "needs role officer or admin");
    return PermissionDenied("advisories are made and published by officers or admins of a CERT");
  }
  ISSA_ASSIGN_OR_RETURN(const auto authorities, node.ListAuthorities(ctx));
  for (const auto& a : authorities) {
    if (a.id != ctx.principal.authority) continue;
    if (std::find(a.kinds.begin(), a.kinds.end(), core::AuthorityKind::kCert) != a.kinds.end()) {
      *authority = a;
      return Status::Ok();
    }
  }
  node.Audit(ctx, action, target, "denied", "not a CERT");
  return PermissionDenied("advisories are made and published by officers or admins of a CERT");
}

// The RFC 7386 merge patch that turns `from` into `to` (neither holding null values): keys of
// `from` missing in `to` become null, objects present in both are patched recursively, anything
// else is replaced whole.
json MergePatchBetween(const json& from, const json& to) {
  if (!from.is_object() || !to.is_object()) return to;
  json patch = json::object();
  for (const auto& [key, value] : from.items()) {
    if (!to.contains(key)) patch[key] = nullptr;
  }
  for (const auto& [key, value] : to.items()) {
    const auto old = from.find(key);
    if (old == from.end()) {
      patch[key] = value;
    } else if (*old != value) {
      patch[key] = MergePatchBetween(*old, value);
    }
  }
  return patch;
}

// The plain-language advisory of a request with the fields the service sets, parsed and checked.
Result<cyber::ParsedAdvisory> StampedAdvisory(json advisory, const std::string& version,
                                              const std::string& published_at,
                                              const std::string& updated_at,
                                              const std::string& publisher) {
  advisory["version"] = version;
  advisory["published_at"] = published_at;
  advisory["updated_at"] = updated_at;
  advisory["publisher"] = publisher;
  auto parsed = cyber::ParseAdvisoryJson(advisory.dump());
  if (!parsed.ok()) return parsed.status().WithFieldPrefix("advisory");
  return parsed;
}

// The readability warnings of an advisory, as the answers of Create and Revise carry them.
json WarningsJson(const std::vector<cyber::AdvisoryWarning>& warnings) {
  json out = json::array();
  for (const auto& w : warnings) {
    out.push_back({{"lang", w.lang}, {"field", w.field}, {"message", w.message}});
  }
  return out;
}

std::string Capitalised(std::string_view word) {
  std::string out(word);
  if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}

}  // namespace

AdvisoryService::AdvisoryService(node::Node& node, AdvisoryOptions options)
    : node_(node), options_(std::move(options)) {}

Result<std::string> AdvisoryService::Create(const node::Context& ctx, std::string_view body) {
  core::Authority authority;
  ISSA_RETURN_IF_ERROR(RequireCertOfficer(node_, ctx, "advisory.create", "", &authority));
  ISSA_ASSIGN_OR_RETURN(const json req, ParseBody(body, "body"));
  const std::string profile_text = StringOr(req, "profile");
  cyber::CsafProfile profile;
  if (profile_text == "security_incident_response") {
    profile = cyber::CsafProfile::kSecurityIncidentResponse;
  } else if (profile_text == "informational_advisory") {
    profile = cyber::CsafProfile::kInformationalAdvisory;
  } else {
    return InvalidArgument("must be security_incident_response or informational_advisory",
                           "profile");
  }

  // Sources, read through the node with the caller's context (access checked and audited there).
  std::vector<std::string> derived_from;
  std::string sources_tlp = "CLEAR";
  std::optional<cyber::Incident> incident;
  if (const std::string id = StringOr(req, "incident"); !id.empty()) {
    ISSA_ASSIGN_OR_RETURN(const core::Record record, node_.GetRecord(ctx, id));
    if (record.type != "Incident") return InvalidArgument("is not an Incident record", "incident");
    ISSA_ASSIGN_OR_RETURN(incident, cyber::ParseIncident(record.properties_json));
    sources_tlp = Combine(Combine(sources_tlp, incident->tlp), HandlingTlp(record.handling));
    derived_from.push_back(record.id);
  } else if (req.contains("incident")) {
    return InvalidArgument("must be a record id", "incident");
  }
  std::optional<cyber::IndicatorSet> indicators;
  if (const auto it = req.find("indicators"); it != req.end()) {
    if (!it->is_array()) return InvalidArgument("must be an array of record ids", "indicators");
    cyber::IndicatorSet set;
    for (size_t i = 0; i < it->size(); ++i) {
      const std::string field = fmt::format("indicators[{}]", i);
      if (!(*it)[i].is_string()) return InvalidArgument("must be a record id", field);
      ISSA_ASSIGN_OR_RETURN(const core::Record record,
                            node_.GetRecord(ctx, (*it)[i].get<std::string>()));
      auto one = cyber::ParseStixIndicatorSet("[" + record.properties_json + "]");
      if (!one.ok())
        return InvalidArgument("is not a STIX object: " + one.status().message(), field);
      if (one->indicators.empty() && one->vulnerabilities.empty()) {
        return InvalidArgument("is not a STIX indicator or vulnerability", field);
      }
      const std::string handling_tlp = HandlingTlp(record.handling);
      const std::string tlp = one->tlp.empty() ? handling_tlp : Combine(one->tlp, handling_tlp);
      sources_tlp = Combine(sources_tlp, tlp);
      set.indicators.insert(set.indicators.end(), one->indicators.begin(), one->indicators.end());
      set.vulnerabilities.insert(set.vulnerabilities.end(), one->vulnerabilities.begin(),
                                 one->vulnerabilities.end());
      derived_from.push_back(record.id);
    }
    indicators = std::move(set);
  }
  if (const auto it = req.find("stix"); it != req.end()) {
    auto bundle = cyber::ParseStixIndicatorSet(it->dump());
    if (!bundle.ok()) return bundle.status().WithFieldPrefix("stix");
    sources_tlp = Combine(sources_tlp, bundle->tlp);
    if (!indicators) indicators = cyber::IndicatorSet{};
    indicators->indicators.insert(indicators->indicators.end(), bundle->indicators.begin(),
                                  bundle->indicators.end());
    indicators->vulnerabilities.insert(indicators->vulnerabilities.end(),
                                       bundle->vulnerabilities.begin(),
                                       bundle->vulnerabilities.end());
  }
  if (!incident && !indicators) {
    return InvalidArgument("needs an incident, indicators or a STIX bundle", "incident");
  }

  // The plain-language advisory: version 1, dated now, published by the caller's authority.
  const auto advisory_it = req.find("advisory");
  if (advisory_it == req.end() || !advisory_it->is_object()) {
    return InvalidArgument("must be an object", "advisory");
  }
  json draft = *advisory_it;
  const std::string now = core::FormatTimestamp(node_.clock().Now());
  ISSA_ASSIGN_OR_RETURN(const auto parsed,
                        StampedAdvisory(std::move(draft), "1", now, now,
                                        authority.name.empty() ? authority.id : authority.name));
  const cyber::Advisory& advisory = parsed.advisory;
  const cyber::AdvisoryText& source_text = advisory.texts.front();

  // The CSAF document.
  cyber::CsafRequest csaf;
  csaf.profile = profile;
  csaf.tracking_id = advisory.id;
  csaf.title = source_text.headline;
  csaf.lang = source_text.lang;
  csaf.revisions = {{"1", advisory.published_at, "Initial version"}};
  csaf.publisher.name = advisory.publisher;
  csaf.publisher.namespace_url = options_.publisher_namespace;
  csaf.publisher.contact_details = source_text.report_contact;
  csaf.tlp = advisory.tlp;
  csaf.summary = source_text.risk;
  csaf.aggregate_severity = Capitalised(cyber::ToString(advisory.severity));
  csaf.references = {
      {fmt::format("{}{}/{}", options_.public_base_url, options_.public_path, advisory.id),
       "Plain-language advisory for citizens and small businesses"}};
  csaf.incident = incident;
  csaf.indicators = indicators;
  csaf.generated_at = advisory.published_at;
  csaf.engine_version = options_.engine_version;
  auto csaf_text = cyber::GenerateCsaf(csaf);
  if (!csaf_text.ok()) return csaf_text.status().WithFieldPrefix("csaf");
  ISSA_ASSIGN_OR_RETURN(const auto findings, cyber::CheckCsafMandatory(*csaf_text));
  if (!findings.empty()) {
    return Internal(fmt::format("generated CSAF fails test {} at {}: {}", findings[0].test,
                                findings[0].path, findings[0].message));
  }

  const std::string shown_sources_tlp = sources_tlp.empty() ? std::string(kUnmarked) : sources_tlp;
  json languages = json::array();
  for (const auto& t : advisory.texts) languages.push_back(t.lang);
  json record = {{"type", kAdvisoryType},
                 {"properties",
                  {{"headline", source_text.headline},
                   {"tracking_id", advisory.id},
                   {"version", advisory.version},
                   {"status", "draft"},
                   {"tlp", advisory.tlp},
                   {"sources_tlp", shown_sources_tlp},
                   {"severity", cyber::ToString(advisory.severity)},
                   {"profile", profile_text},
                   {"languages", std::move(languages)},
                   {"derived_from", derived_from},
                   {"advisory", json::parse(cyber::AdvisoryToJson(advisory))},
                   {"csaf", json::parse(*csaf_text)}}},
                 {"handling", json::parse(HandlingJsonFor(advisory.tlp))}};
  json links = json::array();
  for (const auto& id : derived_from) links.push_back({{"rel", "derived_from"}, {"target", id}});
  if (!links.empty()) record["links"] = std::move(links);
  ISSA_ASSIGN_OR_RETURN(const std::string id, node_.CreateRecord(ctx, record.dump()));

  json warnings = WarningsJson(parsed.warnings);
  if (advisory.tlp == "CLEAR" && shown_sources_tlp != "CLEAR") {
    warnings.push_back(
        {{"lang", ""},
         {"field", "tlp"},
         {"message", "made from TLP:" + shown_sources_tlp +
                         " material: this advisory cannot be published until its sources are "
                         "TLP:CLEAR"}});
  }
  return json{{"id", id},
              {"tracking_id", advisory.id},
              {"tlp", advisory.tlp},
              {"sources_tlp", shown_sources_tlp},
              {"warnings", std::move(warnings)}}
      .dump();
}

Result<std::string> AdvisoryService::Publish(const node::Context& ctx, std::string_view record_id) {
  core::Authority authority;
  ISSA_RETURN_IF_ERROR(RequireCertOfficer(node_, ctx, "advisory.publish", record_id, &authority));
  ISSA_ASSIGN_OR_RETURN(const core::Record record, node_.GetRecord(ctx, record_id));
  if (record.type != kAdvisoryType) return NotFound("advisory not found");
  const json props = json::parse(record.properties_json, nullptr, false);
  const std::string tlp = StringOr(props, "tlp");
  const std::string sources_tlp = StringOr(props, "sources_tlp");
  if (tlp != "CLEAR") {
    node_.Audit(ctx, "advisory.publish", record_id, "refused", "TLP:" + tlp);
    return FailedPrecondition("the advisory is TLP:" + tlp +
                              "; only TLP:CLEAR advisories are published");
  }
  if (sources_tlp != "CLEAR") {
    node_.Audit(ctx, "advisory.publish", record_id, "refused", "sources TLP:" + sources_tlp);
    return FailedPrecondition("the advisory is made from TLP:" + sources_tlp +
                              " material; only advisories made from TLP:CLEAR material are "
                              "published");
  }
  // A revision of an advisory published before keeps its first publication date.
  const std::string now = core::FormatTimestamp(node_.clock().Now());
  const std::string first_published = StringOr(props, "published_at");
  const std::string published_at = first_published.empty() ? now : first_published;
  const json publish = {{"properties",
                         {{"status", "published"},
                          {"published_at", published_at},
                          {"advisory", {{"published_at", published_at}, {"updated_at", now}}}}}};
  ISSA_RETURN_IF_ERROR(node_.PatchRecord(ctx, record_id, publish.dump()).status());
  // The node checks the record and every source it is derived from again, as they are now.
  if (const Status released = node_.ReleaseToPublic(ctx, record_id); !released.ok()) {
    (void)node_.PatchRecord(ctx, record_id, R"({"properties":{"status":"draft"}})");
    return released;
  }
  const std::string tracking_id = StringOr(props, "tracking_id");
  return json{{"id", record.id},
              {"tracking_id", tracking_id},
              {"status", "published"},
              {"url", options_.public_path + "/" + tracking_id}}
      .dump();
}

Result<std::string> AdvisoryService::Revise(const node::Context& ctx, std::string_view record_id,
                                            std::string_view body) {
  core::Authority authority;
  ISSA_RETURN_IF_ERROR(RequireCertOfficer(node_, ctx, "advisory.revise", record_id, &authority));
  ISSA_ASSIGN_OR_RETURN(const json req, ParseBody(body, "body"));
  const std::string summary = StringOr(req, "summary");
  if (summary.empty()) return InvalidArgument("must say what changed", "summary");
  ISSA_ASSIGN_OR_RETURN(const core::Record record, node_.GetRecord(ctx, record_id));
  if (record.type != kAdvisoryType) return NotFound("advisory not found");
  const json props = json::parse(record.properties_json, nullptr, false);
  if (props.is_discarded() || !props.contains("advisory") || !props.contains("csaf")) {
    return Internal(fmt::format("advisory record {} lacks its advisory or CSAF", record.id));
  }
  const std::string tracking_id = StringOr(props, "tracking_id");
  const std::string tlp = StringOr(props, "tlp");

  // The advisory of the new version: the one given, or the current one, numbered and dated.
  json next = props["advisory"];
  if (const auto it = req.find("advisory"); it != req.end()) {
    if (!it->is_object()) return InvalidArgument("must be an object", "advisory");
    next = *it;
    if (StringOr(next, "id") != tracking_id) {
      return InvalidArgument("must stay " + tracking_id + " (a revision keeps the tracking id)",
                             "advisory.id");
    }
    if (const std::string given = StringOr(next, "tlp"); !given.empty() && given != tlp) {
      return InvalidArgument("must stay " + tlp + "; for another TLP make a new advisory",
                             "advisory.tlp");
    }
  }
  const long current = std::strtol(StringOr(props, "version").c_str(), nullptr, 10);
  if (current < 1) return Internal(fmt::format("advisory record {} has no version", record.id));
  const core::Timestamp now_ts = node_.clock().Now();
  const std::string now = core::FormatTimestamp(now_ts);
  const std::string version = std::to_string(current + 1);
  ISSA_ASSIGN_OR_RETURN(
      const auto parsed,
      StampedAdvisory(std::move(next), version, props["advisory"].value("published_at", now), now,
                      props["advisory"].value("publisher", authority.id)));
  const cyber::Advisory& advisory = parsed.advisory;
  const cyber::AdvisoryText& source_text = advisory.texts.front();

  cyber::CsafRevisionUpdate update;
  update.summary = summary;
  update.date = now_ts;
  update.title = source_text.headline;
  update.summary_note = source_text.risk;
  update.aggregate_severity = Capitalised(cyber::ToString(advisory.severity));
  update.generated_at = now_ts;
  update.engine_version = options_.engine_version;
  auto csaf_text = cyber::ReviseCsaf(props["csaf"].dump(), update);
  if (!csaf_text.ok()) return csaf_text.status();
  ISSA_ASSIGN_OR_RETURN(const auto findings, cyber::CheckCsafMandatory(*csaf_text));
  if (!findings.empty()) {
    return Internal(fmt::format("revised CSAF fails test {} at {}: {}", findings[0].test,
                                findings[0].path, findings[0].message));
  }

  json languages = json::array();
  for (const auto& t : advisory.texts) languages.push_back(t.lang);
  // One new version of the record: a merge patch that turns the stored documents into the new
  // ones (keys the new ones lack are removed).
  const json patch = {
      {"properties",
       {{"headline", source_text.headline},
        {"version", version},
        {"status", "draft"},
        {"severity", cyber::ToString(advisory.severity)},
        {"languages", std::move(languages)},
        {"advisory",
         MergePatchBetween(props["advisory"], json::parse(cyber::AdvisoryToJson(advisory)))},
        {"csaf", MergePatchBetween(props["csaf"], json::parse(*csaf_text))}}}};
  ISSA_RETURN_IF_ERROR(node_.PatchRecord(ctx, record_id, patch.dump()).status());

  json warnings = WarningsJson(parsed.warnings);
  return json{{"id", record.id},
              {"tracking_id", tracking_id},
              {"version", version},
              {"status", "draft"},
              {"warnings", std::move(warnings)}}
      .dump();
}

Result<std::string> AdvisoryService::Csaf(const node::Context& ctx, std::string_view record_id) {
  ISSA_ASSIGN_OR_RETURN(const core::Record record, node_.GetRecord(ctx, record_id));
  if (record.type != kAdvisoryType) return NotFound("advisory not found");
  const json props = json::parse(record.properties_json, nullptr, false);
  const auto it = props.find("csaf");
  if (it == props.end() || !it->is_object()) return NotFound("the advisory has no CSAF document");
  return it->dump();
}

namespace {

// Every published advisory, read through the node's public read path.
Result<std::vector<cyber::Advisory>> LoadPublished(node::Node& node) {
  std::vector<cyber::Advisory> out;
  std::string after;
  for (;;) {
    ISSA_ASSIGN_OR_RETURN(const auto page, node.ListPublicRecords(kAdvisoryType, after, 1000));
    for (const auto& r : page.records) {
      const json props = json::parse(r.properties_json, nullptr, false);
      if (StringOr(props, "status") != "published" || StringOr(props, "tlp") != "CLEAR") continue;
      const auto it = props.find("advisory");
      if (it == props.end()) continue;
      auto parsed = cyber::ParseAdvisoryJson(it->dump());
      if (parsed.ok()) out.push_back(std::move(parsed->advisory));
    }
    if (page.next_cursor.empty()) break;
    after = page.next_cursor;
  }
  return out;
}

}  // namespace

Result<std::string> AdvisoryService::PublicIndexHtml(std::string_view lang) {
  ISSA_ASSIGN_OR_RETURN(const auto advisories, LoadPublished(node_));
  return cyber::RenderAdvisoryIndexHtml(advisories, lang, {options_.public_path});
}

Result<std::string> AdvisoryService::PublicPageHtml(std::string_view tracking_id,
                                                    std::string_view lang) {
  ISSA_ASSIGN_OR_RETURN(const auto advisories, LoadPublished(node_));
  for (const auto& a : advisories) {
    if (a.id == tracking_id) return cyber::RenderAdvisoryHtml(a, lang, {options_.public_path});
  }
  return NotFound("advisory not found");
}

Result<std::string> AdvisoryService::PublicFeedAtom() {
  ISSA_ASSIGN_OR_RETURN(const auto advisories, LoadPublished(node_));
  cyber::AtomFeedOptions o;
  o.base_url = options_.public_base_url;
  o.base_path = options_.public_path;
  o.title = options_.feed_title;
  o.now = node_.clock().Now();
  return cyber::RenderAtomFeed(advisories, o);
}

Result<std::string> AdvisoryService::PublicJson() {
  ISSA_ASSIGN_OR_RETURN(const auto advisories, LoadPublished(node_));
  return cyber::AdvisoriesToJson(advisories);
}

}  // namespace issa::eisas
