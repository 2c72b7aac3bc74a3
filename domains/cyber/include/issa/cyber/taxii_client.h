#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "issa/core/status.h"

// The answers of a TAXII 2.1 server as a client reads them (issue 6 item 3, `issa taxii pull`):
// the discovery and API root resources, the collections list, the objects envelope and the
// error message, plus the server URL and the references inside it. Outside input: every
// function returns InvalidArgument naming the property for a malformed answer and never
// throws. Pure functions; thread-safe.
namespace issa::cyber {

// An http(s) URL split into its parts; `target` is the path (with query), "/" when absent.
struct TaxiiUrl {
  std::string scheme;  // "http" or "https"
  std::string host;
  uint16_t port = 0;
  std::string target;
};

// Parses an absolute http or https URL (no user info, no fragment). Field "url".
Result<TaxiiUrl> ParseTaxiiUrl(std::string_view url);
// The URL `ref` (absolute, absolute path or relative path) names from `base`; a resolved path
// always ends in '/' (TAXII resource URLs do).
Result<TaxiiUrl> ResolveTaxiiUrl(const TaxiiUrl& base, std::string_view ref);
std::string TaxiiUrlText(const TaxiiUrl& url);

// Whether a Content-Type is TAXII 2.1 JSON (application/taxii+json with version 2.1 or no
// version parameter; case-insensitive, spaces allowed around ';').
bool IsTaxiiMediaType(std::string_view content_type);

struct TaxiiDiscovery {
  std::string title;
  std::string default_root;            // may be empty
  std::vector<std::string> api_roots;  // URLs as sent
};
Result<TaxiiDiscovery> ParseTaxiiDiscovery(std::string_view json);

struct TaxiiApiRoot {
  std::string title;
  std::vector<std::string> versions;  // must include taxii-2.1 (checked)
  uint64_t max_content_length = 0;
};
Result<TaxiiApiRoot> ParseTaxiiApiRoot(std::string_view json);

struct TaxiiCollectionInfo {
  std::string id;
  std::string title;
  bool can_read = false;
  bool can_write = false;
};
// The `collections` list (absent: none).
Result<std::vector<TaxiiCollectionInfo>> ParseTaxiiCollections(std::string_view json);

// An objects envelope: each object as compact JSON with its id (when it has a string one).
struct TaxiiEnvelope {
  bool more = false;
  std::string next;
  std::vector<std::string> objects;
  std::vector<std::string> ids;
};
Result<TaxiiEnvelope> ParseTaxiiEnvelope(std::string_view json);

// A TAXII error message (title required); nullopt when the body is not one.
struct TaxiiErrorMessage {
  std::string title;
  std::string description;
  std::string error_code;
};
std::optional<TaxiiErrorMessage> ParseTaxiiError(std::string_view json);

}  // namespace issa::cyber
