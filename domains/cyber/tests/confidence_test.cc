#include "issa/cyber/confidence.h"

#include <cmath>

#include <gtest/gtest.h>

namespace issa::cyber {
namespace {

constexpr core::Timestamp kDay = core::kMsPerDay;
constexpr core::Timestamp kStart = 1'795'428'000'000;  // 2026-11-23T10:00:00Z

TEST(ConfidenceScore, DecaysWithTheTypesHalfLife) {
  const auto model = ConfidenceModel::Default();
  core::ManualClock clock(kStart);
  EXPECT_DOUBLE_EQ(ConfidenceScore(model, ObservableType::kIpv4, kStart, 80, {}, clock.Now()), 80);
  clock.Advance(14 * kDay);
  EXPECT_NEAR(ConfidenceScore(model, ObservableType::kIpv4, kStart, 80, {}, clock.Now()), 40, 1e-9);
  EXPECT_NEAR(ConfidenceScore(model, ObservableType::kSha256, kStart, 80, {}, clock.Now()),
              80 * std::exp2(-14.0 / 365), 1e-9);
  clock.Advance(14 * kDay);
  EXPECT_NEAR(ConfidenceScore(model, ObservableType::kIpv4, kStart, -1, {}, clock.Now()), 12.5,
              1e-9);
}

TEST(ConfidenceScore, SightingsFromAnyAuthorityRaiseFalsePositivesLowerExpiryEnds) {
  const auto model = ConfidenceModel::Default();
  const auto now = kStart + 10 * kDay;
  const double alone = ConfidenceScore(model, ObservableType::kDomain, kStart, 50, {}, now);
  std::vector<IndicatorSighting> sightings = {
      {"cert-fr", SightingKind::kSighting, kStart + 9 * kDay, 1},
      {"cert-de", SightingKind::kSighting, kStart + 10 * kDay, 2}};
  const double seen = ConfidenceScore(model, ObservableType::kDomain, kStart, 50, sightings, now);
  EXPECT_NEAR(seen, alone + 10 * std::exp2(-1.0 / 60) + 20, 1e-9);
  sightings.push_back({"cert-it", SightingKind::kFalsePositive, kStart + 10 * kDay, 1});
  EXPECT_NEAR(ConfidenceScore(model, ObservableType::kDomain, kStart, 50, sightings, now),
              seen - 40, 1e-9);
  // A sighting after `now` does not count yet; an expiry ends the indicator from its time on.
  sightings.push_back({"cert-fr", SightingKind::kExpiry, kStart + 20 * kDay, 1});
  EXPECT_GT(ConfidenceScore(model, ObservableType::kDomain, kStart, 50, sightings, now), 0);
  EXPECT_EQ(
      ConfidenceScore(model, ObservableType::kDomain, kStart, 50, sightings, kStart + 20 * kDay),
      0);
  // Clamped.
  std::vector<IndicatorSighting> many(20, {"x", SightingKind::kSighting, now, 10});
  EXPECT_EQ(ConfidenceScore(model, ObservableType::kDomain, kStart, 50, many, now), 100);
  std::vector<IndicatorSighting> wrong(5, {"x", SightingKind::kFalsePositive, now, 1});
  EXPECT_EQ(ConfidenceScore(model, ObservableType::kDomain, kStart, 50, wrong, now), 0);
}

TEST(ParseConfidenceModel, OverridesAndErrors) {
  auto model = ParseConfidenceModel(R"({"base": 60, "half_life_days": {"ipv4": 7}})");
  ASSERT_TRUE(model.ok());
  EXPECT_EQ(model->base, 60);
  EXPECT_EQ(model->half_life_days[static_cast<size_t>(ObservableType::kIpv4)], 7);
  EXPECT_EQ(model->half_life_days[static_cast<size_t>(ObservableType::kUrl)], 30);
  EXPECT_EQ(ParseConfidenceModel(R"({"half_life_days": {"ipv5": 7}})").status().field(),
            "half_life_days.ipv5");
  EXPECT_EQ(ParseConfidenceModel(R"({"sighting_boost": -1})").status().field(), "sighting_boost");
  EXPECT_EQ(ParseConfidenceModel(R"({"half_life_days": {"url": 0}})").status().field(),
            "half_life_days.url");
  EXPECT_FALSE(ParseConfidenceModel("[]").ok());
}

}  // namespace
}  // namespace issa::cyber
