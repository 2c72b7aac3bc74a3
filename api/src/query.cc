#include "query.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "issa/core/geo.h"
#include "issa/core/model.h"

#include "json_util.h"

namespace issa::api {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Status Bad(std::string_view name, std::string_view what) {
  return InvalidArgument(fmt::format("parameter '{}' {}", name, what), std::string(name));
}

}  // namespace

std::pair<std::string_view, std::string_view> SplitTarget(std::string_view target) {
  const size_t hash = target.find('#');
  if (hash != std::string_view::npos) target = target.substr(0, hash);
  const size_t q = target.find('?');
  if (q == std::string_view::npos) return {target, {}};
  return {target.substr(0, q), target.substr(q + 1)};
}

Result<std::string> PercentDecode(std::string_view s, bool plus_as_space, std::string_view field) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size()) {
        return InvalidArgument(fmt::format("bad percent escape in '{}'", field),
                               std::string(field));
      }
      const int hi = HexValue(s[i + 1]);
      const int lo = HexValue(s[i + 2]);
      if (hi < 0 || lo < 0) {
        return InvalidArgument(fmt::format("bad percent escape in '{}'", field),
                               std::string(field));
      }
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  if (!IsValidUtf8(out)) {
    return InvalidArgument(fmt::format("'{}' is not valid UTF-8", field), std::string(field));
  }
  for (const char c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) {
      return InvalidArgument(fmt::format("'{}' contains a control character", field),
                             std::string(field));
    }
  }
  return out;
}

Result<std::vector<std::string_view>> SplitPath(std::string_view path) {
  if (path.empty() || path.front() != '/') {
    return InvalidArgument("the request path must start with '/'", "path");
  }
  std::vector<std::string_view> segments;
  if (path.size() == 1) return segments;
  size_t pos = 1;
  while (true) {
    const size_t slash = path.find('/', pos);
    if (slash == std::string_view::npos) {
      segments.push_back(path.substr(pos));
      break;
    }
    segments.push_back(path.substr(pos, slash - pos));
    pos = slash + 1;
  }
  return segments;
}

Result<QueryParams> QueryParams::Parse(std::string_view query,
                                       std::initializer_list<std::string_view> allowed) {
  QueryParams out;
  size_t pos = 0;
  while (pos <= query.size() && !query.empty()) {
    size_t amp = query.find('&', pos);
    if (amp == std::string_view::npos) amp = query.size();
    const std::string_view item = query.substr(pos, amp - pos);
    pos = amp + 1;
    if (!item.empty()) {
      const size_t eq = item.find('=');
      const std::string_view raw_name = item.substr(0, eq);
      const std::string_view raw_value =
          eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1);
      ISSA_ASSIGN_OR_RETURN(std::string name, PercentDecode(raw_name, true, "query"));
      if (name.empty()) return InvalidArgument("empty parameter name", "query");
      if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
        if (name.size() > 64) name = name.substr(0, 64);
        return InvalidArgument(fmt::format("unknown parameter '{}'", name), name);
      }
      if (out.Get(name) != nullptr) return Bad(name, "is repeated");
      if (out.items_.size() >= kMaxQueryParams) {
        return InvalidArgument("too many parameters", "query");
      }
      ISSA_ASSIGN_OR_RETURN(std::string value, PercentDecode(raw_value, true, name));
      out.items_.emplace_back(std::move(name), std::move(value));
    }
    if (amp >= query.size()) break;
  }
  return out;
}

const std::string* QueryParams::Get(std::string_view name) const {
  for (const auto& [k, v] : items_) {
    if (k == name) return &v;
  }
  return nullptr;
}

Result<int64_t> ParseInt64Param(std::string_view text, std::string_view name, int64_t min,
                                int64_t max) {
  int64_t v = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc() || ptr != end) return Bad(name, "must be an integer");
  if (v < min || v > max) return Bad(name, fmt::format("must be between {} and {}", min, max));
  return v;
}

Result<int> ParseIntParam(std::string_view text, std::string_view name, int64_t min, int64_t max) {
  ISSA_ASSIGN_OR_RETURN(int64_t v, ParseInt64Param(text, name, min, max));
  return static_cast<int>(v);
}

Result<core::Timestamp> ParseTimeParam(std::string_view text, std::string_view name) {
  Result<core::Timestamp> t = core::ParseTimestamp(text);
  if (!t.ok()) return Bad(name, "must be an RFC 3339 date-time or a date YYYY-MM-DD");
  return *t;
}

Result<std::string> ParseTextParam(std::string_view text, std::string_view name) {
  if (text.size() > kMaxTextParam) {
    return Bad(name, fmt::format("is longer than {} bytes", kMaxTextParam));
  }
  return std::string(text);
}

Result<std::string> ParseIdParam(std::string_view text, std::string_view name) {
  if (text.empty() || text.size() > 128) return Bad(name, "must have 1 to 128 characters");
  for (const char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.' || c == ':';
    if (!ok) return Bad(name, "may contain only letters, digits and - _ . :");
  }
  return std::string(text);
}

Result<storage::RecordQuery> ParseRecordQueryParams(const QueryParams& params) {
  storage::RecordQuery q;
  q.limit = 100;
  if (const std::string* v = params.Get("type")) {
    ISSA_ASSIGN_OR_RETURN(q.type, ParseIdParam(*v, "type"));
  }
  if (const std::string* v = params.Get("owner")) {
    if (!core::IsValidAuthorityId(*v)) return Bad("owner", "must be an authority id");
    q.owner = *v;
  }
  if (const std::string* v = params.Get("q")) {
    ISSA_ASSIGN_OR_RETURN(q.text, ParseTextParam(*v, "q"));
  }
  if (const std::string* v = params.Get("bbox")) {
    Result<core::BBox> box = core::ParseBBox(*v);
    if (!box.ok()) return InvalidArgument(box.status().message(), "bbox");
    q.bbox = *box;
  }
  if (const std::string* v = params.Get("since")) {
    ISSA_ASSIGN_OR_RETURN(q.since, ParseTimeParam(*v, "since"));
  }
  if (const std::string* v = params.Get("until")) {
    ISSA_ASSIGN_OR_RETURN(q.until, ParseTimeParam(*v, "until"));
  }
  if (q.since && q.until && *q.since > *q.until) return Bad("until", "must not be before since");
  if (const std::string* v = params.Get("limit")) {
    ISSA_ASSIGN_OR_RETURN(q.limit, ParseIntParam(*v, "limit", 1, 1000));
  }
  if (const std::string* v = params.Get("cursor")) {
    ISSA_ASSIGN_OR_RETURN(q.after_id, ParseIdParam(*v, "cursor"));
  }
  return q;
}

Result<storage::AuditQuery> ParseAuditQuery(std::string_view query) {
  ISSA_ASSIGN_OR_RETURN(QueryParams params,
                        QueryParams::Parse(query, {"user", "authority", "action", "since", "until",
                                                   "after", "limit"}));
  storage::AuditQuery q;
  q.limit = 100;
  if (const std::string* v = params.Get("user")) {
    ISSA_ASSIGN_OR_RETURN(q.user, ParseIdParam(*v, "user"));
  }
  if (const std::string* v = params.Get("authority")) {
    if (!core::IsValidAuthorityId(*v)) return Bad("authority", "must be an authority id");
    q.authority = *v;
  }
  if (const std::string* v = params.Get("action")) {
    if (v->empty() || v->size() > 64) return Bad("action", "must have 1 to 64 characters");
    for (const char c : *v) {
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_')) {
        return Bad("action", "may contain only a-z, 0-9, '.' and '_'");
      }
    }
    q.action = *v;
  }
  if (const std::string* v = params.Get("since")) {
    ISSA_ASSIGN_OR_RETURN(q.since, ParseTimeParam(*v, "since"));
  }
  if (const std::string* v = params.Get("until")) {
    ISSA_ASSIGN_OR_RETURN(q.until, ParseTimeParam(*v, "until"));
  }
  if (q.since && q.until && *q.since > *q.until) return Bad("until", "must not be before since");
  if (const std::string* v = params.Get("after")) {
    ISSA_ASSIGN_OR_RETURN(q.after_seq, ParseInt64Param(*v, "after", 0, INT64_MAX));
  }
  if (const std::string* v = params.Get("limit")) {
    ISSA_ASSIGN_OR_RETURN(q.limit, ParseIntParam(*v, "limit", 1, 1000));
  }
  return q;
}

}  // namespace issa::api
