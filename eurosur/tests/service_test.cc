// EurosurService over a real Node (in-memory store, manual clock): workflows, pictures, access.
#include "issa/eurosur/service.h"

#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "node_fixture.h"

namespace issa::eurosur {
namespace {

using nlohmann::json;

// The hand-drawn sections of tests/data/maritime (IT, GR and ES; see border-sections.md).
std::string Sections() {
  std::ifstream in(std::string(ISSA_MARITIME_TEST_DATA) + "/border-sections.geojson");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class EurosurTest : public node::testing::NodeFixture {
 protected:
  void SetUp() override {
    NodeFixture::SetUp();
    for (const auto& [id, country, kinds] :
         {std::tuple{"EU-FRONTEX", "EU",
                     std::vector{core::AuthorityKind::kEuAgency, core::AuthorityKind::kBorder}},
          std::tuple{"GR-NCC", "GR", std::vector{core::AuthorityKind::kBorder}},
          std::tuple{"ES-NCC", "ES", std::vector{core::AuthorityKind::kBorder}}}) {
      ASSERT_TRUE(node_->AddAuthority(system_, {id, country, kinds, "", 0}).ok());
    }
    service_ = std::make_unique<EurosurService>(*node_);
    it_ = As("IT-NCC");
    gr_ = As("GR-NCC");
    agency_ = As("EU-FRONTEX");
    police_ = As("DE-BKA");
  }

  static json Ok(const Result<std::string>& r) {
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? json::parse(*r) : json();
  }

  void ImportSections() { Ok(service_->ImportSections(agency_, Sections())); }

  std::string Report(const node::Context& ctx, double lat, double lon,
                     const std::string& extra = "", core::Timestamp occurred = 0,
                     const std::string& impact = "high") {
    if (occurred == 0) occurred = clock_.Now() - 3'600'000;
    json body = json::parse(fmt::format(
        R"({{"category":"unauthorised_border_crossing","description":"boat with 40 people",
             "lat":{},"lon":{},"occurred_at":{},"confidence":"high","impact":"{}"{}}})",
        lat, lon, occurred, impact, extra));
    json out = Ok(service_->ReportEvent(ctx, body.dump()));
    return out.value("id", "");
  }

  json Get(const node::Context& ctx, const PictureRef& ref, Layer layer, LayerQuery q = {}) {
    return Ok(service_->LayerGeoJson(ctx, ref, layer, q));
  }

  static bool HasFeature(const json& fc, const std::string& id) {
    for (const auto& f : fc["features"]) {
      if (f.value("id", "") == id) return true;
    }
    return false;
  }

  std::unique_ptr<EurosurService> service_;
  node::Context it_, gr_, agency_, police_;
};

TEST_F(EurosurTest, ImportsSectionsOnlyForTheAgencyOrTheOwnNcc) {
  Result<std::string> r = service_->ImportSections(gr_, Sections());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied);
  Result<std::string> bad = service_->ImportSections(agency_, R"({"type":"FeatureCollection"})");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().field(), "features");
  ImportSections();
  json list = Ok(service_->ListSections(it_));
  ASSERT_EQ(list["sections"].size(), 6u);
  EXPECT_EQ(list["sections"][0]["level"], "low");
  EXPECT_EQ(service_->ImportSections(agency_, Sections()).status().code(),
            StatusCode::kAlreadyExists);
  EXPECT_TRUE(Logged("record.create", "ok"));
}

TEST_F(EurosurTest, NccProposesAgencyAttributesAndTasksReachTheNcc) {
  ImportSections();
  json p = Ok(service_->ProposeLevel(it_, "IT-SEA-PELAGIE",
                                     R"({"level":"high","reason":"arrivals tripled"})"));
  const std::string proposal = p["state"]["proposal"]["id"];
  EXPECT_EQ(p["state"]["proposal"]["status"], "agreed");  // the NCC's own proposal
  // Another member state's NCC may not propose here; a second open proposal is refused.
  EXPECT_EQ(service_->ProposeLevel(gr_, "IT-SEA-PELAGIE", R"({"level":"medium","reason":"x"})")
                .status()
                .code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(service_->ProposeLevel(it_, "IT-SEA-PELAGIE", R"({"level":"medium","reason":"x"})")
                .status()
                .code(),
            StatusCode::kFailedPrecondition);
  // The NCC cannot attribute; the agency can.
  EXPECT_EQ(service_
                ->DecideProposal(it_, "IT-SEA-PELAGIE", EurosurService::Decision::kAttribute,
                                 json{{"proposal_id", proposal}}.dump())
                .status()
                .code(),
            StatusCode::kPermissionDenied);
  clock_.Advance(60'000);
  json a =
      Ok(service_->DecideProposal(agency_, "IT-SEA-PELAGIE", EurosurService::Decision::kAttribute,
                                  json{{"proposal_id", proposal}}.dump()));
  EXPECT_EQ(a["state"]["level"], "high");
  EXPECT_FALSE(a["tasks"].empty());
  json tasks = Ok(service_->ListTasks(it_));
  ASSERT_FALSE(tasks["tasks"].empty());
  bool reinforced = false;
  for (const auto& t : tasks["tasks"]) {
    EXPECT_EQ(t["addressee"], "IT-NCC");
    EXPECT_EQ(t["raised_by"], "EU-FRONTEX");
    reinforced = reinforced || t["action"] == "reinforced_measures";
  }
  EXPECT_TRUE(reinforced);
  EXPECT_TRUE(Ok(service_->ListTasks(gr_))["tasks"].empty());
  json impact = Ok(service_->SectionImpact(agency_, "IT-SEA-PELAGIE"));
  ASSERT_EQ(impact["state"]["history"].size(), 3u) << impact.dump();
  EXPECT_EQ(impact["state"]["history"][0]["step"], "proposed");
  EXPECT_EQ(impact["state"]["history"][0]["actor"], "IT-NCC");
  EXPECT_EQ(impact["state"]["history"][1]["step"], "agreed");
  EXPECT_EQ(impact["state"]["history"][2]["step"], "attributed");
  EXPECT_EQ(impact["state"]["history"][2]["actor"], "EU-FRONTEX");
  EXPECT_EQ(impact["seq"], 2);
}

TEST_F(EurosurTest, RefusalKeepsTheLevelAndCriticalExpires) {
  ImportSections();
  const core::Timestamp until = clock_.Now() + 3 * core::kMsPerDay;
  json p = Ok(service_->ProposeLevel(
      agency_, "GR-SEA-LESVOS",
      json{{"level", "critical"}, {"reason", "risk analysis"}, {"critical_until", until}}.dump()));
  const std::string first = p["state"]["proposal"]["id"];
  // Refusal needs a reason; then the level stays low.
  EXPECT_EQ(service_
                ->DecideProposal(gr_, "GR-SEA-LESVOS", EurosurService::Decision::kRefuse,
                                 json{{"proposal_id", first}}.dump())
                .status()
                .field(),
            "reason");
  json r = Ok(service_->DecideProposal(gr_, "GR-SEA-LESVOS", EurosurService::Decision::kRefuse,
                                       json{{"proposal_id", first}, {"reason", "no"}}.dump()));
  EXPECT_EQ(r["state"]["level"], "low");
  EXPECT_EQ(service_
                ->DecideProposal(agency_, "GR-SEA-LESVOS", EurosurService::Decision::kAttribute,
                                 json{{"proposal_id", first}}.dump())
                .status()
                .code(),
            StatusCode::kFailedPrecondition);
  // Second time the member state agrees: critical until `until`, then back to low.
  json p2 = Ok(service_->ProposeLevel(
      agency_, "GR-SEA-LESVOS",
      json{{"level", "critical"}, {"reason", "again"}, {"critical_until", until}}.dump()));
  const std::string second = p2["state"]["proposal"]["id"];
  Ok(service_->DecideProposal(gr_, "GR-SEA-LESVOS", EurosurService::Decision::kAgree,
                              json{{"proposal_id", second}}.dump()));
  json att =
      Ok(service_->DecideProposal(agency_, "GR-SEA-LESVOS", EurosurService::Decision::kAttribute,
                                  json{{"proposal_id", second}}.dump()));
  EXPECT_EQ(att["state"]["level"], "critical");
  clock_.Set(until + 1);
  json shown = Ok(service_->SectionImpact(gr_, "GR-SEA-LESVOS"));
  EXPECT_EQ(shown["state"]["level"], "low");
  EXPECT_TRUE(shown["unrecorded_changes"].get<bool>());
  json adv = Ok(service_->AdvanceSection(gr_, "GR-SEA-LESVOS"));
  EXPECT_TRUE(adv["recorded"].get<bool>());
  EXPECT_EQ(adv["state"]["history"].back()["step"], "critical_expired");
  json list = Ok(service_->ListSections(police_));
  // Purpose limitation: the police (crime purpose) sees no border sections.
  EXPECT_TRUE(list["sections"].empty());
}

TEST_F(EurosurTest, EventLifeCycleFollowUpsLatenessAndRfi) {
  ImportSections();
  const core::Timestamp occurred = clock_.Now() - 30 * 3'600'000;  // learned 30 h ago
  const std::string id = Report(it_, 35.5, 12.5, "", occurred);
  json ev = Ok(service_->GetEvent(it_, id));
  EXPECT_EQ(ev["event"]["state"], "reported");
  EXPECT_TRUE(ev["timing"]["late"].get<bool>());
  json fu = Ok(service_->AddFollowUp(it_, id, R"({"description":"rescued","impact":"medium"})"));
  EXPECT_EQ(fu["event"]["state"], "updated");
  EXPECT_EQ(fu["event"]["follow_ups"].size(), 1u);
  // The events layer shows one feature per event, not the follow-up.
  json layer = Get(it_, {PictureKind::kNational, {}}, Layer::kEvents);
  ASSERT_EQ(layer["features"].size(), 1u);
  EXPECT_EQ(layer["features"][0]["properties"]["late"], true);
  EXPECT_EQ(layer["features"][0]["properties"]["state"], "updated");
  json rev = Ok(service_->ReviseImpact(it_, id, R"({"level":"very_high","reason":"deaths"})"));
  EXPECT_EQ(rev["event"]["impact"], "very_high");
  // RFI to Greece, answered by Greece only.
  json rfi = Ok(service_->RequestInformation(
      it_, id, R"({"addressee":"GR-NCC","purpose":"complete_information","question":"seen?"})"));
  const std::string rfi_id = rfi["id"];
  EXPECT_EQ(service_->AnswerRequest(police_, rfi_id, R"({"text":"x"})").status().code(),
            StatusCode::kNotFound);
  json ans = Ok(service_->AnswerRequest(gr_, rfi_id, R"({"text":"yes, at 03:00"})"));
  ASSERT_EQ(ans["request"]["answers"].size(), 1u);
  json back = Ok(service_->GetRequest(it_, rfi_id));
  ASSERT_EQ(back["request"]["answers"].size(), 1u);
  EXPECT_EQ(back["request"]["answers"][0]["answered_by"], "GR-NCC");
  // Close needs a valid reason; then no more steps.
  EXPECT_EQ(service_->CloseEvent(it_, id, R"({"reason":"gone"})").status().field(), "reason");
  json closed = Ok(service_->CloseEvent(it_, id, R"({"reason":"ended"})"));
  EXPECT_EQ(closed["event"]["state"], "closed");
  EXPECT_EQ(service_->AddFollowUp(it_, id, R"({"description":"late news"})").status().code(),
            StatusCode::kFailedPrecondition);
  json hist = json::array();
  auto versions = node_->GetHistory(it_, id);
  ASSERT_TRUE(versions.ok());
  EXPECT_EQ(versions->size(), 4u);  // reported, follow-up, impact revised, closed
}

TEST_F(EurosurTest, RestrictedEventStaysOutOfOtherPictures) {
  ImportSections();
  const std::string restricted = Report(
      it_, 35.5, 12.5,
      R"(,"handling":{"classification":"RESTRICTED","distribution":"owner","purposes":["border"]})");
  const std::string shared = Report(it_, 35.6, 12.6);
  for (Layer l : {Layer::kEvents, Layer::kOperational, Layer::kAnalysis}) {
    json mine = Get(it_, {PictureKind::kNational, {}}, l);
    json eu = Get(agency_, {PictureKind::kEuropean, {}}, l);
    json gr = Get(gr_, {PictureKind::kEuropean, {}}, l);
    json police = Get(police_, {PictureKind::kNational, {}}, l);
    EXPECT_FALSE(HasFeature(eu, restricted));
    EXPECT_FALSE(HasFeature(gr, restricted));
    EXPECT_FALSE(HasFeature(police, restricted));
    if (l == Layer::kEvents) {
      EXPECT_TRUE(HasFeature(mine, restricted));
      EXPECT_TRUE(HasFeature(eu, shared));
      EXPECT_FALSE(HasFeature(gr, shared));  // shared with the Agency only
    }
  }
  EXPECT_EQ(service_->LayerGeoJson(police_, {PictureKind::kEuropean, {}}, Layer::kEvents, {})
                .status()
                .code(),
            StatusCode::kPermissionDenied);
}

TEST_F(EurosurTest, EuropeanPictureKeepsOnlyVesselIdentifiers) {
  ImportSections();
  const std::string id = Report(
      it_, 35.5, 12.5,
      R"(,"mmsi":["247123456"],"imo":["9123456"],"call_signs":["IABC"],"persons_involved":["Mario Rossi"])");
  json national = Get(it_, {PictureKind::kNational, {}}, Layer::kEvents);
  ASSERT_EQ(national["features"].size(), 1u);
  EXPECT_TRUE(national["features"][0]["properties"].contains("persons_involved"));
  json eu = Get(agency_, {PictureKind::kEuropean, {}}, Layer::kEvents);
  ASSERT_TRUE(HasFeature(eu, id));
  const json& p = eu["features"][0]["properties"];
  EXPECT_FALSE(p.contains("persons_involved"));
  EXPECT_EQ(p["mmsi"][0], "247123456");
  EXPECT_EQ(p["imo"][0], "9123456");
  EXPECT_EQ(p["call_signs"][0], "IABC");
}

TEST_F(EurosurTest, OperationPictureOnlyForMembersAndFilters) {
  ImportSections();
  auto group = node_->CreateGroup(
      agency_, R"({"name":"Themis","kind":"sharing-group","members":["IT-NCC","EU-FRONTEX"]})");
  ASSERT_TRUE(group.ok()) << group.status().ToString();
  const std::string handling = fmt::format(
      R"(,"handling":{{"classification":"LIMITED","distribution":"group","group":"{}","purposes":["border"]}})",
      group->id);
  const std::string early = Report(it_, 35.5, 12.5, handling, clock_.Now() - 10 * 3'600'000);
  const std::string late = Report(it_, 35.9, 13.1, handling, clock_.Now() - 3'600'000);
  Report(it_, 35.4, 12.4);  // not shared with the operation
  const PictureRef op{PictureKind::kOperation, group->id};
  json all = Get(agency_, op, Layer::kEvents);
  EXPECT_EQ(all["features"].size(), 2u);
  LayerQuery since;
  since.since = clock_.Now() - 5 * 3'600'000;
  json recent = Get(agency_, op, Layer::kEvents, since);
  ASSERT_EQ(recent["features"].size(), 1u);
  EXPECT_EQ(recent["features"][0]["id"], late);
  LayerQuery box;
  box.bbox = core::BBox{12.0, 35.0, 12.8, 35.7};
  json boxed = Get(it_, op, Layer::kEvents, box);
  ASSERT_EQ(boxed["features"].size(), 1u);
  EXPECT_EQ(boxed["features"][0]["id"], early);
  EXPECT_EQ(service_->LayerGeoJson(gr_, op, Layer::kEvents, {}).status().code(),
            StatusCode::kNotFound);
  // Operational layer: assets shared with the operation.
  ASSERT_TRUE(
      node_
          ->CreateRecord(
              it_,
              fmt::format(
                  R"({{"type":"Asset","properties":{{"name":"CP 940","asset_type":"vessel","status":"patrolling","commander":"Capt. Bianchi"}},"geometry":{{"type":"Point","coordinates":[12.6,35.5]}}{}}})",
                  handling))
          .ok());
  json ops = Get(agency_, op, Layer::kOperational);
  ASSERT_EQ(ops["features"].size(), 1u);
  EXPECT_EQ(ops["features"][0]["properties"]["status"], "patrolling");
}

TEST_F(EurosurTest, HotSpotsFromPlantedIncidents) {
  ImportSections();
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> lat(35.2, 36.0), lon(11.8, 13.2), jitter(-0.01, 0.01);
  for (int i = 0; i < 40; ++i) Report(it_, lat(rng), lon(rng), "", 0, "low");
  for (int i = 0; i < 30; ++i) Report(it_, 35.50 + jitter(rng), 12.50 + jitter(rng), "", 0, "low");
  json analysis = Get(it_, {PictureKind::kNational, {}}, Layer::kAnalysis);
  int hotspots = 0;
  bool near = false;
  bool section = false;
  for (const auto& f : analysis["features"]) {
    const std::string kind = f["properties"].value("kind", "");
    if (kind == "section_impact") section = true;
    if (kind != "hotspot") continue;
    ++hotspots;
    const auto& ring = f["geometry"]["coordinates"][0];
    const double cx = (ring[0][0].get<double>() + ring[2][0].get<double>()) / 2;
    const double cy = (ring[0][1].get<double>() + ring[2][1].get<double>()) / 2;
    if (std::abs(cx - 12.5) < 0.1 && std::abs(cy - 35.5) < 0.1) near = true;
    EXPECT_EQ(f["properties"]["section_id"], "IT-SEA-PELAGIE");
  }
  EXPECT_TRUE(section);
  EXPECT_GT(hotspots, 0);
  EXPECT_TRUE(near);
  // The incidents also suggest a level for the section (70 low incidents: medium from 10).
  json impact = Ok(service_->SectionImpact(it_, "IT-SEA-PELAGIE"));
  EXPECT_EQ(impact["suggestion"]["level"], "high");
}

}  // namespace
}  // namespace issa::eurosur
