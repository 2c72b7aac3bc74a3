#include "issa/maritime/config.h"

#include <cmath>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <sstream>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <toml++/toml.h>

namespace issa::maritime {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr int64_t kHourMs = 3'600'000;

Status KeyError(const std::string& path, std::string_view what) {
  return InvalidArgument(fmt::format("{}: {}", path, what), path);
}

std::string Join(std::string_view path, std::string_view key) {
  return path.empty() ? std::string(key) : fmt::format("{}.{}", path, key);
}

// A table of the configuration with its dotted path, for reading keys with their checks.
class Section {
 public:
  Section(const toml::table* table, std::string path) : table_(table), path_(std::move(path)) {}

  const std::string& path() const { return path_; }
  bool present() const { return table_ != nullptr; }

  // Every key of the table must be one of `known`.
  Status OnlyKeys(std::initializer_list<std::string_view> known) const {
    if (table_ == nullptr) return Status::Ok();
    for (const auto& [key, value] : *table_) {
      bool ok = false;
      for (const std::string_view k : known) ok = ok || key.str() == k;
      if (!ok) return KeyError(Join(path_, key.str()), "unknown key");
    }
    return Status::Ok();
  }

  // A number in [min, max] (min excluded when `above`), integer or float.
  Status Number(std::string_view key, double& out, double min, bool above = false,
                double max = kInf) const {
    const toml::node* node = Find(key);
    if (node == nullptr) return Status::Ok();
    const std::string path = Join(path_, key);
    double v = 0;
    if (const auto* i = node->as_integer()) {
      v = static_cast<double>(i->get());
    } else if (const auto* f = node->as_floating_point()) {
      v = f->get();
    } else {
      return KeyError(path, "must be a number");
    }
    if (!std::isfinite(v)) return KeyError(path, "must be finite");
    if (above ? !(v > min) : !(v >= min)) {
      return KeyError(path, fmt::format("must be {} {}", above ? ">" : ">=", min));
    }
    if (v > max) return KeyError(path, fmt::format("must be <= {}", max));
    out = v;
    return Status::Ok();
  }

  // A duration in `unit_ms` units (e.g. hours), stored in milliseconds; > 0 and at most a year.
  Status Duration(std::string_view key, int64_t& out_ms, double unit_ms) const {
    double v = static_cast<double>(out_ms) / unit_ms;
    ISSA_RETURN_IF_ERROR(Number(key, v, 0, true, 366.0 * 24 * kHourMs / unit_ms));
    out_ms = static_cast<int64_t>(std::llround(v * unit_ms));
    return Status::Ok();
  }

  Status Count(std::string_view key, size_t& out, double min, double max) const {
    double v = static_cast<double>(out);
    ISSA_RETURN_IF_ERROR(Number(key, v, min, false, max));
    if (v != std::floor(v)) return KeyError(Join(path_, key), "must be a whole number");
    out = static_cast<size_t>(v);
    return Status::Ok();
  }

  Status Bool(std::string_view key, bool& out) const {
    const toml::node* node = Find(key);
    if (node == nullptr) return Status::Ok();
    const auto* b = node->as_boolean();
    if (b == nullptr) return KeyError(Join(path_, key), "must be true or false");
    out = b->get();
    return Status::Ok();
  }

  Status String(std::string_view key, std::string& out) const {
    const toml::node* node = Find(key);
    if (node == nullptr) return Status::Ok();
    const auto* s = node->as_string();
    if (s == nullptr) return KeyError(Join(path_, key), "must be a string");
    out = s->get();
    return Status::Ok();
  }

  // A sub-table (absent: a section with no table).
  Result<Section> Table(std::string_view key) const {
    const toml::node* node = Find(key);
    if (node == nullptr) return Section(nullptr, Join(path_, key));
    if (node->as_table() == nullptr) return KeyError(Join(path_, key), "must be a table");
    return Section(node->as_table(), Join(path_, key));
  }

  // An array of tables ([[key]]), as sections named key[i].
  Result<std::vector<Section>> Tables(std::string_view key) const {
    std::vector<Section> out;
    const toml::node* node = Find(key);
    if (node == nullptr) return out;
    const std::string path = Join(path_, key);
    const auto* array = node->as_array();
    if (array == nullptr) return KeyError(path, "must be an array of tables ([[...]])");
    for (size_t i = 0; i < array->size(); ++i) {
      const auto* t = (*array)[i].as_table();
      if (t == nullptr) return KeyError(fmt::format("{}[{}]", path, i), "must be a table");
      out.emplace_back(t, fmt::format("{}[{}]", path, i));
    }
    return out;
  }

  const toml::node* Find(std::string_view key) const {
    return table_ == nullptr ? nullptr : table_->get(key);
  }

 private:
  const toml::table* table_;
  std::string path_;
};

// [lon, lat]
Status ReadPosition(const toml::node& node, const std::string& path, LonLat& out) {
  const auto* a = node.as_array();
  if (a == nullptr || a->size() != 2) return KeyError(path, "a position is [longitude, latitude]");
  double v[2] = {0, 0};
  for (size_t i = 0; i < 2; ++i) {
    if (const auto* n = (*a)[i].as_integer()) {
      v[i] = static_cast<double>(n->get());
    } else if (const auto* f = (*a)[i].as_floating_point()) {
      v[i] = f->get();
    } else {
      return KeyError(path, "a position is [longitude, latitude], numbers");
    }
  }
  if (!(v[0] >= -180 && v[0] <= 180)) return KeyError(path, "longitude out of range");
  if (!(v[1] >= -90 && v[1] <= 90)) return KeyError(path, "latitude out of range");
  out = {v[0], v[1]};
  return Status::Ok();
}

Status ReadLine(const toml::node& node, const std::string& path, size_t min_points,
                std::vector<LonLat>& out) {
  const auto* a = node.as_array();
  if (a == nullptr) return KeyError(path, "must be an array of [longitude, latitude]");
  if (a->size() < min_points) {
    return KeyError(path, fmt::format("needs at least {} positions", min_points));
  }
  out.resize(a->size());
  for (size_t i = 0; i < a->size(); ++i) {
    ISSA_RETURN_IF_ERROR(ReadPosition((*a)[i], fmt::format("{}[{}]", path, i), out[i]));
  }
  return Status::Ok();
}

// A polygon: an array of rings (outer first, then holes).
Status ReadPolygon(const toml::node& node, const std::string& path, std::vector<Ring>& out) {
  const auto* a = node.as_array();
  if (a == nullptr || a->empty()) return KeyError(path, "must be an array of rings");
  out.resize(a->size());
  for (size_t r = 0; r < a->size(); ++r) {
    ISSA_RETURN_IF_ERROR(ReadLine((*a)[r], fmt::format("{}[{}]", path, r), 3, out[r]));
  }
  return Status::Ok();
}

Status ReadKind(const Section& s, ZoneKind& kind) {
  std::string text;
  ISSA_RETURN_IF_ERROR(s.String("kind", text));
  if (text.empty()) return Status::Ok();
  if (text == "restricted") {
    kind = ZoneKind::kRestricted;
  } else if (text == "monitored") {
    kind = ZoneKind::kMonitored;
  } else {
    return KeyError(Join(s.path(), "kind"), "must be \"restricted\" or \"monitored\"");
  }
  return Status::Ok();
}

Status Tag(const std::string& path, const Status& s) {
  if (s.ok()) return s;
  return Status(s.code(), fmt::format("{}: {}", path, s.message()),
                s.field().empty() ? path : Join(path, s.field()));
}

Status ReadTracking(const Section& s, TrackSettings& t) {
  ISSA_RETURN_IF_ERROR(s.OnlyKeys({"fix_sigma_m", "gate_distance2", "max_speed_knots",
                                   "history_interval_s", "history_turn_deg", "history_max_points",
                                   "acceleration_psd", "initial_speed_sigma_mps"}));
  ISSA_RETURN_IF_ERROR(s.Number("fix_sigma_m", t.fix_sigma_m, 0, true, 100'000));
  ISSA_RETURN_IF_ERROR(s.Number("gate_distance2", t.gate_distance2, 0, true));
  ISSA_RETURN_IF_ERROR(s.Number("max_speed_knots", t.max_speed_knots, 0, true, 1000));
  ISSA_RETURN_IF_ERROR(s.Duration("history_interval_s", t.history_interval_ms, 1000));
  ISSA_RETURN_IF_ERROR(s.Number("history_turn_deg", t.history_turn_deg, 0, true, 180));
  ISSA_RETURN_IF_ERROR(s.Count("history_max_points", t.history_max_points, 2, 1'000'000));
  ISSA_RETURN_IF_ERROR(s.Number("acceleration_psd", t.motion.acceleration_psd, 0, true, 1000));
  ISSA_RETURN_IF_ERROR(
      s.Number("initial_speed_sigma_mps", t.motion.initial_speed_sigma_mps, 0, true, 1000));
  return Status::Ok();
}

Status ReadAnomalies(const Section& s, AnomalySettings& a) {
  ISSA_RETURN_IF_ERROR(
      s.OnlyKeys({"gap", "jump", "loitering", "encounter", "fast_craft", "zone_entry"}));
  ISSA_ASSIGN_OR_RETURN(const Section gap, s.Table("gap"));
  ISSA_RETURN_IF_ERROR(gap.OnlyKeys({"threshold_h", "zones"}));
  ISSA_RETURN_IF_ERROR(gap.Duration("threshold_h", a.gap_threshold_ms, kHourMs));
  ISSA_ASSIGN_OR_RETURN(const std::vector<Section> zones, gap.Tables("zones"));
  for (const Section& z : zones) {
    ISSA_RETURN_IF_ERROR(
        z.OnlyKeys({"name", "min_lat", "min_lon", "max_lat", "max_lon", "threshold_h"}));
    GapZone g;
    std::string name;
    ISSA_RETURN_IF_ERROR(z.String("name", name));
    for (const char* key : {"min_lat", "min_lon", "max_lat", "max_lon", "threshold_h"}) {
      if (z.Find(key) == nullptr) return KeyError(Join(z.path(), key), "missing");
    }
    ISSA_RETURN_IF_ERROR(z.Number("min_lat", g.min_lat, -90, false, 90));
    ISSA_RETURN_IF_ERROR(z.Number("max_lat", g.max_lat, -90, false, 90));
    ISSA_RETURN_IF_ERROR(z.Number("min_lon", g.min_lon, -180, false, 180));
    ISSA_RETURN_IF_ERROR(z.Number("max_lon", g.max_lon, -180, false, 180));
    if (g.max_lat < g.min_lat) return KeyError(Join(z.path(), "max_lat"), "must be >= min_lat");
    ISSA_RETURN_IF_ERROR(z.Duration("threshold_h", g.gap_threshold_ms, kHourMs));
    a.gap_zones.push_back(g);
  }

  ISSA_ASSIGN_OR_RETURN(const Section jump, s.Table("jump"));
  ISSA_RETURN_IF_ERROR(jump.OnlyKeys({"speed_knots"}));
  ISSA_RETURN_IF_ERROR(jump.Number("speed_knots", a.jump_speed_knots, 0, true, 1000));

  ISSA_ASSIGN_OR_RETURN(const Section loiter, s.Table("loitering"));
  ISSA_RETURN_IF_ERROR(loiter.OnlyKeys(
      {"max_speed_knots", "min_duration_h", "min_port_distance_km", "min_shore_distance_km"}));
  ISSA_RETURN_IF_ERROR(loiter.Number("max_speed_knots", a.loiter_speed_knots, 0, true, 100));
  ISSA_RETURN_IF_ERROR(loiter.Duration("min_duration_h", a.loiter_min_ms, kHourMs));
  double km = a.loiter_min_port_distance_m / 1000;
  ISSA_RETURN_IF_ERROR(loiter.Number("min_port_distance_km", km, 0, false, 1000));
  a.loiter_min_port_distance_m = km * 1000;
  km = a.loiter_min_shore_distance_m / 1000;
  ISSA_RETURN_IF_ERROR(loiter.Number("min_shore_distance_km", km, 0, false, 1000));
  a.loiter_min_shore_distance_m = km * 1000;

  ISSA_ASSIGN_OR_RETURN(const Section enc, s.Table("encounter"));
  ISSA_RETURN_IF_ERROR(
      enc.OnlyKeys({"enabled", "max_distance_m", "min_duration_h", "max_median_speed_knots",
                    "min_port_distance_km", "check_interval_s", "max_silence_min", "max_pairs"}));
  ISSA_RETURN_IF_ERROR(enc.Bool("enabled", a.encounters));
  ISSA_RETURN_IF_ERROR(enc.Number("max_distance_m", a.encounter_max_distance_m, 0, true, 50'000));
  ISSA_RETURN_IF_ERROR(enc.Duration("min_duration_h", a.encounter_min_ms, kHourMs));
  ISSA_RETURN_IF_ERROR(enc.Number("max_median_speed_knots", a.encounter_speed_knots, 0, true, 100));
  km = a.encounter_min_port_distance_m / 1000;
  ISSA_RETURN_IF_ERROR(enc.Number("min_port_distance_km", km, 0, false, 1000));
  a.encounter_min_port_distance_m = km * 1000;
  ISSA_RETURN_IF_ERROR(enc.Duration("check_interval_s", a.encounter_check_interval_ms, 1000));
  ISSA_RETURN_IF_ERROR(enc.Duration("max_silence_min", a.encounter_max_silence_ms, 60'000));
  ISSA_RETURN_IF_ERROR(enc.Count("max_pairs", a.encounter_max_pairs, 1, 1e9));

  ISSA_ASSIGN_OR_RETURN(const Section fast, s.Table("fast_craft"));
  ISSA_RETURN_IF_ERROR(fast.OnlyKeys({"enabled", "min_speed_knots", "coast_distance_km"}));
  ISSA_RETURN_IF_ERROR(fast.Bool("enabled", a.fast_craft));
  ISSA_RETURN_IF_ERROR(fast.Number("min_speed_knots", a.fast_speed_knots, 0, true, 1000));
  km = a.fast_coast_distance_m / 1000;
  ISSA_RETURN_IF_ERROR(fast.Number("coast_distance_km", km, 0, true, 1000));
  a.fast_coast_distance_m = km * 1000;

  ISSA_ASSIGN_OR_RETURN(const Section zone, s.Table("zone_entry"));
  ISSA_RETURN_IF_ERROR(zone.OnlyKeys({"enabled"}));
  ISSA_RETURN_IF_ERROR(zone.Bool("enabled", a.zone_entries));
  return Status::Ok();
}

Result<std::string> ReadFromDisk(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(StatusCode::kNotFound, fmt::format("cannot read {}", path));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string JoinPath(std::string_view base_dir, const std::string& path) {
  if (base_dir.empty() || path.starts_with('/')) return path;
  std::string out(base_dir);
  if (!out.ends_with('/')) out += '/';
  return out + path;
}

Status ReadGeography(const Section& s, std::string_view base_dir, const ConfigFileReader& read,
                     ZoneIndex& geo, double& cell_deg) {
  ISSA_RETURN_IF_ERROR(s.OnlyKeys(
      {"grid_cell_deg", "default_port_radius_km", "files", "zones", "coastlines", "ports"}));
  ISSA_RETURN_IF_ERROR(s.Number("grid_cell_deg", cell_deg, 0.001, false, 10));
  double port_radius_km = 1;
  ISSA_RETURN_IF_ERROR(s.Number("default_port_radius_km", port_radius_km, 0, false, 100));

  ISSA_ASSIGN_OR_RETURN(const std::vector<Section> files, s.Tables("files"));
  for (const Section& f : files) {
    ISSA_RETURN_IF_ERROR(f.OnlyKeys({"path", "kind"}));
    std::string path;
    ISSA_RETURN_IF_ERROR(f.String("path", path));
    if (path.empty()) return KeyError(Join(f.path(), "path"), "missing");
    ZoneKind kind = ZoneKind::kRestricted;
    ISSA_RETURN_IF_ERROR(ReadKind(f, kind));
    const std::string full = JoinPath(base_dir, path);
    Result<std::string> text = read(full);
    if (!text.ok()) {
      return Status(text.status().code(),
                    fmt::format("{}: {}", Join(f.path(), "path"), text.status().message()),
                    Join(f.path(), "path"));
    }
    ISSA_RETURN_IF_ERROR(
        Tag(Join(f.path(), "path"), LoadGeoJson(*text, path, kind, port_radius_km * 1000, geo)));
  }

  ISSA_ASSIGN_OR_RETURN(const std::vector<Section> zones, s.Tables("zones"));
  for (const Section& z : zones) {
    ISSA_RETURN_IF_ERROR(z.OnlyKeys({"name", "kind", "polygon", "multipolygon"}));
    Zone zone;
    ISSA_RETURN_IF_ERROR(z.String("name", zone.name));
    if (zone.name.empty()) return KeyError(Join(z.path(), "name"), "missing");
    ISSA_RETURN_IF_ERROR(ReadKind(z, zone.kind));
    if (const toml::node* p = z.Find("polygon")) {
      zone.polygons.emplace_back();
      ISSA_RETURN_IF_ERROR(ReadPolygon(*p, Join(z.path(), "polygon"), zone.polygons.back()));
    }
    if (const toml::node* m = z.Find("multipolygon")) {
      const std::string path = Join(z.path(), "multipolygon");
      const auto* a = m->as_array();
      if (a == nullptr || a->empty()) return KeyError(path, "must be an array of polygons");
      for (size_t i = 0; i < a->size(); ++i) {
        zone.polygons.emplace_back();
        ISSA_RETURN_IF_ERROR(
            ReadPolygon((*a)[i], fmt::format("{}[{}]", path, i), zone.polygons.back()));
      }
    }
    if (zone.polygons.empty()) return KeyError(z.path(), "needs polygon or multipolygon");
    ISSA_RETURN_IF_ERROR(Tag(z.path(), geo.AddZone(std::move(zone))));
  }

  ISSA_ASSIGN_OR_RETURN(const std::vector<Section> coasts, s.Tables("coastlines"));
  for (const Section& c : coasts) {
    ISSA_RETURN_IF_ERROR(c.OnlyKeys({"name", "line"}));
    std::string name;
    ISSA_RETURN_IF_ERROR(c.String("name", name));
    const toml::node* line_node = c.Find("line");
    if (line_node == nullptr) return KeyError(Join(c.path(), "line"), "missing");
    std::vector<LonLat> line;
    ISSA_RETURN_IF_ERROR(ReadLine(*line_node, Join(c.path(), "line"), 2, line));
    ISSA_RETURN_IF_ERROR(Tag(c.path(), geo.AddCoastline(std::move(name), std::move(line))));
  }

  ISSA_ASSIGN_OR_RETURN(const std::vector<Section> ports, s.Tables("ports"));
  for (const Section& p : ports) {
    ISSA_RETURN_IF_ERROR(p.OnlyKeys({"name", "lat", "lon", "radius_km"}));
    Port port;
    ISSA_RETURN_IF_ERROR(p.String("name", port.name));
    for (const char* key : {"lat", "lon"}) {
      if (p.Find(key) == nullptr) return KeyError(Join(p.path(), key), "missing");
    }
    ISSA_RETURN_IF_ERROR(p.Number("lat", port.lat, -90, false, 90));
    ISSA_RETURN_IF_ERROR(p.Number("lon", port.lon, -180, false, 180));
    double radius_km = port_radius_km;
    ISSA_RETURN_IF_ERROR(p.Number("radius_km", radius_km, 0, false, 100));
    port.radius_m = radius_km * 1000;
    ISSA_RETURN_IF_ERROR(Tag(p.path(), geo.AddPort(std::move(port))));
  }
  return Status::Ok();
}

}  // namespace

Result<MaritimeConfig> ParseMaritimeConfig(std::string_view toml_text, std::string_view base_dir,
                                           const ConfigFileReader& read_file) {
  toml::table root;
  try {
    root = toml::parse(toml_text, std::string_view("maritime.toml"));
  } catch (const toml::parse_error& e) {
    return InvalidArgument(fmt::format("line {}, column {}: {}", e.source().begin.line,
                                       e.source().begin.column, e.description()));
  }
  const ConfigFileReader read = read_file ? read_file : ConfigFileReader(ReadFromDisk);
  MaritimeConfig config;
  const Section top(&root, "");
  ISSA_RETURN_IF_ERROR(top.OnlyKeys({"tracking", "anomalies", "geography"}));
  ISSA_ASSIGN_OR_RETURN(const Section tracking, top.Table("tracking"));
  ISSA_RETURN_IF_ERROR(ReadTracking(tracking, config.tracking));
  ISSA_ASSIGN_OR_RETURN(const Section anomalies, top.Table("anomalies"));
  ISSA_RETURN_IF_ERROR(ReadAnomalies(anomalies, config.tracking.anomalies));
  ISSA_ASSIGN_OR_RETURN(const Section geography, top.Table("geography"));
  double cell_deg = 0.1;
  ISSA_RETURN_IF_ERROR(ReadGeography(geography, base_dir, read, config.geography, cell_deg));
  config.geography.Build(cell_deg);
  return config;
}

Result<MaritimeConfig> LoadMaritimeConfig(const std::string& path) {
  ISSA_ASSIGN_OR_RETURN(const std::string text, ReadFromDisk(path));
  const size_t slash = path.rfind('/');
  const std::string_view base =
      slash == std::string::npos ? std::string_view() : std::string_view(path).substr(0, slash);
  return ParseMaritimeConfig(text, base.empty() && slash == 0 ? "/" : base);
}

}  // namespace issa::maritime
