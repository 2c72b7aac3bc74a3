// CtiService over a real Node (in-memory store, manual clock): STIX writes and versions, TAXII
// paging with cursors, TLP handling per reader, group collections, bad input.
#include "issa/cti/service.h"

#include <fstream>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "node_fixture.h"

namespace issa::cti {
namespace {

using nlohmann::json;

std::string Read(const std::string& name) {
  std::ifstream in(std::string(ISSA_CYBER_TEST_DATA) + "/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Indicator(int n, const std::string& modified = "2016-04-06T20:03:48.000Z",
                      const std::string& extra = "") {
  return fmt::format(
      R"({{"type":"indicator","spec_version":"2.1","id":"indicator--{:08x}-17d4-4cbf-938f-98ee46b3cd3f",
      "created":"2016-04-06T20:03:48.000Z","modified":"{}","pattern_type":"stix",
      "pattern":"[ipv4-addr:value = '198.51.100.{}']","valid_from":"2016-01-01T00:00:00Z"{}}})",
      n, modified, n % 250, extra);
}

std::string Envelope(const std::vector<std::string>& objects) {
  std::string out = R"({"objects":[)";
  for (size_t i = 0; i < objects.size(); ++i) out += (i ? "," : "") + objects[i];
  return out + "]}";
}

class CtiTest : public node::testing::NodeFixture {
 protected:
  void SetUp() override {
    NodeFixture::SetUp();
    CtiOptions o;
    o.cursor_key = "test cursor key of sixteen bytes or more";
    auto s = CtiService::Open(*node_, o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    cti_ = std::move(s).value();
    for (const char* id : {"DE-CERT", "FR-CERT"}) {
      ASSERT_TRUE(
          node_
              ->AddAuthority(system_, {id, std::string(id, 2), {core::AuthorityKind::kCert}, "", 0})
              .ok());
    }
    cert_ = As("NL-CERT");
    de_cert_ = As("DE-CERT");
    fr_cert_ = As("FR-CERT");
    police_ = As("DE-BKA");
    piu_ = As("FR-PIU");
    own_ = CtiService::AuthorityCollectionId("NL-CERT");
  }

  json Post(const node::Context& ctx, const std::string& collection, const std::string& body) {
    std::istringstream in(body);
    Result<std::string> r = cti_->AddObjects(ctx, collection, in);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? json::parse(*r) : json();
  }

  json Objects(const node::Context& ctx, const std::string& collection, const std::string& q) {
    Result<TaxiiPage> p = cti_->GetObjects(ctx, collection, q);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    return p.ok() ? json::parse(p->json) : json();
  }

  std::unique_ptr<CtiService> cti_;
  node::Context cert_, police_, piu_, de_cert_, fr_cert_;
  std::string own_;
};

TEST_F(CtiTest, CollectionsPerAuthorityWithRights) {
  const json c = json::parse(*cti_->Collections(cert_));
  int writable = 0;
  for (const auto& col : c["collections"]) {
    EXPECT_TRUE(col["can_read"].get<bool>());
    if (col["can_write"].get<bool>()) {
      ++writable;
      EXPECT_EQ(col["id"], own_);
    }
  }
  EXPECT_EQ(writable, 1);
  std::istringstream in(Envelope({Indicator(1)}));
  Result<std::string> r = cti_->AddObjects(police_, own_, in);
  EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(cti_->Collection(cert_, "no-such").status().code(), StatusCode::kNotFound);
}

TEST_F(CtiTest, WritesValidatesAndReportsPerObject) {
  const json status = Post(cert_, own_, Read("malware-indicator-for-file-hash.json"));
  EXPECT_EQ(status["status"], "complete");
  EXPECT_EQ(status["failure_count"], 0) << status.dump();
  EXPECT_GT(status["success_count"].get<int>(), 1);
  // A bundle with one bad object: the others are written, the bad one is named.
  json bad = json::parse(Indicator(7));
  bad["pattern"] = "[ipv4-addr:value = ]";
  const json s2 = Post(cert_, own_, Envelope({Indicator(8), bad.dump()}));
  ASSERT_EQ(s2["failure_count"], 1);
  EXPECT_EQ(s2["failures"][0]["id"], bad["id"]);
  EXPECT_NE(s2["failures"][0]["message"].get<std::string>().find("pattern"), std::string::npos);
  EXPECT_EQ(s2["success_count"], 1);
  const json page = Objects(cert_, own_, "match[id]=" + bad["id"].get<std::string>());
  EXPECT_FALSE(page.contains("objects"));  // nothing of the failed object
  // Not JSON / not a bundle: the whole request fails.
  std::istringstream junk("{nope");
  EXPECT_FALSE(cti_->AddObjects(cert_, own_, junk).ok());
  // The status resource is readable by the writing authority only.
  EXPECT_TRUE(cti_->GetStatus(cert_, s2["id"].get<std::string>()).ok());
  EXPECT_EQ(cti_->GetStatus(police_, s2["id"].get<std::string>()).status().code(),
            StatusCode::kNotFound);
}

TEST_F(CtiTest, VersionsLatestWinsAndRepeatsAreIdempotent) {
  Post(cert_, own_, Envelope({Indicator(1, "2016-04-06T20:03:48.000Z")}));
  clock_.Advance(1000);
  Post(cert_, own_, Envelope({Indicator(1, "2017-01-01T00:00:00.000Z")}));
  clock_.Advance(1000);
  // An older version arriving later is kept as a version but does not win.
  Post(cert_, own_, Envelope({Indicator(1, "2016-06-01T00:00:00.000Z")}));
  const json again = Post(cert_, own_, Envelope({Indicator(1, "2017-01-01T00:00:00.000Z")}));
  EXPECT_EQ(again["successes"][0]["message"], "already held");
  const std::string id = json::parse(Indicator(1))["id"];
  json page = Objects(cert_, own_, "");
  ASSERT_EQ(page["objects"].size(), 1u);
  EXPECT_EQ(page["objects"][0]["modified"], "2017-01-01T00:00:00.000Z");
  page = Objects(cert_, own_, "match[version]=all");
  EXPECT_EQ(page["objects"].size(), 3u);
  page = Objects(cert_, own_, "match[version]=first");
  ASSERT_EQ(page["objects"].size(), 1u);
  EXPECT_EQ(page["objects"][0]["modified"], "2016-04-06T20:03:48.000Z");
  page = Objects(cert_, own_, "match[version]=2016-06-01T00:00:00.000Z");
  ASSERT_EQ(page["objects"].size(), 1u);
  Result<TaxiiPage> versions = cti_->Versions(cert_, own_, id, "");
  ASSERT_TRUE(versions.ok()) << versions.status().ToString();
  EXPECT_EQ(json::parse(versions->json)["versions"].size(), 3u);
  // Identical observables from two CERTs carry one id.
  const json s1 = Post(cert_, own_, Envelope({R"({"type":"ipv4-addr","value":"203.0.113.9"})"}));
  const json s2 = Post(de_cert_, CtiService::AuthorityCollectionId("DE-CERT"),
                       Envelope({R"({"type":"ipv4-addr","value":"203.0.113.9",
                                    "id":"ipv4-addr--ff26c055-6336-4bc6-b98d-13d6226742dd"})"}));
  EXPECT_EQ(s1["successes"][0]["id"], s2["successes"][0]["id"]);
  // Delete withdraws every version.
  ASSERT_TRUE(cti_->DeleteObject(cert_, own_, id, "").ok());
  EXPECT_EQ(cti_->GetObject(cert_, own_, id, "").status().code(), StatusCode::kNotFound);
  // After the delete (the service's entries reloaded, the deleted object's entry reused): a new
  // object and a new version of the deleted one are written once each, then already held.
  const std::string bundle = Envelope(
      {Indicator(2, "2017-01-01T00:00:00.000Z"), Indicator(1, "2018-01-01T00:00:00.000Z")});
  const json written = Post(cert_, own_, bundle);
  EXPECT_EQ(written["success_count"], 2) << written.dump();
  EXPECT_EQ(written["successes"][0].value("message", ""), "");
  EXPECT_EQ(written["successes"][1].value("message", ""), "");
  const json repeated = Post(cert_, own_, bundle);
  EXPECT_EQ(repeated["successes"][0]["message"], "already held");
  EXPECT_EQ(repeated["successes"][1]["message"], "already held");
  Result<TaxiiPage> back = cti_->GetObject(cert_, own_, id, "");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
}

// The node stores the properties the service built without serialising them again: they must
// be exactly the canonical form (compact, keys sorted) that the node would have written, with
// the superseded flag in its sorted place, and each record gets its audit entry.
TEST_F(CtiTest, StoredPropertiesAreCanonical) {
  // Two versions of one object in one bundle (the older one is superseded before it is
  // written), an older version arriving later, and a string that needs escaping.
  Post(cert_, own_,
       Envelope({Indicator(5, "2017-01-01T00:00:00.000Z", R"(,"name":"C2 \"quoted\" \u00e9")"),
                 Indicator(5, "2018-01-01T00:00:00.000Z")}));
  Post(cert_, own_, Envelope({Indicator(5, "2016-06-01T00:00:00.000Z")}));
  storage::RecordQuery q;
  q.type = "StixObject";
  Result<storage::RecordPage> page = node_->ListRecords(cert_, q);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->records.size(), 3u);
  int superseded = 0;
  for (const core::Record& r : page->records) {
    const json p = json::parse(r.properties_json);
    EXPECT_EQ(p.dump(), r.properties_json);
    EXPECT_EQ(p["object"]["id"], p["stix_id"]);
    EXPECT_EQ(p["object"]["modified"], p["version"]);
    EXPECT_EQ(p["tlp"], "none");
    if (p.value("superseded", false)) ++superseded;
    EXPECT_EQ(p.value("superseded", false), p["version"] != "2018-01-01T00:00:00.000Z");
  }
  EXPECT_EQ(superseded, 2);
  int created = 0;
  for (const auto& e : AuditLog()) {
    if (e.event.action == "record.create" && e.event.detail == "StixObject") ++created;
  }
  EXPECT_EQ(created, 3);
}

TEST_F(CtiTest, PagesWithStatelessCursors) {
  std::vector<std::string> objs;
  for (int i = 0; i < 25; ++i) objs.push_back(Indicator(100 + i));
  Post(cert_, own_, Envelope(objs));
  std::set<std::string> seen;
  std::string next;
  int pages = 0;
  for (;;) {
    Result<TaxiiPage> p = cti_->GetObjects(
        cert_, own_, "limit=10&match[type]=indicator" + (next.empty() ? "" : "&next=" + next));
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    const json page = json::parse(p->json);
    ++pages;
    for (const auto& o : page["objects"]) EXPECT_TRUE(seen.insert(o["id"]).second);
    EXPECT_FALSE(p->date_added_first.empty());
    if (!page["more"].get<bool>()) break;
    next = page["next"];
  }
  EXPECT_EQ(seen.size(), 25u);
  EXPECT_EQ(pages, 3);
  // A cursor from another service instance with the same key works (stateless).
  Result<TaxiiPage> first = cti_->GetObjects(cert_, own_, "limit=10&match[type]=indicator");
  const std::string cursor = json::parse(first->json)["next"];
  CtiOptions o;
  o.cursor_key = "test cursor key of sixteen bytes or more";
  auto other = CtiService::Open(*node_, o);
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE(
      (*other)->GetObjects(cert_, own_, "limit=10&match[type]=indicator&next=" + cursor).ok());
  // Tampered, or used with other filters: refused naming "next".
  std::string tampered = cursor;
  tampered[2] = tampered[2] == 'A' ? 'B' : 'A';
  Result<TaxiiPage> bad =
      cti_->GetObjects(cert_, own_, "limit=10&match[type]=indicator&next=" + tampered);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().field(), "next");
  bad = cti_->GetObjects(cert_, own_, "limit=10&next=" + cursor);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().field(), "next");
  // added_after: nothing was added after the last object.
  clock_.Advance(5000);
  const std::string later = core::FormatTimestamp(clock_.Now());
  EXPECT_FALSE(Objects(cert_, own_, "added_after=" + later).contains("objects"));
}

TEST_F(CtiTest, TlpDecidesWhoSees) {
  // The recipients followed by a property that sorts after them (the service looks for them only
  // when the last key does not sort before theirs); bad_recipients below has them last.
  const std::string red = Indicator(
      1, "2016-04-06T20:03:48.000Z",
      R"(,"object_marking_refs":["marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"],"x_issa_recipients":["DE-CERT"],"x_opencti_score":50)");
  const std::string amber_strict = Indicator(
      2, "2016-04-06T20:03:48.000Z",
      R"(,"object_marking_refs":["marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"])");
  const std::string green = Indicator(
      3, "2016-04-06T20:03:48.000Z",
      R"(,"object_marking_refs":["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"])");
  const json s = Post(cert_, own_, Envelope({red, amber_strict, green}));
  ASSERT_EQ(s["success_count"], 3);
  auto ids = [&](const node::Context& ctx) {
    std::set<std::string> out;
    const json page = Objects(ctx, own_, "");
    for (const auto& o : page.value("objects", json::array())) out.insert(o["id"]);
    return out;
  };
  const std::string red_id = json::parse(red)["id"];
  const std::string strict_id = json::parse(amber_strict)["id"];
  const std::string green_id = json::parse(green)["id"];
  EXPECT_EQ(ids(cert_), (std::set<std::string>{red_id, strict_id, green_id}));
  EXPECT_EQ(ids(de_cert_), (std::set<std::string>{red_id, green_id}));  // named for RED
  EXPECT_EQ(ids(fr_cert_), (std::set<std::string>{green_id}));
  EXPECT_EQ(cti_->GetObject(fr_cert_, own_, red_id, "").status().code(), StatusCode::kNotFound);
  // Purpose limitation: the police's purposes (crime) meet the object's (cyber, crime) only
  // where the writer processes crime data; NL-CERT processes cyber only.
  EXPECT_TRUE(ids(police_).empty());
  // A recipient user below RESTRICTED clearance does not see RED.
  const node::Context low = As("DE-CERT", core::Role::kOfficer, core::Classification::kLimited);
  EXPECT_EQ(ids(low), (std::set<std::string>{green_id}));
  // Recipients that are not a list of authority ids: the object fails, named, nothing written.
  const std::string bad_recipients = Indicator(
      4, "2016-04-06T20:03:48.000Z",
      R"(,"object_marking_refs":["marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"],"x_issa_recipients":"DE-CERT")");
  const json s2 = Post(cert_, own_, Envelope({bad_recipients}));
  ASSERT_EQ(s2["failure_count"], 1) << s2.dump();
  EXPECT_EQ(s2["failures"][0]["id"], json::parse(bad_recipients)["id"]);
  EXPECT_NE(s2["failures"][0]["message"].get<std::string>().find("x_issa_recipients"),
            std::string::npos);
  EXPECT_EQ(ids(cert_), (std::set<std::string>{red_id, strict_id, green_id}));
}

TEST_F(CtiTest, GroupCollections) {
  const std::string from = core::FormatTimestamp(clock_.Now() - 1000);
  auto g = node_->CreateGroup(
      cert_, R"({"name":"CERT network","members":["DE-CERT"],"valid_from":")" + from + R"("})");
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  const std::string coll = CtiService::GroupCollectionId(g->id);
  const json s = Post(
      cert_, coll,
      Envelope(
          {Indicator(5),
           Indicator(
               6, "2016-04-06T20:03:48.000Z",
               R"(,"object_marking_refs":["marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"])")}));
  EXPECT_EQ(s["success_count"], 1);
  ASSERT_EQ(s["failure_count"], 1);
  EXPECT_NE(s["failures"][0]["message"].get<std::string>().find("object_marking_refs"),
            std::string::npos);
  EXPECT_EQ(Objects(de_cert_, coll, "")["objects"].size(), 1u);
  EXPECT_EQ(cti_->GetObjects(fr_cert_, coll, "").status().code(), StatusCode::kNotFound);
}

TEST_F(CtiTest, MalformedQueries) {
  for (const char* q : {"limit=-1", "match[version]=latest", "match[id]=x", "next=garbage",
                        "foo=bar", "added_after=now"}) {
    Result<TaxiiPage> p = cti_->GetObjects(cert_, own_, q);
    ASSERT_FALSE(p.ok()) << q;
    EXPECT_EQ(p.status().code(), StatusCode::kInvalidArgument) << q;
  }
}

}  // namespace
}  // namespace issa::cti
