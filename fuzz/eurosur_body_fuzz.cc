// Fuzzes the EUROSUR service's request bodies (outside input from the HTTP API): the same bytes
// as an event report, a follow-up, an impact-level proposal, a decision, a request for
// information and a border-section import, against a real node over the in-memory store with
// one section. Every call either succeeds or fails with a Status; a crash or an internal error
// is a bug.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "issa/eurosur/service.h"

#include "fuzz_node.h"

namespace {

using issa::fuzzing::Check;

using issa::node::Context;

constexpr std::string_view kSection =
    R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"IT-SEA-1",)"
    R"("member_state":"IT","kind":"sea","name":"Sea"},"geometry":{"type":"Polygon",)"
    R"("coordinates":[[[12,35],[13,35],[13,36],[12,36],[12,35]]]}}]})";

struct World {
  issa::fuzzing::FuzzNode n{1'800'000'000'000};
  std::unique_ptr<issa::eurosur::EurosurService> service;
  Context ncc, agency;
  std::string event_id;

  World() {
    using issa::core::AuthorityKind;
    n.AddAuthority("IT-NCC", "IT", {AuthorityKind::kBorder});
    n.AddAuthority("EU-FRONTEX", "EU", {AuthorityKind::kEuAgency, AuthorityKind::kBorder});
    ncc = n.Officer("IT-NCC");
    agency = n.Officer("EU-FRONTEX");
    service = std::make_unique<issa::eurosur::EurosurService>(*n.node);
    if (!service->ImportSections(ncc, kSection).ok()) __builtin_trap();  // the set-up must hold
    auto reported = service->ReportEvent(
        ncc, R"({"category":"other","description":"seed","lat":35.5,"lon":12.5,)"
             R"("occurred_at":1799999000000,"confidence":"high","impact":"low"})");
    if (!reported.ok()) __builtin_trap();
    event_id = issa::fuzzing::IdOfAnswer(*reported);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World world;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  using Decision = issa::eurosur::EurosurService::Decision;
  auto& s = *world.service;
  Check(s.ReportEvent(world.ncc, body).status());
  if (!world.event_id.empty()) {
    Check(s.AddFollowUp(world.ncc, world.event_id, body).status());
    Check(s.RequestInformation(world.agency, world.event_id, body).status());
  }
  Check(s.ProposeLevel(world.ncc, "IT-SEA-1", body).status());
  Check(s.DecideProposal(world.agency, "IT-SEA-1", Decision::kAttribute, body).status());
  Check(s.DecideProposal(world.agency, "IT-SEA-1", Decision::kDecline, body).status());
  Check(s.ImportSections(world.agency, body).status());
  return 0;
}
