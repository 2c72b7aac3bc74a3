// Prints generated CSAF 2.0 documents, one per line, for tests/csaf_json_schema_test.py (the
// independent check against the OASIS JSON schema).
#include <cstdio>

#include "csaf_fixtures.h"

int main() {
  using issa::cyber::CsafProfile;
  namespace t = issa::cyber::testing;
  const std::string data = ISSA_CYBER_TEST_DATA;
  auto amber_strict = t::IncidentRequest();
  amber_strict.tlp = "AMBER+STRICT";
  amber_strict.profile = CsafProfile::kInformationalAdvisory;
  const issa::cyber::CsafRequest requests[] = {
      t::IncidentRequest(),
      t::StixRequest(CsafProfile::kSecurityIncidentResponse, data),
      t::StixRequest(CsafProfile::kInformationalAdvisory, data),
      amber_strict,
  };
  for (const auto& r : requests) {
    auto doc = issa::cyber::GenerateCsaf(r);
    if (!doc.ok()) {
      std::fprintf(stderr, "%s\n", doc.status().ToString().c_str());
      return 1;
    }
    std::printf("%s\n", doc->c_str());
  }
  // A revised document (ReviseCsaf) too.
  auto first = issa::cyber::GenerateCsaf(t::IncidentRequest());
  issa::cyber::CsafRevisionUpdate update;
  update.summary = "Decryptor available";
  update.date = t::IncidentRequest().revisions.back().date + 86'400'000;
  update.generated_at = update.date;
  update.aggregate_severity = "Medium";
  auto revised = first.ok() ? issa::cyber::ReviseCsaf(*first, update) : first;
  if (!revised.ok()) {
    std::fprintf(stderr, "%s\n", revised.status().ToString().c_str());
    return 1;
  }
  std::printf("%s\n", revised->c_str());
  return 0;
}
