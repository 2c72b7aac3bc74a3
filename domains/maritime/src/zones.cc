#include "issa/maritime/zones.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "geodesy.h"

// Why a hand-written grid and not GEOS (libgeos 3.11, allowed here): the tracker asks "which
// zone holds this point" on every position report, a million times a second. With GEOS each
// question needs a GEOSGeometry for the point (a heap allocation through the C API) and a
// prepared-geometry call per candidate zone. Measured (bench/zones_geos_bench.cc, 40 zones):
// GEOS prepared contains 330-360 ns per point, this grid 9 ns, and both agree on all 262,144
// test points. GEOS would pay off for overlay, buffering or validity repair, none of which the
// rules need.

namespace issa::maritime {
namespace {

using detail::kEarthRadiusM;
using detail::kRad;
using detail::ToMetres;

constexpr double kMetresPerDegree = kEarthRadiusM * kRad;
constexpr size_t kMaxCells = 4'000'000;
constexpr double kMaxBuildWork = 2e8;  // point-in-polygon edge tests and edge placements
// Where in its cell the reference point of a cell is (fractions of the cell size).
constexpr double kRefLon = 0.6180339887498949;
constexpr double kRefLat = 0.4142135623730951;

bool ValidLonLat(const LonLat& p) {
  return std::isfinite(p.lon) && std::isfinite(p.lat) && p.lon >= -180 && p.lon <= 180 &&
         p.lat >= -90 && p.lat <= 90;
}

// Longitudes of a ring or line whose consecutive vertices jump by more than 180° (it crosses
// the antimeridian) are moved to [0, 360).
template <typename Points>
void Unwrap(Points& points) {
  bool crosses = false;
  for (size_t i = 1; i < points.size(); ++i) {
    if (std::fabs(points[i].lon - points[i - 1].lon) > 180) crosses = true;
  }
  if (!crosses) return;
  for (auto& p : points) {
    if (p.lon < 0) p.lon += 360;
  }
}

// Distance in metres from (0, 0) to the segment (ax, ay)-(bx, by), all in local metres.
double SegmentDistance(double ax, double ay, double bx, double by) {
  const double dx = bx - ax, dy = by - ay;
  const double len2 = dx * dx + dy * dy;
  double t = len2 > 0 ? -(ax * dx + ay * dy) / len2 : 0;
  t = std::clamp(t, 0.0, 1.0);
  return std::hypot(ax + t * dx, ay + t * dy);
}

double Cross(double ax, double ay, double bx, double by) { return ax * by - ay * bx; }

}  // namespace

std::string_view ZoneKindName(ZoneKind kind) {
  return kind == ZoneKind::kMonitored ? "monitored" : "restricted";
}

ZoneIndex::ZoneIndex() = default;

Status ZoneIndex::AddZone(Zone zone) {
  if (zone.polygons.empty()) return InvalidArgument("zone has no polygon", "polygons");
  for (size_t p = 0; p < zone.polygons.size(); ++p) {
    auto& rings = zone.polygons[p];
    if (rings.empty()) {
      return InvalidArgument(fmt::format("polygons[{}]: no ring", p),
                             fmt::format("polygons[{}]", p));
    }
    for (size_t r = 0; r < rings.size(); ++r) {
      Ring& ring = rings[r];
      const std::string where = fmt::format("polygons[{}][{}]", p, r);
      for (size_t i = 0; i < ring.size(); ++i) {
        if (!ValidLonLat(ring[i])) {
          return InvalidArgument(fmt::format("{}[{}]: coordinate out of range", where, i),
                                 fmt::format("{}[{}]", where, i));
        }
      }
      if (ring.size() > 1 && ring.front().lon == ring.back().lon &&
          ring.front().lat == ring.back().lat) {
        ring.pop_back();
      }
      if (ring.size() < 3) {
        return InvalidArgument(where + ": a ring needs at least 3 distinct vertices", where);
      }
      Unwrap(ring);
    }
  }
  zones_.push_back(std::move(zone));
  built_ = false;
  return Status::Ok();
}

Status ZoneIndex::AddCoastline(std::string name, std::vector<LonLat> line) {
  if (line.size() < 2) return InvalidArgument("a line needs at least 2 vertices", "coordinates");
  for (size_t i = 0; i < line.size(); ++i) {
    if (!ValidLonLat(line[i])) {
      return InvalidArgument(fmt::format("coordinates[{}]: coordinate out of range", i),
                             fmt::format("coordinates[{}]", i));
    }
  }
  Unwrap(line);
  for (size_t i = 1; i < line.size(); ++i) {
    segments_.push_back(Segment{line[i - 1].lon, line[i - 1].lat, line[i].lon, line[i].lat});
  }
  coast_names_.push_back(std::move(name));
  built_ = false;
  return Status::Ok();
}

Status ZoneIndex::AddPort(Port port) {
  if (!ValidLonLat(LonLat{port.lon, port.lat})) {
    return InvalidArgument("port position out of range", "lat");
  }
  if (!std::isfinite(port.radius_m) || port.radius_m < 0) {
    return InvalidArgument("port radius must be >= 0", "radius_km");
  }
  max_port_radius_m_ = std::max(max_port_radius_m_, port.radius_m);
  ports_.push_back(std::move(port));
  built_ = false;
  return Status::Ok();
}

namespace {

struct Box {
  double min_lon, min_lat, max_lon, max_lat;
};

// Sizes a grid over `box` with cells of `cell` degrees (larger if that would be too many).
template <typename Grid>
void SizeGrid(Grid& g, Box box, double cell) {
  g.min_lon = box.min_lon;
  g.min_lat = box.min_lat;
  g.max_lon = box.max_lon;
  g.max_lat = box.max_lat;
  g.cell = cell;
  for (;;) {
    g.cols = static_cast<int>(std::floor((box.max_lon - box.min_lon) / g.cell)) + 1;
    g.rows = static_cast<int>(std::floor((box.max_lat - box.min_lat) / g.cell)) + 1;
    if (static_cast<size_t>(g.cols) * static_cast<size_t>(g.rows) <= kMaxCells) break;
    g.cell *= 2;
  }
}

template <typename Grid>
int Col(const Grid& g, double lon) {
  return std::clamp(static_cast<int>((lon - g.min_lon) / g.cell), 0, g.cols - 1);
}
template <typename Grid>
int Row(const Grid& g, double lat) {
  return std::clamp(static_cast<int>((lat - g.min_lat) / g.cell), 0, g.rows - 1);
}

// Fills a CSR grid from each item's bounding box.
template <typename Grid>
void FillGrid(Grid& g, const std::vector<Box>& boxes) {
  const size_t cells = static_cast<size_t>(g.cols) * static_cast<size_t>(g.rows);
  g.start.assign(cells + 1, 0);
  const auto visit = [&](const Box& b, auto&& f) {
    for (int r = Row(g, b.min_lat); r <= Row(g, b.max_lat); ++r) {
      for (int c = Col(g, b.min_lon); c <= Col(g, b.max_lon); ++c) {
        f(static_cast<size_t>(r) * static_cast<size_t>(g.cols) + static_cast<size_t>(c));
      }
    }
  };
  for (const Box& b : boxes) visit(b, [&](size_t cell) { ++g.start[cell + 1]; });
  for (size_t i = 0; i < cells; ++i) g.start[i + 1] += g.start[i];
  g.items.assign(g.start[cells], 0);
  std::vector<uint32_t> fill(g.start.begin(), g.start.end() - 1);
  for (size_t i = 0; i < boxes.size(); ++i) {
    visit(boxes[i], [&](size_t cell) { g.items[fill[cell]++] = static_cast<uint32_t>(i); });
  }
}

// Sizes and fills a grid of items given by their boxes, with coarser cells than `cell` when
// long items would otherwise fill too many cells.
template <typename Grid>
void SizeAndFill(Grid& g, Box all, const std::vector<Box>& boxes, double cell) {
  for (;;) {
    SizeGrid(g, all, cell);
    double refs = 0;
    for (const Box& b : boxes) {
      refs += static_cast<double>(Col(g, b.max_lon) - Col(g, b.min_lon) + 1) *
              static_cast<double>(Row(g, b.max_lat) - Row(g, b.min_lat) + 1);
    }
    if (refs <= kMaxBuildWork / 4 || g.cell >= 360) break;
    cell = g.cell * 2;
  }
  FillGrid(g, boxes);
}

Box Union(const Box& a, const Box& b) {
  return {std::min(a.min_lon, b.min_lon), std::min(a.min_lat, b.min_lat),
          std::max(a.max_lon, b.max_lon), std::max(a.max_lat, b.max_lat)};
}

constexpr Box kEmptyBox{
    std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity(),
    -std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()};

// Even-odd test of (lon, lat) against edges: a ray to the east, half-open in latitude.
bool Inside(const std::vector<ZoneIndex::Edge>& edges, double lon, double lat) {
  bool inside = false;
  for (const ZoneIndex::Edge& e : edges) {
    if ((e.lat0 > lat) != (e.lat1 > lat)) {
      const double x = e.lon0 + (lat - e.lat0) * (e.lon1 - e.lon0) / (e.lat1 - e.lat0);
      if (x > lon) inside = !inside;
    }
  }
  return inside;
}

}  // namespace

void ZoneIndex::Build(double cell_deg) {
  if (!(cell_deg > 0) || !std::isfinite(cell_deg)) cell_deg = 0.1;
  // ---- zones: per grid cell, the zones that are in it; boundary cells keep their edges.
  edges_.clear();
  edge_refs_.clear();
  zone_cells_.clear();
  zone_grid_ = Grid{};
  Box all = kEmptyBox;
  std::vector<std::vector<Edge>> zone_edges(zones_.size());
  std::vector<Box> zone_boxes(zones_.size(), kEmptyBox);
  for (size_t z = 0; z < zones_.size(); ++z) {
    for (const auto& polygon : zones_[z].polygons) {
      for (const Ring& ring : polygon) {
        for (size_t i = 0; i < ring.size(); ++i) {
          const LonLat& a = ring[i];
          const LonLat& b = ring[(i + 1) % ring.size()];
          zone_edges[z].push_back(Edge{a.lon, a.lat, b.lon, b.lat});
          zone_boxes[z] = Union(zone_boxes[z], Box{a.lon, a.lat, a.lon, a.lat});
        }
      }
    }
    all = Union(all, zone_boxes[z]);
  }
  if (!zones_.empty()) {
    // Coarser cells when the work would be too large (huge zones with many long edges): each
    // cell of a zone's box gets a point-in-polygon test, each edge a place in every cell of
    // its own box.
    double cell = cell_deg;
    for (;;) {
      SizeGrid(zone_grid_, all, cell);
      const Grid& g = zone_grid_;
      double work = 0;
      const auto cells_of = [&](double lon0, double lat0, double lon1, double lat1) {
        return static_cast<double>(Col(g, lon1) - Col(g, lon0) + 1) *
               static_cast<double>(Row(g, lat1) - Row(g, lat0) + 1);
      };
      for (size_t z = 0; z < zones_.size(); ++z) {
        const Box& b = zone_boxes[z];
        work += cells_of(b.min_lon, b.min_lat, b.max_lon, b.max_lat) *
                static_cast<double>(zone_edges[z].size());
        for (const Edge& e : zone_edges[z]) {
          work += cells_of(std::min(e.lon0, e.lon1), std::min(e.lat0, e.lat1),
                           std::max(e.lon0, e.lon1), std::max(e.lat0, e.lat1));
        }
      }
      if (work <= kMaxBuildWork || g.cell >= 360) break;
      cell = g.cell * 2;
    }
    Grid& g = zone_grid_;
    const size_t cells = static_cast<size_t>(g.cols) * static_cast<size_t>(g.rows);
    std::vector<std::vector<ZoneCell>> per_cell(cells);
    std::vector<std::vector<uint32_t>> cell_edge_lists;
    for (size_t z = 0; z < zones_.size(); ++z) {
      const Box& zb = zone_boxes[z];
      const int c0 = Col(g, zb.min_lon), c1 = Col(g, zb.max_lon);
      const int r0 = Row(g, zb.min_lat), r1 = Row(g, zb.max_lat);
      const int w = c1 - c0 + 1;
      cell_edge_lists.assign(static_cast<size_t>(w) * static_cast<size_t>(r1 - r0 + 1), {});
      const auto first_edge = static_cast<uint32_t>(edges_.size());
      for (size_t e = 0; e < zone_edges[z].size(); ++e) {
        const Edge& ed = zone_edges[z][e];
        edges_.push_back(ed);
        // A little slack, so that an edge on a cell's border is in both cells.
        const double eps = g.cell * 1e-9;
        const int ec0 = Col(g, std::min(ed.lon0, ed.lon1) - eps);
        const int ec1 = Col(g, std::max(ed.lon0, ed.lon1) + eps);
        const int er0 = Row(g, std::min(ed.lat0, ed.lat1) - eps);
        const int er1 = Row(g, std::max(ed.lat0, ed.lat1) + eps);
        for (int r = std::max(er0, r0); r <= std::min(er1, r1); ++r) {
          for (int c = std::max(ec0, c0); c <= std::min(ec1, c1); ++c) {
            cell_edge_lists[static_cast<size_t>((r - r0) * w + (c - c0))].push_back(
                first_edge + static_cast<uint32_t>(e));
          }
        }
      }
      for (int r = r0; r <= r1; ++r) {
        for (int c = c0; c <= c1; ++c) {
          const double ref_lon = g.min_lon + (c + kRefLon) * g.cell;
          const double ref_lat = g.min_lat + (r + kRefLat) * g.cell;
          const bool inside = Inside(zone_edges[z], ref_lon, ref_lat);
          const auto& list = cell_edge_lists[static_cast<size_t>((r - r0) * w + (c - c0))];
          if (list.empty() && !inside) continue;  // wholly outside the zone
          ZoneCell zc{static_cast<uint32_t>(z), inside, static_cast<uint32_t>(edge_refs_.size()),
                      0};
          edge_refs_.insert(edge_refs_.end(), list.begin(), list.end());
          zc.end_edge = static_cast<uint32_t>(edge_refs_.size());
          per_cell[static_cast<size_t>(r) * static_cast<size_t>(g.cols) + static_cast<size_t>(c)]
              .push_back(zc);
        }
      }
    }
    g.start.assign(cells + 1, 0);
    for (size_t i = 0; i < cells; ++i) {
      g.start[i + 1] = g.start[i] + static_cast<uint32_t>(per_cell[i].size());
      zone_cells_.insert(zone_cells_.end(), per_cell[i].begin(), per_cell[i].end());
    }
  }
  // ---- coastlines: segments by bounding box.
  coast_grid_ = Grid{};
  if (!segments_.empty()) {
    std::vector<Box> boxes;
    Box cb = kEmptyBox;
    for (const Segment& s : segments_) {
      boxes.push_back(Box{std::min(s.lon0, s.lon1), std::min(s.lat0, s.lat1),
                          std::max(s.lon0, s.lon1), std::max(s.lat0, s.lat1)});
      cb = Union(cb, boxes.back());
    }
    SizeAndFill(coast_grid_, cb, boxes, cell_deg);
  }
  // ---- ports: points.
  port_grid_ = Grid{};
  if (!ports_.empty()) {
    std::vector<Box> boxes;
    Box pb = kEmptyBox;
    for (const Port& p : ports_) {
      boxes.push_back(Box{p.lon, p.lat, p.lon, p.lat});
      pb = Union(pb, boxes.back());
    }
    SizeAndFill(port_grid_, pb, boxes, cell_deg);
  }
  built_ = true;
}

// Whether (lon, lat), in the grid cell of `zc`, is in the zone: the state of the cell's
// reference point, flipped by every edge crossed on the way there (along the latitude to the
// reference longitude, then along that meridian). Both legs lie in the cell, so only the cell's
// edges can cross them. The reference point sits at irrational fractions of the cell, never on
// the round coordinates zones are drawn with, so no vertex lies on its legs' far ends.
bool ZoneIndex::ZoneContainsCell(const ZoneCell& zc, double lat, double lon, double ref_lat,
                                 double ref_lon) const {
  bool inside = zc.ref_inside;
  const double lon_lo = std::min(lon, ref_lon), lon_hi = std::max(lon, ref_lon);
  const double lat_lo = std::min(lat, ref_lat), lat_hi = std::max(lat, ref_lat);
  for (uint32_t i = zc.first_edge; i < zc.end_edge; ++i) {
    const Edge& e = edges_[edge_refs_[i]];
    if ((e.lat0 > lat) != (e.lat1 > lat)) {  // crosses the latitude: on the leg?
      const double x = e.lon0 + (lat - e.lat0) * (e.lon1 - e.lon0) / (e.lat1 - e.lat0);
      if (x > lon_lo && x <= lon_hi) inside = !inside;
    }
    if ((e.lon0 > ref_lon) != (e.lon1 > ref_lon)) {  // crosses the meridian: on the leg?
      const double y = e.lat0 + (ref_lon - e.lon0) * (e.lat1 - e.lat0) / (e.lon1 - e.lon0);
      if (y > lat_lo && y <= lat_hi) inside = !inside;
    }
  }
  return inside;
}

int ZoneIndex::ZoneAtUnwrapped(double lat, double lon) const {
  const Grid& g = zone_grid_;
  if (lat < g.min_lat || lat > g.max_lat || lon < g.min_lon || lon > g.max_lon) return -1;
  const int c = Col(g, lon), r = Row(g, lat);
  const size_t cell = static_cast<size_t>(r) * static_cast<size_t>(g.cols) + static_cast<size_t>(c);
  const uint32_t end = g.start[cell + 1];
  for (uint32_t i = g.start[cell]; i < end; ++i) {
    const ZoneCell& zc = zone_cells_[i];
    if (ZoneContainsCell(zc, lat, lon, g.min_lat + (r + kRefLat) * g.cell,
                         g.min_lon + (c + kRefLon) * g.cell)) {
      return static_cast<int>(zc.zone);
    }
  }
  return -1;
}

int ZoneIndex::ZoneAt(double lat, double lon) const {
  if (zone_cells_.empty()) return -1;
  int z = ZoneAtUnwrapped(lat, lon);
  if (lon < 0 && zone_grid_.max_lon > 180) {
    const int other = ZoneAtUnwrapped(lat, lon + 360);
    if (other >= 0 && (z < 0 || other < z)) z = other;
  }
  return z;
}

void ZoneIndex::ZonesAtUnwrapped(double lat, double lon, std::vector<uint32_t>& out) const {
  const Grid& g = zone_grid_;
  if (lat < g.min_lat || lat > g.max_lat || lon < g.min_lon || lon > g.max_lon) return;
  const int c = Col(g, lon), r = Row(g, lat);
  const size_t cell = static_cast<size_t>(r) * static_cast<size_t>(g.cols) + static_cast<size_t>(c);
  for (uint32_t i = g.start[cell]; i < g.start[cell + 1]; ++i) {
    const ZoneCell& zc = zone_cells_[i];
    if (ZoneContainsCell(zc, lat, lon, g.min_lat + (r + kRefLat) * g.cell,
                         g.min_lon + (c + kRefLon) * g.cell)) {
      out.push_back(zc.zone);
    }
  }
}

std::vector<uint32_t> ZoneIndex::ZonesAt(double lat, double lon) const {
  std::vector<uint32_t> out;
  if (zone_cells_.empty()) return out;
  ZonesAtUnwrapped(lat, lon, out);
  if (lon < 0 && zone_grid_.max_lon > 180) ZonesAtUnwrapped(lat, lon + 360, out);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

namespace {

// Calls visit(item) for the items of the cells overlapping the box around (lat, lon) of
// half-size `dlat` by `dlon` degrees, also at lon + 360 when the grid reaches past 180.
template <typename Grid, typename Visit>
void VisitNear(const Grid& g, double lat, double lon, double dlat, double dlon, Visit&& visit) {
  if (g.cols == 0) return;
  for (const double l : {lon, lon + 360}) {
    if (l != lon && g.max_lon <= 180) break;
    if (lat + dlat < g.min_lat || lat - dlat > g.max_lat || l + dlon < g.min_lon ||
        l - dlon > g.max_lon) {
      continue;
    }
    const int r0 = Row(g, lat - dlat), r1 = Row(g, lat + dlat);
    const int c0 = Col(g, l - dlon), c1 = Col(g, l + dlon);
    for (int r = r0; r <= r1; ++r) {
      for (int c = c0; c <= c1; ++c) {
        const size_t cell =
            static_cast<size_t>(r) * static_cast<size_t>(g.cols) + static_cast<size_t>(c);
        for (uint32_t i = g.start[cell]; i < g.start[cell + 1]; ++i) visit(g.items[i]);
      }
    }
  }
}

// Degrees of latitude and longitude spanned by `m` metres around latitude `lat`.
void Span(double lat, double m, double& dlat, double& dlon) {
  dlat = m / kMetresPerDegree;
  const double c = std::cos(std::min(std::fabs(lat) + dlat, 89.9) * kRad);
  dlon = std::min(180.0, dlat / c);
}

}  // namespace

std::optional<double> ZoneIndex::CoastDistance(double lat, double lon, double max_m) const {
  double dlat = 0, dlon = 0;
  Span(lat, max_m, dlat, dlon);
  double best = std::numeric_limits<double>::infinity();
  VisitNear(coast_grid_, lat, lon, dlat, dlon, [&](uint32_t i) {
    const Segment& s = segments_[i];
    double ax = 0, ay = 0, bx = 0, by = 0;
    ToMetres(lat, lon, s.lat0, s.lon0, ax, ay);
    ToMetres(lat, lon, s.lat1, s.lon1, bx, by);
    best = std::min(best, SegmentDistance(ax, ay, bx, by));
  });
  if (best <= max_m) return best;
  return std::nullopt;
}

std::optional<double> ZoneIndex::CourseHitsCoast(double lat, double lon, double course_deg,
                                                 double max_m) const {
  double dlat = 0, dlon = 0;
  Span(lat, max_m, dlat, dlon);
  // The course as a segment in metres around the point.
  const double dx = max_m * std::sin(course_deg * kRad);
  const double dy = max_m * std::cos(course_deg * kRad);
  double best_t = std::numeric_limits<double>::infinity();
  VisitNear(coast_grid_, lat, lon, dlat, dlon, [&](uint32_t i) {
    const Segment& s = segments_[i];
    double ax = 0, ay = 0, bx = 0, by = 0;
    ToMetres(lat, lon, s.lat0, s.lon0, ax, ay);
    ToMetres(lat, lon, s.lat1, s.lon1, bx, by);
    // (0,0) + t (dx,dy) = a + u (b - a), t and u in [0, 1].
    const double ex = bx - ax, ey = by - ay;
    const double denom = Cross(dx, dy, ex, ey);
    if (denom == 0) return;  // parallel
    const double t = Cross(ax, ay, ex, ey) / denom;
    const double u = Cross(ax, ay, dx, dy) / denom;
    if (t >= 0 && t <= 1 && u >= 0 && u <= 1) best_t = std::min(best_t, t);
  });
  if (best_t <= 1) return best_t * max_m;
  return std::nullopt;
}

std::optional<double> ZoneIndex::PortDistance(double lat, double lon, double max_m) const {
  double dlat = 0, dlon = 0;
  Span(lat, max_m + max_port_radius_m_, dlat, dlon);
  double best = std::numeric_limits<double>::infinity();
  VisitNear(port_grid_, lat, lon, dlat, dlon, [&](uint32_t i) {
    const Port& p = ports_[i];
    best = std::min(best, std::max(0.0, detail::Distance(lat, lon, p.lat, p.lon) - p.radius_m));
  });
  if (best <= max_m) return best;
  return std::nullopt;
}

size_t ZoneIndex::MemoryBytes() const {
  size_t bytes = sizeof(*this);
  for (const Zone& z : zones_) {
    for (const auto& polygon : z.polygons) {
      for (const Ring& r : polygon) bytes += r.capacity() * sizeof(LonLat);
    }
  }
  bytes += segments_.capacity() * sizeof(Segment) + ports_.capacity() * sizeof(Port);
  bytes += zone_cells_.capacity() * sizeof(ZoneCell) + edges_.capacity() * sizeof(Edge) +
           edge_refs_.capacity() * sizeof(uint32_t);
  for (const Grid* g : {&zone_grid_, &coast_grid_, &port_grid_}) {
    bytes += (g->start.capacity() + g->items.capacity()) * sizeof(uint32_t);
  }
  return bytes;
}

// ---- GeoJSON -----------------------------------------------------------------------------------

namespace {

using nlohmann::json;

Status Error(const std::string& where, std::string_view what) {
  return InvalidArgument(fmt::format("{}: {}", where, what), where);
}

Status ReadPosition(const json& j, const std::string& where, LonLat& out) {
  if (!j.is_array() || j.size() < 2 || !j[0].is_number() || !j[1].is_number()) {
    return Error(where, "a position is an array [longitude, latitude]");
  }
  out.lon = j[0].get<double>();
  out.lat = j[1].get<double>();
  if (!std::isfinite(out.lon) || out.lon < -180 || out.lon > 180) {
    return Error(where, "longitude out of range");
  }
  if (!std::isfinite(out.lat) || out.lat < -90 || out.lat > 90) {
    return Error(where, "latitude out of range");
  }
  return Status::Ok();
}

Status ReadLine(const json& j, const std::string& where, size_t min_points,
                std::vector<LonLat>& out) {
  if (!j.is_array()) return Error(where, "expected an array of positions");
  if (j.size() < min_points) {
    return Error(where, fmt::format("needs at least {} positions", min_points));
  }
  out.resize(j.size());
  for (size_t i = 0; i < j.size(); ++i) {
    ISSA_RETURN_IF_ERROR(ReadPosition(j[i], fmt::format("{}[{}]", where, i), out[i]));
  }
  return Status::Ok();
}

Status ReadPolygon(const json& j, const std::string& where, std::vector<Ring>& out) {
  if (!j.is_array() || j.empty()) return Error(where, "expected an array of rings");
  out.resize(j.size());
  for (size_t r = 0; r < j.size(); ++r) {
    ISSA_RETURN_IF_ERROR(ReadLine(j[r], fmt::format("{}[{}]", where, r), 4, out[r]));
  }
  return Status::Ok();
}

std::string FeatureName(const json& feature, std::string_view source, size_t index) {
  const auto text = [](const json& v) -> std::string {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
    return {};
  };
  if (const auto p = feature.find("properties"); p != feature.end() && p->is_object()) {
    for (const char* key : {"name", "id"}) {
      if (const auto v = p->find(key); v != p->end()) {
        std::string s = text(*v);
        if (!s.empty()) return s;
      }
    }
  }
  if (const auto v = feature.find("id"); v != feature.end()) {
    std::string s = text(*v);
    if (!s.empty()) return s;
  }
  return fmt::format("{}#{}", source, index);
}

Status LoadFeature(const json& f, const std::string& where, std::string_view source, size_t index,
                   ZoneKind kind, double default_port_radius_m, ZoneIndex& out) {
  if (!f.is_object()) return Error(where, "a feature is an object");
  if (const auto t = f.find("type"); t == f.end() || *t != "Feature") {
    return Error(where + ".type", "must be \"Feature\"");
  }
  const auto g = f.find("geometry");
  if (g == f.end() || !g->is_object())
    return Error(where + ".geometry", "missing or not an object");
  const auto type = g->find("type");
  if (type == g->end() || !type->is_string()) return Error(where + ".geometry.type", "missing");
  const auto coords = g->find("coordinates");
  const std::string cw = where + ".geometry.coordinates";
  if (coords == g->end()) return Error(cw, "missing");
  const std::string name = FeatureName(f, source, index);
  const json* props = nullptr;
  if (const auto p = f.find("properties"); p != f.end() && p->is_object()) props = &*p;
  const std::string& t = type->get_ref<const std::string&>();
  const auto tag = [&](Status s) {
    return s.ok() ? s : Error(where, fmt::format("{}: {}", name, s.message()));
  };
  if (t == "Polygon" || t == "MultiPolygon") {
    Zone zone;
    zone.name = name;
    zone.kind = kind;
    if (props != nullptr) {
      if (const auto k = props->find("kind"); k != props->end()) {
        if (*k == "restricted") {
          zone.kind = ZoneKind::kRestricted;
        } else if (*k == "monitored") {
          zone.kind = ZoneKind::kMonitored;
        } else {
          return Error(where + ".properties.kind", "must be \"restricted\" or \"monitored\"");
        }
      }
    }
    if (t == "Polygon") {
      zone.polygons.emplace_back();
      ISSA_RETURN_IF_ERROR(ReadPolygon(*coords, cw, zone.polygons.back()));
    } else {
      if (!coords->is_array() || coords->empty()) return Error(cw, "expected an array of polygons");
      zone.polygons.resize(coords->size());
      for (size_t p = 0; p < coords->size(); ++p) {
        ISSA_RETURN_IF_ERROR(
            ReadPolygon((*coords)[p], fmt::format("{}[{}]", cw, p), zone.polygons[p]));
      }
    }
    return tag(out.AddZone(std::move(zone)));
  }
  if (t == "LineString" || t == "MultiLineString") {
    if (t == "LineString") {
      std::vector<LonLat> line;
      ISSA_RETURN_IF_ERROR(ReadLine(*coords, cw, 2, line));
      return tag(out.AddCoastline(name, std::move(line)));
    }
    if (!coords->is_array() || coords->empty()) return Error(cw, "expected an array of lines");
    for (size_t l = 0; l < coords->size(); ++l) {
      std::vector<LonLat> line;
      ISSA_RETURN_IF_ERROR(ReadLine((*coords)[l], fmt::format("{}[{}]", cw, l), 2, line));
      ISSA_RETURN_IF_ERROR(tag(out.AddCoastline(name, std::move(line))));
    }
    return Status::Ok();
  }
  if (t == "Point") {
    Port port;
    port.name = name;
    LonLat p;
    ISSA_RETURN_IF_ERROR(ReadPosition(*coords, cw, p));
    port.lat = p.lat;
    port.lon = p.lon;
    port.radius_m = default_port_radius_m;
    if (props != nullptr) {
      if (const auto r = props->find("radius_km"); r != props->end()) {
        if (!r->is_number() || !(r->get<double>() >= 0) || !std::isfinite(r->get<double>())) {
          return Error(where + ".properties.radius_km", "must be a number >= 0");
        }
        port.radius_m = r->get<double>() * 1000;
      }
    }
    return tag(out.AddPort(std::move(port)));
  }
  return Error(where + ".geometry.type",
               fmt::format("\"{}\" is not supported (Polygon, MultiPolygon, LineString, "
                           "MultiLineString, Point)",
                           t));
}

}  // namespace

Status LoadGeoJson(std::string_view text, std::string_view source, ZoneKind kind,
                   double default_port_radius_m, ZoneIndex& index) {
  const json doc = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return InvalidArgument(fmt::format("{}: not valid JSON", source));
  if (!doc.is_object()) return Error(std::string(source), "a GeoJSON document is an object");
  const auto type = doc.find("type");
  if (type != doc.end() && *type == "Feature") {
    return LoadFeature(doc, "feature", source, 0, kind, default_port_radius_m, index);
  }
  if (type == doc.end() || *type != "FeatureCollection") {
    return Error("type", "must be \"FeatureCollection\" or \"Feature\"");
  }
  const auto features = doc.find("features");
  if (features == doc.end() || !features->is_array()) return Error("features", "missing array");
  for (size_t i = 0; i < features->size(); ++i) {
    ISSA_RETURN_IF_ERROR(LoadFeature((*features)[i], fmt::format("features[{}]", i), source, i,
                                     kind, default_port_radius_m, index));
  }
  return Status::Ok();
}

}  // namespace issa::maritime
