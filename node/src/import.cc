// Bulk import of NDJSON records and GeoJSON feature collections.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "node_impl.h"

namespace issa::node {
namespace {

using json = nlohmann::json;

constexpr size_t kMaxErrors = 100;
constexpr size_t kMaxLineBytes = 4 << 20;

void Reject(ImportStats& stats, uint64_t line, const Status& s) {
  ++stats.rejected;
  if (stats.errors.size() < kMaxErrors) {
    stats.errors.push_back(s.field().empty()
                               ? fmt::format("line {}: {}", line, s.message())
                               : fmt::format("line {}: {}: {}", line, s.field(), s.message()));
  }
}

}  // namespace

Result<ImportStats> NodeImpl::Import(const Context& ctx, std::istream& in,
                                     const ImportOptions& options) {
  ISSA_RETURN_IF_ERROR(RequireRole(ctx, access::Action::kWriteRecords, "import"));
  ImportStats stats;
  uint64_t bytes = 0;
  const size_t batch_size = std::max<size_t>(1, options.batch);
  std::vector<PreparedRecord> batch;
  std::vector<uint64_t> batch_lines;

  const auto flush = [&]() -> Status {
    if (batch.empty()) return Status::Ok();
    const size_t n = batch.size();
    std::vector<PreparedRecord> copy = batch;
    auto ids = WriteRecords(ctx, std::move(copy));
    if (!ids.ok()) {
      if (ids.status().code() != StatusCode::kInvalidArgument) return ids.status();
      // A reference problem in one record: write the others one by one.
      for (size_t i = 0; i < n; ++i) {
        std::vector<PreparedRecord> one{batch[i]};
        auto id = WriteRecords(ctx, std::move(one));
        if (id.ok()) {
          ++stats.imported;
        } else if (id.status().code() == StatusCode::kInvalidArgument) {
          Reject(stats, batch_lines[i], id.status());
        } else {
          return id.status();
        }
      }
    } else {
      stats.imported += n;
    }
    batch.clear();
    batch_lines.clear();
    if (options.progress) options.progress(bytes, stats);
    return Status::Ok();
  };
  const auto add = [&](std::string_view record_json, uint64_t line) -> Status {
    auto p = Prepare(ctx, record_json, Now());
    if (!p.ok()) {
      Reject(stats, line, p.status());
      return Status::Ok();
    }
    batch.push_back(std::move(p).value());
    batch_lines.push_back(line);
    if (batch.size() >= batch_size) return flush();
    return Status::Ok();
  };

  // Sniff: a GeoJSON FeatureCollection starts with '{' and has "FeatureCollection" early.
  const int first = (in >> std::ws).peek();
  std::string head;
  if (first == '{') {
    std::getline(in, head);
    bytes += head.size() + 1;
  }
  const bool geojson = head.find("\"FeatureCollection\"") != std::string::npos;
  if (geojson) {
    std::stringstream rest;
    rest << head << in.rdbuf();
    const std::string text = rest.str();
    bytes = text.size();
    json doc = json::parse(text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object() || !doc.contains("features") ||
        !doc["features"].is_array()) {
      return InvalidArgument("not a valid GeoJSON FeatureCollection", "file");
    }
    if (options.geojson_type.empty()) {
      return InvalidArgument("a GeoJSON import needs the record type of its features", "type");
    }
    json handling = json::parse(options.geojson_handling_json, nullptr, false);
    if (handling.is_discarded() || !handling.is_object()) {
      return InvalidArgument("a GeoJSON import needs the handling of its features as JSON",
                             "handling");
    }
    const auto& features = doc["features"];
    for (size_t i = 0; i < features.size(); ++i) {
      ++stats.lines;
      const json& f = features[i];
      if (!f.is_object() || f.value("type", "") != "Feature") {
        Reject(stats, i + 1, InvalidArgument("is not a GeoJSON Feature", "features"));
        continue;
      }
      json rec = {
          {"type", options.geojson_type},
          {"properties", f.contains("properties") && f["properties"].is_object() ? f["properties"]
                                                                                 : json::object()},
          {"geometry", f.contains("geometry") ? f["geometry"] : json(nullptr)},
          {"handling", handling}};
      ISSA_RETURN_IF_ERROR(add(rec.dump(), i + 1));
    }
  } else {
    uint64_t line_no = 0;
    const auto process = [&](const std::string& line) -> Status {
      ++line_no;
      if (line.find_first_not_of(" \t\r") == std::string::npos) return Status::Ok();
      ++stats.lines;
      if (line.size() > kMaxLineBytes) {
        Reject(stats, line_no, InvalidArgument("line longer than 4 MiB", "line"));
        return Status::Ok();
      }
      return add(line, line_no);
    };
    if (!head.empty()) ISSA_RETURN_IF_ERROR(process(head));
    std::string line;
    while (std::getline(in, line)) {
      bytes += line.size() + 1;
      ISSA_RETURN_IF_ERROR(process(line));
    }
  }
  ISSA_RETURN_IF_ERROR(flush());
  ISSA_RETURN_IF_ERROR(AuditWrite(ctx, "record.import", "", stats.rejected ? "partial" : "ok",
                                  fmt::format("{} lines, {} imported, {} rejected", stats.lines,
                                              stats.imported, stats.rejected)));
  if (options.progress) options.progress(bytes, stats);
  return stats;
}

Result<ImportStats> NodeImpl::ImportFile(const Context& ctx, std::string_view relative_path,
                                         const ImportOptions& options) {
  ISSA_RETURN_IF_ERROR(RequireRole(ctx, access::Action::kWriteRecords, "import"));
  namespace fs = std::filesystem;
  const auto refuse = [&](std::string why) {
    return Invalid(ctx, "record.import", InvalidArgument(std::move(why), "path"));
  };
  if (options_.import_dir.empty()) return refuse("this node has no import folder");
  if (relative_path.empty() || relative_path.size() > 1024) return refuse("needs a file name");
  const fs::path rel(relative_path);
  if (rel.is_absolute()) return refuse("must be relative to the import folder");
  for (const auto& part : rel) {
    if (part == "..") return refuse("must not leave the import folder");
  }
  std::error_code ec;
  const fs::path root = fs::weakly_canonical(options_.import_dir, ec);
  if (ec) return refuse("the import folder is not readable");
  const fs::path full = fs::weakly_canonical(root / rel, ec);
  if (ec) return refuse("file not found in the import folder");
  const auto [root_end, unused] = std::mismatch(root.begin(), root.end(), full.begin(), full.end());
  if (root_end != root.end()) return refuse("must not leave the import folder (link)");
  if (!fs::is_regular_file(full, ec)) return refuse("file not found in the import folder");
  std::ifstream in(full, std::ios::binary);
  if (!in) return refuse("file cannot be read");
  return Import(ctx, in, options);
}

}  // namespace issa::node
