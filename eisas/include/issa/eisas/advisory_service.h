#pragma once

// EISAS alerts as a service over the node (issue 6, item 9): an officer or admin of a CERT makes
// an advisory from an incident and/or indicators (node records or a STIX bundle): a CSAF 2.0
// document and a plain-language advisory in several languages, kept as an Advisory record linked
// "derived_from" its sources. Publication releases the record to the public through the node
// (Node::ReleaseToPublic), only when the advisory and everything it is derived from is TLP:CLEAR;
// the public pages, Atom feed and JSON are read through the node's public read path, which sees
// released records only.
//
// Every read and write of records goes through node::Node with the caller's Context, so the
// access decision and the audit entry of each stay in the node
// (docs/adr/0008-eisas-public-read-path.md). Errors: InvalidArgument naming the field,
// PermissionDenied (role or authority kind), NotFound, FailedPrecondition (not TLP:CLEAR), plus
// whatever the node returns. Thread-safe (no state besides the options).

#include <string>
#include <string_view>

#include "issa/core/status.h"
#include "issa/node/node.h"

namespace issa::eisas {

struct AdvisoryOptions {
  // Absolute base of the public pages, for the Atom feed's links and ids and the CSAF
  // document's reference to the public page.
  std::string public_base_url = "http://127.0.0.1:8080";
  std::string public_path = "/advisories";
  std::string feed_title = "EISAS advisories";
  // CSAF publisher namespace (the publisher's name is the caller's authority's name).
  std::string publisher_namespace = "https://issa.europa.eu";
  std::string engine_version = "0.6";
};

class AdvisoryService {
 public:
  // `node` is borrowed and must outlive the service.
  explicit AdvisoryService(node::Node& node, AdvisoryOptions options = {});

  // Makes a draft advisory. Body (docs/api.md#advisories):
  //   {"profile":"security_incident_response"|"informational_advisory",
  //    "incident":"<Incident record id>", "indicators":["<record id of a STIX object>",…],
  //    "stix":{<STIX 2.1 bundle>}, "advisory":{<plain-language advisory JSON without
  //    version/published_at/updated_at/publisher>}}
  // At least one source. Returns {"id","tracking_id","tlp","sources_tlp","warnings":[…]}.
  Result<std::string> Create(const node::Context& ctx, std::string_view body);
  // Publishes a draft: FailedPrecondition unless the advisory and every source is TLP:CLEAR.
  // Returns {"id","tracking_id","status":"published","url"}.
  Result<std::string> Publish(const node::Context& ctx, std::string_view record_id);
  // A new version of an advisory (a correction, a new step, a changed severity). Body:
  //   {"summary":"<what changed>", "advisory":{<optional: the whole plain-language advisory
  //    again, same tracking id and TLP>}}
  // The version goes up by one, updated_at and the CSAF revision history follow, and the record
  // becomes a draft of that version: a published advisory stays public in its released version
  // until the revision is published. Returns {"id","tracking_id","version","status","warnings"}.
  Result<std::string> Revise(const node::Context& ctx, std::string_view record_id,
                             std::string_view body);
  // The CSAF 2.0 document of an advisory the caller may see.
  Result<std::string> Csaf(const node::Context& ctx, std::string_view record_id);

  // ---- Public (no caller; read through the node's public read path) ----
  Result<std::string> PublicIndexHtml(std::string_view lang);
  // NotFound unless a published advisory has this tracking id.
  Result<std::string> PublicPageHtml(std::string_view tracking_id, std::string_view lang);
  Result<std::string> PublicFeedAtom();
  Result<std::string> PublicJson();

 private:
  node::Node& node_;
  AdvisoryOptions options_;
};

}  // namespace issa::eisas
