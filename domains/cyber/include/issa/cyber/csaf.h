#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "issa/core/status.h"
#include "issa/core/time.h"
#include "issa/cyber/incident.h"

// CSAF 2.0 documents for EISAS alerts (OASIS CSAF 2.0 with errata 01): a generator for the
// profiles "Security Incident Response" and "Informational Advisory", and a checker of the
// mandatory tests of section 6.1. Pure functions; thread-safe.
namespace issa::cyber {

enum class CsafProfile { kSecurityIncidentResponse, kInformationalAdvisory };

// "csaf_security_incident_response" / "csaf_informational_advisory".
std::string_view CsafCategory(CsafProfile profile);

struct CsafPublisher {
  std::string category = "coordinator";  // coordinator, discoverer, other, translator, user, vendor
  std::string name;                      // e.g. "CERT-EU"
  std::string namespace_url;             // e.g. "https://cert.europa.eu"
  std::string contact_details;
  std::string issuing_authority;
};

struct CsafRevision {
  std::string number;  // integer versioning: "1", "2", ...
  core::Timestamp date = 0;
  std::string summary;
};

// CSAF 2.0 carries TLP 1.0 labels (WHITE, GREEN, AMBER, RED). TLP 2.0 CLEAR maps to WHITE (same
// meaning); AMBER+STRICT maps to AMBER with a distribution text restricting it to the recipient's
// organisation, so that the stricter rule is never lost.
struct CsafTlp {
  std::string label;
  std::string text;  // empty unless the mapping needs a note
};
// InvalidArgument on "tlp" for anything but a TLP 2.0 label.
Result<CsafTlp> CsafTlpOf(std::string_view tlp2_label);

struct CsafRequest {
  CsafProfile profile = CsafProfile::kSecurityIncidentResponse;
  std::string tracking_id;  // e.g. "EU-EISAS-2026-0001"
  std::string title;
  std::string lang = "en";
  std::string status = "final";         // draft, interim, final
  std::vector<CsafRevision> revisions;  // oldest first; the last one is the current version
  CsafPublisher publisher;
  std::string tlp;  // TLP 2.0 label of the document
  std::string summary;
  std::string aggregate_severity;        // free text, e.g. "High"; omitted when empty
  std::vector<WebReference> references;  // "external" references
  std::optional<Incident> incident;
  std::optional<IndicatorSet> indicators;
  core::Timestamp generated_at = 0;
  std::string engine_version;
};

// The CSAF 2.0 document as compact JSON. The summary, incident and indicators become notes
// (summary, description, details), CVEs vulnerabilities (incident response) or references
// (informational advisory, which may have no vulnerabilities). InvalidArgument naming the field
// when the request cannot make a valid document (no revisions, empty title or tracking id, bad
// TLP, no external reference for the profile, ...). Every generated document passes
// CheckCsafMandatory.
Result<std::string> GenerateCsaf(const CsafRequest& request);

// A new revision of a generated document: what changed in the plain-language advisory it goes
// with. The title, the summary note and the aggregate severity are replaced when not empty.
struct CsafRevisionUpdate {
  std::string summary;  // what changed (the revision's summary), required
  core::Timestamp date = 0;
  std::string title;
  std::string summary_note;
  std::string aggregate_severity;
  core::Timestamp generated_at = 0;
  std::string engine_version;
};

// `document` (a CSAF 2.0 document as GenerateCsaf makes it, integer versioning, status final)
// with one more revision: version N+1 dated `update.date`, appended to the revision history;
// current_release_date and the generator's date follow. Everything else (product tree,
// vulnerabilities, notes other than the summary) is kept. InvalidArgument naming the field for a
// document that is not one of ours, a date before the last revision or an empty summary; the
// caller runs CheckCsafMandatory on the result.
Result<std::string> ReviseCsaf(std::string_view document, const CsafRevisionUpdate& update);

// One failed mandatory test: "6.1.27.2", the JSON pointer of the offending value, what is wrong.
struct CsafFinding {
  std::string test;
  std::string path;
  std::string message;
};

// Runs the mandatory tests of CSAF 2.0 section 6.1 that concern what ISSA generates and reads:
// 6.1.1, 6.1.2, 6.1.4, 6.1.5, 6.1.12, 6.1.14-6.1.23, 6.1.26, 6.1.27.1-6.1.27.4, 6.1.27.11,
// 6.1.28, 6.1.30. Returns the findings (empty = passes those tests); InvalidArgument when the
// text is not a JSON object. Members the tests read but which are mistyped are skipped here: that
// is the JSON schema's job.
Result<std::vector<CsafFinding>> CheckCsafMandatory(std::string_view json);

}  // namespace issa::cyber
