#include "issa/maritime/hotspots.h"

#include <array>
#include <cmath>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace issa::maritime {
namespace {

constexpr core::Timestamp kT0 = 1'790'000'000'000;
constexpr core::Timestamp kDay = core::kMsPerDay;

// Worked by hand: one row [0, 0, 10, 0, 0], radius 1. n = 5, mean = 2, S = sqrt(100/5 - 4) = 4.
// Middle cells: W = 3, sum = 10: (10 - 2*3) / (4 * sqrt((5*3 - 9) / 4)) = 4 / 4.89898 = 0.81650.
// End cells: W = 2, sum = 0: (0 - 2*2) / (4 * sqrt((5*2 - 4) / 4)) = -0.81650.
TEST(GiStar, OneRowByHand) {
  const auto z = GiStarScores({0, 0, 10, 0, 0}, 1, 5, 1);
  ASSERT_TRUE(z.ok()) << z.status().ToString();
  const std::vector<double> expected = {-0.816497, 0.816497, 0.816497, 0.816497, -0.816497};
  for (size_t i = 0; i < 5; ++i) EXPECT_NEAR((*z)[i], expected[i], 1e-6) << i;
}

// 3 x 3, rows from the south: [4 2 0 / 2 1 0 / 0 0 0]. n = 9, mean = 1, S = sqrt(25/9 - 1) = 4/3.
// (0,0): W = 4, sum = 9: (9 - 4) / (4/3 * sqrt((36 - 16) / 8)) = 5 / 2.108185 = 2.371708.
// (0,1): W = 6, sum = 9: (9 - 6) / (4/3 * sqrt((54 - 36) / 8)) = 3 / 2 = 1.5.
// (1,1): W = 9 = n: the neighbourhood is the whole area, z = 0.
// (2,2): W = 4, sum = 1: (1 - 4) / 2.108185 = -1.423025.
TEST(GiStar, ThreeByThreeByHand) {
  const auto z = GiStarScores({4, 2, 0, 2, 1, 0, 0, 0, 0}, 3, 3, 1);
  ASSERT_TRUE(z.ok());
  EXPECT_NEAR((*z)[0], 2.371708, 1e-6);
  EXPECT_NEAR((*z)[1], 1.5, 1e-9);
  EXPECT_NEAR((*z)[3], 1.5, 1e-9);  // symmetric
  EXPECT_DOUBLE_EQ((*z)[4], 0);
  EXPECT_NEAR((*z)[8], -1.423025, 1e-6);
}

// With the last two cells outside the area the row is [0, 0, 10]: n = 3, mean = 10/3,
// S = sqrt(100/3 - 100/9) = 4.714045. Cell 2: W = 2, sum = 10:
// (10 - 20/3) / (S * sqrt((6 - 4) / 2)) = 0.707107; cell 0: (0 - 20/3) / S = -1.414214.
TEST(GiStar, OutsideTheAreaIsLeftOut) {
  const auto z = GiStarScores({0, 0, 10, 50, 50}, 1, 5, 1, {true, true, true, false, false});
  ASSERT_TRUE(z.ok());
  EXPECT_NEAR((*z)[0], -1.414214, 1e-6);
  EXPECT_DOUBLE_EQ((*z)[1], 0);
  EXPECT_NEAR((*z)[2], 0.707107, 1e-6);
  EXPECT_DOUBLE_EQ((*z)[3], 0);
  EXPECT_DOUBLE_EQ((*z)[4], 0);
}

TEST(GiStar, ConstantAndBadInput) {
  const auto z = GiStarScores(std::vector<double>(16, 3), 4, 4, 1);
  ASSERT_TRUE(z.ok());
  for (const double v : *z) EXPECT_EQ(v, 0);
  EXPECT_EQ(GiStarScores({1, 2}, 1, 3, 1).status().field(), "values");
  EXPECT_EQ(GiStarScores({1, 2, 3}, 1, 3, 0).status().field(), "radius");
  EXPECT_EQ(GiStarScores({1, 2, 3}, 1, 3, 1, {true}).status().field(), "in_area");
}

// A 1 x 1 degree area south of Sicily: 5 km cells give 23 x 19 cells.
const core::BBox kArea{12.0, 35.0, 13.0, 36.0};

std::vector<IncidentPoint> Uniform(int count, uint32_t seed, core::Timestamp t = kT0) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> lat(kArea.min_lat, kArea.max_lat);
  std::uniform_real_distribution<double> lon(kArea.min_lon, kArea.max_lon);
  std::vector<IncidentPoint> out;
  for (int i = 0; i < count; ++i) {
    out.push_back({"u" + std::to_string(i), t, lat(rng), lon(rng), IncidentImpact::kLow, ""});
  }
  return out;
}

// `count` incidents within about 3 km of (lat, lon).
void Plant(std::vector<IncidentPoint>& out, int count, double lat, double lon, uint32_t seed,
           core::Timestamp t = kT0) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> d(-0.025, 0.025);
  for (int i = 0; i < count; ++i) {
    out.push_back(
        {"c" + std::to_string(i), t, lat + d(rng), lon + d(rng), IncidentImpact::kHigh, ""});
  }
}

double DistanceKm(double lat1, double lon1, double lat2, double lon2) {
  const double dy = (lat2 - lat1) * 111.195;
  const double dx = (lon2 - lon1) * 111.195 * std::cos((lat1 + lat2) / 2 * std::numbers::pi / 180);
  return std::hypot(dx, dy);
}

HotspotSettings Settings(double confidence) {
  HotspotSettings s;
  s.cell_size_m = 5'000;
  s.neighbourhood_cells = 1;
  s.from = kT0 - kDay;
  s.to = kT0 + kDay;
  s.min_confidence = confidence;
  return s;
}

TEST(Hotspots, FindsAPlantedCluster) {
  std::vector<IncidentPoint> incidents = Uniform(400, 7);
  Plant(incidents, 60, 35.52, 12.48, 11);
  const auto r = FindHotspots(incidents, kArea, Settings(0.99));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rows, 23);
  EXPECT_EQ(r->cols, 19);
  EXPECT_EQ(r->incidents_used, 460u);
  ASSERT_FALSE(r->hotspots.empty());
  // The strongest hot spot is at the cluster, and every 99 % hot spot is next to it.
  const Hotspot& top = r->hotspots.front();
  const double top_lat = (top.cell.min_lat + top.cell.max_lat) / 2;
  const double top_lon = (top.cell.min_lon + top.cell.max_lon) / 2;
  EXPECT_LT(DistanceKm(top_lat, top_lon, 35.52, 12.48), 8);
  EXPECT_GE(top.z, 2.575829);
  EXPECT_DOUBLE_EQ(top.confidence, 0.99);
  for (const Hotspot& h : r->hotspots) {
    const double lat = (h.cell.min_lat + h.cell.max_lat) / 2;
    const double lon = (h.cell.min_lon + h.cell.max_lon) / 2;
    EXPECT_LT(DistanceKm(lat, lon, 35.52, 12.48), 16) << h.row << "," << h.col << " z " << h.z;
  }
  // The feature for the analysis layer.
  const nlohmann::json f = nlohmann::json::parse(top.feature_json);
  EXPECT_EQ(f["type"], "Feature");
  EXPECT_EQ(f["geometry"]["type"], "Polygon");
  EXPECT_EQ(f["geometry"]["coordinates"][0].size(), 5u);
  EXPECT_EQ(f["properties"]["kind"], "hotspot");
  EXPECT_EQ(f["properties"]["layer"], "analysis");
  EXPECT_DOUBLE_EQ(f["properties"]["z"].get<double>(), top.z);
  EXPECT_DOUBLE_EQ(f["properties"]["confidence"].get<double>(), 0.99);
  EXPECT_EQ(f["properties"]["period_from"], core::FormatTimestamp(kT0 - kDay));
  EXPECT_FALSE(f["properties"].contains("section_id"));
}

TEST(Hotspots, UniformNoiseGivesFewHotspots) {
  size_t total = 0;
  size_t cells = 0;
  for (uint32_t seed = 1; seed <= 5; ++seed) {
    const auto r = FindHotspots(Uniform(2'000, seed), kArea, Settings(0.99));
    ASSERT_TRUE(r.ok());
    total += r->hotspots.size();
    cells += r->cells_in_area;
    EXPECT_LE(r->hotspots.size(), r->cells_in_area * 4 / 100) << "seed " << seed;
  }
  // About 1 % of cells are expected above z = 2.58 by chance.
  EXPECT_LE(static_cast<double>(total) / static_cast<double>(cells), 0.015);
}

TEST(Hotspots, PerSectionAndPeriod) {
  std::vector<IncidentPoint> incidents = Uniform(2'000, 3);
  Plant(incidents, 60, 35.52, 12.75, 5);                  // in section EAST
  Plant(incidents, 60, 35.30, 12.25, 6, kT0 + 5 * kDay);  // WEST, but after the period
  const SectionLocator locator = [](double lat, double lon) -> std::optional<std::string> {
    if (lat < kArea.min_lat || lat > kArea.max_lat) return std::nullopt;
    return lon < 12.5 ? "WEST" : "EAST";
  };
  const auto east = FindHotspots(incidents, kArea, Settings(0.99), "EAST", locator);
  ASSERT_TRUE(east.ok()) << east.status().ToString();
  ASSERT_FALSE(east->hotspots.empty());
  EXPECT_LT(east->cells_in_area, static_cast<size_t>(east->rows * east->cols));
  for (const Hotspot& h : east->hotspots) {
    EXPECT_GE(h.cell.min_lon, 12.45);
    const nlohmann::json f = nlohmann::json::parse(h.feature_json);
    EXPECT_EQ(f["properties"]["section_id"], "EAST");
  }
  // The WEST cluster lies after the period: only background counts there, and no hot spot is
  // as strong as the one the cluster makes once the period covers it.
  const auto west = FindHotspots(incidents, kArea, Settings(0.99), "WEST", locator);
  ASSERT_TRUE(west.ok());
  HotspotSettings later = Settings(0.99);
  later.to = kT0 + 6 * kDay;
  const auto west_later = FindHotspots(incidents, kArea, later, "WEST", locator);
  ASSERT_TRUE(west_later.ok());
  EXPECT_EQ(west_later->incidents_used, west->incidents_used + 60);
  ASSERT_FALSE(west_later->hotspots.empty());
  const Hotspot& top = west_later->hotspots.front();
  EXPECT_LT(DistanceKm((top.cell.min_lat + top.cell.max_lat) / 2,
                       (top.cell.min_lon + top.cell.max_lon) / 2, 35.30, 12.25),
            8);
  for (const Hotspot& h : west->hotspots) EXPECT_LT(h.z, top.z);
  // Incidents that name their section are taken at their word.
  std::vector<IncidentPoint> named = incidents;
  for (IncidentPoint& p : named) p.section_id = "WEST";
  const auto all_west = FindHotspots(named, kArea, Settings(0.95), "WEST", locator);
  ASSERT_TRUE(all_west.ok());
  const auto east_named = FindHotspots(named, kArea, Settings(0.95), "EAST", locator);
  EXPECT_EQ(east_named->incidents_used, 0u);
  EXPECT_TRUE(east_named->hotspots.empty());

  EXPECT_EQ(FindHotspots(incidents, kArea, Settings(0.99), "EAST").status().field(), "locator");
}

TEST(Hotspots, WeightsAndSettings) {
  std::vector<IncidentPoint> incidents = Uniform(200, 9);
  HotspotSettings s = Settings(0.95);
  s.impact_weights = std::array<double, 4>{1, 2, 4, 8};
  Plant(incidents, 10, 35.52, 12.48, 4);  // 10 high incidents weigh 40
  const auto r = FindHotspots(incidents, kArea, s);
  ASSERT_TRUE(r.ok());
  ASSERT_FALSE(r->hotspots.empty());
  const Hotspot& top = r->hotspots.front();
  EXPECT_LT(DistanceKm((top.cell.min_lat + top.cell.max_lat) / 2,
                       (top.cell.min_lon + top.cell.max_lon) / 2, 35.52, 12.48),
            8);

  const auto field = [&](HotspotSettings bad, const core::BBox& area = kArea) {
    return FindHotspots(incidents, area, bad).status().field();
  };
  s = Settings(0.95);
  s.cell_size_m = 1;
  EXPECT_EQ(field(s), "settings.cell_size_m");
  s = Settings(0.95);
  s.cell_size_m = 10;  // 11,000 x 9,000 cells
  EXPECT_EQ(field(s), "settings.cell_size_m");
  s = Settings(0.95);
  s.neighbourhood_cells = 0;
  EXPECT_EQ(field(s), "settings.neighbourhood_cells");
  s = Settings(0.95);
  s.to = s.from;
  EXPECT_EQ(field(s), "settings.to");
  EXPECT_EQ(field(Settings(0.97)), "settings.min_confidence");
  s = Settings(0.95);
  s.impact_weights = std::array<double, 4>{1, -1, 1, 1};
  EXPECT_EQ(field(s), "settings.impact_weights");
  EXPECT_EQ(field(Settings(0.95), core::BBox{13, 35, 12, 36}), "area");
  EXPECT_EQ(field(Settings(0.95), core::BBox{12, 35, 12, 36}), "area");
}

}  // namespace
}  // namespace issa::maritime
