// The live vessel picture: who may read it, that every read is audited, bbox and time filters,
// level of detail beyond the limit, and one track's history.
#include "issa/maritime/picture.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace issa::maritime {
namespace {

using nlohmann::json;

struct Audited {
  std::string user, action, target, outcome;
};

class PictureTest : public ::testing::Test {
 protected:
  PictureTest()
      : picture_({}, {},
                 [this](const PictureReader& r, std::string_view action, std::string_view target,
                        std::string_view outcome) {
                   audit_.push_back({r.principal.user_id, std::string(action), std::string(target),
                                     std::string(outcome)});
                 }) {
    // 100 vessels on a 10 x 10 grid of 0.1° over the Sicily Channel, each heard twice.
    for (int round = 0; round < 2; ++round) {
      for (int i = 0; i < 100; ++i) {
        PositionReport r;
        r.mmsi = 247'000'000 + static_cast<uint32_t>(i);
        r.time = kT0 + round * 10'000 + i;
        r.lat = 36.0 + (i / 10) * 0.1 + round * 0.0003;
        r.lon = 12.0 + (i % 10) * 0.1;
        r.sog_knots = 6;
        picture_.Ingest(r);
      }
    }
  }

  static PictureReader Reader(core::Role role, core::PurposeSet purposes) {
    PictureReader r;
    r.principal.user_id = "u-" + std::to_string(static_cast<int>(role)) + "-" +
                          std::to_string(static_cast<int>(purposes));
    r.principal.authority = "IT-NCC";
    r.principal.role = role;
    r.principal.purposes = purposes;
    r.request_id = "req-1";
    return r;
  }

  static constexpr core::Timestamp kT0 = 1'700'000'000'000;
  std::vector<Audited> audit_;
  LivePicture picture_;
};

constexpr auto kBorder = static_cast<core::PurposeSet>(core::Purpose::kBorder);
constexpr auto kCrime = static_cast<core::PurposeSet>(core::Purpose::kCrime);

TEST_F(PictureTest, NeedsTheBorderPurposeAndAuditsTheRefusal) {
  const auto denied = picture_.TracksGeoJson(Reader(core::Role::kAnalyst, kCrime), {});
  EXPECT_EQ(denied.status().code(), StatusCode::kPermissionDenied);
  ASSERT_EQ(audit_.size(), 1u);
  EXPECT_EQ(audit_[0].action, "maritime.tracks.read");
  EXPECT_EQ(audit_[0].outcome, "denied");
  // A role that does not read records is refused even with the purpose.
  EXPECT_EQ(picture_.TrackGeoJson(Reader(core::Role::kOverseer, kBorder), 1).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(audit_.back().outcome, "denied");
}

TEST_F(PictureTest, FiltersByBoxAndTimeAndAuditsTheRead) {
  TrackQuery q;
  q.bbox = core::BBox{12.05, 36.05, 12.25, 36.25};  // lon 12.1, 12.2 x lat 36.1, 36.2
  auto body = picture_.TracksGeoJson(Reader(core::Role::kOfficer, kBorder), q);
  ASSERT_TRUE(body.ok()) << body.status().ToString();
  const json fc = json::parse(*body);
  EXPECT_EQ(fc["type"], "FeatureCollection");
  EXPECT_EQ(fc["total"], 4);
  EXPECT_FALSE(fc["clustered"].get<bool>());
  ASSERT_EQ(fc["features"].size(), 4u);
  for (const json& f : fc["features"]) {
    const double lon = f["geometry"]["coordinates"][0], lat = f["geometry"]["coordinates"][1];
    EXPECT_TRUE(lon >= 12.05 && lon <= 12.25 && lat >= 36.05 && lat <= 36.25) << f;
    EXPECT_EQ(f["properties"]["kind"], "track");
    EXPECT_EQ(f["properties"]["reports"], 2);
  }
  ASSERT_EQ(audit_.size(), 1u);
  EXPECT_EQ(audit_[0].outcome, "ok");
  EXPECT_EQ(audit_[0].target, "bbox=12.05,36.05,12.25,36.25");
  // Nothing heard after the second round.
  TrackQuery later;
  later.since = kT0 + 20'000;
  const json none =
      json::parse(*picture_.TracksGeoJson(Reader(core::Role::kViewer, kBorder), later));
  EXPECT_EQ(none["total"], 0);
  EXPECT_TRUE(none["features"].empty());
}

TEST_F(PictureTest, ClustersBeyondTheLimitAndKeepsTheCount) {
  TrackQuery q;
  q.limit = 16;  // a 4 x 4 grid
  const json fc = json::parse(*picture_.TracksGeoJson(Reader(core::Role::kAnalyst, kBorder), q));
  EXPECT_TRUE(fc["clustered"].get<bool>());
  EXPECT_EQ(fc["total"], 100);
  ASSERT_LE(fc["features"].size(), 16u);
  int count = 0;
  for (const json& f : fc["features"]) {
    EXPECT_EQ(f["properties"]["kind"], "cluster");
    count += f["properties"]["count"].get<int>();
  }
  EXPECT_EQ(count, 100);
}

TEST_F(PictureTest, GivesOneTrackWithItsHistory) {
  const auto one = picture_.TrackGeoJson(Reader(core::Role::kOfficer, kBorder), 1);
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  const json f = json::parse(*one);
  EXPECT_EQ(f["id"], 1);
  EXPECT_EQ(f["properties"]["mmsi"], 247'000'000);
  EXPECT_EQ(f["properties"]["first_seen"], "2023-11-14T22:13:20.000Z");
  const auto missing = picture_.TrackGeoJson(Reader(core::Role::kOfficer, kBorder), 100'000);
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  ASSERT_EQ(audit_.size(), 2u);
  EXPECT_EQ(audit_[0].target, "track/1");
  EXPECT_EQ(audit_[1].outcome, "not_found");
  picture_.Clear();
  EXPECT_EQ(picture_.size(), 0u);
}

TEST_F(PictureTest, PublishesTrackUpdatesToSubscribersInTheirBox) {
  std::vector<std::string> all, boxed;
  EXPECT_EQ(
      picture_.Subscribe(Reader(core::Role::kAnalyst, kCrime), std::nullopt, {}).status().code(),
      StatusCode::kPermissionDenied);
  auto everything = picture_.Subscribe(Reader(core::Role::kOfficer, kBorder), std::nullopt,
                                       [&](const std::string& j) { all.push_back(j); });
  ASSERT_TRUE(everything.ok());
  auto some = picture_.Subscribe(Reader(core::Role::kOfficer, kBorder),
                                 core::BBox{11.95, 35.95, 12.05, 36.05},
                                 [&](const std::string& j) { boxed.push_back(j); });
  ASSERT_TRUE(some.ok());
  EXPECT_EQ(picture_.Publish(30), 100u);  // every track is new
  ASSERT_EQ(all.size(), 1u);
  const json first = json::parse(all[0]);
  EXPECT_EQ(first["tracks"].size(), 30u);  // capped ...
  EXPECT_TRUE(first["more"].get<bool>());  // ... and says so
  ASSERT_EQ(boxed.size(), 1u);
  EXPECT_EQ(json::parse(boxed[0])["tracks"].size(), 1u);  // the vessel at 36.0, 12.0
  // Nothing new: nothing sent. One vessel heard again: only it.
  EXPECT_EQ(picture_.Publish(), 0u);
  PositionReport r;
  r.mmsi = 247'000'055;
  r.time = kT0 + 60'000;
  r.lat = 36.5003;
  r.lon = 12.5;
  picture_.Ingest(r);
  EXPECT_EQ(picture_.Publish(), 1u);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(json::parse(all[1])["tracks"][0]["mmsi"], 247'000'055);
  EXPECT_EQ(boxed.size(), 1u);  // outside its box
  some->reset();
  everything->reset();
  picture_.Ingest([&] {
    r.time += 10'000;
    return r;
  }());
  picture_.Publish();
  EXPECT_EQ(all.size(), 2u);  // unsubscribed
  EXPECT_EQ(audit_.back().action, "maritime.tracks.subscribe");
}

}  // namespace
}  // namespace issa::maritime
