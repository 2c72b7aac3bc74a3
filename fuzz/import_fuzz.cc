// Fuzzes the bulk importer (NDJSON lines and GeoJSON FeatureCollections) end to end on a node
// over the in-memory store: no input may crash it or leave a record that fails validation.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>

#include "issa/core/time.h"
#include "issa/node/node.h"
#include "issa/storage/store.h"

namespace {

struct Harness {
  Harness() {
    store = issa::storage::NewMemoryStore({});
    issa::node::NodeOptions o;
    o.node_id = "fuzz";
    o.store = store.get();
    o.clock = &clock;
    auto opened = issa::node::Node::Open(o);
    if (!opened.ok()) std::abort();
    node = std::move(opened).value();
    issa::node::Context system{issa::access::Principal::System(), "", "fuzz"};
    if (!node->AddAuthority(system, {"FR-PIU", "FR", {issa::core::AuthorityKind::kPiu}, "", 0})
             .ok()) {
      std::abort();
    }
    ctx.principal.user_id = "fuzzer";
    ctx.principal.authority = "FR-PIU";
    ctx.principal.role = issa::core::Role::kAnalyst;
    ctx.principal.clearance = issa::core::Classification::kConfidential;
    ctx.principal.purposes = issa::core::kAllPurposes;
  }
  issa::core::ManualClock clock{1'780'000'000'000};
  std::unique_ptr<issa::storage::Store> store;
  std::unique_ptr<issa::node::Node> node;
  issa::node::Context ctx;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Harness h;
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  issa::node::ImportOptions o;
  o.geojson_type = "Location";
  o.geojson_handling_json = R"({"classification":"LIMITED","purposes":["border"]})";
  o.batch = 7;
  const auto stats = h.node->Import(h.ctx, in, o);
  if (stats.ok() && stats->imported + stats->rejected > stats->lines) std::abort();
  return 0;
}
