#pragma once

// EUROSUR border sections (Reg. (EU) 2019/1896 Art. 30): each member state divides its external
// land and sea borders into sections, to which impact levels are attributed (impact_levels.h).
// Sections are read from a GeoJSON FeatureCollection; see docs/formats/border-sections.md.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "issa/core/geo.h"
#include "issa/core/status.h"

namespace issa::maritime {

enum class SectionKind : uint8_t { kLand, kSea };

std::string_view SectionKindName(SectionKind kind);  // "land", "sea"
std::optional<SectionKind> ParseSectionKind(std::string_view text);

// One border section. Plain value; thread-compatible.
struct BorderSection {
  std::string id;            // unique in its collection, e.g. "IT-SEA-LAMPEDUSA"
  std::string member_state;  // ISO 3166-1 alpha-2 of the member state it belongs to
  SectionKind kind = SectionKind::kSea;
  std::string name;
  std::string neighbouring_country;  // ISO alpha-2 across the border; empty when none is given
  // The GeoJSON geometry (Polygon or MultiPolygon) as compact JSON text, and its bounding box.
  std::string geometry_json;
  core::BBox bbox;
};

struct BorderSectionReadOptions {
  size_t max_bytes = 64u << 20;      // larger input is refused (field "geojson")
  size_t max_sections = 10'000;      // more features are refused (field "features")
  size_t max_positions = 2'000'000;  // positions over all geometries (field "...geometry")
};

// Parses a GeoJSON FeatureCollection of border sections (properties id, member_state, kind,
// name, optional neighbouring_country; geometry Polygon or MultiPolygon with closed rings of at
// least 4 positions, coordinates in range). All or nothing: the first bad feature makes the
// result InvalidArgument with a field path such as "features[2].properties.kind". Duplicate ids
// are refused. Pure; thread-safe.
Result<std::vector<BorderSection>> ParseBorderSections(
    std::string_view geojson, const BorderSectionReadOptions& options = {});

// Finds the id of the section holding a point, or nullopt when none does. Supplied by the polygon
// index (point-in-polygon is not done here). Must be callable from the calling thread.
using SectionLocator = std::function<std::optional<std::string>(double lat, double lon)>;

}  // namespace issa::maritime
