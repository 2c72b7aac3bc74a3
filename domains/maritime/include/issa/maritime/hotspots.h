#pragma once

// Hot spots of incidents: the Getis-Ord Gi* statistic on a regular grid, per border section and
// period, returned as GeoJSON features for the analysis layer of the situational picture
// (Reg. (EU) 2019/1896 Art. 24(1)(c)). Pure; thread-safe.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "issa/core/geo.h"
#include "issa/core/status.h"
#include "issa/core/time.h"
#include "issa/maritime/event_reports.h"
#include "issa/maritime/sections.h"

namespace issa::maritime {

// Gi* z-scores of a rows x cols grid of values (row-major) with binary weights: each cell's
// neighbourhood is the cells within `radius` rows and columns, itself included (Gi*). Cells with
// in_area[i] == false (when in_area is not empty) are outside the study area: they are neither
// counted in n, the mean and the deviation, nor neighbours, and get z = 0. Cells whose value
// is the same everywhere get z = 0. InvalidArgument for mismatched sizes or radius < 1.
//   Gi* = (sum_j w_ij x_j - mean * W_i) / (S * sqrt((n * W_i - W_i^2) / (n - 1)))
// with W_i = sum_j w_ij (binary weights: sum_j w_ij^2 = W_i), S = sqrt(sum x^2 / n - mean^2).
Result<std::vector<double>> GiStarScores(const std::vector<double>& values, int rows, int cols,
                                         int radius, const std::vector<bool>& in_area = {});

struct HotspotSettings {
  double cell_size_m = 5'000;   // cell edge; the grid is equirectangular about the area's centre
  int neighbourhood_cells = 1;  // radius in cells (1: the 3 x 3 block)
  core::Timestamp from = 0;     // period [from, to)
  core::Timestamp to = 0;
  double min_confidence = 0.95;  // 0.95 (z >= 1.96) or 0.99 (z >= 2.58)
  // Incidents count by their impact level (low, medium, high, very high) instead of 1 each.
  std::optional<std::array<double, 4>> impact_weights;
  size_t max_cells = 1'000'000;
};

// One significant cell (hot spot: z > 0 only).
struct Hotspot {
  int row = 0;  // 0 = southernmost
  int col = 0;  // 0 = westernmost
  core::BBox cell;
  double z = 0;
  double confidence = 0;     // 0.95 or 0.99
  double value = 0;          // incidents (or weighted sum) in the cell
  std::string feature_json;  // GeoJSON Feature: Polygon of the cell with the properties above
};

struct HotspotResult {
  int rows = 0;
  int cols = 0;
  double cell_lat_deg = 0;  // cell height in degrees
  double cell_lon_deg = 0;  // cell width in degrees
  size_t cells_in_area = 0;
  size_t incidents_used = 0;
  std::vector<Hotspot> hotspots;  // strongest first
};

// Gi* hot spots of the incidents in `area` during [from, to). With a section id, the study area
// is the cells whose centre `locator` puts in that section, and only the incidents it puts
// there (or whose section_id names it) count; the area is then usually the section's bbox.
// InvalidArgument naming "area", "settings.cell_size_m", "settings.neighbourhood_cells",
// "settings.to", "settings.min_confidence" or "settings.max_cells"; "locator" when a section is
// given without a locator.
Result<HotspotResult> FindHotspots(const std::vector<IncidentPoint>& incidents,
                                   const core::BBox& area, const HotspotSettings& settings,
                                   const std::optional<std::string>& section_id = std::nullopt,
                                   const SectionLocator& locator = {});

}  // namespace issa::maritime
