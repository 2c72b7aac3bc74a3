#include "issa/core/geo.h"

#include <charconv>
#include <cmath>
#include <string>

namespace issa::core {

Result<BBox> ParseBBox(std::string_view text) {
  double v[4];
  size_t pos = 0;
  for (int i = 0; i < 4; ++i) {
    const size_t end = i < 3 ? text.find(',', pos) : text.size();
    if (end == std::string_view::npos) {
      return InvalidArgument("bbox needs four numbers: minlon,minlat,maxlon,maxlat", "bbox");
    }
    const std::string part(text.substr(pos, end - pos));
    char* stop = nullptr;
    v[i] = std::strtod(part.c_str(), &stop);
    if (part.empty() || stop != part.c_str() + part.size() || !std::isfinite(v[i])) {
      return InvalidArgument("bbox needs four numbers: minlon,minlat,maxlon,maxlat", "bbox");
    }
    pos = end + 1;
  }
  BBox box{v[0], v[1], v[2], v[3]};
  if (!box.Valid()) {
    return InvalidArgument(
        "bbox out of range: longitudes in [-180,180], latitudes in [-90,90], min <= max", "bbox");
  }
  return box;
}

}  // namespace issa::core
