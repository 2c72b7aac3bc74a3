#include "issa/maritime/kalman.h"

#include <cmath>
#include <numbers>
#include <random>

#include <gtest/gtest.h>

namespace issa::maritime {
namespace {

constexpr double kDeg = std::numbers::pi / 180;

TEST(LocalFrameTest, RoundTripsAndKeepsDistances) {
  const LocalFrame frame(43.0, 7.5);  // off Nice
  double e = 0, n = 0;
  frame.Forward(43.0, 7.5, e, n);
  EXPECT_NEAR(e, 0, 1e-6);
  EXPECT_NEAR(n, 0, 1e-6);
  frame.Forward(44.0, 7.5, e, n);
  EXPECT_NEAR(n, 111'100, 300);  // one degree of latitude at 43.5° N
  EXPECT_NEAR(e, 0, 1);
  frame.Forward(43.0, 8.5, e, n);
  EXPECT_NEAR(e, 81'400, 300);  // one degree of longitude at 43° N
  for (const auto& [lat, lon] : {std::pair{42.1, 6.3}, std::pair{44.9, 9.9}}) {
    frame.Forward(lat, lon, e, n);
    double lat2 = 0, lon2 = 0;
    frame.Reverse(e, n, lat2, lon2);
    EXPECT_NEAR(lat2, lat, 1e-9);
    EXPECT_NEAR(lon2, lon, 1e-9);
  }
}

// A ship at 5 m/s on course 060°, fixes every 10 s with 20 m noise: the filter's positions beat
// the raw fixes, its speed and course converge, and its innovations are consistent (the mean
// normalised innovation squared is near 2, the degrees of freedom).
TEST(ConstantVelocityFilterTest, TracksAStraightCourse) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> noise(0, 20);
  const double speed = 5, course = 60 * kDeg;
  const double ve = speed * std::sin(course), vn = speed * std::cos(course);
  ConstantVelocityFilter f(noise(rng), noise(rng), 20, 0);
  double filtered_sq = 0, raw_sq = 0, nis = 0;
  int counted = 0;
  for (int k = 1; k <= 300; ++k) {
    const double t = 10.0 * k;
    const double te = ve * t, tn = vn * t;
    const double me = te + noise(rng), mn = tn + noise(rng);
    const double d2 = f.Update(me, mn, 20, static_cast<core::Timestamp>(t * 1000));
    if (k > 100) {
      filtered_sq += std::pow(f.east_m() - te, 2) + std::pow(f.north_m() - tn, 2);
      raw_sq += std::pow(me - te, 2) + std::pow(mn - tn, 2);
      nis += d2;
      ++counted;
    }
  }
  EXPECT_LT(std::sqrt(filtered_sq / counted), 0.6 * std::sqrt(raw_sq / counted));
  // The velocity is known to about 0.15 m/s (one sigma, steady state at this noise and
  // psd): about 1.7° of course at 5 m/s; allow a little over two sigma.
  EXPECT_NEAR(f.speed_mps(), speed, 0.35);
  EXPECT_NEAR(f.course_deg(), 60, 4);
  EXPECT_GT(nis / counted, 1.5);
  EXPECT_LT(nis / counted, 2.6);
  EXPECT_LT(f.position_sigma_m(), 20);
  EXPECT_EQ(f.time(), 3'000'000);
}

// Gating: a fix far off the predicted position has a large distance; the filter never runs
// backwards in time.
TEST(ConstantVelocityFilterTest, GatesOutliersAndIgnoresThePast) {
  ConstantVelocityFilter f(0, 0, 10, 0);
  for (int k = 1; k <= 30; ++k) f.Update(3.0 * 10 * k, 0, 10, k * 10'000);  // 3 m/s east
  f.Predict(310'000);
  EXPECT_LT(f.InnovationDistance2(930, 0, 10), 13.8);     // chi-square(2) 99.9 % point
  EXPECT_GT(f.InnovationDistance2(930, 1000, 10), 13.8);  // one kilometre off
  const double east = f.east_m();
  f.Predict(100'000);
  EXPECT_EQ(f.east_m(), east);
  EXPECT_EQ(f.time(), 310'000);
}

// A 90° turn: the innovations grow at the turn and the filter settles on the new course.
TEST(ConstantVelocityFilterTest, FollowsAManoeuvre) {
  ConstantVelocityFilter f(0, 0, 10, 0, {.acceleration_psd = 0.01});
  double e = 0, n = 0;
  double max_d2_after_turn = 0;
  for (int k = 1; k <= 120; ++k) {
    if (k <= 60) {
      n += 60;  // 6 m/s north for 10 s
    } else {
      e += 60;  // then east
    }
    const double d2 = f.Update(e, n, 10, k * 10'000);
    if (k > 60 && k <= 66) max_d2_after_turn = std::max(max_d2_after_turn, d2);
    if (k == 60) {
      EXPECT_NEAR(f.course_deg(), 0, 2);
      EXPECT_NEAR(f.speed_mps(), 6, 0.2);
    }
  }
  EXPECT_GT(max_d2_after_turn, 13.8);
  EXPECT_NEAR(f.course_deg(), 90, 2);
  EXPECT_NEAR(f.speed_mps(), 6, 0.2);
}

// The closed-form gate distance equals predicting a copy and asking it, on random states.
TEST(ConstantVelocityFilterTest, PredictedInnovationDistanceMatchesPredictThenAsk) {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> pos(-500, 500), dt(0, 120'000);
  for (int trial = 0; trial < 200; ++trial) {
    ConstantVelocityFilter f(pos(rng), pos(rng), 20, 0, {.acceleration_psd = 0.005});
    core::Timestamp t = 0;
    for (int k = 0; k < 5; ++k) {
      t += 5'000 + static_cast<core::Timestamp>(dt(rng) / 10);
      f.Update(pos(rng), pos(rng), 20, t);
    }
    const core::Timestamp at = t + static_cast<core::Timestamp>(dt(rng));
    const double e = pos(rng), n = pos(rng);
    ConstantVelocityFilter copy = f;
    copy.Predict(at);
    const double expected = copy.InnovationDistance2(e, n, 30);
    EXPECT_NEAR(f.PredictedInnovationDistance2(at, e, n, 30), expected, 1e-9 * (1 + expected));
  }
  // Not after the filter's time: no prediction.
  ConstantVelocityFilter f(0, 0, 10, 1'000);
  EXPECT_DOUBLE_EQ(f.PredictedInnovationDistance2(500, 3, 4, 10), f.InnovationDistance2(3, 4, 10));
}

}  // namespace
}  // namespace issa::maritime
