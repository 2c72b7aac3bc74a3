// Fuzzes the PIU service's request bodies (outside input from the HTTP API): the same bytes as
// a queued match, a review, a visa, a border crossing, a registered traveller and a suppression
// revocation, against a real node over the in-memory store. Every call either succeeds or fails
// with a Status; a crash, an exception or an internal error is a bug.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "issa/access/policy.h"
#include "issa/core/time.h"
#include "issa/node/node.h"
#include "issa/piu/service.h"
#include "issa/storage/store.h"

namespace {

using issa::node::Context;

struct World {
  issa::core::ManualClock clock{1'800'000'000'000};
  std::unique_ptr<issa::storage::Store> store;
  std::unique_ptr<issa::node::Node> node;
  std::unique_ptr<issa::piu::PiuService> service;
  Context officer;
  std::string match_id;

  World() {
    store = issa::storage::NewMemoryStore({});
    issa::node::NodeOptions o;
    o.node_id = "fuzz";
    o.store = store.get();
    o.clock = &clock;
    node = std::move(issa::node::Node::Open(o)).value();
    Context system;
    system.principal = issa::access::Principal::System();
    (void)node->AddAuthority(system, {"IT-NCC", "IT", {issa::core::AuthorityKind::kBorder}, "", 0});
    auto t = node->CreateToken(system, "IT-NCC", issa::core::Role::kOfficer,
                               issa::core::Classification::kRestricted, "");
    officer = Context{*node->Authenticate(t->token, "fuzz"), "", "fuzz"};
    service = std::make_unique<issa::piu::PiuService>(*node);
    auto subject = node->CreateRecord(
        officer, R"({"type":"Person","properties":{"name":"Seed Person"},"handling":)"
                 R"({"classification":"LIMITED","distribution":"owner","purposes":["border"]}})");
    if (!subject.ok()) __builtin_trap();  // the set-up must hold
    auto queued = service->QueueMatch(
        officer, R"({"subject":")" + *subject +
                     R"(","source":"list","list":"l","entry_id":"e","score":0.5})");
    if (!queued.ok()) __builtin_trap();
    const size_t at = queued->find("\"id\":\"");
    if (at == std::string::npos) __builtin_trap();
    match_id = queued->substr(at + 6, 36);
  }
};

void Check(const issa::Status& s) {
  if (!s.ok() && s.code() == issa::StatusCode::kInternal) __builtin_trap();
}

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
