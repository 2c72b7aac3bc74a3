// The CTI service's correlation as a node domain matcher: loaded from the node's records at
// start, kept current on new versions and withdrawals, warning-listed values flagged and not
// correlated, cross-authority correlations written as node hits.
#include "../src/correlation.h"

#include <algorithm>
#include <set>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "issa/cti/service.h"
#include "issa/cyber/warninglist.h"

#include "node_fixture.h"

namespace issa::cti {
namespace {

using json = nlohmann::json;

constexpr const char* kGreen = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb";

std::string Indicator(int n, const std::string& pattern,
                      const std::string& modified = "2016-04-06T20:03:48.000Z") {
  return fmt::format(
      R"({{"type":"indicator","spec_version":"2.1","id":"indicator--{:08x}-17d4-4cbf-938f-98ee46b3cd3f","created":"2016-04-06T20:03:48.000Z","modified":"{}","pattern_type":"stix","pattern":"{}","valid_from":"2016-01-01T00:00:00Z","object_marking_refs":["{}"]}})",
      n, modified, pattern, kGreen);
}

std::string IndicatorId(int n) {
  return fmt::format("indicator--{:08x}-17d4-4cbf-938f-98ee46b3cd3f", n);
}

// A StixObject record's properties: an indicator of one IPv4 address.
json IndicatorProperties(int n, const std::string& ip) {
  return json{{"stix_id", IndicatorId(n)},
              {"stix_type", "indicator"},
              {"object",
               {{"type", "indicator"},
                {"pattern_type", "stix"},
                {"pattern", "[ipv4-addr:value = '" + ip + "']"}}}};
}

core::Record StixRecord(const std::string& id, const std::string& owner, const json& props) {
  core::Record r;
  r.id = id;
  r.type = "StixObject";
  r.owner = owner;
  r.properties_json = props.dump();
  return r;
}

class CorrelationTest : public node::testing::NodeFixture {
 protected:
  void SetUp() override {
    NodeFixture::SetUp();
    ASSERT_TRUE(
        lists_
            .AddList(R"({"name":"Public DNS resolvers","type":"cidr","list":["8.8.8.0/24"]})",
                     "resolvers")
            .ok());
    cti_ = OpenService();
    ASSERT_NE(cti_, nullptr);
    ASSERT_TRUE(
        node_->AddAuthority(system_, {"DE-CERT", "DE", {core::AuthorityKind::kCert}, "", 0}).ok());
    nl_ = As("NL-CERT");
    de_ = As("DE-CERT");
  }

  std::unique_ptr<CtiService> OpenService() {
    CtiOptions o;
    o.cursor_key = "test cursor key of sixteen bytes or more";
    o.warning_lists = &lists_;
    auto s = CtiService::Open(*node_, o);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }

  void Post(const node::Context& ctx, const std::string& object) {
    std::istringstream in(R"({"objects":[)" + object + "]}");
    Result<std::string> r =
        cti_->AddObjects(ctx, CtiService::AuthorityCollectionId(ctx.principal.authority), in);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ(json::parse(*r)["success_count"], 1) << *r;
  }

  static std::set<std::string> Ids(CtiService& s, const node::Context& ctx, int n) {
    Result<std::string> r = s.Correlations(ctx, IndicatorId(n), {});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    std::set<std::string> out;
    if (!r.ok()) return out;
    const json answer = json::parse(*r);
    for (const auto& c : answer["correlations"]) out.insert(c["id"].get<std::string>());
    return out;
  }

  cyber::WarningLists lists_;
  std::unique_ptr<CtiService> cti_;
  node::Context nl_, de_;
};

TEST_F(CorrelationTest, CrossAuthorityCorrelationsBecomeNodeHits) {
  Post(de_, Indicator(1, "[ipv4-addr:value = '198.51.100.7']"));
  Post(nl_, Indicator(2, "[ipv4-addr:value = '198.51.100.0/24']"));
  EXPECT_EQ(Ids(*cti_, nl_, 2), std::set<std::string>{IndicatorId(1)});
  Result<std::vector<node::HitView>> hits = node_->ListHits(nl_);
  ASSERT_TRUE(hits.ok());
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ((*hits)[0].other_authority, "DE-CERT");
  EXPECT_EQ((*hits)[0].hit.features, (std::vector<std::string>{"contains-address", "ipv4"}));
  EXPECT_TRUE((*hits)[0].other_record.has_value());  // GREEN: NL may see it
}

TEST_F(CorrelationTest, LoadedFromTheNodesRecordsAtStart) {
  Post(de_, Indicator(1, "[domain-name:value = 'www.c2.example.org']"));
  Post(nl_, Indicator(2, "[url:value = 'http://www.c2.example.org/gate.php']"));
  EXPECT_EQ(Ids(*cti_, nl_, 2), std::set<std::string>{IndicatorId(1)});
  // A second service over the same node: its index is loaded from the StixObject records.
  std::unique_ptr<CtiService> again = OpenService();
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(Ids(*again, nl_, 2), std::set<std::string>{IndicatorId(1)});
  EXPECT_TRUE(Logged("matcher.load", "ok"));
}

TEST_F(CorrelationTest, NewVersionsAndWithdrawalsUpdateTheIndex) {
  Post(de_, Indicator(1, "[ipv4-addr:value = '203.0.113.9']"));
  Post(nl_, Indicator(2, "[ipv4-addr:value = '203.0.113.9']"));
  EXPECT_EQ(Ids(*cti_, nl_, 2), std::set<std::string>{IndicatorId(1)});
  // DE's new version holds another address: the old one no longer correlates.
  Post(de_, Indicator(1, "[ipv4-addr:value = '203.0.113.10']", "2016-05-01T00:00:00.000Z"));
  EXPECT_TRUE(Ids(*cti_, nl_, 2).empty());
  Post(de_, Indicator(3, "[ipv4-addr:value = '203.0.113.9']"));
  EXPECT_EQ(Ids(*cti_, nl_, 2), std::set<std::string>{IndicatorId(3)});
  ASSERT_TRUE(
      cti_->DeleteObject(de_, CtiService::AuthorityCollectionId("DE-CERT"), IndicatorId(3), "")
          .ok());
  EXPECT_TRUE(Ids(*cti_, nl_, 2).empty());
}

// The matcher on its own: a record upserted again replaces its earlier version (found by the
// index, not looked up first), whether it stays indexed, becomes a sighting, or is superseded.
TEST(StixCorrelatorTest, UpsertReplacesTheEarlierVersion) {
  StixCorrelator c(nullptr);
  const auto record = StixRecord;
  const auto indicator = IndicatorProperties;
  ASSERT_TRUE(c.Upsert(record("r1", "DE-CERT", indicator(1, "198.51.100.1")), 10).ok());
  Result<std::vector<node::DomainMatch>> m =
      c.Upsert(record("r2", "NL-CERT", indicator(2, "198.51.100.1")), 10);
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->size(), 1u);
  EXPECT_EQ((*m)[0].record_id, "r1");
  // r1 again with another address: it no longer matches r2's.
  const json moved = indicator(1, "198.51.100.2");
  m = c.UpsertParsed(record("r1", "DE-CERT", moved), moved, nullptr, 10);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_TRUE(m->empty());
  EXPECT_EQ(c.RecordsOf(IndicatorId(1)), std::vector<std::string>{"r1"});
  EXPECT_EQ(c.Stats().observables, 2u);
  // r1 becomes a sighting of r2's indicator: out of the index, kept as a sighting.
  const json sighting{{"stix_id", "sighting--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"},
                      {"stix_type", "sighting"},
                      {"object", {{"type", "sighting"}, {"sighting_of_ref", IndicatorId(2)}}}};
  ASSERT_TRUE(c.Upsert(record("r1", "DE-CERT", sighting), 10).ok());
  EXPECT_FALSE(c.IsIndexed("r1"));
  EXPECT_EQ(c.SightingsOf(IndicatorId(2)).size(), 1u);
  // ... and an indicator again: indexed, the sighting gone.
  ASSERT_TRUE(c.Upsert(record("r1", "DE-CERT", indicator(1, "198.51.100.1")), 10).ok());
  EXPECT_TRUE(c.IsIndexed("r1"));
  EXPECT_TRUE(c.SightingsOf(IndicatorId(2)).empty());
  // Superseded: out of the index.
  json old = indicator(1, "198.51.100.1");
  old["superseded"] = true;
  ASSERT_TRUE(c.Upsert(record("r1", "DE-CERT", old), 10).ok());
  EXPECT_FALSE(c.IsIndexed("r1"));
  EXPECT_TRUE(c.RecordsOf(IndicatorId(1)).empty());
  EXPECT_EQ(c.Stats().observables, 1u);
}

// Observables handed over with the record (the validator's parse of the pattern) are indexed as
// given; without them the correlator reads the pattern from the object; both agree.
TEST(StixCorrelatorTest, TakesTheObservablesHandedOver) {
  StixCorrelator c(nullptr);
  const auto props = IndicatorProperties;
  const auto record = [](const std::string& id, const std::string& owner) {
    return StixRecord(id, owner, json::object());
  };
  const json de = props(1, "198.51.100.1");
  Result<cyber::ParsedPattern> parsed =
      cyber::ParsePattern(de["object"]["pattern"].get<std::string>());
  ASSERT_TRUE(parsed.ok());
  StixObservables given;
  given.values = ObservablesOfPattern(*parsed);
  EXPECT_EQ(given.values, ObservablesOf(de["object"], "indicator"));
  ASSERT_EQ(given.values.size(), 1u);
  ASSERT_TRUE(c.UpsertParsed(record("r-de", "DE-CERT"), de, &given, 10).ok());
  // NL's record carries other observables than its object's pattern: those given are indexed.
  StixObservables other;
  other.values = {{cyber::ObservableType::kIpv4, "198.51.100.1"}};
  Result<std::vector<node::DomainMatch>> m =
      c.UpsertParsed(record("r-nl", "NL-CERT"), props(2, "203.0.113.5"), &other, 10);
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->size(), 1u);
  EXPECT_EQ((*m)[0].record_id, "r-de");
  // Another matcher's input (not StixObservables): the pattern is read from the object.
  struct Foreign final : node::MatcherInput {};
  const Foreign foreign;
  m = c.UpsertParsed(record("r-fr", "FR-CERT"), props(3, "203.0.113.5"), &foreign, 10);
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->empty());
  m = c.UpsertParsed(record("r-it", "IT-CERT"), props(4, "203.0.113.5"), nullptr, 10);
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->size(), 1u);
  EXPECT_EQ((*m)[0].record_id, "r-fr");
}

// The STIX id -> records table: several authorities' records hold one STIX id; removals and
// replacements leave the others; thousands of records (the table rebuilt as it grows, erased
// slots dropped) are all found.
TEST(StixCorrelatorTest, RecordsOfAStixIdAcrossAuthoritiesAndRemovals) {
  StixCorrelator c(nullptr);
  const auto upsert = [&](const std::string& id, const std::string& owner, int n,
                          const std::string& ip) {
    const json props = IndicatorProperties(n, ip);
    return c.UpsertParsed(StixRecord(id, owner, props), props, nullptr, 10).ok();
  };
  ASSERT_TRUE(upsert("r-de", "DE-CERT", 1, "198.51.100.1"));
  ASSERT_TRUE(upsert("r-nl", "NL-CERT", 1, "198.51.100.1"));
  ASSERT_TRUE(upsert("r-fr", "FR-CERT", 1, "198.51.100.2"));
  EXPECT_EQ(c.RecordsOf(IndicatorId(1)), (std::vector<std::string>{"r-de", "r-fr", "r-nl"}));
  EXPECT_TRUE(c.RecordsOf(IndicatorId(2)).empty());
  c.Remove("r-nl");
  EXPECT_EQ(c.RecordsOf(IndicatorId(1)), (std::vector<std::string>{"r-de", "r-fr"}));
  // r-de's next version: the same record, another value; still one entry.
  ASSERT_TRUE(upsert("r-de", "DE-CERT", 1, "198.51.100.3"));
  EXPECT_EQ(c.RecordsOf(IndicatorId(1)), (std::vector<std::string>{"r-de", "r-fr"}));
  bool more = false;
  const std::vector<Correlation> none = c.Correlations("r-de", 0, 10, &more);
  EXPECT_TRUE(none.empty());
  ASSERT_TRUE(upsert("r-it", "IT-CERT", 2, "198.51.100.3"));
  const std::vector<Correlation> one = c.Correlations("r-de", 0, 10, &more);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].record.record_id, "r-it");
  EXPECT_EQ(one[0].record.stix_id, IndicatorId(2));
  EXPECT_EQ(one[0].record.stix_type, "indicator");
  // Many records, every other one removed again.
  for (int i = 0; i < 5000; ++i) {
    ASSERT_TRUE(upsert(fmt::format("m{}", i), "DE-CERT", 100 + i,
                       fmt::format("10.0.{}.{}", i / 256, i % 256)));
    if (i % 2 == 1) c.Remove(fmt::format("m{}", i));
  }
  for (int i = 0; i < 5000; ++i) {
    const std::vector<std::string> ids = c.RecordsOf(IndicatorId(100 + i));
    if (i % 2 == 1) {
      EXPECT_TRUE(ids.empty()) << i;
    } else {
      EXPECT_EQ(ids, std::vector<std::string>{fmt::format("m{}", i)}) << i;
    }
  }
  EXPECT_EQ(c.RecordsOf(IndicatorId(1)), (std::vector<std::string>{"r-de", "r-fr"}));
}

// The record's members read in one pass: only a current record with an object is indexed; a
// flag counts only when it is the boolean true.
TEST(StixCorrelatorTest, OnlyCurrentRecordsWithAnObjectAreIndexed) {
  StixCorrelator c(nullptr);
  const auto upsert = [&](const json& props) {
    core::Record r;
    r.id = "r1";
    r.type = "StixObject";
    r.owner = "DE-CERT";
    r.properties_json = props.dump();
    return c.UpsertParsed(r, props, nullptr, 10).ok();
  };
  json p{{"stix_id", IndicatorId(1)},
         {"stix_type", "indicator"},
         {"object",
          {{"type", "indicator"},
           {"pattern_type", "stix"},
           {"pattern", "[ipv4-addr:value = '198.51.100.7']"}}}};
  p["superseded"] = false;
  p["withdrawn"] = "yes";  // not a boolean: not a withdrawal
  ASSERT_TRUE(upsert(p));
  EXPECT_TRUE(c.IsIndexed("r1"));
  EXPECT_EQ(c.RecordsOf(IndicatorId(1)), std::vector<std::string>{"r1"});
  p["withdrawn"] = true;
  ASSERT_TRUE(upsert(p));
  EXPECT_FALSE(c.IsIndexed("r1"));
  p.erase("withdrawn");
  ASSERT_TRUE(upsert(p));
  EXPECT_TRUE(c.IsIndexed("r1"));
  json no_object = p;
  no_object.erase("object");
  ASSERT_TRUE(upsert(no_object));
  EXPECT_FALSE(c.IsIndexed("r1"));
  EXPECT_TRUE(c.RecordsOf(IndicatorId(1)).empty());
  json other_type = p;
  other_type["stix_type"] = "malware";
  ASSERT_TRUE(upsert(other_type));
  EXPECT_FALSE(c.IsIndexed("r1"));
}

TEST_F(CorrelationTest, WarningListedValuesAreFlaggedNotCorrelated) {
  Post(de_, Indicator(1, "[ipv4-addr:value = '8.8.8.8']"));
  Post(nl_, Indicator(2, "[ipv4-addr:value = '8.8.8.8']"));
  Result<std::string> r = cti_->Correlations(nl_, IndicatorId(2), {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const json answer = json::parse(*r);
  EXPECT_TRUE(answer["correlations"].empty()) << *r;
  EXPECT_EQ(answer["object"]["warning_lists"], json::array({"Public DNS resolvers"}));
  Result<std::vector<node::HitView>> hits = node_->ListHits(nl_);
  ASSERT_TRUE(hits.ok());
  EXPECT_TRUE(hits->empty());
}

TEST_F(CorrelationTest, ObservablesOfScosAndPatterns) {
  Post(
      de_,
      R"({"type":"file","spec_version":"2.1","id":"file--5a27d487-c542-5f97-a131-a8866b477b46","hashes":{"MD5":"d41d8cd98f00b204e9800998ecf8427e","SHA-256":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},"object_marking_refs":["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"]})");
  // NL's indicator names the file by its SHA-256 only; the MD5 belongs to the same file.
  Post(nl_, Indicator(2,
                      "[file:hashes.'SHA-256' = "
                      "'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855']"));
  Result<std::string> r = cti_->Correlations(nl_, IndicatorId(2), {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const json answer = json::parse(*r);
  ASSERT_FALSE(answer["correlations"].empty()) << *r;
  EXPECT_EQ(answer["correlations"][0]["type"], "file");
  EXPECT_EQ(answer["correlations"][0]["owner"], "DE-CERT");
  // Unknown and malformed ids.
  EXPECT_EQ(cti_->Correlations(nl_, IndicatorId(99), {}).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(cti_->Correlations(nl_, "nope", {}).status().code(), StatusCode::kInvalidArgument);
  CorrelationQuery bad;
  bad.limit = 0;
  EXPECT_EQ(cti_->Correlations(nl_, IndicatorId(2), bad).status().field(), "limit");
}

}  // namespace
}  // namespace issa::cti
