// Authorisation matrix over HTTP: records at every classification and distribution, viewers of
// several authorities, clearances and purposes, inside and after a sharing group's validity
// window. For every endpoint that returns, lists or streams records or hits, nothing a viewer
// may not see appears, and a record it may not see answers exactly like a missing one.
#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "issa/cti/service.h"

#include "api_fixture.h"
#include "cti_fixture.h"

namespace issa::integration {
namespace {

using api::testing::HttpClient;
using api::testing::Response;
using api::testing::SseClient;
using json = nlohmann::json;

constexpr const char* kMissingId = "0190a4c2-1111-7abc-8def-0123456789ab";

struct Viewer {
  std::string label;
  std::string authority;
  core::Role role;
  core::Classification clearance;
  core::PurposeSet purposes;
  std::string token;
};

struct MatrixRecord {
  std::string id;
  std::string name;  // a sentinel that appears nowhere else
  std::string owner;
  core::Classification classification;
  std::string distribution;  // owner, authorities, group, all
  core::PurposeSet purposes;
};

constexpr core::PurposeSet kCrime = static_cast<core::PurposeSet>(core::Purpose::kCrime);
constexpr core::PurposeSet kBorder = static_cast<core::PurposeSet>(core::Purpose::kBorder);
constexpr core::PurposeSet kTerror = static_cast<core::PurposeSet>(core::Purpose::kTerrorism);
constexpr core::PurposeSet kCyber = static_cast<core::PurposeSet>(core::Purpose::kCyber);

// Named recipients and group members used by every record of those distributions.
const std::set<std::string> kNamed = {"FR-PIU", "NL-CERT"};
const std::set<std::string> kGroupMembers = {"IT-NCC", "DE-BKA", "NL-CERT"};

// The expectation, written out from the access rules (docs/adr/0002-access-in-the-store.md).
bool Expected(const Viewer& v, const MatrixRecord& r, bool group_active) {
  if (static_cast<int>(v.clearance) < static_cast<int>(r.classification)) return false;
  if (v.authority == r.owner) return true;
  bool distributed = false;
  if (r.distribution == "all") distributed = true;
  if (r.distribution == "authorities") distributed = kNamed.contains(v.authority);
  if (r.distribution == "group") distributed = group_active && kGroupMembers.contains(v.authority);
  if (r.distribution == "named-IT") distributed = v.authority == "IT-NCC";
  return distributed && (r.purposes & v.purposes) != 0;
}

std::string PurposeList(core::PurposeSet set) {
  json list = json::array();
  for (const auto& n : core::PurposeNames(set)) list.push_back(n);
  return list.dump();
}

class AuthzMatrixTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    h_ = std::make_unique<ApiHarness>(GetParam());
    ASSERT_TRUE(h_->ok());
    h_->AddAuthority("IT-NCC", "IT", core::AuthorityKind::kBorder);  // border, crime
    h_->AddAuthority("FR-PIU", "FR", core::AuthorityKind::kPiu);     // crime, terrorism
    h_->AddAuthority("DE-BKA", "DE", core::AuthorityKind::kPolice);  // crime, terrorism
    h_->AddAuthority("ES-GC", "ES", core::AuthorityKind::kPolice);   // crime, terrorism
    h_->AddAuthority("NL-CERT", "NL", core::AuthorityKind::kCert);   // cyber
    const auto C = core::Classification::kConfidential;
    const auto L = core::Classification::kLimited;
    viewers_ = {
        {"owner", "IT-NCC", core::Role::kOfficer, C, kBorder | kCrime, ""},
        {"owner-low-clearance", "IT-NCC", core::Role::kViewer, L, kBorder | kCrime, ""},
        {"named-recipient", "FR-PIU", core::Role::kOfficer, C, kCrime | kTerror, ""},
        {"named-low-clearance", "FR-PIU", core::Role::kAnalyst, L, kCrime | kTerror, ""},
        {"group-member", "DE-BKA", core::Role::kOfficer, C, kCrime | kTerror, ""},
        {"unrelated", "ES-GC", core::Role::kOfficer, C, kCrime | kTerror, ""},
        {"other-purpose", "NL-CERT", core::Role::kOfficer, C, kCyber, ""},
    };
    for (Viewer& v : viewers_) v.token = h_->Token(v.authority, v.role, v.clearance);
    c_ = std::make_unique<HttpClient>(h_->port());
    // A sharing group valid for one day from now.
    const std::string from = core::FormatTimestamp(h_->clock().Now() - 3'600'000);
    const std::string to = core::FormatTimestamp(h_->clock().Now() + core::kMsPerDay);
    Response g = c_->Post("/api/v1/groups", viewers_[0].token,
                          R"({"name":"JIT Matrix","members":["DE-BKA","NL-CERT"],"valid_from":")" +
                              from + R"(","valid_to":")" + to + R"("})");
    ASSERT_EQ(g.status, 201) << g.body;
    group_ = g.Json()["id"];
  }

  void CreateMatrix() {
    const core::Classification levels[] = {
        core::Classification::kPublic, core::Classification::kLimited,
        core::Classification::kRestricted, core::Classification::kConfidential};
    int n = 0;
    auto add = [&](const std::string& owner_token, const std::string& owner,
                   core::Classification cls, const std::string& dist, core::PurposeSet purposes) {
      MatrixRecord r;
      r.name = fmt::format("Sentinel{}x{}", static_cast<char>('A' + n % 26), n);
      r.owner = owner;
      r.classification = cls;
      r.distribution = dist;
      r.purposes = purposes;
      std::string extra;
      if (dist == "authorities") extra = R"(,"authorities":["FR-PIU","NL-CERT"])";
      if (dist == "group") extra = R"(,"group":")" + group_ + "\"";
      const std::string handling =
          fmt::format(R"({{"classification":"{}","distribution":"{}","purposes":{}{}}})",
                      core::ToString(cls), dist, PurposeList(purposes), extra);
      const std::string body =
          PersonJson(r.name, fmt::format("{}-0{}-1{}", 1930 + n, 1 + n % 9, n % 10), handling,
                     10.0 + n * 0.01, 45.0);
      Response resp = c_->Post("/api/v1/records", owner_token, body);
      ASSERT_EQ(resp.status, 201) << resp.body << " for " << body;
      r.id = resp.Json()["id"];
      records_.push_back(r);
      ++n;
    };
    const std::string& owner = viewers_[0].token;
    for (const auto cls : levels) {
      for (const char* dist : {"owner", "authorities", "group", "all"}) {
        add(owner, "IT-NCC", cls, dist, kCrime);
      }
    }
    for (const char* dist : {"authorities", "group", "all"}) {
      add(owner, "IT-NCC", core::Classification::kLimited, dist, kBorder);
    }
    add(viewers_[2].token, "FR-PIU", core::Classification::kLimited, "owner", kCrime);
    add(viewers_[4].token, "DE-BKA", core::Classification::kLimited, "all", kCrime);
  }

  std::set<std::string> ExpectedIds(const Viewer& v, bool group_active) const {
    std::set<std::string> ids;
    for (const auto& r : records_) {
      if (Expected(v, r, group_active)) ids.insert(r.id);
    }
    return ids;
  }

  // No id or sentinel name of a record the viewer may not see occurs in `body`.
  void ExpectNoLeak(const Viewer& v, bool group_active, const std::string& body,
                    const std::string& where) const {
    for (const auto& r : records_) {
      if (Expected(v, r, group_active)) continue;
      EXPECT_EQ(body.find(r.id), std::string::npos) << v.label << " " << where << " " << r.name;
      EXPECT_EQ(body.find(r.name), std::string::npos) << v.label << " " << where << " " << r.name;
    }
  }

  static json WithoutRequestId(json error) {
    error["error"].erase("request_id");
    return error;
  }

  void CheckReads(const Viewer& v, bool group_active) {
    const std::string phase = group_active ? "in window" : "after window";
    const json missing =
        WithoutRequestId(c_->Get(std::string("/api/v1/records/") + kMissingId, v.token).Json());
    const json missing_history = WithoutRequestId(
        c_->Get(std::string("/api/v1/records/") + kMissingId + "/history", v.token).Json());
    for (const auto& r : records_) {
      const bool may = Expected(v, r, group_active);
      const std::string what = v.label + " " + phase + " " + r.name + " " + r.distribution;
      Response one = c_->Get("/api/v1/records/" + r.id, v.token);
      Response history = c_->Get("/api/v1/records/" + r.id + "/history", v.token);
      if (may) {
        EXPECT_EQ(one.status, 200) << what << one.body;
        EXPECT_EQ(history.status, 200) << what << history.body;
      } else {
        EXPECT_EQ(one.status, 404) << what << one.body;
        EXPECT_EQ(WithoutRequestId(one.Json()), missing) << what;
        EXPECT_EQ(history.status, 404) << what << history.body;
        EXPECT_EQ(WithoutRequestId(history.Json()), missing_history) << what;
      }
    }
  }

  std::set<std::string> ListAll(const Viewer& v, const std::string& query, bool group_active) {
    std::set<std::string> ids;
    std::string cursor;
    for (int page = 0; page < 100; ++page) {
      std::string target = "/api/v1/records?" + query;
      if (!cursor.empty()) target += "&cursor=" + cursor;
      Response r = c_->Get(target, v.token);
      EXPECT_EQ(r.status, 200) << r.body;
      if (r.status != 200) break;
      ExpectNoLeak(v, group_active, r.body, target);
      const json j = r.Json();
      for (const auto& rec : j["records"]) {
        EXPECT_TRUE(ids.insert(rec["id"].get<std::string>()).second) << "duplicate in " << target;
      }
      if (j["next_cursor"].is_null()) break;
      cursor = j["next_cursor"];
    }
    return ids;
  }

  void CheckLists(const Viewer& v, bool group_active) {
    const std::set<std::string> expected = ExpectedIds(v, group_active);
    std::set<std::string> sentinels;  // the matrix records (named Sentinel…, with a point)
    for (const auto& r : records_) {
      if (r.name.starts_with("Sentinel") && expected.contains(r.id)) sentinels.insert(r.id);
    }
    const std::string what = v.label + (group_active ? " in window" : " after window");
    EXPECT_EQ(ListAll(v, "q=sentinel&limit=1000", group_active), sentinels) << what;
    EXPECT_EQ(ListAll(v, "q=sentinel&limit=3", group_active), sentinels) << what;
    EXPECT_EQ(ListAll(v, "limit=1000", group_active), expected) << what;
    EXPECT_EQ(ListAll(v, "type=Person&bbox=9,44,11,46&limit=7", group_active), sentinels) << what;
    std::set<std::string> own_only;
    for (const auto& r : records_) {
      if (r.owner == "IT-NCC" && expected.contains(r.id)) own_only.insert(r.id);
    }
    EXPECT_EQ(ListAll(v, "owner=IT-NCC&limit=1000", group_active), own_only) << what;
    // Searching for a hidden record's sentinel name finds nothing.
    for (const auto& r : records_) {
      if (Expected(v, r, group_active) || !r.name.starts_with("Sentinel")) continue;
      EXPECT_TRUE(ListAll(v, "q=" + r.name, group_active).empty()) << what << " " << r.name;
    }
  }

  void CheckHitsAndRequests(const Viewer& v, bool group_active) {
    Response hits = c_->Get("/api/v1/hits", v.token);
    ASSERT_EQ(hits.status, 200) << hits.body;
    ExpectNoLeak(v, group_active, hits.body, "hits");
    const json list = hits.Json()["hits"];
    for (const auto& hit : list) {
      // The caller's own record, and the other only when the caller may read it.
      EXPECT_EQ(c_->Get("/api/v1/records/" + hit["your_record"].get<std::string>(), v.token).status,
                200)
          << v.label;
      if (!hit["other_record"].is_null()) {
        EXPECT_EQ(
            c_->Get("/api/v1/records/" + hit["other_record"].get<std::string>(), v.token).status,
            200)
            << v.label << " " << hit.dump();
      }
    }
    Response requests = c_->Get("/api/v1/access-requests", v.token);
    ASSERT_EQ(requests.status, 200) << requests.body;
    ExpectNoLeak(v, group_active, requests.body, "access-requests");
  }

  std::unique_ptr<ApiHarness> h_;
  std::unique_ptr<HttpClient> c_;
  std::vector<Viewer> viewers_;
  std::vector<MatrixRecord> records_;
  std::string group_;
};

TEST_P(AuthzMatrixTest, NothingHiddenAppearsAnywhere) {
  // Streams are opened before any record exists, so every record is a live notice.
  std::vector<std::unique_ptr<SseClient>> streams;
  for (const Viewer& v : viewers_) {
    streams.push_back(std::make_unique<SseClient>(h_->port(), v.token));
    ASSERT_EQ(streams.back()->Status(), 200) << v.label;
    ASSERT_TRUE(streams.back()->WaitFor(": connected")) << v.label;
  }
  CreateMatrix();
  ASSERT_EQ(records_.size(), 21u);

  // Hits: an unrelated authority's matching person (owner-only on both sides), and a named
  // recipient's one shared with the owner.
  const std::string petrov_owner =
      c_->Post("/api/v1/records", viewers_[0].token,
               PersonJson("Ivan Petrov", "1970-01-02", Handling("LIMITED", "owner")))
          .Json()["id"];
  const std::string petrov_es =
      c_->Post("/api/v1/records", viewers_[5].token,
               PersonJson("Ivan Petrov", "1970-01-02", Handling("LIMITED", "owner")))
          .Json()["id"];
  const std::string petrov_fr =
      c_->Post("/api/v1/records", viewers_[2].token,
               PersonJson("Ivan Petrov", "1970-01-02",
                          Handling("LIMITED", "authorities", R"(,"authorities":["IT-NCC"])")))
          .Json()["id"];
  records_.push_back(
      {petrov_owner, "Petrov-IT", "IT-NCC", core::Classification::kLimited, "owner", kCrime});
  records_.push_back(
      {petrov_es, "Petrov-ES", "ES-GC", core::Classification::kLimited, "owner", kCrime});
  records_.push_back(
      {petrov_fr, "Petrov-FR", "FR-PIU", core::Classification::kLimited, "authorities-IT", kCrime});
  // (The FR record is shared with IT-NCC only: describe it for Expected().)
  records_.back().distribution = "named-IT";

  // Non-trivial matrix: every viewer sees something and misses something.
  for (const Viewer& v : viewers_) {
    const size_t n = ExpectedIds(v, true).size();
    if (v.label != "other-purpose") {
      EXPECT_GT(n, 0u) << v.label;
    }
    EXPECT_LT(n, records_.size()) << v.label;
  }

  // Streams: each visible record arrives, and (after a grace period) nothing hidden did.
  for (size_t i = 0; i < viewers_.size(); ++i) {
    for (const std::string& id : ExpectedIds(viewers_[i], true)) {
      EXPECT_TRUE(streams[i]->WaitFor("id: " + id)) << viewers_[i].label << " " << id;
    }
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  for (size_t i = 0; i < viewers_.size(); ++i) {
    ExpectNoLeak(viewers_[i], true, streams[i]->Text(), "stream");
  }

  for (const Viewer& v : viewers_) {
    CheckReads(v, true);
    CheckLists(v, true);
    CheckHitsAndRequests(v, true);
  }
  // Hits: the unrelated authority is told of the owner's person without its id; the owner sees
  // the named recipient's person it shares.
  {
    Response es_hits = c_->Get("/api/v1/hits", viewers_[5].token);
    EXPECT_NE(es_hits.body.find(petrov_es), std::string::npos);
    EXPECT_EQ(es_hits.body.find(petrov_owner), std::string::npos);
    Response it_hits = c_->Get("/api/v1/hits", viewers_[0].token);
    EXPECT_NE(it_hits.body.find(petrov_fr), std::string::npos) << it_hits.body;
    EXPECT_EQ(it_hits.body.find(petrov_es), std::string::npos);
    EXPECT_EQ(c_->Get("/api/v1/hits", viewers_[4].token).Json()["hits"].size(), 0u);
  }

  // After the group's validity window, with no one acting, its members lose access.
  h_->clock().Advance(2 * core::kMsPerDay);
  for (const Viewer& v : viewers_) {
    CheckReads(v, false);
    CheckLists(v, false);
    CheckHitsAndRequests(v, false);
  }
  // A new version of a group record is streamed to the owner but no longer to the members.
  const auto group_record = std::find_if(records_.begin(), records_.end(), [](const auto& r) {
    return r.distribution == "group" && r.classification == core::Classification::kLimited &&
           r.purposes == kCrime;
  });
  ASSERT_NE(group_record, records_.end());
  const size_t de_before = streams[4]->Text().size();
  Response patched =
      c_->Request("PATCH", "/api/v1/records/" + group_record->id, viewers_[0].token,
                  R"({"properties":{"birth_place":"Trieste"}})", "application/merge-patch+json");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_TRUE(streams[0]->WaitFor("Trieste")) << streams[0]->Text();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(streams[4]->Text().substr(de_before).find(group_record->id), std::string::npos);
  EXPECT_EQ(streams[4]->Text().find("Trieste"), std::string::npos);
  EXPECT_EQ(streams[6]->Text().find("Trieste"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, AuthzMatrixTest,
                         ::testing::Values(Backend::kMemory, Backend::kSqlite),
                         [](const auto& param_info) { return BackendName(param_info.param); });

// ---- TLP 2.0 rows: STIX objects over TAXII and the records API --------------------------------
//
// STIX objects written by DE-CERT under every TLP level, into its own collection (with and
// without named recipients) and into a sharing group's collection; viewers of several
// authorities, clearances and purposes; inside and after the group's validity window. Every
// TAXII read (objects, object by id, manifest, versions) and the records API show exactly the
// objects the TLP rules allow (docs/adr/0012-stix-taxii.md), and nothing else is hinted at.

constexpr const char* kCorrelating = "indicator--0000c0c0-aaaa-4bbb-8ccc-0123456789ab";

struct TlpObject {
  std::string stix_id;
  std::string tlp;        // clear, green, amber, amber+strict, red, none
  bool named = false;     // x_issa_recipients: ["NL-CERT"]
  bool in_group = false;  // written into the group's collection
};

constexpr core::PurposeSet kCrisis = static_cast<core::PurposeSet>(core::Purpose::kCrisis);

// The expectation, written out from the TLP rules (not from the code under test).
bool TlpExpected(const Viewer& v, const TlpObject& o, bool group_active) {
  const core::Classification needed = o.tlp == "red"     ? core::Classification::kRestricted
                                      : o.tlp == "clear" ? core::Classification::kPublic
                                                         : core::Classification::kLimited;
  if (static_cast<int>(v.clearance) < static_cast<int>(needed)) return false;
  if (v.authority == "DE-CERT") return true;
  if ((v.purposes & (kCyber | kCrime)) == 0) return false;
  if (o.in_group) return group_active && (v.authority == "FR-PIU" || v.authority == "NL-CERT");
  if (o.tlp == "clear" || o.tlp == "green") return true;
  return o.named && v.authority == "NL-CERT";  // AMBER, AMBER+STRICT, RED, unmarked (AMBER)
}

class TlpMatrixTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    h_ = std::make_unique<ApiHarness>(GetParam(), api::ServerOptions{},
                                      ServeCti(cti_, "tlp matrix cursor key (16+ bytes)"));
    ASSERT_TRUE(h_->ok());
    auto a = h_->node().AddAuthority(
        h_->system(), core::Authority{"DE-CERT",
                                      "DE",
                                      {core::AuthorityKind::kCert, core::AuthorityKind::kPolice},
                                      "DE CERT and police cyber unit",
                                      0});
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    h_->AddAuthority("NL-CERT", "NL", core::AuthorityKind::kCert);           // cyber
    h_->AddAuthority("FR-PIU", "FR", core::AuthorityKind::kPiu);             // crime, terrorism
    h_->AddAuthority("ES-GC", "ES", core::AuthorityKind::kPolice);           // crime, terrorism
    h_->AddAuthority("AT-CP", "AT", core::AuthorityKind::kCivilProtection);  // crisis
    const auto C = core::Classification::kConfidential;
    const auto R = core::Classification::kRestricted;
    const auto L = core::Classification::kLimited;
    const auto P = core::Classification::kPublic;
    viewers_ = {
        {"writer", "DE-CERT", core::Role::kOfficer, C, kCyber | kCrime, ""},
        {"writer-low-clearance", "DE-CERT", core::Role::kViewer, L, kCyber | kCrime, ""},
        {"recipient", "NL-CERT", core::Role::kOfficer, R, kCyber, ""},
        {"recipient-low-clearance", "NL-CERT", core::Role::kAnalyst, L, kCyber, ""},
        {"recipient-public-clearance", "NL-CERT", core::Role::kViewer, P, kCyber, ""},
        {"group-member", "FR-PIU", core::Role::kOfficer, C, kCrime | kTerror, ""},
        {"unrelated", "ES-GC", core::Role::kOfficer, C, kCrime | kTerror, ""},
        {"other-purpose", "AT-CP", core::Role::kOfficer, C, kCrisis, ""},
    };
    for (Viewer& v : viewers_) v.token = h_->Token(v.authority, v.role, v.clearance);
    c_ = std::make_unique<HttpClient>(h_->port());
    const std::string from = core::FormatTimestamp(h_->clock().Now() - 3'600'000);
    const std::string to = core::FormatTimestamp(h_->clock().Now() + core::kMsPerDay);
    Response g =
        c_->Post("/api/v1/groups", viewers_[0].token,
                 R"({"name":"CERT exchange","members":["FR-PIU","NL-CERT"],"valid_from":")" + from +
                     R"(","valid_to":")" + to + R"("})");
    ASSERT_EQ(g.status, 201) << g.body;
    group_collection_ = cti::CtiService::GroupCollectionId(g.Json()["id"].get<std::string>());
    own_collection_ = cti::CtiService::AuthorityCollectionId("DE-CERT");
  }

  void TearDown() override {
    h_.reset();
    cti_.reset();
  }

  Response Taxii(const std::string& method, const std::string& target, const Viewer& v,
                 const std::string& body = {}) {
    return c_->Request(method, target, v.token, body, "application/taxii+json;version=2.1",
                       {{"Accept", "application/taxii+json;version=2.1"}});
  }

  static std::string Path(const std::string& collection) {
    return "/taxii2/cti/collections/" + collection + "/";
  }

  void WriteObjects() {
    static const std::map<std::string, std::string> kMarkings = {
        {"clear", "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"},
        {"green", "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"},
        {"amber", "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"},
        {"amber+strict", "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"},
        {"red", "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"}};
    int n = 0;
    auto add = [&](const std::string& tlp, bool named, bool in_group) {
      TlpObject o;
      o.stix_id = fmt::format("indicator--{:08x}-aaaa-4bbb-8ccc-0123456789ab", 0x7100 + n++);
      o.tlp = tlp;
      o.named = named;
      o.in_group = in_group;
      std::string extra;
      if (tlp != "none") extra += R"(,"object_marking_refs":[")" + kMarkings.at(tlp) + "\"]";
      if (named) extra += R"(,"x_issa_recipients":["NL-CERT"])";
      const std::string obj = fmt::format(
          R"({{"type":"indicator","spec_version":"2.1","id":"{}","created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z","pattern_type":"stix","pattern":"[domain-name:value = 'c2-{}.example']","valid_from":"2024-01-01T00:00:00Z"{}}})",
          o.stix_id, n, extra);
      Response r = Taxii("POST", Path(in_group ? group_collection_ : own_collection_) + "objects/",
                         viewers_[0], R"({"objects":[)" + obj + "]}");
      ASSERT_EQ(r.status, 202) << r.body;
      ASSERT_EQ(r.Json()["success_count"], 1) << r.body;
      objects_.push_back(o);
    };
    for (const char* tlp : {"clear", "green", "amber", "amber+strict", "red", "none"}) {
      add(tlp, false, false);
      add(tlp, true, false);
    }
    for (const char* tlp : {"clear", "green", "amber", "none"}) add(tlp, false, true);
    // RED and AMBER+STRICT are for named recipients, never a group: refused, nothing written.
    Response refused = Taxii(
        "POST", Path(group_collection_) + "objects/", viewers_[0],
        R"({"objects":[{"type":"indicator","spec_version":"2.1","id":"indicator--00007fff-aaaa-4bbb-8ccc-0123456789ab","created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z","pattern_type":"stix","pattern":"[domain-name:value = 'x.example']","valid_from":"2024-01-01T00:00:00Z","object_marking_refs":["marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"]}]})");
    ASSERT_EQ(refused.status, 202);
    EXPECT_EQ(refused.Json()["failure_count"], 1);
    // NL-CERT shares (GREEN) an indicator of every domain above: it correlates with each object.
    std::string pattern;
    for (int i = 1; i <= n; ++i) {
      pattern += fmt::format("{}domain-name:value = 'c2-{}.example'", i > 1 ? " OR " : "", i);
    }
    const std::string correlating = fmt::format(
        R"({{"type":"indicator","spec_version":"2.1","id":"{}","created":"2024-01-02T00:00:00.000Z","modified":"2024-01-02T00:00:00.000Z","pattern_type":"stix","pattern":"[{}]","valid_from":"2024-01-01T00:00:00Z","object_marking_refs":["{}"]}})",
        kCorrelating, pattern, kMarkings.at("green"));
    Response nl =
        Taxii("POST", Path(cti::CtiService::AuthorityCollectionId("NL-CERT")) + "objects/",
              viewers_[2], R"({"objects":[)" + correlating + "]}");
    ASSERT_EQ(nl.status, 202) << nl.body;
    ASSERT_EQ(nl.Json()["success_count"], 1) << nl.body;
  }

  // NL-CERT's GREEN indicator: LIMITED clearance, and NL-CERT or the cyber purpose (the only
  // purpose NL-CERT processes data for, so the only one its records carry).
  static bool SeesCorrelating(const Viewer& v) {
    return static_cast<int>(v.clearance) >= static_cast<int>(core::Classification::kLimited) &&
           (v.authority == "NL-CERT" || (v.purposes & kCyber) != 0);
  }

  // Correlations of NL-CERT's indicator: exactly the objects the viewer may see, with content;
  // for NL-CERT (whose record it is) a hit notice per object it may not see whose handling
  // allows notices (not RED, not AMBER+STRICT); nothing of any other hidden object.
  void CheckCorrelations(const Viewer& v, bool group_active) {
    const std::string phase = group_active ? "in window" : "after window";
    const bool sees_indicator = SeesCorrelating(v);
    Response r =
        c_->Get("/api/v1/cyber/correlations/" + std::string(kCorrelating) + "?limit=1000", v.token);
    if (!sees_indicator) {
      EXPECT_EQ(r.status, 404) << v.label << " " << phase << " " << r.body;
      return;
    }
    ASSERT_EQ(r.status, 200) << v.label << " " << phase << " " << r.body;
    const json answer = r.Json();
    std::set<std::string> want, got;
    size_t notices_wanted = 0;
    for (const TlpObject& o : objects_) {
      if (TlpExpected(v, o, group_active)) {
        want.insert(o.stix_id);
      } else {
        EXPECT_EQ(r.body.find(o.stix_id), std::string::npos) << v.label << " " << phase;
        if (o.tlp != "red" && o.tlp != "amber+strict") ++notices_wanted;
      }
    }
    for (const auto& c : answer["correlations"]) got.insert(c["id"].get<std::string>());
    EXPECT_EQ(got, want) << v.label << " " << phase;
    if (v.authority != "NL-CERT") notices_wanted = 0;
    EXPECT_EQ(answer["notices"].size(), notices_wanted) << v.label << " " << phase << r.body;
    for (const auto& notice : answer["notices"]) {
      EXPECT_TRUE(notice["other_record"].is_null());
      EXPECT_EQ(notice["other_authority"], "DE-CERT");
    }
  }

  std::set<std::string> Listed(const Viewer& v, const std::string& collection,
                               const std::string& endpoint) {
    std::set<std::string> ids;
    Response r = Taxii("GET", Path(collection) + endpoint + "?limit=1000&match[version]=all", v);
    if (r.status == 404) return ids;  // a group collection for a non-member
    EXPECT_EQ(r.status, 200) << v.label << " " << r.body;
    const json page = r.Json();
    for (const auto& o : page.value("objects", json::array())) ids.insert(o["id"]);
    return ids;
  }

  void Check(const Viewer& v, bool group_active) {
    const std::string phase = group_active ? "in window" : "after window";
    // The writer's collection holds everything it wrote that the viewer may see (what it
    // shared into the group too); the group's collection what was shared into the group.
    std::set<std::string> want_own, want_group;
    for (const TlpObject& o : objects_) {
      if (!TlpExpected(v, o, group_active)) continue;
      want_own.insert(o.stix_id);
      if (o.in_group) want_group.insert(o.stix_id);
    }
    EXPECT_EQ(Listed(v, own_collection_, "objects/"), want_own) << v.label << " " << phase;
    EXPECT_EQ(Listed(v, own_collection_, "manifest/"), want_own) << v.label << " " << phase;
    EXPECT_EQ(Listed(v, group_collection_, "objects/"), want_group) << v.label << " " << phase;
    const Response missing = Taxii(
        "GET", Path(own_collection_) + "objects/indicator--00000000-aaaa-4bbb-8ccc-0123456789ab/",
        v);
    for (const TlpObject& o : objects_) {
      const std::string coll = o.in_group ? group_collection_ : own_collection_;
      const bool may = TlpExpected(v, o, group_active);
      const std::string what = v.label + " " + phase + " " + o.tlp + (o.named ? " named" : "") +
                               (o.in_group ? " group" : "");
      Response one = Taxii("GET", Path(coll) + "objects/" + o.stix_id + "/", v);
      Response versions = Taxii("GET", Path(coll) + "objects/" + o.stix_id + "/versions/", v);
      if (may) {
        EXPECT_EQ(one.status, 200) << what << one.body;
        EXPECT_EQ(versions.status, 200) << what << versions.body;
      } else {
        EXPECT_EQ(one.status, 404) << what << one.body;
        EXPECT_EQ(versions.status, 404) << what;
        EXPECT_EQ(one.body.find(o.stix_id), std::string::npos) << what;
        if (!o.in_group) {
          // Same answer as for an object that does not exist (only the error id differs).
          json a = one.Json();
          json b = missing.Json();
          a.erase("error_id");
          b.erase("error_id");
          EXPECT_EQ(a, b) << what;
        }
      }
    }
    // The records API lists StixObject records under the same rules.
    std::set<std::string> listed;
    Response r = c_->Get("/api/v1/records?type=StixObject&limit=1000", v.token);
    ASSERT_EQ(r.status, 200) << r.body;
    const json records = r.Json();
    for (const auto& rec : records["records"]) {
      listed.insert(rec["properties"]["stix_id"].get<std::string>());
    }
    // ...and NL-CERT's GREEN indicator (CheckCorrelations) to whoever may see it.
    if (SeesCorrelating(v)) want_own.insert(kCorrelating);
    EXPECT_EQ(listed, want_own) << v.label << " " << phase;
  }

  std::unique_ptr<cti::CtiService> cti_;
  std::unique_ptr<ApiHarness> h_;
  std::unique_ptr<HttpClient> c_;
  std::vector<Viewer> viewers_;
  std::vector<TlpObject> objects_;
  std::string group_collection_, own_collection_;
};

TEST_P(TlpMatrixTest, EveryTaxiiReadFollowsTlp) {
  WriteObjects();
  ASSERT_EQ(objects_.size(), 16u);
  for (const Viewer& v : viewers_) {
    Check(v, true);
    CheckCorrelations(v, true);
  }
  h_->clock().Advance(2 * core::kMsPerDay);
  for (const Viewer& v : viewers_) {
    Check(v, false);
    CheckCorrelations(v, false);
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, TlpMatrixTest,
                         ::testing::Values(Backend::kMemory, Backend::kSqlite),
                         [](const auto& param_info) { return BackendName(param_info.param); });

}  // namespace
}  // namespace issa::integration
