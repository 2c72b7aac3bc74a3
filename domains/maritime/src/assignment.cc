#include "issa/maritime/assignment.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include <fmt/format.h>

namespace issa::maritime {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Shortest augmenting path on a rows × cols matrix with rows <= cols (Crouse 2016, Alg. 4).
// `at(i, j)` gives the cost. Fills col4row; false when no complete assignment exists.
template <typename Cost>
bool ShortestAugmentingPath(size_t rows, size_t cols, const Cost& at,
                            std::vector<int32_t>& col4row) {
  std::vector<double> u(rows, 0), v(cols, 0), shortest(cols);
  std::vector<int32_t> path(cols, -1), row4col(cols, -1);
  std::vector<size_t> remaining(cols);
  std::vector<char> sr(rows), sc(cols);
  col4row.assign(rows, -1);
  for (size_t cur = 0; cur < rows; ++cur) {
    // Dijkstra-like search for the cheapest path from row `cur` to a free column, on reduced
    // costs (non-negative thanks to the duals u, v).
    double min_val = 0;
    size_t num_remaining = cols;
    for (size_t it = 0; it < cols; ++it) remaining[it] = cols - it - 1;
    std::fill(sr.begin(), sr.end(), 0);
    std::fill(sc.begin(), sc.end(), 0);
    std::fill(shortest.begin(), shortest.end(), kInf);
    int64_t sink = -1;
    size_t i = cur;
    while (sink < 0) {
      size_t index = cols;
      double lowest = kInf;
      sr[i] = 1;
      for (size_t it = 0; it < num_remaining; ++it) {
        const size_t j = remaining[it];
        const double r = min_val + at(i, j) - u[i] - v[j];
        if (r < shortest[j]) {
          path[j] = static_cast<int32_t>(i);
          shortest[j] = r;
        }
        if (shortest[j] < lowest || (shortest[j] == lowest && row4col[j] == -1)) {
          lowest = shortest[j];
          index = it;
        }
      }
      min_val = lowest;
      if (index == cols || min_val == kInf) return false;  // only forbidden pairs left
      const size_t j = remaining[index];
      if (row4col[j] == -1) {
        sink = static_cast<int64_t>(j);
      } else {
        i = static_cast<size_t>(row4col[j]);
      }
      sc[j] = 1;
      remaining[index] = remaining[--num_remaining];
    }
    // Update the duals.
    u[cur] += min_val;
    for (size_t r = 0; r < rows; ++r) {
      if (sr[r] && r != cur) u[r] += min_val - shortest[static_cast<size_t>(col4row[r])];
    }
    for (size_t c = 0; c < cols; ++c) {
      if (sc[c]) v[c] -= min_val - shortest[c];
    }
    // Augment along the path back from the sink.
    auto j = static_cast<int32_t>(sink);
    for (;;) {
      const int32_t r = path[static_cast<size_t>(j)];
      row4col[static_cast<size_t>(j)] = r;
      std::swap(col4row[static_cast<size_t>(r)], j);  // the row takes j; j becomes its old column
      if (static_cast<size_t>(r) == cur) break;
    }
  }
  return true;
}

Status CheckCosts(std::span<const double> cost, size_t rows, size_t cols) {
  if (cost.size() != rows * cols) {
    return InvalidArgument(fmt::format("{} costs for a {} x {} matrix", cost.size(), rows, cols),
                           "cost");
  }
  for (size_t k = 0; k < cost.size(); ++k) {
    if (std::isnan(cost[k]) || cost[k] == -kInf) {
      return InvalidArgument(
          fmt::format("entry ({}, {}) is not a number or +infinity", k / cols, k % cols), "cost");
    }
  }
  return Status::Ok();
}

// Subtracted from every entry so that all are >= 0: the search assumes non-negative reduced
// costs, and a uniform shift does not change which assignment is best (each row is assigned
// exactly once, to a column or, when gated, to its miss).
double ShiftOf(std::span<const double> cost) {
  double lowest = 0;
  for (const double c : cost) lowest = std::min(lowest, c);
  return lowest;
}

}  // namespace

Result<Assignment> SolveAssignment(std::span<const double> cost, size_t rows, size_t cols) {
  ISSA_RETURN_IF_ERROR(CheckCosts(cost, rows, cols));
  Assignment out;
  out.column_of_row.assign(rows, -1);
  if (rows == 0 || cols == 0) return out;
  std::vector<int32_t> col4row;
  const double shift = ShiftOf(cost);
  if (rows <= cols) {
    if (!ShortestAugmentingPath(
            rows, cols, [&](size_t i, size_t j) { return cost[i * cols + j] - shift; }, col4row)) {
      return FailedPrecondition("no complete assignment avoids the forbidden pairs");
    }
    out.column_of_row = std::move(col4row);
  } else {  // solve the transpose: every column gets a row
    if (!ShortestAugmentingPath(
            cols, rows, [&](size_t i, size_t j) { return cost[j * cols + i] - shift; }, col4row)) {
      return FailedPrecondition("no complete assignment avoids the forbidden pairs");
    }
    for (size_t c = 0; c < cols; ++c) {
      out.column_of_row[static_cast<size_t>(col4row[c])] = static_cast<int32_t>(c);
    }
  }
  for (size_t r = 0; r < rows; ++r) {
    if (out.column_of_row[r] >= 0) {
      out.total_cost += cost[r * cols + static_cast<size_t>(out.column_of_row[r])];
    }
  }
  return out;
}

Result<Assignment> SolveGatedAssignment(std::span<const double> cost, size_t rows, size_t cols,
                                        double miss_cost) {
  ISSA_RETURN_IF_ERROR(CheckCosts(cost, rows, cols));
  if (!(miss_cost > 0) || !std::isfinite(miss_cost)) {
    return InvalidArgument("must be positive and finite", "miss_cost");
  }
  Assignment out;
  out.column_of_row.assign(rows, -1);
  if (rows == 0) return out;
  // Each row gets its own "miss" column (rows × (cols + rows)); the other miss columns are
  // forbidden, so the problem is always feasible.
  const size_t wide = cols + rows;
  std::vector<int32_t> col4row;
  const double shift = ShiftOf(cost);
  const bool solved = ShortestAugmentingPath(
      rows, wide,
      [&](size_t i, size_t j) {
        if (j < cols) return cost[i * cols + j] - shift;
        return j - cols == i ? miss_cost - shift : kInf;
      },
      col4row);
  if (!solved) return Internal("gated assignment found no solution");  // cannot happen
  for (size_t r = 0; r < rows; ++r) {
    const auto c = static_cast<size_t>(col4row[r]);
    if (c < cols) {
      out.column_of_row[r] = static_cast<int32_t>(c);
      out.total_cost += cost[r * cols + c];
    } else {
      out.total_cost += miss_cost;
    }
  }
  return out;
}

}  // namespace issa::maritime
