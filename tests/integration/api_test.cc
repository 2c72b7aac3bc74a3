// The HTTP API end to end: a real node over SQLite behind api::Server, spoken to over loopback.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "api_fixture.h"

namespace issa::integration {
namespace {

using api::testing::HttpClient;
using api::testing::Response;
using api::testing::SseClient;
using json = nlohmann::json;

constexpr size_t kBodyLimit = 64 * 1024;

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    api::ServerOptions o;
    o.max_body_bytes = kBodyLimit;
    h_ = std::make_unique<ApiHarness>(Backend::kSqlite, o);
    ASSERT_TRUE(h_->ok());
    h_->AddAuthority("IT-NCC", "IT", core::AuthorityKind::kBorder);
    h_->AddAuthority("FR-PIU", "FR", core::AuthorityKind::kPiu);
    h_->AddAuthority("DE-BKA", "DE", core::AuthorityKind::kPolice);
    it_ = h_->Token("IT-NCC", core::Role::kOfficer, core::Classification::kConfidential);
    fr_ = h_->Token("FR-PIU", core::Role::kOfficer, core::Classification::kRestricted);
    dpo_ = h_->Token("IT-NCC", core::Role::kDpo, core::Classification::kConfidential);
    viewer_ = h_->Token("IT-NCC", core::Role::kViewer, core::Classification::kLimited);
    c_ = std::make_unique<HttpClient>(h_->port());
  }

  std::string Create(const std::string& body, const std::string& token = {}) {
    Response r = c_->Post("/api/v1/records", token.empty() ? it_ : token, body);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.Json().value("id", "");
  }

  // Expects an error response and returns its error object.
  json ExpectError(const Response& r, int status, const std::string& code,
                   const std::string& field = {}) {
    EXPECT_EQ(r.status, status) << r.body;
    const json j = r.Json();
    EXPECT_TRUE(j.contains("error")) << r.body;
    if (!j.contains("error")) return {};
    const json& e = j["error"];
    EXPECT_EQ(e.value("code", ""), code) << r.body;
    if (!field.empty()) {
      EXPECT_EQ(e.value("field", ""), field) << r.body;
    }
    EXPECT_FALSE(e.value("message", "").empty());
    EXPECT_EQ(e.value("request_id", ""), r.Header("X-Request-Id"));
    EXPECT_EQ(r.Header("Content-Type"), "application/json");
    return e;
  }

  std::vector<std::string> ListIds(const std::string& query, const std::string& token) {
    std::vector<std::string> ids;
    std::string cursor;
    for (int page = 0; page < 100; ++page) {
      std::string target = "/api/v1/records?" + query;
      if (!cursor.empty()) target += "&cursor=" + cursor;
      Response r = c_->Get(target, token);
      EXPECT_EQ(r.status, 200) << r.body;
      if (r.status != 200) break;
      const json j = r.Json();
      for (const auto& rec : j["records"]) ids.push_back(rec["id"]);
      if (j["next_cursor"].is_null()) break;
      cursor = j["next_cursor"];
    }
    return ids;
  }

  std::unique_ptr<ApiHarness> h_;
  std::unique_ptr<HttpClient> c_;
  std::string it_, fr_, dpo_, viewer_;
};

TEST_F(ApiTest, CreateReadPatchHistory) {
  Response r = c_->Post("/api/v1/records", it_,
                        PersonJson("Giulia Bianchi", "1980-02-03", Handling("LIMITED", "owner")));
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id = r.Json()["id"];
  EXPECT_EQ(r.Header("Location"), "/api/v1/records/" + id);
  EXPECT_FALSE(r.Header("X-Request-Id").empty());

  r = c_->Get("/api/v1/records/" + id, it_);
  ASSERT_EQ(r.status, 200) << r.body;
  json rec = r.Json();
  EXPECT_EQ(rec["id"], id);
  EXPECT_EQ(rec["type"], "Person");
  EXPECT_EQ(rec["owner"], "IT-NCC");
  EXPECT_EQ(rec["version"], 1);
  EXPECT_EQ(rec["properties"]["name"], "Giulia Bianchi");

  r = c_->Request("PATCH", "/api/v1/records/" + id, it_, R"({"properties":{"birth_place":"Roma"}})",
                  "application/merge-patch+json");
  ASSERT_EQ(r.status, 200) << r.body;
  rec = r.Json();
  EXPECT_EQ(rec["version"], 2);
  EXPECT_EQ(rec["properties"]["birth_place"], "Roma");
  EXPECT_EQ(rec["properties"]["name"], "Giulia Bianchi");

  r = c_->Get("/api/v1/records/" + id + "/history", it_);
  ASSERT_EQ(r.status, 200) << r.body;
  const json versions = r.Json()["versions"];
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions[0]["version"], 1);
  EXPECT_EQ(versions[1]["version"], 2);
  EXPECT_FALSE(versions[0]["properties"].contains("birth_place"));
  EXPECT_EQ(c_->connects(), 1);  // all on one kept-alive connection
}

TEST_F(ApiTest, PaginationVisitsEveryRecordOnce) {
  std::set<std::string> created;
  for (int i = 0; i < 23; ++i) {
    created.insert(Create(PersonJson(fmt::format("Pagetest Person{}", i), "1990-01-01",
                                     Handling("LIMITED", "owner"))));
  }
  const std::vector<std::string> ids = ListIds("q=pagetest&limit=5", it_);
  EXPECT_EQ(ids.size(), 23u);
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()), created);
  Response r = c_->Get("/api/v1/records?q=pagetest&limit=10", it_);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.Json()["records"].size(), 10u);
  EXPECT_TRUE(r.Json()["next_cursor"].is_string());
  r = c_->Get("/api/v1/records?q=pagetest&limit=1000", it_);
  EXPECT_EQ(r.Json()["records"].size(), 23u);
  EXPECT_TRUE(r.Json()["next_cursor"].is_null());
}

TEST_F(ApiTest, BboxTextTypeOwnerAndTimeFilters) {
  const std::string rome =
      Create(PersonJson("Filtro Romano", "1970-01-01", Handling("LIMITED", "all"), 12.49, 41.89));
  const std::string paris =
      Create(PersonJson("Filtro Parigino", "1971-01-01", Handling("LIMITED", "all"), 2.35, 48.85));
  h_->clock().Advance(60'000);
  const std::string later =
      Create(PersonJson("Filtro Tardivo", "1972-01-01", Handling("LIMITED", "all"), 12.5, 41.9));
  const std::string fr_rec =
      Create(PersonJson("Filtro Francese", "1973-01-01", Handling("LIMITED", "all")), fr_);

  EXPECT_EQ(ListIds("q=filtro&bbox=12,41,13,42", it_), (std::vector<std::string>{rome, later}));
  EXPECT_EQ(ListIds("q=filtro&bbox=2,48,3,49", it_), (std::vector<std::string>{paris}));
  EXPECT_EQ(ListIds("q=filtro+romano", it_), (std::vector<std::string>{rome}));
  EXPECT_EQ(ListIds("q=filt", it_).size(), 4u);  // prefixes match
  EXPECT_EQ(ListIds("q=filtro&owner=FR-PIU", it_), (std::vector<std::string>{fr_rec}));
  EXPECT_TRUE(ListIds("q=filtro&type=Vessel", it_).empty());
  EXPECT_EQ(ListIds("q=filtro&type=Person", it_).size(), 4u);
  const std::string cut = core::FormatTimestamp(ApiHarness::kStart + 30'000);
  EXPECT_EQ(ListIds("q=filtro&owner=IT-NCC&since=" + cut, it_), (std::vector<std::string>{later}));
  EXPECT_EQ(ListIds("q=filtro&until=" + cut, it_), (std::vector<std::string>{rome, paris}));
}

TEST_F(ApiTest, ErrorBodiesForBadInput) {
  const std::string ok = PersonJson("Errore Uno", "1980-01-01", Handling("LIMITED", "owner"));
  // Malformed JSON and invalid UTF-8 are refused by the HTTP layer, naming the body.
  json e = ExpectError(c_->Post("/api/v1/records", it_, R"({"type":"Person",)"), 400,
                       "InvalidArgument", "body");
  EXPECT_NE(e["message"].get<std::string>().find("byte"), std::string::npos);
  ExpectError(c_->Post("/api/v1/records", it_, "{\"type\":\"Person\xff\"}"), 400, "InvalidArgument",
              "body");
  ExpectError(c_->Post("/api/v1/records", it_, "[]"), 400, "InvalidArgument", "body");
  // Content checks by the node name the field.
  ExpectError(c_->Post("/api/v1/records", it_,
                       R"({"type":"Person","properties":{"name":5},"handling":)" +
                           Handling("LIMITED", "owner") + "}"),
              400, "InvalidArgument", "properties.name");
  ExpectError(c_->Post("/api/v1/records", it_,
                       R"({"type":"Spaceship","properties":{},"handling":)" +
                           Handling("LIMITED", "owner") + "}"),
              400, "InvalidArgument", "type");
  ExpectError(c_->Post("/api/v1/records", it_,
                       R"({"type":"Person","properties":{"name":"x","colour":"red"},"handling":)" +
                           Handling("LIMITED", "owner") + "}"),
              400, "InvalidArgument", "properties.colour");
  const json geo = ExpectError(
      c_->Post(
          "/api/v1/records", it_,
          R"({"type":"Person","properties":{"name":"x"},"geometry":{"type":"Point","coordinates":[500,1]},"handling":)" +
              Handling("LIMITED", "owner") + "}"),
      400, "InvalidArgument");
  EXPECT_EQ(geo.value("field", "").rfind("geometry", 0), 0u) << geo;
  // Oversized body: 413 naming the limit; the connection is closed.
  e = ExpectError(c_->Post("/api/v1/records", it_, std::string(kBodyLimit + 1, ' ')), 413,
                  "InvalidArgument", "body");
  EXPECT_NE(e["message"].get<std::string>().find(std::to_string(kBodyLimit)), std::string::npos);
  // Content type.
  ExpectError(c_->Request("POST", "/api/v1/records", it_, ok, "text/plain"), 415, "InvalidArgument",
              "Content-Type");
  // Tokens.
  Response r = c_->Get("/api/v1/records", "");
  ExpectError(r, 401, "Unauthenticated");
  EXPECT_EQ(r.Header("WWW-Authenticate"), "Bearer realm=\"issa\"");
  ExpectError(c_->Get("/api/v1/records", "not-a-real-token"), 401, "Unauthenticated");
  ExpectError(c_->Request("GET", "/api/v1/records", {}, {}, {}, {{"Authorization", "Basic eDp5"}}),
              401, "Unauthenticated");
  // Query parameters.
  ExpectError(c_->Get("/api/v1/records?limit=0", it_), 400, "InvalidArgument", "limit");
  ExpectError(c_->Get("/api/v1/records?bbox=1,2,3", it_), 400, "InvalidArgument", "bbox");
  ExpectError(c_->Get("/api/v1/records?since=soon", it_), 400, "InvalidArgument", "since");
  ExpectError(c_->Get("/api/v1/records?type=Spaceship", it_), 400, "InvalidArgument", "type");
  ExpectError(c_->Get("/api/v1/records?colour=red", it_), 400, "InvalidArgument", "colour");
  ExpectError(c_->Get("/api/v1/records/not-a-uuid", it_), 400, "InvalidArgument", "id");
  // Routes and methods.
  ExpectError(c_->Get("/api/v1/nothing", it_), 404, "NotFound");
  r = c_->Request("DELETE", "/api/v1/records/0190a4c2-1111-7abc-8def-0123456789ab", it_);
  ExpectError(r, 405, "InvalidArgument");
  EXPECT_EQ(r.Header("Allow"), "GET, PATCH");
  // Role: a viewer may not write.
  ExpectError(c_->Post("/api/v1/records", viewer_, ok), 403, "PermissionDenied");
  // Missing records.
  ExpectError(c_->Get("/api/v1/records/0190a4c2-1111-7abc-8def-0123456789ab", it_), 404,
              "NotFound");

  // The rejections are audited; the dpo sees them.
  r = c_->Get("/api/v1/audit?action=http.&limit=1000", dpo_);
  ASSERT_EQ(r.status, 200) << r.body;
  std::set<std::string> actions;
  const json entries = r.Json()["entries"];
  for (const auto& entry : entries) {
    actions.insert(entry["action"].get<std::string>());
  }
  EXPECT_TRUE(actions.contains("http.invalid"));
  EXPECT_TRUE(actions.contains("http.unauthenticated"));
  r = c_->Get("/api/v1/audit?action=login.failed", dpo_);
  EXPECT_FALSE(r.Json()["entries"].empty());
  r = c_->Get("/api/v1/audit?action=access.denied", dpo_);
  EXPECT_FALSE(r.Json()["entries"].empty());
}

TEST_F(ApiTest, StreamDeliversWhatTheSubscriberMaySee) {
  SseClient fr_stream(h_->port(), fr_);
  ASSERT_EQ(fr_stream.Status(), 200);
  EXPECT_EQ(fr_stream.Header("Content-Type"), "text/event-stream");
  ASSERT_TRUE(fr_stream.WaitFor(": connected"));
  const std::string hidden =
      Create(PersonJson("Flusso Nascosto", "1960-01-01", Handling("LIMITED", "owner")));
  const std::string shared =
      Create(PersonJson("Flusso Condiviso", "1961-01-01",
                        Handling("LIMITED", "authorities", R"(,"authorities":["FR-PIU"])")));
  ASSERT_TRUE(fr_stream.WaitFor("id: " + shared)) << fr_stream.Text();
  EXPECT_TRUE(fr_stream.WaitFor("event: record"));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(fr_stream.Text().find(hidden), std::string::npos);
  EXPECT_EQ(fr_stream.Text().find("Nascosto"), std::string::npos);
  // The stream does not hold up other requests.
  EXPECT_EQ(c_->Get("/api/v1/me", fr_).status, 200);
  SseClient anonymous(h_->port(), "");
  EXPECT_EQ(anonymous.Status(), 401);
}

TEST_F(ApiTest, OpenApiDocumentsServedRoutes) {
  Response r = c_->Get("/api/v1/openapi.json");
  ASSERT_EQ(r.status, 200);
  const json doc = r.Json();
  EXPECT_EQ(doc["openapi"], "3.1.0");
  size_t operations = 0;
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      ++operations;
      std::string target = path;
      for (const char* p : {"{id}", "{type}"}) {
        const size_t at = target.find(p);
        if (at != std::string::npos) {
          target.replace(
              at, std::string(p).size(),
              p == std::string("{type}") ? "Person" : "0190a4c2-1111-7abc-8def-0123456789ab");
        }
      }
      std::string upper = method;
      for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      if (target == "/api/v1/stream") continue;  // checked by the stream test
      const Response served = c_->Request(upper, target, it_, method == "get" ? "" : "{}");
      EXPECT_NE(served.status, 405) << upper << " " << target;
      if (served.status == 404 && target.starts_with("/taxii2/")) {
        // TAXII routes answer TAXII error messages (here: TAXII not enabled on this node).
        EXPECT_TRUE(served.Json().contains("title")) << upper << " " << target;
      } else if (served.status == 404) {
        EXPECT_EQ(served.Json()["error"]["message"].get<std::string>().find("no route"),
                  std::string::npos)
            << upper << " " << target;
      }
      EXPECT_TRUE(op.contains("responses")) << path;
    }
  }
  EXPECT_GE(operations, 22u);
}

TEST_F(ApiTest, MetricsCountRequests) {
  const std::string id = Create(PersonJson("Metrica", "1950-01-01", Handling("LIMITED", "owner")));
  auto count = [&]() -> long {
    const std::string text = c_->Get("/metrics").body;
    const std::string key =
        R"(issa_http_requests_total{route="GET /api/v1/records/{id}",status="200"} )";
    const size_t at = text.find(key);
    return at == std::string::npos ? 0 : std::stol(text.substr(at + key.size()));
  };
  const long before = count();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(c_->Get("/api/v1/records/" + id, it_).status, 200);
  EXPECT_EQ(count(), before + 3);
  const std::string text = c_->Get("/metrics").body;
  EXPECT_NE(
      text.find("issa_http_request_duration_seconds_bucket{route=\"GET /api/v1/records/{id}\""),
      std::string::npos);
  EXPECT_NE(text.find("issa_node_records_read_total"), std::string::npos);
  EXPECT_NE(text.find("issa_node_records_written_total"), std::string::npos);
}

// GET /api/v1/records/{id} with a recently validated token runs on the I/O thread and answers
// once the node committed the read's audit entry; a token the node has not seen lately, a bad
// id and a record the caller may not see take the blocking path or answer like it.
TEST_F(ApiTest, RecordReadsTakeTheNonBlockingPathAndAreAuditedFirst) {
  const std::string id =
      Create(PersonJson("Asynchrona", "1960-02-03", Handling("LIMITED", "owner")));
  auto async_count = [&]() -> long {
    const std::string text = c_->Get("/metrics").body;
    const std::string key = "\nissa_http_async_requests_total ";
    const size_t at = text.find(key);
    return at == std::string::npos ? -1 : std::stol(text.substr(at + key.size()));
  };
  ASSERT_EQ(c_->Get("/api/v1/me", it_).status, 200);  // the token is now validated
  const long before = async_count();
  ASSERT_GE(before, 0);
  for (int i = 0; i < 5; ++i) {
    Response r = c_->Get("/api/v1/records/" + id, it_);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.Json()["id"], id);
    // The audit entry of this very read is already committed when the answer arrives.
    Response audit = c_->Get("/api/v1/audit?action=record.read&limit=1000", dpo_);
    ASSERT_EQ(audit.status, 200) << audit.body;
    int reads = 0;
    const nlohmann::json entries = audit.Json()["entries"];
    for (const auto& e : entries) {
      if (e["target"] == id && e["outcome"] == "ok") ++reads;
    }
    EXPECT_EQ(reads, i + 1);
  }
  EXPECT_EQ(async_count(), before + 5);
  // Another authority's reader gets the same 404 as for an unknown id, also without a worker.
  ASSERT_EQ(c_->Get("/api/v1/me", fr_).status, 200);
  const long mid = async_count();
  EXPECT_EQ(c_->Get("/api/v1/records/" + id, fr_).status, 404);
  EXPECT_EQ(c_->Get("/api/v1/records/01890000-0000-7000-8000-000000000000", fr_).status, 404);
  EXPECT_EQ(async_count(), mid + 2);
  // A malformed id is declined by the async path and answered by the blocking one.
  Response bad = c_->Get("/api/v1/records/not-a-uuid", it_);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.Json()["error"]["field"], "id");
  EXPECT_EQ(async_count(), mid + 2);
}

// POST /api/v1/imports reads only files inside the node's import folder: good lines become
// records, bad lines are reported by line number, and paths that leave the folder (.., absolute,
// a symbolic link out) are refused naming the field, audited, with nothing written.
TEST_F(ApiTest, ImportsReadOnlyFromTheImportFolder) {
  namespace fs = std::filesystem;
  {
    std::ofstream f(h_->import_dir() / "batch.ndjson");
    f << PersonJson("Importa Uno", "1971-01-01", Handling("LIMITED", "owner")) << "\n";
    f << R"({"type":"Person","properties":{"name":42}})"
      << "\n";
    f << PersonJson("Importa Due", "1972-02-02", Handling("LIMITED", "owner")) << "\n";
  }
  Response r = c_->Post("/api/v1/imports", it_, R"({"path":"batch.ndjson"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["lines"], 3);
  EXPECT_EQ(r.Json()["imported"], 2);
  EXPECT_EQ(r.Json()["rejected"], 1);
  ASSERT_EQ(r.Json()["errors"].size(), 1u);
  EXPECT_NE(r.Json()["errors"][0].get<std::string>().find("line 2"), std::string::npos)
      << r.Json()["errors"][0];
  EXPECT_EQ(ListIds("q=importa&limit=10", it_).size(), 2u);

  // A secret next to the import folder, reachable by .., by an absolute path and by a link.
  const fs::path outside = h_->import_dir().parent_path() / "outside.ndjson";
  {
    std::ofstream f(outside);
    f << PersonJson("Segreto Fuori", "1973-03-03", Handling("LIMITED", "owner")) << "\n";
  }
  fs::create_symlink(outside, h_->import_dir() / "link.ndjson");
  const std::string absolute = outside.string();
  for (const std::string& path : {std::string("../outside.ndjson"), absolute,
                                  std::string("link.ndjson"), std::string("missing.ndjson")}) {
    Response bad = c_->Post("/api/v1/imports", it_, nlohmann::json{{"path", path}}.dump());
    EXPECT_EQ(bad.status, 400) << path << ": " << bad.body;
    EXPECT_EQ(bad.Json()["error"]["field"], "path") << path;
  }
  EXPECT_TRUE(ListIds("q=segreto&limit=10", it_).empty());
  Response audit = c_->Get("/api/v1/audit?action=record.import&limit=100", dpo_);
  ASSERT_EQ(audit.status, 200) << audit.body;
  int refused = 0;
  const nlohmann::json entries = audit.Json()["entries"];
  for (const auto& e : entries) refused += e["outcome"] == "invalid" ? 1 : 0;
  EXPECT_EQ(refused, 4);

  // Body checks name the field; a viewer may not import.
  Response unknown = c_->Post("/api/v1/imports", it_, R"({"path":"batch.ndjson","x":1})");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(unknown.Json()["error"]["field"], "x");
  Response missing = c_->Post("/api/v1/imports", it_, R"({})");
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.Json()["error"]["field"], "path");
  Response typed = c_->Post("/api/v1/imports", it_, R"({"path":7})");
  EXPECT_EQ(typed.status, 400);
  EXPECT_EQ(typed.Json()["error"]["field"], "path");
  EXPECT_EQ(c_->Post("/api/v1/imports", viewer_, R"({"path":"batch.ndjson"})").status, 403);
}

TEST_F(ApiTest, SessionTypesGroupsAuthoritiesAudit) {
  Response r = c_->Get("/api/v1/me", fr_);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.Json()["authority"], "FR-PIU");
  EXPECT_EQ(r.Json()["role"], "officer");
  EXPECT_EQ(r.Json()["clearance"], "RESTRICTED");
  EXPECT_EQ(r.Json()["purposes"], json::array({"crime", "terrorism"}));

  r = c_->Get("/api/v1/types", fr_);
  ASSERT_EQ(r.status, 200);
  const auto types = r.Json()["types"];
  EXPECT_NE(std::find(types.begin(), types.end(), "Person"), types.end());
  r = c_->Get("/api/v1/types/Person/schema", fr_);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Json()["title"], "Person");
  ExpectError(c_->Get("/api/v1/types/Spaceship/schema", fr_), 404, "NotFound");

  r = c_->Get("/api/v1/authorities", fr_);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.Json()["authorities"].size(), 3u);

  r = c_->Post(
      "/api/v1/groups", it_,
      R"({"name":"JIT Adriatic","kind":"jit","members":["FR-PIU"],"valid_to":"2027-01-01"})");
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string gid = r.Json()["id"];
  EXPECT_EQ(r.Header("Location"), "/api/v1/groups/" + gid);
  r = c_->Get("/api/v1/groups/" + gid, fr_);
  EXPECT_EQ(r.status, 200) << r.body;
  r = c_->Get("/api/v1/groups", fr_);
  EXPECT_EQ(r.Json()["groups"].size(), 1u);
  ExpectError(c_->Post("/api/v1/groups", it_, R"({"name":"x","members":"FR-PIU"})"), 400,
              "InvalidArgument", "members");

  r = c_->Get("/api/v1/audit?limit=2", dpo_);
  ASSERT_EQ(r.status, 200) << r.body;
  json page = r.Json();
  ASSERT_EQ(page["entries"].size(), 2u);
  ASSERT_TRUE(page["next_after"].is_number());
  r = c_->Get("/api/v1/audit?limit=2&after=" + std::to_string(page["next_after"].get<int64_t>()),
              dpo_);
  EXPECT_GT(r.Json()["entries"][0]["seq"].get<int64_t>(), page["entries"][1]["seq"].get<int64_t>());
  ExpectError(c_->Get("/api/v1/audit", fr_), 403, "PermissionDenied");
  ExpectError(c_->Get("/api/v1/audit?after=x", dpo_), 400, "InvalidArgument", "after");
}

TEST_F(ApiTest, HitsAndAccessRequestsOverHttp) {
  const std::string mine =
      Create(PersonJson("Ivan Petrov", "1970-01-02", Handling("LIMITED", "owner")));
  const std::string theirs =
      Create(PersonJson("Ivan Petrov", "1970-01-02", Handling("LIMITED", "owner")), fr_);
  Response r = c_->Get("/api/v1/hits", fr_);
  ASSERT_EQ(r.status, 200) << r.body;
  const json hits = r.Json()["hits"];
  ASSERT_EQ(hits.size(), 1u) << r.body;
  EXPECT_EQ(hits[0]["your_record"], theirs);
  EXPECT_TRUE(hits[0]["other_record"].is_null());
  EXPECT_EQ(r.body.find(mine), std::string::npos);
  const std::string hit_id = hits[0]["id"];

  ExpectError(c_->Post("/api/v1/hits/" + hit_id + "/access-requests", fr_, R"({})"), 400,
              "InvalidArgument", "justification");
  r = c_->Post("/api/v1/hits/" + hit_id + "/access-requests", fr_,
               R"({"justification":"Same person boarded AF1234; need the file"})");
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string req_id = r.Json()["id"];
  EXPECT_TRUE(r.Json()["record_id"].is_null());
  ExpectError(c_->Post("/api/v1/hits/" + hit_id + "/access-requests", fr_,
                       R"({"justification":"Same person boarded AF1234; again"})"),
              409, "AlreadyExists");
  ExpectError(c_->Get("/api/v1/records/" + mine, fr_), 404, "NotFound");

  r = c_->Get("/api/v1/access-requests", it_);
  ASSERT_EQ(r.status, 200);
  ASSERT_EQ(r.Json()["access_requests"].size(), 1u);
  EXPECT_EQ(r.Json()["access_requests"][0]["direction"], "incoming");
  ExpectError(c_->Post("/api/v1/access-requests/" + req_id + "/refuse", it_, R"({})"), 400,
              "InvalidArgument", "reason");
  r = c_->Post("/api/v1/access-requests/" + req_id + "/grant", it_, R"({"reason":"JIT partner"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["status"], "granted");
  ExpectError(c_->Post("/api/v1/access-requests/" + req_id + "/refuse", it_,
                       R"({"reason":"changed my mind"})"),
              409, "FailedPrecondition");
  EXPECT_EQ(c_->Get("/api/v1/records/" + mine, fr_).status, 200);
}

TEST_F(ApiTest, ConcurrentClientsOverKeepAlive) {
  const std::string id =
      Create(PersonJson("Concorrente", "1950-01-01", Handling("LIMITED", "owner")));
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&] {
      HttpClient c(h_->port());
      for (int i = 0; i < 30; ++i) {
        if (c.Get("/api/v1/records/" + id, it_).status == 200) ++ok;
      }
      EXPECT_EQ(c.connects(), 1);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 180);
}

}  // namespace
}  // namespace issa::integration
