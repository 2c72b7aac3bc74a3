#pragma once

// The 2-D assignment problem of track fusion: given the cost of pairing each predicted track
// (row) with each detection (column), choose the pairs of least total cost (global nearest
// neighbour). Solved exactly with the shortest augmenting path method of Jonker and Volgenant
// in the rectangular form of D. F. Crouse, "On implementing 2D rectangular assignment
// algorithms", IEEE Trans. Aerospace and Electronic Systems 52(4), 2016 — O(n^2 m) for n rows
// and m columns (n <= m), no allocation beyond O(n + m) scratch.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "issa/core/status.h"

namespace issa::maritime {

struct Assignment {
  std::vector<int32_t> column_of_row;  // -1: the row is not assigned
  double total_cost = 0;               // sum over assigned pairs (plus misses when gated)
};

// Assigns every row to a distinct column (or, when there are more rows than columns, every
// column to a distinct row) at least total cost. `cost` is row-major, rows × cols; +infinity
// marks a forbidden pair; NaN and -infinity are InvalidArgument (field "cost").
// FailedPrecondition when the forbidden pairs leave no complete assignment.
Result<Assignment> SolveAssignment(std::span<const double> cost, size_t rows, size_t cols);

// Gated assignment: a row may also stay unassigned at `miss_cost` (> 0, finite), so a pair is
// used only when it is worth it, and forbidden pairs (+infinity, e.g. outside the gate) never
// make the problem infeasible. Minimises the sum of the chosen pair costs plus miss_cost per
// unassigned row. InvalidArgument for a bad cost or miss_cost.
Result<Assignment> SolveGatedAssignment(std::span<const double> cost, size_t rows, size_t cols,
                                        double miss_cost);

}  // namespace issa::maritime
