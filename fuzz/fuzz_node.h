#pragma once

// A real node over the in-memory store for the fuzz targets that drive services over the node
// (EUROSUR, EISAS advisories): a manual clock, the system context and officers' contexts. The
// set-up must hold: a failure traps.
#include <memory>
#include <string>
#include <vector>

#include "issa/access/policy.h"
#include "issa/core/status.h"
#include "issa/core/time.h"
#include "issa/node/node.h"
#include "issa/storage/store.h"

namespace issa::fuzzing {

struct FuzzNode {
  explicit FuzzNode(core::Timestamp start) : clock(start) {
    store = storage::NewMemoryStore({});
    node::NodeOptions o;
    o.node_id = "fuzz";
    o.store = store.get();
    o.clock = &clock;
    auto opened = node::Node::Open(o);
    if (!opened.ok()) __builtin_trap();
    node = std::move(opened).value();
    system.principal = access::Principal::System();
  }

  void AddAuthority(const std::string& id, const std::string& country,
                    std::vector<core::AuthorityKind> kinds) {
    if (!node->AddAuthority(system, {id, country, std::move(kinds), "", 0}).ok()) __builtin_trap();
  }

  node::Context Officer(const std::string& authority) {
    auto t = node->CreateToken(system, authority, core::Role::kOfficer,
                               core::Classification::kRestricted, "");
    if (!t.ok()) __builtin_trap();
    auto p = node->Authenticate(t->token, "fuzz");
    if (!p.ok()) __builtin_trap();
    return node::Context{*p, "", "fuzz"};
  }

  core::ManualClock clock;
  std::unique_ptr<storage::Store> store;
  std::unique_ptr<node::Node> node;
  node::Context system;
};

// A service's answer may be any error for fuzzed input, but never an internal one.
inline void Check(const Status& s) {
  if (!s.ok() && s.code() == StatusCode::kInternal) __builtin_trap();
}

// The record id (a UUID) of a service's JSON answer {"id":"…",…}; traps when there is none.
inline std::string IdOfAnswer(const std::string& answer) {
  const size_t at = answer.find("\"id\":\"");
  if (at == std::string::npos || at + 6 + 36 > answer.size()) __builtin_trap();
  return answer.substr(at + 6, 36);
}

}  // namespace issa::fuzzing
