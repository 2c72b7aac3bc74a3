#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "issa/core/status.h"
#include "issa/core/time.h"

// TAXII 2.1 query values (§3.4 filtering, §3.6 pagination): the URL query of the objects,
// manifest and versions endpoints, and the stateless `next` cursor. Pure functions;
// thread-safe. See docs/adr/0007-stix-taxii.md.
namespace issa::cyber {

enum class VersionFilter { kLast, kFirst, kAll, kAt };

struct TaxiiQuery {
  int limit = 0;  // 0: the server's default
  std::optional<core::Timestamp> added_after;
  std::string next;                        // the cursor as sent
  std::vector<std::string> ids;            // match[id]
  std::vector<std::string> types;          // match[type]
  std::vector<std::string> spec_versions;  // match[spec_version]
  std::vector<VersionFilter> versions;     // match[version]; empty: the endpoint's default
  std::vector<std::string> version_times;  // the <ts> values of kAt, as sent (normalised)
};

// Parses a raw (percent-encoded) query string. Parameters other than `allowed` (of "limit",
// "added_after", "next", "match[id]", "match[type]", "match[version]", "match[spec_version]")
// are refused. InvalidArgument names the parameter.
Result<TaxiiQuery> ParseTaxiiQuery(std::string_view query, const std::vector<std::string>& allowed);

// A stable digest of the filters of a query (not limit, not next): a cursor carries it so that
// it is used only with the same filters.
std::string FilterDigest(const TaxiiQuery& query);

// The position a cursor encodes: the collection, the filters' digest and the last record
// returned (record ids are UUIDv7, ordered by the time they were added).
struct TaxiiCursor {
  std::string collection;
  std::string filters;
  std::string after;  // record id
};

// "<base64url payload>.<base64url HMAC-SHA-256 (first 16 bytes)>" under `key`; valid across
// restarts and processes that share the key.
std::string EncodeCursor(const TaxiiCursor& cursor, std::string_view key);
// InvalidArgument (field "next") when malformed or when the MAC does not verify.
Result<TaxiiCursor> DecodeCursor(std::string_view text, std::string_view key);

// Normalises an RFC 3339 timestamp to STIX form with milliseconds, or InvalidArgument.
Result<std::string> NormaliseStixTimestamp(std::string_view text);

}  // namespace issa::cyber
