#pragma once

// The maritime configuration file (TOML): tracking settings, anomaly thresholds, gap zones and
// the geography (restricted and monitored zones, coastlines, ports), inline or as GeoJSON files
// named relative to the configuration file. Every key is optional and has the default of
// TrackSettings / AnomalySettings (tracks.h); docs/maritime.md lists them, and
// data/maritime/example.toml shows each one. Unknown keys are errors, so a misspelt threshold
// is not silently left at its default.
// Errors are InvalidArgument with the key's path as field and at the start of the message, e.g.
// "anomalies.encounter.max_distance_m: must be > 0"; TOML syntax errors give line and column;
// a GeoJSON file that cannot be read is NotFound naming the key and the path.

#include <functional>
#include <string>
#include <string_view>

#include "issa/core/status.h"
#include "issa/maritime/tracks.h"
#include "issa/maritime/zones.h"

namespace issa::maritime {

struct MaritimeConfig {
  TrackSettings tracking;  // motion filter, history and anomaly thresholds
  ZoneIndex geography;     // zones, coastlines, ports: built (ZoneIndex::Build) and ready
};

// Reads the contents of a file named in the configuration (a path already joined to the base
// directory); NotFound or another error when it cannot.
using ConfigFileReader = std::function<Result<std::string>(const std::string& path)>;

// Parses a configuration. Relative GeoJSON paths are taken from `base_dir` (the configuration
// file's directory; "" for the current one) and read with `read_file` (the file system when
// not given).
Result<MaritimeConfig> ParseMaritimeConfig(std::string_view toml, std::string_view base_dir,
                                           const ConfigFileReader& read_file = {});

// Reads and parses the configuration file at `path`; NotFound when it cannot be read.
Result<MaritimeConfig> LoadMaritimeConfig(const std::string& path);

}  // namespace issa::maritime
