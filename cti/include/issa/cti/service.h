#pragma once

#include <cstdint>
#include <functional>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "issa/core/status.h"
#include "issa/cyber/tlp.h"
#include "issa/node/node.h"

// Cyber threat intelligence over the node's records (issue 6 items 1-3, 8): STIX 2.1 objects
// stored as `StixObject` records (one record per object version), TAXII 2.1 collections per
// authority and per sharing group, and bundle imports such as MITRE ATT&CK. Everything goes
// through node::Node with the caller's Context, so what a caller may see is decided on the
// store's read path and every step is audited by the node (docs/adr/0012-stix-taxii.md).
// Thread-safe.
namespace issa::cti {

struct CtiOptions {
  // Authenticates TAXII `next` cursors (HMAC-SHA-256). Derived from the node key by the
  // server so that cursors stay valid across restarts and across processes of one node.
  std::string cursor_key;
  std::string title = "ISSA node";  // discovery and API root title
  int default_page = 100;           // objects per page without `limit`
  int max_page = 1000;              // `limit` is capped here
  // How objects without a TLP marking are handled (AMBER: owner and named recipients).
  cyber::Tlp unmarked = cyber::Tlp::kAmber;
  size_t max_statuses = 10'000;  // status resources kept in memory (oldest dropped)
};

// A page of objects, versions or manifest entries: the TAXII envelope as JSON and the
// date_added of its first and last entry (for X-TAXII-Date-Added-First/Last; empty when none).
struct TaxiiPage {
  std::string json;
  std::string date_added_first;
  std::string date_added_last;
};

// How a bundle import went; `status_json` is the TAXII status resource.
struct ImportReport {
  uint64_t total = 0;
  uint64_t succeeded = 0;
  uint64_t failed = 0;
  std::string status_json;
};

// Errors: InvalidArgument (bad query, cursor, body; field names the parameter or property),
// NotFound (unknown or invisible collection, object or status), PermissionDenied (a collection
// the caller may not write), ResourceExhausted (too large), Unauthenticated, and the node's.
class CtiService {
 public:
  static Result<std::unique_ptr<CtiService>> Open(node::Node& node, CtiOptions options);
  virtual ~CtiService() = default;

  // ---- TAXII 2.1 resources (JSON text) ----
  virtual Result<std::string> Discovery(const node::Context& ctx, std::string_view base_url) = 0;
  virtual Result<std::string> ApiRoot(const node::Context& ctx) = 0;
  virtual Result<std::string> Collections(const node::Context& ctx) = 0;
  virtual Result<std::string> Collection(const node::Context& ctx, std::string_view id) = 0;
  // `query` is the raw URL query string.
  virtual Result<TaxiiPage> GetObjects(const node::Context& ctx, std::string_view collection,
                                       std::string_view query) = 0;
  // GetObjects without waiting on the calling thread for the page's audit entry to commit
  // (docs/adr/0005): reads and renders at once, then calls `done` once with what GetObjects
  // would return when the entry is committed, maybe before this returns, on the calling thread
  // or a store thread; `done` must not block. Returns false, having done nothing, when the
  // request needs the blocking GetObjects: a collection not yet cached, an invalid query or
  // cursor, match[version]=first, a read error. Used by the HTTP server's I/O threads.
  virtual bool GetObjectsAsync(const node::Context& ctx, std::string_view collection,
                               std::string_view query,
                               std::function<void(Result<TaxiiPage>)> done) {
    (void)ctx, (void)collection, (void)query, (void)done;
    return false;
  }
  virtual Result<TaxiiPage> GetObject(const node::Context& ctx, std::string_view collection,
                                      std::string_view object_id, std::string_view query) = 0;
  virtual Result<TaxiiPage> Manifest(const node::Context& ctx, std::string_view collection,
                                     std::string_view query) = 0;
  virtual Result<TaxiiPage> Versions(const node::Context& ctx, std::string_view collection,
                                     std::string_view object_id, std::string_view query) = 0;
  // Adds a TAXII envelope or STIX bundle; returns the status resource (HTTP 202).
  virtual Result<std::string> AddObjects(const node::Context& ctx, std::string_view collection,
                                         std::istream& body) = 0;
  // Withdraws the object's versions (match[version], match[spec_version] select).
  virtual Status DeleteObject(const node::Context& ctx, std::string_view collection,
                              std::string_view object_id, std::string_view query) = 0;
  virtual Result<std::string> GetStatus(const node::Context& ctx, std::string_view id) = 0;

  // ---- Reference knowledge (issa cyber import) ----
  // Imports a bundle into the caller's authority collection (or a group's) as `tlp` when an
  // object carries no TLP marking. Per-object failures are reported in the status; a failed
  // object is not written.
  virtual Result<ImportReport> Import(const node::Context& ctx, std::istream& bundle,
                                      cyber::Tlp tlp, std::string_view group) = 0;

  // The TAXII collection id of an authority's or a group's collection.
  static std::string AuthorityCollectionId(std::string_view authority);
  static std::string GroupCollectionId(std::string_view group);
};

}  // namespace issa::cti
