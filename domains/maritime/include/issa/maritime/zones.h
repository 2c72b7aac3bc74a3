#pragma once

// The geography the anomaly rules need: named zones (restricted or monitored areas: polygons
// with holes, multipolygons), coastlines (line strings) and ports (points with a radius), with
// the queries the tracker asks on every report:
// - which zone holds a point (the common case, a point in no zone, costs a few ns: a bounding
//   box test, then one grid cell);
// - how far the nearest coastline or port is, up to a limit;
// - whether a course from a point hits the coast within a distance.
// Coordinates are WGS 84 degrees, GeoJSON order (longitude, latitude) in files. A polygon that
// crosses the antimeridian may be given either split in two (RFC 7946 §3.1.9) or as one ring
// whose longitudes jump by more than 180° between vertices: such a ring is unwrapped to
// longitudes beyond 180 and queried at lon and lon + 360. Edges are straight in longitude and
// latitude (plate carrée), as GeoJSON prescribes.
// Build with Add*() then Build(); queries before Build() see nothing. After Build() the index
// is immutable and safe to query from several threads. Copyable and movable.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "issa/core/status.h"

namespace issa::maritime {

struct LonLat {
  double lon = 0;
  double lat = 0;
};

// A closed ring: the first vertex is repeated at the end or not (both accepted).
using Ring = std::vector<LonLat>;

enum class ZoneKind : uint8_t {
  kRestricted,  // entry is an anomaly in itself (e.g. a military area, a closed fishing zone)
  kMonitored,   // entry is recorded for the picture (e.g. territorial sea, a port approach)
};

std::string_view ZoneKindName(ZoneKind kind);  // "restricted", "monitored"

struct Zone {
  std::string name;
  ZoneKind kind = ZoneKind::kRestricted;
  // Polygons, each an outer ring followed by its holes. A point is inside when it is inside an
  // odd number of the zone's rings (even-odd), so holes and disjoint parts need no orientation.
  std::vector<std::vector<Ring>> polygons;
};

struct Port {
  std::string name;
  double lat = 0;
  double lon = 0;
  double radius_m = 0;  // the port's own extent; distances are measured from its edge
};

class ZoneIndex {
 public:
  ZoneIndex();

  // Returns InvalidArgument (naming the part) for rings with fewer than 3 distinct vertices or
  // coordinates out of range.
  Status AddZone(Zone zone);
  // A coastline (or any shore line): at least 2 vertices.
  Status AddCoastline(std::string name, std::vector<LonLat> line);
  Status AddPort(Port port);

  // Builds the grids. `cell_deg` is the grid cell size in degrees (0.1 by default: about 11 km).
  void Build(double cell_deg = 0.1);

  // The index of the first zone (in the order added) holding the point, or -1.
  int ZoneAt(double lat, double lon) const;
  // Every zone holding the point, in the order added.
  std::vector<uint32_t> ZonesAt(double lat, double lon) const;
  // Distance in metres to the nearest coastline, if one is within `max_m`.
  std::optional<double> CoastDistance(double lat, double lon, double max_m) const;
  // Distance in metres from the course (degrees, clockwise from north) to the point where it
  // first crosses a coastline, if it does within `max_m`.
  std::optional<double> CourseHitsCoast(double lat, double lon, double course_deg,
                                        double max_m) const;
  // Distance in metres from the edge of the nearest port (0 inside it), if within `max_m`.
  std::optional<double> PortDistance(double lat, double lon, double max_m) const;

  const std::vector<Zone>& zones() const { return zones_; }
  const std::vector<Port>& ports() const { return ports_; }
  size_t coastline_count() const { return coast_names_.size(); }
  bool empty() const { return zones_.empty() && ports_.empty() && coast_names_.empty(); }
  bool built() const { return built_; }
  size_t MemoryBytes() const;

  // Grid internals, public only so that the implementation's helpers can name them.
  struct Edge {
    double lon0, lat0, lon1, lat1;
  };
  struct ZoneCell {  // one zone's part of one polygon-grid cell
    uint32_t zone;
    bool ref_inside;          // whether the cell's reference point is in the zone
    uint32_t first_edge = 0;  // edges of the zone crossing the cell: edge_refs_[first, end)
    uint32_t end_edge = 0;
  };
  struct Segment {  // a coastline segment (unwrapped longitudes)
    double lon0, lat0, lon1, lat1;
  };

 private:
  struct Grid {
    double min_lon = 0, min_lat = 0, max_lon = 0, max_lat = 0;  // the bounding box, unwrapped
    double cell = 1;
    int cols = 0, rows = 0;
    std::vector<uint32_t> start;  // per cell: first item in items; start[cells] = end
    std::vector<uint32_t> items;
    bool Empty() const { return cols == 0; }
  };
  bool ZoneContainsCell(const ZoneCell& zc, double lat, double lon, double ref_lat,
                        double ref_lon) const;
  int ZoneAtUnwrapped(double lat, double lon) const;
  void ZonesAtUnwrapped(double lat, double lon, std::vector<uint32_t>& out) const;

  std::vector<Zone> zones_;
  std::vector<std::string> coast_names_;
  std::vector<Segment> segments_;  // every coastline segment
  std::vector<Port> ports_;
  // Polygon grid: per cell a run of ZoneCell (zones whose bounding box overlaps the cell).
  Grid zone_grid_;
  std::vector<ZoneCell> zone_cells_;
  std::vector<Edge> edges_;                    // every ring edge, unwrapped
  std::vector<uint32_t> edge_refs_;            // per ZoneCell run: indices into edges_
  std::vector<std::vector<Edge>> zone_edges_;  // per zone, before Build
  Grid coast_grid_;                            // items: indices into segments_
  Grid port_grid_;                             // items: indices into ports_
  double max_port_radius_m_ = 0;
  bool built_ = false;
};

// Reads a GeoJSON FeatureCollection (or a single Feature) into the index:
// - Polygon and MultiPolygon features become zones of `kind`, named by the feature's
//   `properties.name` (or `properties.id`, or the feature's `id`; else "<source>#<index>"); a
//   `properties.kind` of "restricted" or "monitored" overrides `kind`.
// - LineString and MultiLineString features become coastlines.
// - Point features become ports, with radius `properties.radius_km` (else `default_port_radius_m`).
// Errors are InvalidArgument naming the feature index and the field, e.g.
// "features[3].geometry.coordinates[0][2]: longitude out of range". Does not call Build().
Status LoadGeoJson(std::string_view text, std::string_view source, ZoneKind kind,
                   double default_port_radius_m, ZoneIndex& index);

}  // namespace issa::maritime
