#include "issa/maritime/hotspots.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace issa::maritime {
namespace {

constexpr double kEarthRadiusM = 6'371'008.8;  // mean radius
constexpr int kMaxRadius = 100;

struct Level {
  double confidence;
  double z;
};
// One-sided normal quantiles: the z a hot spot reaches at each confidence.
constexpr Level kLevels[] = {{0.90, 1.644854}, {0.95, 1.959964}, {0.99, 2.575829}};

std::string FeatureJson(const Hotspot& h, const HotspotSettings& settings,
                        const std::optional<std::string>& section_id) {
  nlohmann::json ring = nlohmann::json::array();
  for (const auto& [lon, lat] :
       {std::pair{h.cell.min_lon, h.cell.min_lat}, std::pair{h.cell.max_lon, h.cell.min_lat},
        std::pair{h.cell.max_lon, h.cell.max_lat}, std::pair{h.cell.min_lon, h.cell.max_lat},
        std::pair{h.cell.min_lon, h.cell.min_lat}}) {
    ring.push_back({lon, lat});
  }
  nlohmann::json f = {
      {"type", "Feature"},
      {"id", fmt::format("hotspot:{}:{}:{}", section_id.value_or("area"), h.row, h.col)},
      {"geometry", {{"type", "Polygon"}, {"coordinates", nlohmann::json::array({ring})}}},
      {"properties",
       {{"layer", "analysis"},
        {"kind", "hotspot"},
        {"method", "getis_ord_gi_star"},
        {"z", h.z},
        {"confidence", h.confidence},
        {"incidents", h.value},
        {"row", h.row},
        {"col", h.col},
        {"cell_size_m", settings.cell_size_m},
        {"neighbourhood_cells", settings.neighbourhood_cells},
        {"period_from", core::FormatTimestamp(settings.from)},
        {"period_to", core::FormatTimestamp(settings.to)}}}};
  if (section_id) f["properties"]["section_id"] = *section_id;
  return f.dump();
}

}  // namespace

Result<std::vector<double>> GiStarScores(const std::vector<double>& values, int rows, int cols,
                                         int radius, const std::vector<bool>& in_area) {
  if (rows < 1 || cols < 1) return InvalidArgument("must be at least 1 x 1", "rows");
  const auto cells = static_cast<size_t>(rows) * static_cast<size_t>(cols);
  if (values.size() != cells) return InvalidArgument("must have rows x cols values", "values");
  if (!in_area.empty() && in_area.size() != cells) {
    return InvalidArgument("must have rows x cols flags", "in_area");
  }
  if (radius < 1 || radius > kMaxRadius) {
    return InvalidArgument(fmt::format("must be 1..{}", kMaxRadius), "radius");
  }
  const auto inside = [&](size_t i) { return in_area.empty() || in_area[i]; };
  // Summed-area tables of the values and of the in-area flags, (rows + 1) x (cols + 1).
  const size_t w = static_cast<size_t>(cols) + 1;
  std::vector<double> sum_x((static_cast<size_t>(rows) + 1) * w, 0);
  std::vector<double> sum_n(sum_x.size(), 0);
  double n = 0;
  double total = 0;
  double total_sq = 0;
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) {
      const size_t i = static_cast<size_t>(r) * static_cast<size_t>(cols) + static_cast<size_t>(c);
      const double x = inside(i) ? values[i] : 0;
      const double in = inside(i) ? 1 : 0;
      if (!std::isfinite(x)) return InvalidArgument("must be finite", "values");
      n += in;
      total += x;
      total_sq += x * x;
      const size_t at = (static_cast<size_t>(r) + 1) * w + static_cast<size_t>(c) + 1;
      sum_x[at] = x + sum_x[at - 1] + sum_x[at - w] - sum_x[at - w - 1];
      sum_n[at] = in + sum_n[at - 1] + sum_n[at - w] - sum_n[at - w - 1];
    }
  }
  std::vector<double> z(cells, 0);
  if (n < 2) return z;
  const double mean = total / n;
  const double variance = total_sq / n - mean * mean;
  if (!(variance > 1e-12 * std::max(1.0, mean * mean))) return z;  // constant values
  const double s = std::sqrt(variance);
  const auto box = [&](const std::vector<double>& t, int r0, int c0, int r1, int c1) {
    // Sum over rows r0..r1-1, cols c0..c1-1.
    const auto at = [&](int r, int c) {
      return t[static_cast<size_t>(r) * w + static_cast<size_t>(c)];
    };
    return at(r1, c1) - at(r0, c1) - at(r1, c0) + at(r0, c0);
  };
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) {
      const size_t i = static_cast<size_t>(r) * static_cast<size_t>(cols) + static_cast<size_t>(c);
      if (!inside(i)) continue;
      const int r0 = std::max(0, r - radius);
      const int r1 = std::min(rows, r + radius + 1);
      const int c0 = std::max(0, c - radius);
      const int c1 = std::min(cols, c + radius + 1);
      const double weight = box(sum_n, r0, c0, r1, c1);
      const double local = box(sum_x, r0, c0, r1, c1);
      const double spread = (n * weight - weight * weight) / (n - 1);
      if (spread <= 0) continue;  // the neighbourhood is the whole area
      z[i] = (local - mean * weight) / (s * std::sqrt(spread));
    }
  }
  return z;
}

Result<HotspotResult> FindHotspots(const std::vector<IncidentPoint>& incidents,
                                   const core::BBox& area, const HotspotSettings& settings,
                                   const std::optional<std::string>& section_id,
                                   const SectionLocator& locator) {
  if (!area.Valid() || area.max_lat <= area.min_lat || area.max_lon <= area.min_lon) {
    return InvalidArgument("must be a non-empty box within -180..180, -90..90", "area");
  }
  if (!std::isfinite(settings.cell_size_m) || settings.cell_size_m < 10) {
    return InvalidArgument("must be at least 10 m", "settings.cell_size_m");
  }
  if (settings.neighbourhood_cells < 1 || settings.neighbourhood_cells > kMaxRadius) {
    return InvalidArgument(fmt::format("must be 1..{}", kMaxRadius),
                           "settings.neighbourhood_cells");
  }
  if (settings.to <= settings.from) return InvalidArgument("must be after from", "settings.to");
  const Level* threshold = nullptr;
  for (const Level& l : kLevels) {
    if (std::abs(l.confidence - settings.min_confidence) < 1e-9) threshold = &l;
  }
  if (!threshold) return InvalidArgument("must be 0.90, 0.95 or 0.99", "settings.min_confidence");
  if (settings.impact_weights) {
    for (const double wt : *settings.impact_weights) {
      if (!std::isfinite(wt) || wt < 0) {
        return InvalidArgument("must be finite and not negative", "settings.impact_weights");
      }
    }
  }
  if (section_id && !locator) {
    return InvalidArgument("is required to find hot spots in a section", "locator");
  }

  HotspotResult out;
  const double centre_lat = (area.min_lat + area.max_lat) / 2;
  out.cell_lat_deg = settings.cell_size_m / (kEarthRadiusM * std::numbers::pi / 180);
  out.cell_lon_deg =
      out.cell_lat_deg / std::max(0.01, std::cos(centre_lat * std::numbers::pi / 180));
  const double rows = std::max(1.0, std::ceil((area.max_lat - area.min_lat) / out.cell_lat_deg));
  const double cols = std::max(1.0, std::ceil((area.max_lon - area.min_lon) / out.cell_lon_deg));
  if (rows * cols > static_cast<double>(settings.max_cells)) {
    return InvalidArgument(
        fmt::format("gives {} x {} cells, more than max_cells {}", rows, cols, settings.max_cells),
        "settings.cell_size_m");
  }
  out.rows = static_cast<int>(rows);
  out.cols = static_cast<int>(cols);
  const auto cells = static_cast<size_t>(out.rows) * static_cast<size_t>(out.cols);
  const auto index = [&](int r, int c) {
    return static_cast<size_t>(r) * static_cast<size_t>(out.cols) + static_cast<size_t>(c);
  };
  const auto cell_box = [&](int r, int c) {
    return core::BBox{area.min_lon + c * out.cell_lon_deg, area.min_lat + r * out.cell_lat_deg,
                      area.min_lon + (c + 1) * out.cell_lon_deg,
                      area.min_lat + (r + 1) * out.cell_lat_deg};
  };

  std::vector<bool> in_area;
  if (section_id) {
    in_area.assign(cells, false);
    for (int r = 0; r < out.rows; ++r) {
      for (int c = 0; c < out.cols; ++c) {
        const core::BBox b = cell_box(r, c);
        const std::optional<std::string> at =
            locator((b.min_lat + b.max_lat) / 2, (b.min_lon + b.max_lon) / 2);
        in_area[index(r, c)] = at && *at == *section_id;
      }
    }
    out.cells_in_area = static_cast<size_t>(std::count(in_area.begin(), in_area.end(), true));
  } else {
    out.cells_in_area = cells;
  }

  std::vector<double> values(cells, 0);
  for (const IncidentPoint& p : incidents) {
    if (p.time < settings.from || p.time >= settings.to) continue;
    if (!(p.lat >= area.min_lat && p.lat <= area.max_lat && p.lon >= area.min_lon &&
          p.lon <= area.max_lon)) {
      continue;
    }
    if (section_id) {
      if (p.section_id.empty()) {
        const std::optional<std::string> at = locator(p.lat, p.lon);
        if (!at || *at != *section_id) continue;
      } else if (p.section_id != *section_id) {
        continue;
      }
    }
    const int r =
        std::min(out.rows - 1, static_cast<int>((p.lat - area.min_lat) / out.cell_lat_deg));
    const int c =
        std::min(out.cols - 1, static_cast<int>((p.lon - area.min_lon) / out.cell_lon_deg));
    const size_t i = index(r, c);
    if (!in_area.empty() && !in_area[i]) continue;  // its cell's centre is outside the section
    const auto level = static_cast<size_t>(p.impact);
    double weight = 1;
    if (settings.impact_weights) {
      if (level >= settings.impact_weights->size()) continue;
      weight = (*settings.impact_weights)[level];
    }
    values[i] += weight;
    ++out.incidents_used;
  }

  ISSA_ASSIGN_OR_RETURN(
      const std::vector<double> z,
      GiStarScores(values, out.rows, out.cols, settings.neighbourhood_cells, in_area));
  for (int r = 0; r < out.rows; ++r) {
    for (int c = 0; c < out.cols; ++c) {
      const size_t i = index(r, c);
      if (z[i] < threshold->z) continue;
      Hotspot h;
      h.row = r;
      h.col = c;
      h.cell = cell_box(r, c);
      h.z = z[i];
      for (const Level& l : kLevels) {
        if (z[i] >= l.z) h.confidence = l.confidence;
      }
      h.value = values[i];
      out.hotspots.push_back(std::move(h));
    }
  }
  std::sort(out.hotspots.begin(), out.hotspots.end(),
            [](const Hotspot& a, const Hotspot& b) { return a.z > b.z; });
  for (Hotspot& h : out.hotspots) h.feature_json = FeatureJson(h, settings, section_id);
  return out;
}

}  // namespace issa::maritime
