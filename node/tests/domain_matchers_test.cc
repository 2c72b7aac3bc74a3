// Domain matchers (Node::AddMatcher) and the batch read (Node::GetRecords) that domains use to
// let the node decide what a caller may see.
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "node_fixture.h"

namespace issa::node::testing {
namespace {

// A domain matcher of Location records: records with the same name match.
class SameNameMatcher final : public RecordMatcher {
 public:
  Result<std::vector<DomainMatch>> Upsert(const core::Record& record, size_t max) override {
    const std::string name = nlohmann::json::parse(record.properties_json).value("name", "");
    std::lock_guard lock(mu_);
    ++upserts_;
    std::vector<DomainMatch> out;
    for (const auto& [id, entry] : by_id_) {
      if (id != record.id && entry.second == name && out.size() < max) {
        out.push_back({id, entry.first, 1.0, {"same-name"}});
      }
    }
    by_id_[record.id] = {record.owner, name};
    return out;
  }
  void Remove(std::string_view id) override {
    std::lock_guard lock(mu_);
    by_id_.erase(std::string(id));
  }
  size_t upserts() {
    std::lock_guard lock(mu_);
    return upserts_;
  }

 private:
  std::mutex mu_;
  std::map<std::string, std::pair<std::string, std::string>> by_id_;  // id -> (owner, name)
  size_t upserts_ = 0;
};

std::string LocationJson(const std::string& name, const char* handling) {
  return R"({"type":"Location","properties":{"name":")" + name + R"("},"handling":)" + handling +
         "}";
}

TEST_F(NodeFixture, DomainMatcherIsLoadedAndItsMatchesBecomeHits) {
  const Context fr = As("FR-PIU");
  const Context de = As("DE-BKA");
  const std::string before = Create(fr, LocationJson("Harbour 7", kOwnerOnly));
  auto matcher = std::make_shared<SameNameMatcher>();
  // Only the node itself adds matchers.
  EXPECT_EQ(node_->AddMatcher(de, {"Location"}, matcher).code(), StatusCode::kPermissionDenied);
  ASSERT_TRUE(node_->AddMatcher(system_, {"Location"}, matcher).ok());
  EXPECT_EQ(matcher->upserts(), 1u);  // loaded with the record written before
  EXPECT_TRUE(Logged("matcher.load", "ok"));
  const std::string mine = Create(de, LocationJson("Harbour 7", kOwnerOnly));
  Result<std::vector<HitView>> hits = node_->ListHits(de);
  ASSERT_TRUE(hits.ok());
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ((*hits)[0].your_record, mine);
  EXPECT_EQ((*hits)[0].other_authority, "FR-PIU");
  EXPECT_FALSE((*hits)[0].other_record.has_value());  // DE may not see FR's record
  EXPECT_EQ((*hits)[0].hit.features, std::vector<std::string>{"same-name"});
  // Other types are not passed to it.
  Create(de, PersonJson("Some Body", "1970", kOwnerOnly));
  EXPECT_EQ(matcher->upserts(), 2u);
  (void)before;
}

// A matcher that keeps what CreateParsedRecords hands it: the caller's tree and matcher input.
class InputMatcher final : public RecordMatcher {
 public:
  struct Names final : MatcherInput {
    std::string name;
  };
  Result<std::vector<DomainMatch>> Upsert(const core::Record& record, size_t) override {
    std::lock_guard lock(mu_);
    seen_[record.id] = "parsed here";
    return std::vector<DomainMatch>{};
  }
  Result<std::vector<DomainMatch>> UpsertParsed(const core::Record& record,
                                                const nlohmann::json& properties,
                                                const MatcherInput* input, size_t) override {
    std::lock_guard lock(mu_);
    const auto* names = dynamic_cast<const Names*>(input);
    seen_[record.id] = properties.value("name", "") + "/" + (names ? names->name : "none");
    return std::vector<DomainMatch>{};
  }
  void Remove(std::string_view) override {}
  std::map<std::string, std::string> seen() {
    std::lock_guard lock(mu_);
    return seen_;
  }

 private:
  std::mutex mu_;
  std::map<std::string, std::string> seen_;  // record id -> what the matcher got
};

TEST_F(NodeFixture, ParsedRecordsHandTheirMatcherInputToTheMatcher) {
  auto matcher = std::make_shared<InputMatcher>();
  ASSERT_TRUE(node_->AddMatcher(system_, {"Location"}, matcher).ok());
  const Context de = As("DE-BKA");
  const nlohmann::json a{{"name", "Quay 1"}}, b{{"name", "Quay 2"}};
  InputMatcher::Names given;
  given.name = "from the caller";
  std::vector<Node::ParsedRecord> records(2);
  for (Node::ParsedRecord& r : records) {
    r.type = "Location";
    r.handling.purposes = static_cast<core::PurposeSet>(core::Purpose::kCrime);
  }
  records[0].properties = &a;
  records[0].properties_json = a.dump();
  records[0].matcher_input = &given;
  records[1].properties = &b;
  records[1].properties_json = b.dump();
  Result<std::vector<std::string>> ids = node_->CreateParsedRecords(de, std::move(records));
  ASSERT_TRUE(ids.ok()) << ids.status().ToString();
  ASSERT_EQ(ids->size(), 2u);
  const std::map<std::string, std::string> seen = matcher->seen();
  EXPECT_EQ(seen.at((*ids)[0]), "Quay 1/from the caller");
  EXPECT_EQ(seen.at((*ids)[1]), "Quay 2/none");
}

TEST_F(NodeFixture, GetRecordsReturnsOnlyWhatTheCallerMaySee) {
  const Context fr = As("FR-PIU");
  const Context de = As("DE-BKA");
  const std::string hidden = Create(fr, LocationJson("A", kOwnerOnly));
  const std::string shared = Create(fr, LocationJson("B", kAll));
  const std::string own = Create(de, LocationJson("C", kOwnerOnly));
  Result<std::vector<core::Record>> got =
      node_->GetRecords(de, {own, hidden, "00000000-0000-7000-8000-000000000000", shared});
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->size(), 2u);
  EXPECT_EQ((*got)[0].id, own);
  EXPECT_EQ((*got)[1].id, shared);
  EXPECT_TRUE(Logged("record.read_many", "ok"));
  EXPECT_EQ(node_->GetRecords(de, std::vector<std::string>(1001, own)).status().field(), "ids");
}

}  // namespace
}  // namespace issa::node::testing
