#pragma once

#include <optional>
#include <string_view>

#include "issa/core/status.h"

namespace issa::core {

// An axis-aligned box in WGS 84 degrees. A box that crosses the antimeridian is not supported
// here: callers split it in two.
struct BBox {
  double min_lon = 0;
  double min_lat = 0;
  double max_lon = 0;
  double max_lat = 0;

  bool Valid() const {
    return min_lon >= -180 && max_lon <= 180 && min_lat >= -90 && max_lat <= 90 &&
           min_lon <= max_lon && min_lat <= max_lat;
  }
  bool Intersects(const BBox& o) const {
    return min_lon <= o.max_lon && o.min_lon <= max_lon && min_lat <= o.max_lat &&
           o.min_lat <= max_lat;
  }
};

// Parses "minlon,minlat,maxlon,maxlat".
Result<BBox> ParseBBox(std::string_view text);

}  // namespace issa::core
