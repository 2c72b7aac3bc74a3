#pragma once

#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "issa/audit/chain.h"
#include "issa/node/node.h"
#include "issa/storage/store.h"

namespace issa::node::testing {

// A node over the in-memory store with a manual clock and a few authorities.
class NodeFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::MemoryStoreOptions so;
    so.signer = [this](const std::string& m) { return key_.Sign(m); };
    store_ = storage::NewMemoryStore(so);
    NodeOptions o;
    o.node_id = "test-node";
    o.store = store_.get();
    o.clock = &clock_;
    o.key = key_;  // seals masked data (retention with "x-retention": "mask")
    o.schema_dir = SchemaDir();
    auto node = Node::Open(o);
    ASSERT_TRUE(node.ok()) << node.status().ToString();
    node_ = std::move(node).value();
    system_.principal = access::Principal::System();
    for (const auto& [id, country, kind] :
         {std::tuple{"FR-PIU", "FR", core::AuthorityKind::kPiu},
          std::tuple{"DE-BKA", "DE", core::AuthorityKind::kPolice},
          std::tuple{"IT-NCC", "IT", core::AuthorityKind::kBorder},
          std::tuple{"NL-CERT", "NL", core::AuthorityKind::kCert},
          std::tuple{"EU-EUROPOL", "EU", core::AuthorityKind::kEuAgency}}) {
      ASSERT_TRUE(node_->AddAuthority(system_, {id, country, {kind}, "", 0}).ok());
    }
  }

  // A folder of schemas to use instead of the built-in set (empty: built-in).
  virtual std::string SchemaDir() { return ""; }

  Context As(const std::string& authority, core::Role role = core::Role::kOfficer,
             core::Classification clearance = core::Classification::kRestricted) {
    auto t = node_->CreateToken(system_, authority, role, clearance, "");
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    auto p = node_->Authenticate(t->token, "test");
    EXPECT_TRUE(p.ok());
    return Context{*p, "", "test"};
  }

  std::string Create(const Context& ctx, const std::string& json) {
    auto id = node_->CreateRecord(ctx, json);
    EXPECT_TRUE(id.ok()) << id.status().ToString() << " for " << json;
    return id.ok() ? *id : "";
  }

  std::vector<audit::Entry> AuditLog() {
    auto entries = node_->ListAudit(system_, storage::AuditQuery{});
    EXPECT_TRUE(entries.ok());
    return entries.ok() ? *entries : std::vector<audit::Entry>{};
  }

  bool Logged(std::string_view action, std::string_view outcome, std::string_view target = {}) {
    for (const auto& e : AuditLog()) {
      if (e.event.action == action && e.event.outcome == outcome &&
          (target.empty() || e.event.target == target)) {
        return true;
      }
    }
    return false;
  }

  audit::VerifyReport VerifyChain() {
    auto txn = store_->BeginRead();
    EXPECT_TRUE(txn.ok());
    auto head = (*txn)->GetAuditHead();
    std::vector<audit::Entry> entries;
    storage::AuditQuery q;
    q.limit = 0;
    EXPECT_TRUE((*txn)
                    ->ScanAudit(q,
                                [&](const audit::Entry& e) {
                                  entries.push_back(e);
                                  return true;
                                })
                    .ok());
    size_t i = 0;
    return audit::VerifyChain(
        [&](audit::Entry& e) {
          if (i >= entries.size()) return false;
          e = entries[i++];
          return true;
        },
        *head, key_.PublicHex());
  }

  audit::NodeKey key_ = audit::NodeKey::Generate();
  core::ManualClock clock_{1'780'000'000'000};  // 2026-05-28
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<Node> node_;
  Context system_;
};

inline std::string PersonJson(const std::string& name, const std::string& dob,
                              const std::string& handling) {
  return R"({"type":"Person","properties":{"name":")" + name + R"(","birth_date":")" + dob +
         R"(","nationality":"RU"},"handling":)" + handling + "}";
}

constexpr const char* kOwnerOnly =
    R"({"classification":"LIMITED","distribution":"owner","purposes":["crime"]})";
constexpr const char* kAll =
    R"({"classification":"LIMITED","distribution":"all","purposes":["crime"]})";

}  // namespace issa::node::testing
