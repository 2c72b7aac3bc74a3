#pragma once

// The generalised optimal sub-pattern assignment metric (GOSPA) between a set of true target
// positions and a set of estimates, for scoring trackers: A. S. Rahmathullah, Á. F.
// García-Fernández, L. Svensson, "Generalized optimal sub-pattern assignment metric", FUSION
// 2017. With alpha = 2 it splits into a localisation error of the assigned pairs plus c^p / 2
// for each missed target and each false estimate:
//
//   GOSPA = ( min over assignments  sum_{assigned, d < c} d^p + c^p / 2 · (missed + false) )^(1/p)
//
// A pair farther apart than the cut-off c counts as one miss and one false estimate.

#include <cstddef>
#include <span>

#include "issa/core/status.h"

namespace issa::maritime {

// A position in a local metric frame, metres.
struct PlanarPoint {
  double x = 0;
  double y = 0;
};

struct GospaResult {
  double distance = 0;      // the metric itself, metres
  double localisation = 0;  // sum of d^p over the assigned pairs closer than c
  size_t assigned = 0;      // pairs closer than c
  size_t missed = 0;        // true targets without an estimate within c
  size_t false_tracks = 0;  // estimates without a true target within c
};

// GOSPA with alpha = 2, cut-off `c` (> 0, metres) and order `p` (>= 1). The optimal assignment
// is found exactly (assignment.h). InvalidArgument for a bad c or p, or a non-finite point.
// Pure function; thread-safe.
Result<GospaResult> Gospa(std::span<const PlanarPoint> truth,
                          std::span<const PlanarPoint> estimates, double c, double p);

}  // namespace issa::maritime
