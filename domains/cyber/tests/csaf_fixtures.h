#pragma once

// Requests for the CSAF generator shared by the unit tests and the schema sample writer.

#include <string>

#include "issa/core/file.h"
#include "issa/core/time.h"
#include "issa/cyber/csaf.h"
#include "issa/cyber/incident.h"

namespace issa::cyber::testing {

inline constexpr const char* kIncidentJson = R"({
  "title":"Ransomware at regional hospitals","summary":"Patient systems were encrypted.",
  "sectors":["health"],"member_states":["IT","AT"],
  "impact":{"level":"high","description":"Emergency admissions diverted for 12 hours."},
  "status":"contained","detected_at":"2026-11-20T07:10:00Z","started_at":"2026-11-19T22:00:00Z",
  "indicators":["indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"],
  "attack_patterns":["attack-pattern--7e150503-88e7-4861-866b-ff1ac82c4475"],
  "vulnerabilities":["CVE-2023-4966","CVE-2023-4966","CVE-2024-3400"],
  "reporting_authority":"IT-CSIRT","tlp":"CLEAR",
  "references":[{"url":"https://www.acn.gov.it/portale/en/csirt-italia","summary":"CSIRT Italia"}]})";

inline core::Timestamp At(const char* text) { return *core::ParseTimestamp(text); }

inline CsafRequest BaseRequest(CsafProfile profile) {
  CsafRequest r;
  r.profile = profile;
  r.tracking_id = "EU-EISAS-2026-0001";
  r.title = "Ransomware against hospitals in Italy and Austria";
  r.publisher = {.category = "coordinator",
                 .name = "CERT-EU",
                 .namespace_url = "https://cert.europa.eu",
                 .contact_details = "services@cert.europa.eu",
                 .issuing_authority = "CERT-EU"};
  r.revisions = {{"1", At("2026-11-20T09:00:00Z"), "Initial version"},
                 {"2", At("2026-11-21T09:00:00Z"), "Containment confirmed"}};
  r.tlp = "CLEAR";
  r.aggregate_severity = "High";
  r.generated_at = At("2026-11-21T09:05:00Z");
  r.engine_version = "0.6";
  return r;
}

inline CsafRequest IncidentRequest() {
  CsafRequest r = BaseRequest(CsafProfile::kSecurityIncidentResponse);
  r.incident = *ParseIncident(kIncidentJson);
  return r;
}

// The Poison Ivy bundle of the STIX 2.1 documentation: 25 indicators, 6 vulnerabilities (CVEs).
inline CsafRequest StixRequest(CsafProfile profile, const std::string& data_dir) {
  CsafRequest r = BaseRequest(profile);
  r.title = "Poison Ivy remote access trojan: indicators";
  r.indicators = *ParseStixIndicatorSet(*core::ReadFile(data_dir + "/stix/poisonivy.json"));
  r.references = {{"https://www.mandiant.com/resources/reports", "Poison Ivy report"}};
  return r;
}

}  // namespace issa::cyber::testing
