// Fuzzes the body of POST /api/v1/advisories (outside input from the HTTP API) against a real
// node over the in-memory store holding one TLP:CLEAR incident: the text "INCIDENT_ID" in the
// input is replaced by that incident's record id. Every accepted body is published and the public
// pages rendered. Each call either succeeds or fails with a Status; a crash or an internal error
// (e.g. a generated CSAF document failing a mandatory test) is a bug.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "issa/eisas/advisory_service.h"

#include "fuzz_node.h"

namespace {

using issa::fuzzing::Check;

struct World {
  issa::fuzzing::FuzzNode n{1'800'000'000'000};
  std::unique_ptr<issa::eisas::AdvisoryService> service;
  issa::node::Context cert;
  std::string incident_id;

  World() {
    n.AddAuthority("NL-CERT", "NL", {issa::core::AuthorityKind::kCert});
    cert = n.Officer("NL-CERT");
    service = std::make_unique<issa::eisas::AdvisoryService>(*n.node);
    auto id = n.node->CreateRecord(
        cert,
        R"({"type":"Incident","properties":{"title":"Parcel scam","sectors":["banking"],)"
        R"("member_states":["NL"],"impact":{"level":"high"},"status":"open",)"
        R"("detected_at":"2027-01-15T08:00:00Z","reporting_authority":"NL-CERT","tlp":"CLEAR",)"
        R"("references":[{"url":"https://www.ncsc.nl/","summary":"NCSC-NL"}]},)"
        R"("handling":{"classification":"PUBLIC","distribution":"all","purposes":["cyber"]}})");
    if (!id.ok()) __builtin_trap();  // the set-up must hold
    incident_id = *id;
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World world;
  std::string body(reinterpret_cast<const char*>(data), size);
  for (size_t at = body.find("INCIDENT_ID"); at != std::string::npos;
       at = body.find("INCIDENT_ID", at + world.incident_id.size())) {
    body.replace(at, 11, world.incident_id);
  }
  auto& s = *world.service;
  auto made = s.Create(world.cert, body);
  Check(made.status());
  if (made.ok()) {
    const std::string id = issa::fuzzing::IdOfAnswer(*made);
    Check(s.Publish(world.cert, id).status());
    Check(s.Csaf(world.cert, id).status());
  }
  Check(s.PublicJson().status());
  Check(s.PublicFeedAtom().status());
  return 0;
}
