#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "issa/core/status.h"
#include "issa/core/time.h"
#include "issa/storage/store.h"

// Request-target parsing: path segments, query strings and the typed parameters of the list
// routes. Every failure is InvalidArgument naming the parameter. No Beast, no node: fuzzed by
// fuzz/http_request_fuzz.cc.
namespace issa::api {

constexpr size_t kMaxQueryParams = 32;
constexpr size_t kMaxTextParam = 256;

// Splits a request target into its path and query (without '?'); a fragment is dropped.
std::pair<std::string_view, std::string_view> SplitTarget(std::string_view target);

// Decodes %XX escapes (and '+' as space when `plus_as_space`). InvalidArgument naming `field`
// for a bad escape, invalid UTF-8 or a control character.
Result<std::string> PercentDecode(std::string_view s, bool plus_as_space, std::string_view field);

// The raw segments of a path ("/a/b" -> {"a","b"}; "/" -> {}). InvalidArgument unless the path
// starts with '/'.
Result<std::vector<std::string_view>> SplitPath(std::string_view path);

// Decoded name=value pairs of a query string, in order.
class QueryParams {
 public:
  // Every name must be in `allowed` (InvalidArgument "unknown parameter" naming it otherwise);
  // a repeated name, an empty name or more than kMaxQueryParams parameters are rejected.
  static Result<QueryParams> Parse(std::string_view query,
                                   std::initializer_list<std::string_view> allowed);

  const std::string* Get(std::string_view name) const;
  size_t size() const { return items_.size(); }

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

// Typed parameter parsers; each names `name` in its error.
Result<int> ParseIntParam(std::string_view text, std::string_view name, int64_t min, int64_t max);
Result<int64_t> ParseInt64Param(std::string_view text, std::string_view name, int64_t min,
                                int64_t max);
Result<core::Timestamp> ParseTimeParam(std::string_view text, std::string_view name);
// Free text up to kMaxTextParam bytes.
Result<std::string> ParseTextParam(std::string_view text, std::string_view name);
// An identifier: 1..128 of [A-Za-z0-9._:-].
Result<std::string> ParseIdParam(std::string_view text, std::string_view name);

// GET /api/v1/records: type, owner, q, bbox, since, until, limit (1..1000, default 100),
// cursor. `known_type` says whether a type exists.
template <typename KnownType>
Result<storage::RecordQuery> ParseRecordQuery(std::string_view query, KnownType&& known_type);
Result<storage::RecordQuery> ParseRecordQueryParams(const QueryParams& params);

// GET /api/v1/audit: user, authority, action, since, until, after, limit (1..1000, default 100).
Result<storage::AuditQuery> ParseAuditQuery(std::string_view query);

template <typename KnownType>
Result<storage::RecordQuery> ParseRecordQuery(std::string_view query, KnownType&& known_type) {
  ISSA_ASSIGN_OR_RETURN(QueryParams params,
                        QueryParams::Parse(query, {"type", "owner", "q", "bbox", "since", "until",
                                                   "limit", "cursor"}));
  ISSA_ASSIGN_OR_RETURN(storage::RecordQuery q, ParseRecordQueryParams(params));
  if (q.type && !known_type(*q.type)) {
    return InvalidArgument("unknown record type '" + *q.type + "'", "type");
  }
  return q;
}

}  // namespace issa::api
