#include "issa/cyber/csaf.h"

#include <regex>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "csaf_lang.h"

namespace issa::cyber {
namespace {

using nlohmann::json;

constexpr std::string_view kTlpUrl = "https://www.first.org/tlp/";

bool IsCve(const std::string& id) {
  static const std::regex kCve("^CVE-[0-9]{4}-[0-9]{4,}$");
  return std::regex_match(id, kCve);
}

bool IsUri(std::string_view text) {
  static const std::regex kUri("^https?://[^\\s]+$");
  return text.size() <= 2000 && std::regex_match(text.begin(), text.end(), kUri);
}

json Note(std::string_view category, std::string_view title, const std::string& text) {
  json note = {{"category", category}, {"text", text}};
  if (!title.empty()) note["title"] = title;
  return note;
}

std::string JoinWords(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

// The incident as a description note: what, where, how bad, since when.
std::string IncidentDescription(const Incident& in) {
  std::string text = in.title;
  if (!in.summary.empty()) text += "\n\n" + in.summary;
  text += "\n\nSectors (NIS2): " + JoinWords(in.sectors);
  text += "\nMember states: " + JoinWords(in.member_states);
  text += "\nImpact: " + in.impact_level;
  if (!in.impact_description.empty()) text += " - " + in.impact_description;
  text += "\nStatus: " + in.status;
  if (in.started_at) text += "\nStarted: " + core::FormatTimestamp(*in.started_at);
  if (in.detected_at) text += "\nDetected: " + core::FormatTimestamp(*in.detected_at);
  if (in.ended_at) text += "\nEnded: " + core::FormatTimestamp(*in.ended_at);
  if (!in.reporting_authority.empty()) text += "\nReported by: " + in.reporting_authority;
  return text;
}

// Indicators and attack patterns (STIX ids and patterns) as a details note.
std::string IndicatorDetails(const std::optional<Incident>& in,
                             const std::optional<IndicatorSet>& set) {
  std::string text;
  std::set<std::string> listed;
  if (set) {
    for (const auto& ind : set->indicators) {
      listed.insert(ind.stix_id);
      text += fmt::format("- {} {}{}{}\n", ind.stix_id, ind.pattern, ind.name.empty() ? "" : " (",
                          ind.name.empty() ? "" : ind.name + ")");
    }
  }
  if (in) {
    for (const auto& id : in->indicators) {
      if (listed.insert(id).second) text += "- " + id + "\n";
    }
    for (const auto& id : in->attack_patterns) text += "- attack pattern " + id + "\n";
  }
  if (!text.empty()) text.pop_back();
  return text;
}

Status CheckRevisions(const CsafRequest& r) {
  if (r.revisions.empty()) return InvalidArgument("needs at least one revision", "revisions");
  static const std::regex kInteger("^(0|[1-9][0-9]{0,8})$");
  long previous = -1;
  core::Timestamp previous_date = 0;
  for (size_t i = 0; i < r.revisions.size(); ++i) {
    const auto& rev = r.revisions[i];
    const std::string at = fmt::format("revisions[{}]", i);
    if (!std::regex_match(rev.number, kInteger)) {
      return InvalidArgument("must be an integer version such as \"2\"", at + ".number");
    }
    const long number = std::stol(rev.number);
    if (i == 0 && number > 1) return InvalidArgument("must start at 0 or 1", at + ".number");
    if (i > 0 && number != previous + 1) {
      return InvalidArgument(fmt::format("must be {} (no gaps, no repeats)", previous + 1),
                             at + ".number");
    }
    if (number == 0 && r.status != "draft") {
      return InvalidArgument("version 0 is for drafts only", at + ".number");
    }
    if (i > 0 && rev.date < previous_date) {
      return InvalidArgument("must not be earlier than the previous revision", at + ".date");
    }
    if (rev.summary.empty()) return InvalidArgument("must not be empty", at + ".summary");
    previous = number;
    previous_date = rev.date;
  }
  return Status::Ok();
}

Status CheckRequest(const CsafRequest& r) {
  if (r.tracking_id.empty() || std::isspace(static_cast<unsigned char>(r.tracking_id.front())) ||
      std::isspace(static_cast<unsigned char>(r.tracking_id.back()))) {
    return InvalidArgument("must be non-empty without surrounding spaces", "tracking_id");
  }
  if (r.title.empty()) return InvalidArgument("must not be empty", "title");
  if (!detail::IsKnownLanguageTag(r.lang)) return InvalidArgument("unknown language tag", "lang");
  if (r.status != "draft" && r.status != "interim" && r.status != "final") {
    return InvalidArgument("must be draft, interim or final", "status");
  }
  static const std::set<std::string, std::less<>> kPublisherCategories = {
      "coordinator", "discoverer", "other", "translator", "user", "vendor"};
  if (!kPublisherCategories.contains(r.publisher.category)) {
    return InvalidArgument("unknown publisher category", "publisher.category");
  }
  if (r.publisher.category == "translator") {
    return InvalidArgument("a translation needs its source language; not generated here",
                           "publisher.category");
  }
  if (r.publisher.name.empty()) return InvalidArgument("must not be empty", "publisher.name");
  if (!IsUri(r.publisher.namespace_url)) {
    return InvalidArgument("must be an http(s) URL", "publisher.namespace_url");
  }
  ISSA_RETURN_IF_ERROR(CheckRevisions(r));
  for (size_t i = 0; i < r.references.size(); ++i) {
    if (!IsUri(r.references[i].url)) {
      return InvalidArgument("must be an http(s) URL", fmt::format("references[{}].url", i));
    }
    if (r.references[i].summary.empty()) {
      return InvalidArgument("must not be empty", fmt::format("references[{}].summary", i));
    }
  }
  if (r.incident) {
    for (size_t i = 0; i < r.incident->vulnerabilities.size(); ++i) {
      if (!IsCve(r.incident->vulnerabilities[i])) {
        return InvalidArgument("must be a CVE id", fmt::format("incident.vulnerabilities[{}]", i));
      }
    }
    for (size_t i = 0; i < r.incident->references.size(); ++i) {
      if (!IsUri(r.incident->references[i].url)) {
        return InvalidArgument("must be an http(s) URL",
                               fmt::format("incident.references[{}].url", i));
      }
    }
  }
  if (r.indicators) {
    for (size_t i = 0; i < r.indicators->vulnerabilities.size(); ++i) {
      const auto& cve = r.indicators->vulnerabilities[i].cve;
      if (!cve.empty() && !IsCve(cve)) {
        return InvalidArgument("must be a CVE id",
                               fmt::format("indicators.vulnerabilities[{}].cve", i));
      }
    }
  }
  return Status::Ok();
}

}  // namespace

std::string_view CsafCategory(CsafProfile profile) {
  return profile == CsafProfile::kSecurityIncidentResponse ? "csaf_security_incident_response"
                                                           : "csaf_informational_advisory";
}

Result<CsafTlp> CsafTlpOf(std::string_view tlp2_label) {
  if (tlp2_label == "CLEAR") return CsafTlp{"WHITE", ""};
  if (tlp2_label == "GREEN" || tlp2_label == "AMBER" || tlp2_label == "RED") {
    return CsafTlp{std::string(tlp2_label), ""};
  }
  if (tlp2_label == "AMBER+STRICT") {
    return CsafTlp{"AMBER",
                   "TLP:AMBER+STRICT (TLP 2.0): share only within the recipient's own "
                   "organisation, not with its clients. CSAF 2.0 has no label for it."};
  }
  return InvalidArgument("must be CLEAR, GREEN, AMBER, AMBER+STRICT or RED", "tlp");
}

Result<std::string> ReviseCsaf(std::string_view document, const CsafRevisionUpdate& update) {
  if (update.summary.empty()) return InvalidArgument("must not be empty", "summary");
  json doc = json::parse(document, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("document") ||
      !doc["document"].is_object()) {
    return InvalidArgument("is not a CSAF document", "document");
  }
  json& d = doc["document"];
  json& t = d["tracking"];
  if (!t.is_object() || !t.contains("revision_history") || !t["revision_history"].is_array() ||
      t["revision_history"].empty()) {
    return InvalidArgument("has no revision history", "document.tracking.revision_history");
  }
  // The stored history, read back into revisions and checked with the rules GenerateCsaf uses.
  CsafRequest history;
  history.status = t.value("status", "");
  for (const json& rev : t["revision_history"]) {
    if (!rev.is_object() || !rev.contains("number") || !rev["number"].is_string() ||
        !rev.contains("date") || !rev["date"].is_string()) {
      return InvalidArgument("is not a revision {number, date, summary}",
                             "document.tracking.revision_history");
    }
    auto date = core::ParseTimestamp(rev["date"].get<std::string>());
    if (!date.ok()) return date.status().WithFieldPrefix("document.tracking.revision_history");
    history.revisions.push_back(
        {rev["number"].get<std::string>(), *date, rev.value("summary", std::string())});
  }
  ISSA_RETURN_IF_ERROR(CheckRevisions(history));
  const long next = std::stol(history.revisions.back().number) + 1;
  history.revisions.push_back({std::to_string(next), update.date, update.summary});
  if (const Status s = CheckRevisions(history); !s.ok()) {
    return InvalidArgument(s.message(), "date");
  }

  t["version"] = history.revisions.back().number;
  t["current_release_date"] = core::FormatTimestamp(update.date);
  t["revision_history"].push_back({{"date", core::FormatTimestamp(update.date)},
                                   {"number", history.revisions.back().number},
                                   {"summary", update.summary}});
  t["generator"]["date"] = core::FormatTimestamp(update.generated_at);
  if (!update.engine_version.empty()) t["generator"]["engine"]["version"] = update.engine_version;
  if (!update.title.empty()) d["title"] = update.title;
  if (!update.aggregate_severity.empty()) {
    d["aggregate_severity"]["text"] = update.aggregate_severity;
  }
  if (!update.summary_note.empty() && d.contains("notes") && d["notes"].is_array()) {
    for (json& note : d["notes"]) {
      if (note.is_object() && note.value("category", "") == "summary") {
        note["text"] = update.summary_note;
        break;
      }
    }
  }
  return doc.dump();
}

Result<std::string> GenerateCsaf(const CsafRequest& r) {
  ISSA_RETURN_IF_ERROR(CheckRequest(r));
  ISSA_ASSIGN_OR_RETURN(const CsafTlp tlp, CsafTlpOf(r.tlp));

  json doc;
  auto& d = doc["document"];
  d["category"] = CsafCategory(r.profile);
  d["csaf_version"] = "2.0";
  d["title"] = r.title;
  d["lang"] = r.lang;
  json publisher = {{"category", r.publisher.category},
                    {"name", r.publisher.name},
                    {"namespace", r.publisher.namespace_url}};
  if (!r.publisher.contact_details.empty()) {
    publisher["contact_details"] = r.publisher.contact_details;
  }
  if (!r.publisher.issuing_authority.empty()) {
    publisher["issuing_authority"] = r.publisher.issuing_authority;
  }
  d["publisher"] = std::move(publisher);
  d["distribution"]["tlp"] = {{"label", tlp.label}, {"url", kTlpUrl}};
  if (!tlp.text.empty()) d["distribution"]["text"] = tlp.text;
  if (!r.aggregate_severity.empty()) d["aggregate_severity"]["text"] = r.aggregate_severity;

  json notes = json::array();
  std::string summary = r.summary;
  if (summary.empty() && r.incident) summary = r.incident->summary;
  if (summary.empty()) summary = r.title;
  notes.push_back(Note("summary", "Summary", summary));
  if (r.incident) {
    notes.push_back(Note("description", "Incident", IncidentDescription(*r.incident)));
  }
  if (const std::string details = IndicatorDetails(r.incident, r.indicators); !details.empty()) {
    notes.push_back(Note("details", "Indicators of compromise (STIX 2.1)", details));
  }
  d["notes"] = std::move(notes);

  // CVEs: vulnerabilities in an incident response; references in an informational advisory
  // (which must have no /vulnerabilities, test 6.1.27.3).
  std::vector<std::string> cves;
  std::set<std::string> seen_cves;
  if (r.incident) {
    for (const auto& cve : r.incident->vulnerabilities) {
      if (seen_cves.insert(cve).second) cves.push_back(cve);
    }
  }
  if (r.indicators) {
    for (const auto& v : r.indicators->vulnerabilities) {
      if (!v.cve.empty() && seen_cves.insert(v.cve).second) cves.push_back(v.cve);
    }
  }

  json references = json::array();
  std::set<std::string> seen_urls;
  const auto add_reference = [&](const WebReference& ref) {
    if (seen_urls.insert(ref.url).second) {
      references.push_back({{"category", "external"}, {"summary", ref.summary}, {"url", ref.url}});
    }
  };
  for (const auto& ref : r.references) add_reference(ref);
  if (r.incident) {
    for (const auto& ref : r.incident->references) add_reference(ref);
  }
  if (r.profile == CsafProfile::kInformationalAdvisory) {
    for (const auto& cve : cves) {
      add_reference({"https://www.cve.org/CVERecord?id=" + cve, cve});
    }
  }
  if (references.empty()) {
    return InvalidArgument("the profile needs at least one external reference", "references");
  }
  d["references"] = std::move(references);

  auto& t = d["tracking"];
  t["id"] = r.tracking_id;
  t["status"] = r.status;
  t["version"] = r.revisions.back().number;
  t["initial_release_date"] = core::FormatTimestamp(r.revisions.front().date);
  t["current_release_date"] = core::FormatTimestamp(r.revisions.back().date);
  json history = json::array();
  for (const auto& rev : r.revisions) {
    history.push_back({{"date", core::FormatTimestamp(rev.date)},
                       {"number", rev.number},
                       {"summary", rev.summary}});
  }
  t["revision_history"] = std::move(history);
  t["generator"] = {{"date", core::FormatTimestamp(r.generated_at)},
                    {"engine", {{"name", "ISSA"}}}};
  if (!r.engine_version.empty()) t["generator"]["engine"]["version"] = r.engine_version;

  if (r.profile == CsafProfile::kSecurityIncidentResponse) {
    json vulnerabilities = json::array();
    for (const auto& cve : cves) vulnerabilities.push_back({{"cve", cve}});
    if (r.indicators) {
      for (const auto& v : r.indicators->vulnerabilities) {
        if (!v.cve.empty()) continue;
        json vuln = {{"title", v.name}};
        if (!v.description.empty()) {
          vuln["notes"] = json::array({Note("description", "", v.description)});
        }
        vulnerabilities.push_back(std::move(vuln));
      }
    }
    if (!vulnerabilities.empty()) doc["vulnerabilities"] = std::move(vulnerabilities);
  }
  return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace issa::cyber
