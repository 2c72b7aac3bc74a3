// TAXII 2.1 conformance over HTTP: a real node, CtiService and HTTP server on 127.0.0.1. The
// checks follow the behaviour of the OASIS reference server medallion (its test suite's cases:
// discovery, API root, collections, objects with filters and paging, object by id, versions,
// manifest, status, DELETE, media types, errors). No TAXII 2.1 client package exists in Debian
// or npm (taxii2-client is on PyPI only), so the client here is a plain HTTP client that does
// what a TAXII client does: discovery -> API root -> collections -> POST -> page through `next`.
#include <cstring>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sodium.h>

#include "issa/cti/service.h"

#include "api_fixture.h"
#include "cti_fixture.h"

namespace issa::integration {
namespace {

using api::testing::HttpClient;
using api::testing::Response;
using json = nlohmann::json;

constexpr const char* kTaxii = "application/taxii+json;version=2.1";
constexpr const char* kCursorKey = "integration cursor key, shared by two server processes";

std::string ReadData(const std::string& name) {
  std::ifstream in(std::string(ISSA_CYBER_TEST_DATA) + "/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Indicator(int n, const std::string& modified = "2016-04-06T20:03:48.000Z",
                      const std::string& extra = "") {
  return fmt::format(
      R"({{"type":"indicator","spec_version":"2.1","id":"indicator--{:08x}-17d4-4cbf-938f-98ee46b3cd3f","created":"2016-04-06T20:03:48.000Z","modified":"{}","pattern_type":"stix","pattern":"[ipv4-addr:value = '198.51.100.{}']","valid_from":"2016-01-01T00:00:00Z"{}}})",
      n, modified, n % 250, extra);
}

std::string Envelope(const std::vector<std::string>& objects) {
  std::string out = R"({"objects":[)";
  for (size_t i = 0; i < objects.size(); ++i) out += (i ? "," : "") + objects[i];
  return out + "]}";
}

// What a TAXII 2.1 client sends: Accept and Content-Type of TAXII 2.1 and a bearer token.
class TaxiiClient {
 public:
  TaxiiClient(uint16_t port, std::string token)
      : http_(std::make_unique<HttpClient>(port)), token_(std::move(token)) {}
  Response Get(const std::string& path, const std::string& accept = kTaxii) {
    return http_->Request("GET", path, token_, {}, "application/json", {{"Accept", accept}});
  }
  Response Post(const std::string& path, const std::string& body,
                const std::string& content_type = kTaxii) {
    return http_->Request("POST", path, token_, body, content_type, {{"Accept", kTaxii}});
  }
  Response Delete(const std::string& path) {
    return http_->Request("DELETE", path, token_, {}, "application/json", {{"Accept", kTaxii}});
  }
  // Every object of a collection, page by page through `next`.
  std::vector<json> All(const std::string& objects_path, const std::string& filters, int limit,
                        int* pages = nullptr) {
    std::vector<json> out;
    std::string next;
    for (int i = 0; i < 1000; ++i) {
      std::string target = fmt::format("{}?limit={}", objects_path, limit);
      if (!filters.empty()) target += "&" + filters;
      if (!next.empty()) target += "&next=" + next;
      Response r = Get(target);
      EXPECT_EQ(r.status, 200) << r.body;
      if (r.status != 200) break;
      EXPECT_EQ(r.Header("content-type"), kTaxii);
      const json page = r.Json();
      if (pages != nullptr) ++*pages;
      for (const auto& o : page.value("objects", json::array())) out.push_back(o);
      if (!page.value("more", false)) break;
      next = page["next"];
    }
    return out;
  }

 private:
  std::unique_ptr<HttpClient> http_;
  std::string token_;
};

class TaxiiTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    h_ = std::make_unique<ApiHarness>(GetParam(), api::ServerOptions{}, ServeCti(cti_, kCursorKey));
    ASSERT_TRUE(h_->ok());
    for (const char* id : {"NL-CERT", "DE-CERT", "FR-CERT"}) {
      h_->AddAuthority(id, std::string(id, 2), core::AuthorityKind::kCert);
    }
    nl_ = std::make_unique<TaxiiClient>(
        h_->port(), h_->Token("NL-CERT", core::Role::kOfficer, core::Classification::kRestricted));
    de_ = std::make_unique<TaxiiClient>(
        h_->port(), h_->Token("DE-CERT", core::Role::kOfficer, core::Classification::kRestricted));
    fr_ = std::make_unique<TaxiiClient>(
        h_->port(), h_->Token("FR-CERT", core::Role::kOfficer, core::Classification::kRestricted));
    own_ = "/taxii2/cti/collections/" + cti::CtiService::AuthorityCollectionId("NL-CERT") + "/";
  }

  void TearDown() override {
    h_.reset();
    cti_.reset();
  }

  std::unique_ptr<cti::CtiService> cti_;
  std::unique_ptr<ApiHarness> h_;
  std::unique_ptr<TaxiiClient> nl_, de_, fr_;
  std::string own_;
};

TEST_P(TaxiiTest, DiscoveryApiRootAndCollections) {
  Response d = nl_->Get("/taxii2/");
  ASSERT_EQ(d.status, 200) << d.body;
  EXPECT_EQ(d.Header("content-type"), kTaxii);
  const json disc = d.Json();
  ASSERT_EQ(disc["api_roots"].size(), 1u);
  const std::string root = disc["api_roots"][0];
  EXPECT_TRUE(root.ends_with("/taxii2/cti/")) << root;
  EXPECT_EQ(disc["default"], root);
  Response r = nl_->Get("/taxii2/cti/");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["versions"][0], kTaxii);
  EXPECT_TRUE(r.Json().contains("max_content_length"));
  Response c = nl_->Get("/taxii2/cti/collections/");
  ASSERT_EQ(c.status, 200) << c.body;
  int writable = 0;
  const json collections = c.Json();
  for (const auto& col : collections["collections"]) {
    EXPECT_TRUE(col.contains("id") && col.contains("title") && col.contains("media_types"));
    writable += col["can_write"].get<bool>() ? 1 : 0;
    Response one = nl_->Get("/taxii2/cti/collections/" + col["id"].get<std::string>() + "/");
    EXPECT_EQ(one.status, 200);
    EXPECT_EQ(one.Json()["can_write"], col["can_write"]);
  }
  EXPECT_EQ(writable, 1) << c.body;
  Response missing = nl_->Get("/taxii2/cti/collections/00000000-0000-4000-8000-000000000000/");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.Json()["http_status"], "404");
  EXPECT_TRUE(missing.Json().contains("title"));
}

TEST_P(TaxiiTest, MediaTypesAndAuthentication) {
  Response bad_accept = nl_->Get("/taxii2/cti/collections/", "application/json");
  EXPECT_EQ(bad_accept.status, 406);
  EXPECT_EQ(bad_accept.Json()["http_status"], "406");
  EXPECT_EQ(nl_->Get("/taxii2/cti/collections/", "application/taxii+json").status, 200);
  Response bad_type = nl_->Post(own_ + "objects/", Envelope({Indicator(1)}), "application/json");
  EXPECT_EQ(bad_type.status, 415);
  HttpClient anon(h_->port());
  Response no_token = anon.Request("GET", "/taxii2/cti/collections/", {}, {}, "application/json",
                                   {{"Accept", kTaxii}});
  EXPECT_EQ(no_token.status, 401);
  EXPECT_EQ(no_token.Header("content-type"), kTaxii);
  EXPECT_EQ(no_token.Json()["http_status"], "401");
  // Writing into another authority's collection: 403.
  Response other = de_->Post(own_ + "objects/", Envelope({Indicator(1)}));
  EXPECT_EQ(other.status, 403) << other.body;
}

// TAXII 2.1 §1.6.8: HTTP Basic (RFC 7617) is the scheme every TAXII server implements. The API
// token is the password; the user-id is empty or the token's own user.
TEST_P(TaxiiTest, HttpBasicAuthentication) {
  const std::string token =
      h_->Token("NL-CERT", core::Role::kAnalyst, core::Classification::kRestricted);
  HttpClient http(h_->port());
  const std::string me = http.Get("/api/v1/me", token).Json()["user"].get<std::string>();
  ASSERT_FALSE(me.empty());
  auto basic = [](const std::string& credentials) {
    std::string out(sodium_base64_encoded_len(credentials.size(), sodium_base64_VARIANT_ORIGINAL),
                    '\0');
    sodium_bin2base64(out.data(), out.size(),
                      reinterpret_cast<const unsigned char*>(credentials.data()),
                      credentials.size(), sodium_base64_VARIANT_ORIGINAL);
    out.resize(std::strlen(out.c_str()));
    return "Basic " + out;
  };
  auto get = [&](const std::string& target, const std::string& authorization) {
    return http.Request("GET", target, {}, {}, "application/json",
                        {{"Accept", kTaxii}, {"Authorization", authorization}});
  };
  // Empty user-id, and the token's own user: the caller's collections.
  Response anonymous_user = get("/taxii2/cti/collections/", basic(":" + token));
  ASSERT_EQ(anonymous_user.status, 200) << anonymous_user.body;
  Response own_user = get("/taxii2/cti/collections/", basic(me + ":" + token));
  ASSERT_EQ(own_user.status, 200) << own_user.body;
  EXPECT_EQ(own_user.Json()["collections"].size(), anonymous_user.Json()["collections"].size());
  EXPECT_EQ(get(own_ + "objects/", basic(":" + token)).status, 200);
  // Another user-id with a valid token, a wrong token, not base64, no colon: 401 as TAXII errors
  // that advertise Basic.
  for (const std::string& bad : {basic("someone-else:" + token), basic(":not-a-token"),
                                 std::string("Basic %%%%"), basic(token)}) {
    Response r = get("/taxii2/cti/collections/", bad);
    EXPECT_EQ(r.status, 401) << bad;
    EXPECT_EQ(r.Header("content-type"), kTaxii);
    EXPECT_EQ(r.Json()["http_status"], "401");
    EXPECT_NE(r.Header("www-authenticate").find("Basic"), std::string::npos);
  }
  // Outside TAXII the API takes bearer tokens only.
  EXPECT_EQ(http.Request("GET", "/api/v1/me", {}, {}, "application/json",
                         {{"Authorization", basic(":" + token)}})
                .status,
            401);
}

TEST_P(TaxiiTest, AddObjectsStatusAndPerObjectFailures) {
  json bad = json::parse(Indicator(2));
  bad["pattern"] = "[file:hashes.'SHA-256' = 'f00']";
  Response post =
      nl_->Post(own_ + "objects/",
                Envelope({Indicator(1), bad.dump(), R"({"type":"ipv4-addr","value":"x"})"}));
  ASSERT_EQ(post.status, 202) << post.body;
  const json status = post.Json();
  EXPECT_EQ(status["status"], "complete");
  EXPECT_EQ(status["total_count"], 3);
  EXPECT_EQ(status["success_count"], 1);
  ASSERT_EQ(status["failure_count"], 2);
  EXPECT_EQ(status["failures"][0]["id"], bad["id"]);
  EXPECT_NE(status["failures"][0]["message"].get<std::string>().find("SHA-256"), std::string::npos);
  EXPECT_NE(status["failures"][1]["message"].get<std::string>().find("value"), std::string::npos);
  Response st = nl_->Get("/taxii2/cti/status/" + status["id"].get<std::string>() + "/");
  ASSERT_EQ(st.status, 200) << st.body;
  EXPECT_EQ(st.Json()["failure_count"], 2);
  EXPECT_EQ(de_->Get("/taxii2/cti/status/" + status["id"].get<std::string>() + "/").status, 404);
  // Not a bundle at all: a TAXII error naming the problem.
  Response junk = nl_->Post(own_ + "objects/", "[1,2,3]");
  EXPECT_EQ(junk.status, 400);
  EXPECT_TRUE(junk.Json().contains("description"));
  // The OASIS example bundles go in whole.
  for (const char* name : {"malware-indicator-for-file-hash.json", "sighting-of-observed-data.json",
                           "indicator-for-c2-ip-address.json"}) {
    Response p = nl_->Post(own_ + "objects/", ReadData(name));
    ASSERT_EQ(p.status, 202) << p.body;
    EXPECT_EQ(p.Json()["failure_count"], 0) << name << p.body;
  }
}

TEST_P(TaxiiTest, PagingFiltersVersionsManifestDelete) {
  std::vector<std::string> objs;
  for (int i = 0; i < 35; ++i) objs.push_back(Indicator(100 + i));
  ASSERT_EQ(nl_->Post(own_ + "objects/", Envelope(objs)).status, 202);
  h_->clock().Advance(10'000);
  const std::string between = core::FormatTimestamp(h_->clock().Now());
  h_->clock().Advance(10'000);
  ASSERT_EQ(
      nl_->Post(
             own_ + "objects/",
             Envelope(
                 {Indicator(100, "2017-01-01T00:00:00.000Z"),
                  R"({"type":"malware","spec_version":"2.1","id":"malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b","created":"2016-04-06T20:07:09.000Z","modified":"2016-04-06T20:07:09.000Z","name":"Poison Ivy","is_family":true})"}))
          .status,
      202);
  // Paging through `next` with limit 10: every object once, the newer version of 100 only.
  int pages = 0;
  const auto all = nl_->All(own_ + "objects/", "", 10, &pages);
  EXPECT_EQ(all.size(), 36u);
  EXPECT_EQ(pages, 4);
  std::set<std::string> ids;
  for (const auto& o : all) ids.insert(o["id"].get<std::string>());
  EXPECT_EQ(ids.size(), 36u);
  // Headers of a page.
  Response first = nl_->Get(own_ + "objects/?limit=5");
  ASSERT_EQ(first.status, 200);
  EXPECT_FALSE(first.Header("x-taxii-date-added-first").empty());
  EXPECT_FALSE(first.Header("x-taxii-date-added-last").empty());
  EXPECT_TRUE(first.Json()["more"].get<bool>());
  // added_after: only the second POST.
  const auto later = nl_->All(own_ + "objects/", "added_after=" + between, 100);
  EXPECT_EQ(later.size(), 2u);
  // match[type], match[id], match[version], match[spec_version].
  EXPECT_EQ(nl_->All(own_ + "objects/", "match[type]=malware", 100).size(), 1u);
  EXPECT_EQ(nl_->All(own_ + "objects/", "match[type]=indicator,malware", 7).size(), 36u);
  const std::string id100 = json::parse(Indicator(100))["id"];
  EXPECT_EQ(nl_->All(own_ + "objects/", "match[id]=" + id100 + "&match[version]=all", 100).size(),
            2u);
  const auto firsts =
      nl_->All(own_ + "objects/", "match[id]=" + id100 + "&match[version]=first", 100);
  ASSERT_EQ(firsts.size(), 1u);
  EXPECT_EQ(firsts[0]["modified"], "2016-04-06T20:03:48.000Z");
  EXPECT_EQ(nl_->All(own_ + "objects/", "match[spec_version]=2.0", 100).size(), 0u);
  // Object by id, versions, manifest.
  Response obj = nl_->Get(own_ + "objects/" + id100 + "/");
  ASSERT_EQ(obj.status, 200) << obj.body;
  ASSERT_EQ(obj.Json()["objects"].size(), 1u);
  EXPECT_EQ(obj.Json()["objects"][0]["modified"], "2017-01-01T00:00:00.000Z");
  Response versions = nl_->Get(own_ + "objects/" + id100 + "/versions/");
  ASSERT_EQ(versions.status, 200) << versions.body;
  EXPECT_EQ(versions.Json()["versions"].size(), 2u);
  Response manifest = nl_->Get(own_ + "manifest/?limit=50");
  ASSERT_EQ(manifest.status, 200);
  ASSERT_EQ(manifest.Json()["objects"].size(), 36u);
  const json entries = manifest.Json();
  for (const auto& m : entries["objects"]) {
    EXPECT_EQ(m["media_type"], "application/stix+json;version=2.1");
    EXPECT_TRUE(m.contains("date_added") && m.contains("version"));
  }
  // Malformed filters and cursors: TAXII errors 400 naming the parameter.
  for (const char* q : {"limit=x", "match[version]=newest", "added_after=yesterday",
                        "match[id]=nope", "next=abc.def", "colour=red"}) {
    Response r = nl_->Get(own_ + "objects/?" + q);
    EXPECT_EQ(r.status, 400) << q;
    EXPECT_EQ(r.Json()["http_status"], "400") << q;
  }
  std::string next = first.Json()["next"];
  next[4] = next[4] == 'A' ? 'B' : 'A';
  EXPECT_EQ(nl_->Get(own_ + "objects/?limit=5&next=" + next).status, 400);
  // DELETE withdraws; then 404.
  EXPECT_EQ(de_->Delete(own_ + "objects/" + id100 + "/").status, 404);  // invisible (AMBER)
  Response del = nl_->Delete(own_ + "objects/" + id100 + "/");
  EXPECT_EQ(del.status, 200) << del.body;
  EXPECT_EQ(nl_->Get(own_ + "objects/" + id100 + "/").status, 404);
  EXPECT_EQ(nl_->Get(own_ + "objects/indicator--00000000-0000-4000-8000-000000000000/").status,
            404);
}

// Cursors are stateless: a page cursor from one server process works on another that shares
// the node key (here: a second CtiService and HTTP server over the same node).
TEST_P(TaxiiTest, CursorsWorkAcrossServerProcesses) {
  std::vector<std::string> objs;
  for (int i = 0; i < 12; ++i) objs.push_back(Indicator(200 + i));
  ASSERT_EQ(nl_->Post(own_ + "objects/", Envelope(objs)).status, 202);
  Response first = nl_->Get(own_ + "objects/?limit=5");
  ASSERT_EQ(first.status, 200);
  const std::string next = first.Json()["next"];
  cti::CtiOptions co;
  co.cursor_key = kCursorKey;
  auto other = cti::CtiService::Open(h_->node(), co);
  ASSERT_TRUE(other.ok());
  api::ServerOptions so;
  so.address = "127.0.0.1";
  so.cti = other->get();
  api::Server second(h_->node(), so);
  ASSERT_TRUE(second.Start().ok());
  TaxiiClient client(second.port(),
                     h_->Token("NL-CERT", core::Role::kOfficer, core::Classification::kRestricted));
  Response page2 = client.Get(own_ + "objects/?limit=5&next=" + next);
  ASSERT_EQ(page2.status, 200) << page2.body;
  ASSERT_EQ(page2.Json()["objects"].size(), 5u);
  EXPECT_NE(page2.Json()["objects"][0]["id"], first.Json()["objects"][0]["id"]);
  // Another key (another node) does not accept it.
  co.cursor_key = "a different node key, sixteen+ bytes";
  auto third = cti::CtiService::Open(h_->node(), co);
  ASSERT_TRUE(third.ok());
  EXPECT_FALSE((*third)->GetObjects(node::Context{}, "", "next=" + next).ok());
  second.Stop();
}

// Once its token and collection are known, a page of objects is answered on the I/O thread
// without a worker (docs/adr/0005), and the page's audit entry (one `record.search`) is
// committed before the page arrives. Requests the fast path does not take are answered by the
// blocking one, with the same TAXII errors.
TEST_P(TaxiiTest, ObjectPagesTakeTheNonBlockingPathAndAreAuditedFirst) {
  std::vector<std::string> objs;
  for (int i = 0; i < 12; ++i) objs.push_back(Indicator(300 + i));
  ASSERT_EQ(nl_->Post(own_ + "objects/", Envelope(objs)).status, 202);
  HttpClient http(h_->port());
  const std::string dpo = h_->Token("NL-CERT", core::Role::kDpo, core::Classification::kRestricted);
  auto async_count = [&]() -> long {
    const std::string text = http.Get("/metrics").body;
    const std::string key = "\nissa_http_async_requests_total ";
    const size_t at = text.find(key);
    return at == std::string::npos ? -1 : std::stol(text.substr(at + key.size()));
  };
  auto page_searches = [&]() {
    Response a = http.Get("/api/v1/audit?action=record.search&limit=1000", dpo);
    EXPECT_EQ(a.status, 200) << a.body;
    const json entries = a.Json()["entries"];
    int n = 0;
    for (const auto& e : entries) {
      const std::string detail = e["detail"];
      if (detail.starts_with("type=StixObject owner=NL-CERT") && e["authority"] == "NL-CERT") {
        ++n;
      }
    }
    return n;
  };
  ASSERT_EQ(nl_->Get(own_ + "objects/?limit=5").status, 200);  // token and collection known
  const long before = async_count();
  ASSERT_GE(before, 0);
  const int searched = page_searches();
  std::string next;
  std::set<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    Response r = nl_->Get(own_ + "objects/?limit=5" + (next.empty() ? "" : "&next=" + next));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.Header("content-type"), kTaxii);
    EXPECT_FALSE(r.Header("x-taxii-date-added-first").empty());
    const json page = r.Json();
    ASSERT_EQ(page["objects"].size(), i < 2 ? 5u : 2u);
    for (const auto& o : page["objects"]) ids.insert(o["id"].get<std::string>());
    EXPECT_EQ(page["more"].get<bool>(), i < 2);
    next = page.value("next", "");
    // This page's audit entry is committed by the time the page arrives.
    EXPECT_EQ(page_searches(), searched + i + 1);
  }
  EXPECT_EQ(ids.size(), 12u);
  EXPECT_EQ(async_count(), before + 3);
  // Another authority's officer: the same non-blocking path, and the store still decides (the
  // unmarked objects are AMBER: NL-CERT's own).
  ASSERT_EQ(fr_->Get(own_ + "objects/").status, 200);
  const long fr_before = async_count();
  Response fr_page = fr_->Get(own_ + "objects/?limit=5");
  ASSERT_EQ(fr_page.status, 200);
  EXPECT_FALSE(fr_page.Json().contains("objects"));
  EXPECT_EQ(async_count(), fr_before + 1);
  // A malformed cursor and match[version]=first are declined and answered by the blocking path.
  EXPECT_EQ(nl_->Get(own_ + "objects/?limit=5&next=abc.def").status, 400);
  EXPECT_EQ(nl_->Get(own_ + "objects/?match[version]=first").status, 200);
  EXPECT_EQ(async_count(), fr_before + 1);
}

TEST_P(TaxiiTest, TlpOverTaxii) {
  const std::string red = Indicator(
      1, "2016-04-06T20:03:48.000Z",
      R"(,"object_marking_refs":["marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"],"x_issa_recipients":["DE-CERT"])");
  const std::string clear = Indicator(
      2, "2016-04-06T20:03:48.000Z",
      R"(,"object_marking_refs":["marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"])");
  ASSERT_EQ(nl_->Post(own_ + "objects/", Envelope({red, clear})).Json()["success_count"], 2);
  const std::string red_id = json::parse(red)["id"];
  EXPECT_EQ(de_->All(own_ + "objects/", "", 10).size(), 2u);
  EXPECT_EQ(fr_->All(own_ + "objects/", "", 10).size(), 1u);
  Response hidden = fr_->Get(own_ + "objects/" + red_id + "/");
  EXPECT_EQ(hidden.status, 404);
  EXPECT_EQ(hidden.body.find("indicator--00000001"), std::string::npos);
  Response manifest = fr_->Get(own_ + "manifest/");
  EXPECT_EQ(manifest.body.find(red_id), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, TaxiiTest, ::testing::Values(Backend::kMemory, Backend::kSqlite),
                         [](const auto& param_info) { return BackendName(param_info.param); });

}  // namespace
}  // namespace issa::integration
