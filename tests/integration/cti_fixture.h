#pragma once

// The CTI service (STIX objects, TAXII 2.1) served by an ApiHarness node: the set-up the TAXII,
// correlation, TLP matrix and TAXII pull tests share.
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include <gtest/gtest.h>

#include "issa/api/server.h"
#include "issa/cti/service.h"
#include "issa/node/node.h"

namespace issa::integration {

// An ApiHarness `before_start` that opens a CtiService over the node into `out` (which must
// outlive the harness's server) and serves it.
inline std::function<void(node::Node&, api::ServerOptions&)> ServeCti(
    std::unique_ptr<cti::CtiService>& out, std::string cursor_key) {
  return [&out, key = std::move(cursor_key)](node::Node& node, api::ServerOptions& o) {
    cti::CtiOptions co;
    co.cursor_key = key;
    auto s = cti::CtiService::Open(node, co);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    out = std::move(s).value();
    o.cti = out.get();
  };
}

}  // namespace issa::integration
