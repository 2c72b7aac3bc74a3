#include "sqlite_codec.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace issa::storage_sqlite {
namespace {

constexpr std::string_view kEmptyList = "[]";

Result<nlohmann::json> ParseArray(std::string_view json, const Where& where) {
  nlohmann::json parsed = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_array()) {
    return DataLoss(fmt::format("{} is not a JSON array", where.ToString()));
  }
  return parsed;
}

Result<std::vector<core::Link>> DecodeLinks(std::string_view json, const Where& where) {
  std::vector<core::Link> links;
  if (json == kEmptyList) return links;
  ISSA_ASSIGN_OR_RETURN(const nlohmann::json parsed, ParseArray(json, where));
  for (const nlohmann::json& item : parsed) {
    if (!item.is_object() || !item.contains("rel") || !item.contains("target") ||
        !item["rel"].is_string() || !item["target"].is_string()) {
      return DataLoss(
          fmt::format("{} holds an item that is not {{rel, target}}", where.ToString()));
    }
    links.push_back({item["rel"].get<std::string>(), item["target"].get<std::string>()});
  }
  return links;
}

std::string EncodeLinks(const std::vector<core::Link>& links) {
  if (links.empty()) return std::string(kEmptyList);
  nlohmann::json out = nlohmann::json::array();
  for (const core::Link& l : links) out.push_back({{"rel", l.rel}, {"target", l.target}});
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<int64_t> OptTimestamp(const std::optional<core::Timestamp>& t) {
  return t ? std::optional<int64_t>(*t) : std::nullopt;
}

}  // namespace

std::string Where::ToString() const { return fmt::format("{} {} column {}", kind, id, column); }

Status OutOfRange(int64_t value, const Where& where) {
  return DataLoss(
      fmt::format("{} holds {}, which this build does not know", where.ToString(), value));
}

std::string EncodeStrings(const std::vector<std::string>& values) {
  if (values.empty()) return std::string(kEmptyList);
  // Invalid UTF-8 is replaced (U+FFFD) rather than thrown on: list items are identifiers.
  return nlohmann::json(values).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<std::vector<std::string>> DecodeStrings(std::string_view json, const Where& where) {
  std::vector<std::string> values;
  if (json == kEmptyList) return values;
  ISSA_ASSIGN_OR_RETURN(const nlohmann::json parsed, ParseArray(json, where));
  values.reserve(parsed.size());
  for (const nlohmann::json& item : parsed) {
    if (!item.is_string()) {
      return DataLoss(fmt::format("{} holds a non-string item", where.ToString()));
    }
    values.push_back(item.get<std::string>());
  }
  return values;
}

std::string EncodeKinds(const std::vector<core::AuthorityKind>& kinds) {
  nlohmann::json out = nlohmann::json::array();
  for (const core::AuthorityKind k : kinds) out.push_back(static_cast<int>(k));
  return out.dump();
}

Result<std::vector<core::AuthorityKind>> DecodeKinds(std::string_view json, const Where& where) {
  ISSA_ASSIGN_OR_RETURN(const nlohmann::json parsed, ParseArray(json, where));
  std::vector<core::AuthorityKind> kinds;
  for (const nlohmann::json& item : parsed) {
    if (!item.is_number_integer()) {
      return DataLoss(fmt::format("{} holds a non-integer", where.ToString()));
    }
    ISSA_ASSIGN_OR_RETURN(
        const core::AuthorityKind kind,
        DecodeEnum<core::AuthorityKind>(
            item.get<int64_t>(), static_cast<int64_t>(core::AuthorityKind::kEuAgency), where));
    kinds.push_back(kind);
  }
  return kinds;
}

void BindRecord(Stmt& stmt, int first, const core::Record& r, RecordLists& lists) {
  lists.links = EncodeLinks(r.links);
  lists.authorities = EncodeStrings(r.handling.authorities);
  const int p = first;
  stmt.BindText(p + 0, r.id);
  stmt.BindText(p + 1, r.type);
  stmt.BindText(p + 2, r.owner);
  stmt.BindText(p + 3, r.origin_node);
  stmt.BindInt(p + 4, r.version);
  stmt.BindInt(p + 5, r.created_at);
  stmt.BindInt(p + 6, r.updated_at);
  stmt.BindOptInt(p + 7, OptTimestamp(r.valid_from));
  stmt.BindOptInt(p + 8, OptTimestamp(r.valid_to));
  stmt.BindText(p + 9, r.properties_json);
  stmt.BindText(p + 10, r.geometry_json);
  if (r.bbox) {
    stmt.BindDouble(p + 11, r.bbox->min_lon);
    stmt.BindDouble(p + 12, r.bbox->min_lat);
    stmt.BindDouble(p + 13, r.bbox->max_lon);
    stmt.BindDouble(p + 14, r.bbox->max_lat);
  } else {
    for (int i = 11; i <= 14; ++i) stmt.BindNull(p + i);
  }
  stmt.BindText(p + 15, lists.links);
  stmt.BindInt(p + 16, static_cast<int64_t>(r.handling.classification));
  stmt.BindInt(p + 17, static_cast<int64_t>(r.handling.distribution));
  stmt.BindText(p + 18, lists.authorities);
  stmt.BindText(p + 19, r.handling.group);
  stmt.BindInt(p + 20, r.handling.purposes);
  stmt.BindOptInt(p + 21, OptTimestamp(r.handling.delete_after));
  stmt.BindOptInt(p + 22, OptTimestamp(r.handling.depersonalise_after));
  stmt.BindInt(p + 23, r.handling.hit_notice ? 1 : 0);
  stmt.BindText(p + 24, r.created_by);
  stmt.BindInt(p + 25, r.depersonalised ? 1 : 0);
  stmt.BindText(p + 26, r.search_text);
  stmt.BindText(p + 27, r.key);
}

Result<core::Record> ReadRecord(const Stmt& s, int first) {
  const int c = first;
  core::Record r;
  r.id = s.Text(c + 0);
  const auto what = [&](std::string_view column) { return Where{"record", r.id, column}; };
  r.type = s.Text(c + 1);
  r.owner = s.Text(c + 2);
  r.origin_node = s.Text(c + 3);
  r.version = s.Int(c + 4);
  r.created_at = s.Int(c + 5);
  r.updated_at = s.Int(c + 6);
  r.valid_from = s.OptInt(c + 7);
  r.valid_to = s.OptInt(c + 8);
  r.properties_json = s.Text(c + 9);
  r.geometry_json = s.Text(c + 10);
  if (!s.IsNull(c + 11)) {
    r.bbox = core::BBox{s.Double(c + 11), s.Double(c + 12), s.Double(c + 13), s.Double(c + 14)};
  }
  ISSA_ASSIGN_OR_RETURN(r.links, DecodeLinks(s.TextView(c + 15), what("links")));
  ISSA_ASSIGN_OR_RETURN(r.handling.classification,
                        DecodeEnum<core::Classification>(s.Int(c + 16), 3, what("classification")));
  ISSA_ASSIGN_OR_RETURN(r.handling.distribution,
                        DecodeEnum<core::Distribution>(s.Int(c + 17), 3, what("distribution")));
  ISSA_ASSIGN_OR_RETURN(r.handling.authorities,
                        DecodeStrings(s.TextView(c + 18), what("authorities")));
  r.handling.group = s.Text(c + 19);
  ISSA_ASSIGN_OR_RETURN(
      r.handling.purposes,
      DecodeEnum<core::PurposeSet>(s.Int(c + 20), core::kAllPurposes, what("purposes")));
  r.handling.delete_after = s.OptInt(c + 21);
  r.handling.depersonalise_after = s.OptInt(c + 22);
  r.handling.hit_notice = s.Int(c + 23) != 0;
  r.created_by = s.Text(c + 24);
  r.depersonalised = s.Int(c + 25) != 0;
  r.search_text = s.Text(c + 26);
  r.key = s.Text(c + 27);
  return r;
}

Result<bool> RowVisible(const access::Viewer& viewer, const Stmt& s, int first, int grants_col) {
  if (viewer.principal.IsSystem()) return true;
  const std::string_view id = s.TextView(first + record_col::kId);
  const auto what = [&](std::string_view column) { return Where{"record", id, column}; };
  ISSA_ASSIGN_OR_RETURN(const auto classification,
                        DecodeEnum<core::Classification>(s.Int(first + record_col::kClassification),
                                                         3, what("classification")));
  ISSA_ASSIGN_OR_RETURN(const auto distribution,
                        DecodeEnum<core::Distribution>(s.Int(first + record_col::kDistribution), 3,
                                                       what("distribution")));
  std::vector<std::string> authorities;
  if (distribution == core::Distribution::kAuthorities) {
    ISSA_ASSIGN_OR_RETURN(authorities, DecodeStrings(s.TextView(first + record_col::kAuthorities),
                                                     what("authorities")));
  }
  ISSA_ASSIGN_OR_RETURN(const std::vector<std::string> grants,
                        DecodeStrings(s.TextView(grants_col), what("grants")));
  return access::MaySee(viewer, s.TextView(first + record_col::kOwner), classification,
                        distribution, authorities, s.TextView(first + record_col::kGroup),
                        static_cast<core::PurposeSet>(s.Int(first + record_col::kPurposes)),
                        grants);
}

bool RowIntersects(const Stmt& s, int first, const core::BBox& box) {
  if (s.IsNull(first + record_col::kMinLon)) return false;
  const core::BBox row{s.Double(first + record_col::kMinLon), s.Double(first + record_col::kMinLat),
                       s.Double(first + record_col::kMaxLon),
                       s.Double(first + record_col::kMaxLat)};
  return row.Intersects(box);
}

}  // namespace issa::storage_sqlite
