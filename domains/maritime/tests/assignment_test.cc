#include "issa/maritime/assignment.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include <gtest/gtest.h>

namespace issa::maritime {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// The least total over every way of giving each row a distinct column or, when `miss` is
// finite, leaving it out at `miss` (exhaustive; small matrices only). A complete assignment
// (every row when rows <= cols, else every column) is required when `miss` is infinite.
double BruteForce(const std::vector<double>& cost, size_t rows, size_t cols, double miss) {
  double best = kInf;
  std::vector<char> used(cols, 0);
  // Pruning on the partial sum is only sound when no cost can lower it again.
  const bool prune = std::all_of(cost.begin(), cost.end(), [](double c) { return c >= 0; });
  const auto visit = [&](auto&& self, size_t r, double sum, size_t assigned) -> void {
    if (prune && sum >= best) return;
    if (r == rows) {
      const bool complete = std::isfinite(miss) || assigned == std::min(rows, cols);
      if (complete) best = std::min(best, sum);
      return;
    }
    for (size_t c = 0; c < cols; ++c) {
      if (used[c] || cost[r * cols + c] == kInf) continue;
      used[c] = 1;
      self(self, r + 1, sum + cost[r * cols + c], assigned + 1);
      used[c] = 0;
    }
    // Leave the row out: at `miss` when gated, for free when rows > cols (some row must).
    if (std::isfinite(miss)) {
      self(self, r + 1, sum + miss, assigned);
    } else if (rows > cols) {
      self(self, r + 1, sum, assigned);
    }
  };
  visit(visit, 0, 0.0, 0);
  return best;
}

void CheckValid(const Assignment& a, const std::vector<double>& cost, size_t rows, size_t cols,
                double miss) {
  std::vector<char> used(cols, 0);
  double total = 0;
  for (size_t r = 0; r < rows; ++r) {
    const int32_t c = a.column_of_row[r];
    if (c < 0) {
      total += std::isfinite(miss) ? miss : 0;
      continue;
    }
    ASSERT_LT(static_cast<size_t>(c), cols);
    ASSERT_FALSE(used[static_cast<size_t>(c)]) << "column used twice";
    used[static_cast<size_t>(c)] = 1;
    ASSERT_NE(cost[r * cols + static_cast<size_t>(c)], kInf) << "forbidden pair used";
    total += cost[r * cols + static_cast<size_t>(c)];
  }
  EXPECT_NEAR(a.total_cost, total, 1e-9);
}

TEST(AssignmentTest, MatchesBruteForceOnRandomMatrices) {
  std::mt19937_64 rng(20261123);
  std::uniform_real_distribution<double> value(-20, 100);  // log-likelihood costs go negative
  std::uniform_int_distribution<int> size(1, 6);
  std::bernoulli_distribution forbidden(0.25);
  int infeasible = 0;
  for (int round = 0; round < 600; ++round) {
    const size_t rows = static_cast<size_t>(size(rng));
    const size_t cols = static_cast<size_t>(size(rng));
    std::vector<double> cost(rows * cols);
    for (double& c : cost) c = round % 3 == 0 && forbidden(rng) ? kInf : std::round(value(rng));
    const double want = BruteForce(cost, rows, cols, kInf);
    const auto got = SolveAssignment(cost, rows, cols);
    if (want == kInf) {
      EXPECT_EQ(got.status().code(), StatusCode::kFailedPrecondition) << round;
      ++infeasible;
      continue;
    }
    ASSERT_TRUE(got.ok()) << round << ": " << got.status().ToString();
    CheckValid(*got, cost, rows, cols, kInf);
    EXPECT_NEAR(got->total_cost, want, 1e-9)
        << "round " << round << " " << rows << "x" << cols << " " << ::testing::PrintToString(cost)
        << " got " << ::testing::PrintToString(got->column_of_row);
    const size_t assigned = static_cast<size_t>(std::count_if(
        got->column_of_row.begin(), got->column_of_row.end(), [](int32_t c) { return c >= 0; }));
    EXPECT_EQ(assigned, std::min(rows, cols));

    const double miss = 1 + std::round(std::abs(value(rng)) / 2);
    const auto gated = SolveGatedAssignment(cost, rows, cols, miss);
    ASSERT_TRUE(gated.ok()) << gated.status().ToString();
    CheckValid(*gated, cost, rows, cols, miss);
    EXPECT_NEAR(gated->total_cost, BruteForce(cost, rows, cols, miss), 1e-9) << round;
  }
  EXPECT_GT(infeasible, 0);  // the forbidden pairs did make some rounds infeasible
}

// Two tracks, three detections: the globally best pairing is not each track's nearest.
TEST(AssignmentTest, GlobalNotGreedy) {
  const std::vector<double> cost = {1, 2,  50,  //
                                    2, 40, 50};
  const auto a = SolveAssignment(cost, 2, 3);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->column_of_row, (std::vector<int32_t>{1, 0}));
  EXPECT_DOUBLE_EQ(a->total_cost, 4);
}

// Outside the gate (infinite) or dearer than a miss, a track stays unassigned.
TEST(AssignmentTest, GatedLeavesTracksWithoutDetections) {
  const std::vector<double> cost = {3,    kInf,  //
                                    kInf, kInf,  //
                                    9,    20};
  const auto a = SolveGatedAssignment(cost, 3, 2, 10);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->column_of_row, (std::vector<int32_t>{0, -1, -1}));  // 9 and 20 > 10 after 3
  EXPECT_DOUBLE_EQ(a->total_cost, 3 + 10 + 10);
  // Without misses every column must be taken: detection 1 only by track 2.
  const auto full = SolveAssignment(cost, 3, 2);
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full->column_of_row, (std::vector<int32_t>{0, -1, 1}));
  EXPECT_DOUBLE_EQ(full->total_cost, 23);
  const std::vector<double> blocked = {kInf, 1,  //
                                       kInf, 2};
  EXPECT_EQ(SolveAssignment(blocked, 2, 2).status().code(), StatusCode::kFailedPrecondition);
}

TEST(AssignmentTest, BadInput) {
  const std::vector<double> nan = {1, std::nan("")};
  EXPECT_EQ(SolveAssignment(nan, 1, 2).status().field(), "cost");
  const std::vector<double> minus = {-kInf};
  EXPECT_EQ(SolveAssignment(minus, 1, 1).status().field(), "cost");
  const std::vector<double> three = {1, 2, 3};
  EXPECT_EQ(SolveAssignment(three, 2, 2).status().field(), "cost");
  const std::vector<double> one = {1};
  EXPECT_EQ(SolveGatedAssignment(one, 1, 1, 0).status().field(), "miss_cost");
  EXPECT_EQ(SolveGatedAssignment(one, 1, 1, kInf).status().field(), "miss_cost");
  const auto empty = SolveAssignment({}, 0, 5);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->column_of_row.empty());
  const auto no_columns = SolveGatedAssignment({}, 2, 0, 5);
  ASSERT_TRUE(no_columns.ok());
  EXPECT_EQ(no_columns->column_of_row, (std::vector<int32_t>{-1, -1}));
  EXPECT_DOUBLE_EQ(no_columns->total_cost, 10);
}

// Negative costs (log-likelihood scores) are fine.
TEST(AssignmentTest, NegativeCosts) {
  const std::vector<double> cost = {-5, -1,  //
                                    -4, -3};
  const auto a = SolveAssignment(cost, 2, 2);
  ASSERT_TRUE(a.ok());
  EXPECT_DOUBLE_EQ(a->total_cost, -8);
}

}  // namespace
}  // namespace issa::maritime
