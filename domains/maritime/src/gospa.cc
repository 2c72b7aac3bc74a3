#include "issa/maritime/gospa.h"

#include <cmath>
#include <vector>

#include "issa/maritime/assignment.h"

namespace issa::maritime {

Result<GospaResult> Gospa(std::span<const PlanarPoint> truth,
                          std::span<const PlanarPoint> estimates, double c, double p) {
  if (!(c > 0) || !std::isfinite(c)) return InvalidArgument("must be positive and finite", "c");
  if (!(p >= 1) || !std::isfinite(p)) return InvalidArgument("must be at least 1", "p");
  for (const auto points : {truth, estimates}) {
    for (const PlanarPoint& q : points) {
      if (!std::isfinite(q.x) || !std::isfinite(q.y)) {
        return InvalidArgument("positions must be finite", "points");
      }
    }
  }
  const double cp = std::pow(c, p);
  GospaResult out;
  if (!truth.empty() && !estimates.empty()) {
    // Cost min(d, c)^p: a pair at c or beyond costs as much as a miss plus a false estimate.
    std::vector<double> cost(truth.size() * estimates.size());
    for (size_t i = 0; i < truth.size(); ++i) {
      for (size_t j = 0; j < estimates.size(); ++j) {
        const double d = std::hypot(truth[i].x - estimates[j].x, truth[i].y - estimates[j].y);
        cost[i * estimates.size() + j] = d < c ? std::pow(d, p) : cp;
      }
    }
    ISSA_ASSIGN_OR_RETURN(const Assignment assignment,
                          SolveAssignment(cost, truth.size(), estimates.size()));
    for (size_t i = 0; i < truth.size(); ++i) {
      const int32_t j = assignment.column_of_row[i];
      if (j < 0) continue;
      const double pair = cost[i * estimates.size() + static_cast<size_t>(j)];
      if (pair < cp) {
        out.localisation += pair;
        ++out.assigned;
      }
    }
  }
  out.missed = truth.size() - out.assigned;
  out.false_tracks = estimates.size() - out.assigned;
  out.distance = std::pow(
      out.localisation + cp / 2 * static_cast<double>(out.missed + out.false_tracks), 1 / p);
  return out;
}

}  // namespace issa::maritime
