// Fuzzes the PIU service's request bodies (outside input from the HTTP API): the same bytes as
// a queued match, a review, a visa, a border crossing, a registered traveller and a suppression
// revocation, against a real node over the in-memory store. Every call either succeeds or fails
// with a Status; a crash, an exception or an internal error is a bug.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "issa/piu/service.h"

#include "fuzz_node.h"

namespace {

using issa::fuzzing::Check;

struct World {
  issa::fuzzing::FuzzNode fuzz{1'800'000'000'000};
  std::unique_ptr<issa::piu::PiuService> service;
  issa::node::Context officer;
  std::string match_id;

  World() {
    fuzz.AddAuthority("IT-NCC", "IT", {issa::core::AuthorityKind::kBorder});
    officer = fuzz.Officer("IT-NCC");
    service = std::make_unique<issa::piu::PiuService>(*fuzz.node);
    auto subject = fuzz.node->CreateRecord(
        officer, R"({"type":"Person","properties":{"name":"Seed Person"},"handling":)"
                 R"({"classification":"LIMITED","distribution":"owner","purposes":["border"]}})");
    if (!subject.ok()) __builtin_trap();  // the set-up must hold
    auto queued = service->QueueMatch(
        officer, R"({"subject":")" + *subject +
                     R"(","source":"list","list":"l","entry_id":"e","score":0.5})");
    if (!queued.ok()) __builtin_trap();
    match_id = issa::fuzzing::IdOfAnswer(*queued);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World world;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto& s = *world.service;
  Check(s.QueueMatch(world.officer, body).status());
  Check(s.PassOn(world.officer, world.match_id, body).status());
  Check(s.AddVisa(world.officer, body).status());
  Check(s.CheckCrossing(world.officer, body).status());
  Check(s.RegisterTraveller(world.officer, body).status());
  Check(s.RevokeSuppression(world.officer, world.match_id, body).status());
  return 0;
}
