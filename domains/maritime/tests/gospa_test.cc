#include "issa/maritime/gospa.h"

#include <cmath>
#include <limits>
#include <vector>

#include <gtest/gtest.h>

namespace issa::maritime {
namespace {

// Hand-computed, c = 100 m, p = 1, alpha = 2: truth A (0, 0) and B (1000, 0); estimates
// a (3, 4), 5 m from A; b (1000, 60), 60 m from B; f (5000, 5000), far from both (false).
// GOSPA = 5 + 60 + 100 / 2 · 1 = 115.
TEST(GospaTest, HandComputedExample) {
  const std::vector<PlanarPoint> truth = {{0, 0}, {1000, 0}};
  const std::vector<PlanarPoint> estimates = {{5000, 5000}, {1000, 60}, {3, 4}};
  const auto g = Gospa(truth, estimates, 100, 1);
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_DOUBLE_EQ(g->distance, 115);
  EXPECT_DOUBLE_EQ(g->localisation, 65);
  EXPECT_EQ(g->assigned, 2U);
  EXPECT_EQ(g->missed, 0U);
  EXPECT_EQ(g->false_tracks, 1U);
}

// A pair farther apart than c is one miss plus one false estimate: 50 + 50.
TEST(GospaTest, PairBeyondCutOffIsMissPlusFalse) {
  const std::vector<PlanarPoint> truth = {{0, 0}};
  const std::vector<PlanarPoint> estimates = {{200, 0}};
  const auto g = Gospa(truth, estimates, 100, 1);
  ASSERT_TRUE(g.ok());
  EXPECT_DOUBLE_EQ(g->distance, 100);
  EXPECT_EQ(g->missed, 1U);
  EXPECT_EQ(g->false_tracks, 1U);
  EXPECT_EQ(g->assigned, 0U);
}

// The optimal assignment, not the greedy one: truth (0,0), (90,0); estimates (60,0), (150,0).
// Greedy by nearest gives (90,0)-(60,0) = 30 and then (0,0)-(150,0) beyond c: 30 + 100 = 130;
// the optimum pairs (0,0)-(60,0) and (90,0)-(150,0): 60 + 60 = 120.
TEST(GospaTest, OptimalAssignment) {
  const std::vector<PlanarPoint> truth = {{0, 0}, {90, 0}};
  const std::vector<PlanarPoint> estimates = {{60, 0}, {150, 0}};
  const auto g = Gospa(truth, estimates, 100, 1);
  ASSERT_TRUE(g.ok());
  EXPECT_DOUBLE_EQ(g->distance, 120);
}

// Empty sets, and p = 2: sqrt(30² + 40² + 100² / 2) for one pair at 50 m and one miss.
TEST(GospaTest, EmptySetsAndOrderTwo) {
  const std::vector<PlanarPoint> none;
  const std::vector<PlanarPoint> three = {{0, 0}, {1, 1}, {2, 2}};
  EXPECT_DOUBLE_EQ(Gospa(three, none, 100, 1)->distance, 150);
  EXPECT_DOUBLE_EQ(Gospa(none, three, 100, 1)->distance, 150);
  EXPECT_DOUBLE_EQ(Gospa(none, none, 100, 1)->distance, 0);
  const std::vector<PlanarPoint> truth = {{0, 0}, {10'000, 0}};
  const std::vector<PlanarPoint> estimates = {{30, 40}};
  EXPECT_NEAR(Gospa(truth, estimates, 100, 2)->distance, std::sqrt(2500.0 + 5000.0), 1e-9);
}

TEST(GospaTest, RejectsBadArguments) {
  const std::vector<PlanarPoint> one = {{0, 0}};
  const std::vector<PlanarPoint> bad = {{std::numeric_limits<double>::quiet_NaN(), 0}};
  EXPECT_FALSE(Gospa(one, one, 0, 1).ok());
  EXPECT_FALSE(Gospa(one, one, 100, 0.5).ok());
  EXPECT_FALSE(Gospa(one, bad, 100, 1).ok());
}

}  // namespace
}  // namespace issa::maritime
