#pragma once

// Incidents and advisory bodies shared by the service and HTTP tests.

#include <string>

#include <nlohmann/json.hpp>

#include "issa/core/file.h"

namespace issa::eisas::testing {

inline constexpr const char* kClearHandling =
    R"({"classification":"PUBLIC","distribution":"all","purposes":["cyber"]})";
inline constexpr const char* kAmberHandling =
    R"({"classification":"LIMITED","distribution":"authorities","authorities":["DE-BKA"],"purposes":["cyber"]})";

// An Incident record (JSON form) of a TLP and handling.
inline std::string IncidentRecord(const std::string& title, const std::string& tlp,
                                  const std::string& handling) {
  nlohmann::json props = {
      {"title", title},
      {"summary", "Text messages about parcels lead to copies of bank websites."},
      {"sectors", {"banking"}},
      {"member_states", {"IT", "AT"}},
      {"impact", {{"level", "high"}, {"description", "Accounts emptied."}}},
      {"status", "open"},
      {"detected_at", "2026-05-27T08:00:00Z"},
      {"indicators", {"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"}},
      {"reporting_authority", "NL-CERT"},
      {"tlp", tlp},
      {"references", {{{"url", "https://www.ncsc.nl/"}, {"summary", "NCSC-NL"}}}}};
  return nlohmann::json{
      {"type", "Incident"}, {"properties", props}, {"handling", nlohmann::json::parse(handling)}}
      .dump();
}

// A body for POST /api/v1/advisories: the plain-language example of tests/data/cyber.
inline std::string AdvisoryBody(const std::string& incident_id, const std::string& tracking_id,
                                const std::string& tlp = "CLEAR") {
  auto advisory = nlohmann::json::parse(
      *core::ReadFile(std::string(ISSA_CYBER_TEST_DATA) + "/advisories/parcel-scam.json"));
  for (const char* k : {"version", "published_at", "updated_at", "publisher"}) advisory.erase(k);
  advisory["id"] = tracking_id;
  advisory["tlp"] = tlp;
  return nlohmann::json{
      {"profile", "security_incident_response"}, {"incident", incident_id}, {"advisory", advisory}}
      .dump();
}

}  // namespace issa::eisas::testing
