#include "issa/cti/service.h"

#include <algorithm>
#include <deque>
#include <map>
#include <memory_resource>
#include <mutex>
#include <set>
#include <unordered_map>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "issa/access/policy.h"
#include "issa/core/ids.h"
#include "issa/core/time.h"
#include "issa/cyber/stix.h"
#include "issa/cyber/taxii_query.h"

namespace issa::cti {
namespace {

using json = nlohmann::json;

constexpr std::string_view kRecordType = "StixObject";
constexpr std::string_view kStixMedia = "application/stix+json;version=2.1";
// The UUIDv5 namespace of this node's collection ids.
constexpr std::string_view kCollectionNamespace = "6e5cb1a0-7a43-5d8e-9c37-1f0b2a4e9d10";
constexpr int kMaxStorePagesPerRequest = 50;
constexpr size_t kWriteBatch = 1000;

const std::vector<std::string> kObjectParams = {
    "limit",          "added_after",        "next", "match[id]", "match[type]",
    "match[version]", "match[spec_version]"};
const std::vector<std::string> kObjectByIdParams = {"limit", "added_after", "next",
                                                    "match[version]", "match[spec_version]"};
const std::vector<std::string> kVersionsParams = {"limit", "added_after", "next",
                                                  "match[spec_version]"};
const std::vector<std::string> kDeleteParams = {"match[version]", "match[spec_version]"};

struct CollectionInfo {
  std::string id;
  std::string title;
  std::string description;
  std::string owner;  // authority collection
  std::string group;  // group collection
  bool can_read = false;
  bool can_write = false;
};

// One stored version as read back from a record.
struct Entry {
  core::Record record;
  std::string object;  // the STIX object's JSON text
  std::string stix_id;
  std::string version;
  std::string spec_version;
  std::string type;
  bool superseded = false;
  bool withdrawn = false;
};

// The end of the JSON value starting at s[i] (an object, array, string or scalar), or npos.
size_t ValueEnd(std::string_view s, size_t i) {
  if (i >= s.size()) return std::string_view::npos;
  int depth = 0;
  bool in_string = false;
  for (size_t j = i; j < s.size(); ++j) {
    const char c = s[j];
    if (in_string) {
      if (c == '\\') {
        ++j;
      } else if (c == '"') {
        in_string = false;
        if (depth == 0) return j + 1;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) return j + 1;
      if (depth < 0) return j;
    } else if (depth == 0 && c == ',') {
      return j;
    }
  }
  return std::string_view::npos;
}

// Reads a StixObject record. The node stores properties as canonical JSON with sorted keys, so
// "object" comes first: its text is cut out without parsing it, and only the small rest is
// parsed (a page of 100 objects is not parsed and re-serialised).
Result<Entry> ToEntry(core::Record r) {
  Entry e;
  const std::string_view p = r.properties_json;
  constexpr std::string_view kPrefix = R"({"object":)";
  json rest;
  if (p.starts_with(kPrefix)) {
    const size_t end = ValueEnd(p, kPrefix.size());
    if (end == std::string_view::npos || end >= p.size()) {
      return DataLoss("StixObject record with bad properties");
    }
    e.object = std::string(p.substr(kPrefix.size(), end - kPrefix.size()));
    std::string tail = "{";
    tail += p.substr(p[end] == ',' ? end + 1 : end);
    rest = json::parse(tail, nullptr, false);
  } else {
    rest = json::parse(p, nullptr, false);
    if (rest.is_object() && rest.contains("object")) e.object = rest["object"].dump();
  }
  if (!rest.is_object() || e.object.empty()) {
    return DataLoss("StixObject record with bad properties");
  }
  e.stix_id = rest.value("stix_id", "");
  e.version = rest.value("version", "");
  e.spec_version = rest.value("spec_version", "2.1");
  e.type = rest.value("stix_type", "");
  e.superseded = rest.value("superseded", false);
  e.withdrawn = rest.value("withdrawn", false);
  e.record = std::move(r);
  return e;
}

// The greatest UUIDv7 text of millisecond `t`: ids after it were added after t.
std::string IdBoundAfter(core::Timestamp t) {
  const auto u = static_cast<uint64_t>(std::max<core::Timestamp>(t, 0));
  return fmt::format("{:08x}-{:04x}-ffff-ffff-ffffffffffff", u >> 16, u & 0xFFFF);
}

// Compares STIX versions (timestamps): by time, then as text; "" (observables) is one version.
bool Newer(std::string_view a, std::string_view b) {
  if (a == b) return false;
  Result<core::Timestamp> ta = core::ParseTimestamp(a);
  Result<core::Timestamp> tb = core::ParseTimestamp(b);
  if (ta.ok() && tb.ok() && *ta != *tb) return *ta > *tb;
  return a > b;
}

struct StatusItem {
  std::string id;
  std::string version;
  std::string message;
};

struct StatusResource {
  std::string id;
  std::string authority;  // who may read it
  std::string request_timestamp;
  std::vector<StatusItem> successes;
  std::vector<StatusItem> failures;

  std::string json_text;  // the rendered resource, once complete

  // The TAXII status resource, written directly (keys in the order nlohmann would sort them):
  // a bundle of 10,000 objects is not built as a tree of 10,000 members first.
  std::string Json() const {
    const auto quoted = [](std::string& out, const std::string& v) { out += json(v).dump(); };
    const auto list = [&](std::string& out, const std::vector<StatusItem>& items) {
      out += '[';
      for (size_t i = 0; i < items.size(); ++i) {
        const StatusItem& s = items[i];
        out += i == 0 ? R"({"id":)" : R"(,{"id":)";
        quoted(out, s.id);
        if (!s.message.empty()) {
          out += R"(,"message":)";
          quoted(out, s.message);
        }
        if (!s.version.empty()) {
          out += R"(,"version":)";
          quoted(out, s.version);
        }
        out += '}';
      }
      out += ']';
    };
    std::string out;
    out.reserve(128 + 100 * (successes.size() + failures.size()));
    out += fmt::format(R"({{"failure_count":{},"failures":)", failures.size());
    list(out, failures);
    out += R"(,"id":)";
    quoted(out, id);
    out += R"(,"pending_count":0,"pendings":[],"request_timestamp":)";
    quoted(out, request_timestamp);
    out += fmt::format(R"(,"status":"complete","success_count":{},"successes":)", successes.size());
    list(out, successes);
    out += fmt::format(R"(,"total_count":{}}})", successes.size() + failures.size());
    return out;
  }
};

// A status resource as kept for GET …/status/{id}: its text, not its items.
struct StoredStatus {
  std::string authority;  // who may read it
  std::string json;
};

// What this node holds of one authority's object (key: owner + "\n" + STIX id). Kept in a
// memory pool of its own (uses-allocator construction): a million long-lived entries mixed
// into the general heap with each bundle's short-lived parse trees fragment it, and malloc's
// search time then grows with the store.
struct Known {
  using allocator_type = std::pmr::polymorphic_allocator<char>;
  explicit Known(allocator_type a = {}) : latest(a), latest_record_id(a), versions(a) {}
  Known(const Known& o, allocator_type a)
      : latest(o.latest, a), latest_record_id(o.latest_record_id, a), versions(o.versions, a) {}
  Known(Known&& o, allocator_type a)
      : latest(std::move(o.latest), a),
        latest_record_id(std::move(o.latest_record_id), a),
        versions(std::move(o.versions), a) {}

  bool Holds(std::string_view version) const {
    return std::any_of(versions.begin(), versions.end(),
                       [&](const std::pmr::string& v) { return std::string_view(v) == version; });
  }

  std::pmr::string latest;            // latest version
  std::pmr::string latest_record_id;  // its record (empty while being written)
  std::pmr::vector<std::pmr::string> versions;
};

struct KeyHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

struct KeyEqual {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const { return a == b; }
};

class CtiServiceImpl final : public CtiService {
 public:
  CtiServiceImpl(node::Node& node, CtiOptions options,
                 std::shared_ptr<const cyber::StixValidator> validator)
      : node_(node), options_(std::move(options)), validator_(std::move(validator)) {}

  Result<std::string> Discovery(const node::Context& ctx, std::string_view base_url) override {
    ISSA_RETURN_IF_ERROR(RequireRead(ctx));
    json o;
    o["title"] = options_.title;
    o["description"] = "TAXII 2.1 server of an ISSA node (docs/api.md, TAXII)";
    o["default"] = std::string(base_url) + "/taxii2/cti/";
    o["api_roots"] = json::array({std::string(base_url) + "/taxii2/cti/"});
    return o.dump();
  }

  Result<std::string> ApiRoot(const node::Context& ctx) override {
    ISSA_RETURN_IF_ERROR(RequireRead(ctx));
    json o;
    o["title"] = options_.title + " CTI";
    o["description"] = "STIX 2.1 collections per authority and per sharing group";
    o["versions"] = json::array({"application/taxii+json;version=2.1"});
    o["max_content_length"] = 10 * 1024 * 1024;
    return o.dump();
  }

  Result<std::string> Collections(const node::Context& ctx) override {
    ISSA_ASSIGN_OR_RETURN(std::vector<CollectionInfo> all, ListCollections(ctx));
    json list = json::array();
    for (const CollectionInfo& c : all) list.push_back(CollectionJson(c));
    json o;
    o["collections"] = std::move(list);
    return o.dump();
  }

  Result<std::string> Collection(const node::Context& ctx, std::string_view id) override {
    ISSA_ASSIGN_OR_RETURN(CollectionInfo c, FindCollection(ctx, id));
    return CollectionJson(c).dump();
  }

  Result<TaxiiPage> GetObjects(const node::Context& ctx, std::string_view collection,
                               std::string_view query) override {
    ISSA_ASSIGN_OR_RETURN(CollectionInfo c, ReadableCollection(ctx, collection));
    ISSA_ASSIGN_OR_RETURN(cyber::TaxiiQuery q, cyber::ParseTaxiiQuery(query, kObjectParams));
    return Page(ctx, c, q, PageKind::kObjects);
  }

  Result<TaxiiPage> GetObject(const node::Context& ctx, std::string_view collection,
                              std::string_view object_id, std::string_view query) override {
    ISSA_ASSIGN_OR_RETURN(CollectionInfo c, ReadableCollection(ctx, collection));
    ISSA_RETURN_IF_ERROR(CheckObjectId(object_id));
    ISSA_ASSIGN_OR_RETURN(cyber::TaxiiQuery q, cyber::ParseTaxiiQuery(query, kObjectByIdParams));
    q.ids = {std::string(object_id)};
    ISSA_ASSIGN_OR_RETURN(TaxiiPage page, Page(ctx, c, q, PageKind::kObjects));
    if (page.date_added_first.empty() && q.next.empty()) return NotFound("object not found");
    return page;
  }

  Result<TaxiiPage> Manifest(const node::Context& ctx, std::string_view collection,
                             std::string_view query) override {
    ISSA_ASSIGN_OR_RETURN(CollectionInfo c, ReadableCollection(ctx, collection));
    ISSA_ASSIGN_OR_RETURN(cyber::TaxiiQuery q, cyber::ParseTaxiiQuery(query, kObjectParams));
    return Page(ctx, c, q, PageKind::kManifest);
  }

  Result<TaxiiPage> Versions(const node::Context& ctx, std::string_view collection,
                             std::string_view object_id, std::string_view query) override {
    ISSA_ASSIGN_OR_RETURN(CollectionInfo c, ReadableCollection(ctx, collection));
    ISSA_RETURN_IF_ERROR(CheckObjectId(object_id));
    ISSA_ASSIGN_OR_RETURN(cyber::TaxiiQuery q, cyber::ParseTaxiiQuery(query, kVersionsParams));
    q.ids = {std::string(object_id)};
    q.versions = {cyber::VersionFilter::kAll};
    ISSA_ASSIGN_OR_RETURN(TaxiiPage page, Page(ctx, c, q, PageKind::kVersions));
    if (page.date_added_first.empty() && q.next.empty()) return NotFound("object not found");
    return page;
  }

  Result<std::string> AddObjects(const node::Context& ctx, std::string_view collection,
                                 std::istream& body) override {
    ISSA_ASSIGN_OR_RETURN(CollectionInfo c, FindCollection(ctx, collection));
    if (!c.can_write) return PermissionDenied("this collection is not writable for the caller");
    ISSA_ASSIGN_OR_RETURN(StatusResource status, AddBundle(ctx, c, body, options_.unmarked));
    return std::move(status.json_text);
  }

  Status DeleteObject(const node::Context& ctx, std::string_view collection,
                      std::string_view object_id, std::string_view query) override {
    ISSA_ASSIGN_OR_RETURN(CollectionInfo c, ReadableCollection(ctx, collection));
    ISSA_RETURN_IF_ERROR(CheckObjectId(object_id));
    ISSA_ASSIGN_OR_RETURN(cyber::TaxiiQuery q, cyber::ParseTaxiiQuery(query, kDeleteParams));
    if (q.versions.empty()) q.versions = {cyber::VersionFilter::kAll};
    ISSA_ASSIGN_OR_RETURN(std::vector<Entry> versions, AllVersions(ctx, c, object_id));
    std::vector<Entry> chosen;
    for (Entry& e : versions) {
      if (e.withdrawn || !SpecMatches(q, e)) continue;
      ISSA_ASSIGN_OR_RETURN(bool keep, VersionMatches(ctx, c, q, e, &versions));
      if (keep) chosen.push_back(std::move(e));
    }
    if (chosen.empty()) return NotFound("object not found");
    for (const Entry& e : chosen) {
      if (e.record.owner != ctx.principal.authority) {
        return PermissionDenied("only the authority that wrote an object may delete it");
      }
    }
    std::lock_guard<std::mutex> lock(write_mu_);
    for (const Entry& e : chosen) {
      Result<core::Record> r =
          node_.PatchRecord(ctx, e.record.id, R"({"properties":{"withdrawn":true}})");
      if (!r.ok()) return r.status();
      // Reloaded on the next write.
      if (auto k = known_.find(KnownKey(e.record.owner, e.stix_id)); k != known_.end()) {
        known_.erase(k);
      }
      loaded_owners_.erase(e.record.owner);
    }
    return Status::Ok();
  }

  Result<std::string> GetStatus(const node::Context& ctx, std::string_view id) override {
    ISSA_RETURN_IF_ERROR(RequireRead(ctx));
    std::lock_guard<std::mutex> lock(status_mu_);
    const auto it = statuses_.find(std::string(id));
    if (it == statuses_.end() || it->second.authority != ctx.principal.authority) {
      return NotFound("status not found");
    }
    return it->second.json;
  }

  Result<ImportReport> Import(const node::Context& ctx, std::istream& bundle, cyber::Tlp tlp,
                              std::string_view group) override {
    const std::string id =
        group.empty() ? AuthorityCollectionId(ctx.principal.authority) : GroupCollectionId(group);
    ISSA_ASSIGN_OR_RETURN(CollectionInfo c, FindCollection(ctx, id));
    if (!c.can_write) return PermissionDenied("this collection is not writable for the caller");
    ISSA_ASSIGN_OR_RETURN(StatusResource status, AddBundle(ctx, c, bundle, tlp));
    ImportReport report;
    report.succeeded = status.successes.size();
    report.failed = status.failures.size();
    report.total = report.succeeded + report.failed;
    report.status_json = std::move(status.json_text);
    return report;
  }

 private:
  enum class PageKind { kObjects, kManifest, kVersions };

  static Status RequireRead(const node::Context& ctx) {
    if (ctx.principal.authority.empty() && !ctx.principal.IsSystem()) {
      return Unauthenticated("sign in first");
    }
    if (!access::RoleAllows(ctx.principal.role, access::Action::kReadRecords)) {
      return PermissionDenied("this role may not read records");
    }
    return Status::Ok();
  }

  static Status CheckObjectId(std::string_view id) {
    if (!cyber::IsStixId(id)) {
      return InvalidArgument(fmt::format("'{}' is not a STIX identifier", id.substr(0, 80)),
                             "object_id");
    }
    return Status::Ok();
  }

  static json CollectionJson(const CollectionInfo& c) {
    json o;
    o["id"] = c.id;
    o["title"] = c.title;
    o["description"] = c.description;
    o["can_read"] = c.can_read;
    o["can_write"] = c.can_write;
    o["media_types"] = json::array({kStixMedia});
    return o;
  }

  Result<std::vector<CollectionInfo>> ListCollections(const node::Context& ctx) {
    ISSA_RETURN_IF_ERROR(RequireRead(ctx));
    const bool can_write = access::RoleAllows(ctx.principal.role, access::Action::kWriteRecords);
    std::vector<CollectionInfo> out;
    ISSA_ASSIGN_OR_RETURN(std::vector<core::Authority> authorities, node_.ListAuthorities(ctx));
    for (const core::Authority& a : authorities) {
      CollectionInfo c;
      c.id = AuthorityCollectionId(a.id);
      c.title = fmt::format("{} ({})", a.id, a.name);
      c.description = fmt::format("STIX objects shared by {} that the caller may see", a.id);
      c.owner = a.id;
      c.can_read = true;
      c.can_write = can_write && a.id == ctx.principal.authority;
      out.push_back(std::move(c));
    }
    ISSA_ASSIGN_OR_RETURN(std::vector<core::SharingGroup> groups, node_.ListGroups(ctx));
    const core::Timestamp now = node_.clock().Now();
    for (const core::SharingGroup& g : groups) {
      const bool member =
          g.owner == ctx.principal.authority ||
          std::find(g.members.begin(), g.members.end(), ctx.principal.authority) != g.members.end();
      if (!member) continue;
      CollectionInfo c;
      c.id = GroupCollectionId(g.id);
      c.title = fmt::format("{} ({})", g.name, core::ToString(g.kind));
      c.description = "STIX objects shared with the sharing group while it is valid";
      c.group = g.id;
      c.can_read = true;
      c.can_write = can_write && g.ActiveAt(now);
      out.push_back(std::move(c));
    }
    return out;
  }

  Result<CollectionInfo> FindCollection(const node::Context& ctx, std::string_view id) {
    ISSA_ASSIGN_OR_RETURN(std::vector<CollectionInfo> all, ListCollections(ctx));
    for (CollectionInfo& c : all) {
      if (c.id == id) return std::move(c);
    }
    return NotFound("collection not found");
  }

  Result<CollectionInfo> ReadableCollection(const node::Context& ctx, std::string_view id) {
    ISSA_ASSIGN_OR_RETURN(CollectionInfo c, FindCollection(ctx, id));
    if (!c.can_read) return PermissionDenied("this collection is not readable for the caller");
    return c;
  }

  storage::RecordQuery BaseQuery(const CollectionInfo& c) const {
    storage::RecordQuery rq;
    rq.type = std::string(kRecordType);
    if (!c.owner.empty()) rq.owner = c.owner;
    if (!c.group.empty()) rq.group = c.group;
    return rq;
  }

  // Every visible version of one object in the collection, in date_added order.
  Result<std::vector<Entry>> AllVersions(const node::Context& ctx, const CollectionInfo& c,
                                         std::string_view stix_id) {
    storage::RecordQuery rq = BaseQuery(c);
    rq.text = std::string(stix_id);
    rq.limit = 1000;
    std::vector<Entry> out;
    for (int i = 0; i < kMaxStorePagesPerRequest; ++i) {
      ISSA_ASSIGN_OR_RETURN(storage::RecordPage page, node_.ListRecords(ctx, rq));
      for (core::Record& r : page.records) {
        ISSA_ASSIGN_OR_RETURN(Entry e, ToEntry(std::move(r)));
        if (e.stix_id == stix_id) out.push_back(std::move(e));
      }
      if (page.next_cursor.empty()) break;
      rq.after_id = page.next_cursor;
    }
    return out;
  }

  static bool SpecMatches(const cyber::TaxiiQuery& q, const Entry& e) {
    if (!q.spec_versions.empty() && std::find(q.spec_versions.begin(), q.spec_versions.end(),
                                              e.spec_version) == q.spec_versions.end()) {
      return false;
    }
    if (!q.types.empty() && std::find(q.types.begin(), q.types.end(), e.type) == q.types.end()) {
      return false;
    }
    if (!q.ids.empty() && std::find(q.ids.begin(), q.ids.end(), e.stix_id) == q.ids.end()) {
      return false;
    }
    return true;
  }

  // match[version]: last (default), first, all or timestamps; `versions` are the object's
  // versions when already known.
  Result<bool> VersionMatches(const node::Context& ctx, const CollectionInfo& c,
                              const cyber::TaxiiQuery& q, const Entry& e,
                              const std::vector<Entry>* versions) {
    if (q.versions.empty()) return !e.superseded;
    size_t at = 0;
    for (cyber::VersionFilter f : q.versions) {
      switch (f) {
        case cyber::VersionFilter::kAll:
          return true;
        case cyber::VersionFilter::kLast:
          if (!e.superseded) return true;
          break;
        case cyber::VersionFilter::kFirst: {
          std::vector<Entry> loaded;
          if (versions == nullptr) {
            ISSA_ASSIGN_OR_RETURN(loaded, AllVersions(ctx, c, e.stix_id));
            versions = &loaded;
          }
          bool first = true;
          for (const Entry& other : *versions) {
            if (!other.withdrawn && Newer(e.version, other.version)) first = false;
          }
          if (first) return true;
          break;
        }
        case cyber::VersionFilter::kAt: {
          const std::string& want = q.version_times.at(at++);
          if (e.version == want ||
              (!e.version.empty() && !Newer(e.version, want) && !Newer(want, e.version))) {
            return true;
          }
          break;
        }
      }
    }
    return false;
  }

  Result<TaxiiPage> Page(const node::Context& ctx, const CollectionInfo& c, cyber::TaxiiQuery q,
                         PageKind kind) {
    const int limit =
        std::clamp(q.limit == 0 ? options_.default_page : q.limit, 1, options_.max_page);
    const std::string filters = cyber::FilterDigest(q);
    storage::RecordQuery rq = BaseQuery(c);
    if (!q.next.empty()) {
      ISSA_ASSIGN_OR_RETURN(cyber::TaxiiCursor cursor,
                            cyber::DecodeCursor(q.next, options_.cursor_key));
      if (cursor.collection != c.id || cursor.filters != filters) {
        return InvalidArgument("the cursor belongs to another collection or other filters", "next");
      }
      rq.after_id = cursor.after;
    } else if (q.added_after) {
      rq.after_id = IdBoundAfter(*q.added_after);
    }
    if (q.ids.size() == 1) rq.text = q.ids[0];
    rq.limit = std::min(1000, limit + 1);
    std::vector<Entry> out;
    std::string last;
    bool more = false;
    for (int i = 0;; ++i) {
      if (i == kMaxStorePagesPerRequest) {
        more = true;
        break;
      }
      ISSA_ASSIGN_OR_RETURN(storage::RecordPage page, node_.ListRecords(ctx, rq));
      size_t taken = 0;
      bool full = false;
      for (core::Record& r : page.records) {
        ++taken;
        last = r.id;
        // The id bound above never skips a record added after `added_after` (a UUIDv7 is never
        // older than its record's created_at); this drops the few it lets through.
        if (q.added_after && r.created_at <= *q.added_after) continue;
        ISSA_ASSIGN_OR_RETURN(Entry e, ToEntry(std::move(r)));
        if (e.withdrawn || !SpecMatches(q, e)) continue;
        ISSA_ASSIGN_OR_RETURN(bool keep, VersionMatches(ctx, c, q, e, nullptr));
        if (!keep) continue;
        out.push_back(std::move(e));
        if (static_cast<int>(out.size()) == limit) {
          full = true;
          break;
        }
      }
      if (full) {
        more = taken < page.records.size() || !page.next_cursor.empty();
        break;
      }
      if (page.next_cursor.empty()) break;
      rq.after_id = page.next_cursor;
    }
    TaxiiPage result;
    if (!out.empty()) {
      result.date_added_first = core::FormatTimestamp(out.front().record.created_at);
      result.date_added_last = core::FormatTimestamp(out.back().record.created_at);
    }
    // The envelope, written directly (keys in the order nlohmann would sort them).
    std::string body = more ? R"({"more":true)" : R"({"more":false)";
    if (more) {
      body += R"(,"next":)";
      body += json(cyber::EncodeCursor(
                       cyber::TaxiiCursor{.collection = c.id, .filters = filters, .after = last},
                       options_.cursor_key))
                  .dump();
    }
    if (!out.empty()) {
      body += kind == PageKind::kVersions ? R"(,"versions":[)" : R"(,"objects":[)";
      bool first = true;
      for (const Entry& e : out) {
        if (!first) body += ',';
        first = false;
        const std::string added = core::FormatTimestamp(e.record.created_at);
        switch (kind) {
          case PageKind::kObjects:
            body += e.object;
            break;
          case PageKind::kManifest:
            body += json{{"id", e.stix_id},
                         {"date_added", added},
                         {"version", e.version.empty() ? added : e.version},
                         {"media_type", kStixMedia}}
                        .dump();
            break;
          case PageKind::kVersions:
            body += json(e.version.empty() ? added : e.version).dump();
            break;
        }
      }
      body += ']';
    }
    body += '}';
    result.json = std::move(body);
    return result;
  }

  // ---- Writing ----

  Known& KnownFor(std::string_view key) {
    if (auto it = known_.find(key); it != known_.end()) return it->second;
    return known_.try_emplace(std::pmr::string(key, &known_pool_)).first->second;
  }

  static std::string KnownKey(std::string_view owner, std::string_view stix_id) {
    std::string k(owner);
    k += '\n';
    k += stix_id;
    return k;
  }

  // Loads what the caller's authority holds (its own StixObject records) once per process.
  Status EnsureLoaded(const node::Context& ctx) {
    const std::string& owner = ctx.principal.authority;
    if (loaded_owners_.contains(owner)) return Status::Ok();
    storage::RecordQuery rq;
    rq.type = std::string(kRecordType);
    rq.owner = owner;
    rq.limit = 1000;
    for (;;) {
      ISSA_ASSIGN_OR_RETURN(storage::RecordPage page, node_.ListRecords(ctx, rq));
      for (core::Record& r : page.records) {
        ISSA_ASSIGN_OR_RETURN(Entry e, ToEntry(std::move(r)));
        if (e.withdrawn) continue;
        Known& k = KnownFor(KnownKey(owner, e.stix_id));
        k.versions.emplace_back(e.version);
        if (!e.superseded) {
          k.latest = e.version;
          k.latest_record_id = e.record.id;
        }
      }
      if (page.next_cursor.empty()) break;
      rq.after_id = page.next_cursor;
    }
    loaded_owners_.insert(owner);
    return Status::Ok();
  }

  struct Pending {
    size_t status_index = 0;  // into the bundle's items
    std::string key;
    std::string stix_id;
    std::string version;
    std::string type;
    std::string spec_version;
    cyber::Tlp tlp = cyber::Tlp::kNone;
    std::string object_json;  // the object's canonical text, as validated
    json properties;          // the record's properties, parsed (the object moved in)
    core::Handling handling;
    bool superseded = false;
    std::string replaces;   // record id of the version this one supersedes
    std::string record_id;  // once written
  };

  Result<StatusResource> AddBundle(const node::Context& ctx, const CollectionInfo& c,
                                   std::istream& body, cyber::Tlp fallback) {
    StatusResource status;
    status.id = core::NewUuidV7(node_.clock().Now());
    status.authority = ctx.principal.authority;
    status.request_timestamp = core::FormatTimestamp(node_.clock().Now());
    std::vector<cyber::BundleItem> items;
    cyber::BundleLimits limits;
    limits.max_bytes = size_t{512} << 20;
    ISSA_RETURN_IF_ERROR(cyber::ReadBundle(*validator_, body, limits, [&](cyber::BundleItem& i) {
      items.push_back(std::move(i));
      return true;
    }));
    std::lock_guard<std::mutex> lock(write_mu_);
    ISSA_RETURN_IF_ERROR(EnsureLoaded(ctx));
    std::vector<Pending> pending;
    std::vector<std::pair<std::string, std::string>> to_patch;  // (record id, key)
    std::unordered_map<std::string, size_t> latest_pending;     // key -> index in pending
    for (cyber::BundleItem& item : items) {
      if (!item.object.ok()) {
        const Status& s = item.object.status();
        status.failures.push_back(
            {item.submitted_id.empty() ? fmt::format("objects[{}]", item.index) : item.submitted_id,
             "", s.field().empty() ? s.message() : s.field() + ": " + s.message()});
        continue;
      }
      cyber::StixObject& obj = *item.object;
      const json& o = obj.value;
      cyber::TlpTarget target;
      target.owner = ctx.principal.authority;
      target.group = c.group;
      if (auto r = o.find("x_issa_recipients"); r != o.end()) {
        bool ok = r->is_array();
        if (ok) {
          for (const auto& a : *r) {
            if (!a.is_string() || !core::IsValidAuthorityId(a.get<std::string>())) ok = false;
            if (ok) target.recipients.push_back(a.get<std::string>());
          }
        }
        if (!ok) {
          status.failures.push_back(
              {obj.id, obj.version, "x_issa_recipients: must be a list of authority ids"});
          continue;
        }
      }
      Result<core::Handling> handling = cyber::HandlingForTlp(obj.tlp, target, fallback);
      if (!handling.ok()) {
        status.failures.push_back(
            {obj.id, obj.version, handling.status().field() + ": " + handling.status().message()});
        continue;
      }
      // Purpose limitation: the writer's purposes among cyber and crime.
      handling->purposes &= ctx.principal.purposes;
      if (handling->purposes == 0) {
        status.failures.push_back({obj.id, obj.version,
                                   "handling.purposes: the caller processes neither cyber nor "
                                   "crime data"});
        continue;
      }
      const std::string key = KnownKey(ctx.principal.authority, obj.id);
      Known& k = KnownFor(key);
      if (k.Holds(obj.version)) {
        status.successes.push_back({obj.id, obj.version, "already held"});
        continue;
      }
      Pending p;
      p.status_index = item.index;
      p.key = key;
      p.stix_id = obj.id;
      p.version = obj.version;
      const bool first = k.versions.empty();
      if (first || Newer(obj.version, k.latest)) {
        if (auto lp = latest_pending.find(key); lp != latest_pending.end()) {
          pending[lp->second].superseded = true;
        } else if (!k.latest_record_id.empty()) {
          p.replaces = k.latest_record_id;
        }
        k.latest = obj.version;
        k.latest_record_id.clear();
        latest_pending[key] = pending.size();
      } else {
        p.superseded = true;
      }
      k.versions.emplace_back(obj.version);
      p.type = obj.type;
      p.spec_version = obj.spec_version;
      p.tlp = obj.tlp;
      p.object_json = std::move(obj.json);
      p.properties["stix_id"] = obj.id;
      p.properties["stix_type"] = obj.type;
      p.properties["spec_version"] = obj.spec_version;
      p.properties["version"] = obj.version;
      p.properties["tlp"] = cyber::ToString(obj.tlp);
      p.properties["object"] = std::move(obj.value);
      p.handling = *std::move(handling);
      pending.push_back(std::move(p));
    }
    // Write in batches (one transaction each); a failed batch is retried object by object so
    // that each failure names its object and nothing of a failed object is written.
    for (size_t start = 0; start < pending.size(); start += kWriteBatch) {
      const size_t end = std::min(pending.size(), start + kWriteBatch);
      std::vector<node::Node::ParsedRecord> records;
      records.reserve(end - start);
      for (size_t i = start; i < end; ++i) records.push_back(ParsedRecordOf(pending[i]));
      Result<std::vector<std::string>> ids = node_.CreateParsedRecords(ctx, std::move(records));
      if (ids.ok() && ids->size() == end - start) {
        for (size_t i = start; i < end; ++i) pending[i].record_id = (*ids)[i - start];
        continue;
      }
      for (size_t i = start; i < end; ++i) {
        std::vector<node::Node::ParsedRecord> one;
        one.push_back(ParsedRecordOf(pending[i]));
        Result<std::vector<std::string>> id = node_.CreateParsedRecords(ctx, std::move(one));
        if (id.ok() && id->size() == 1) {
          pending[i].record_id = id->front();
        } else {
          const Status& s = id.status();
          pending[i].record_id.clear();
          status.failures.push_back(
              {pending[i].stix_id, pending[i].version,
               s.field().empty() ? s.message() : s.field() + ": " + s.message()});
        }
      }
    }
    for (Pending& p : pending) {
      Known& k = KnownFor(p.key);
      if (p.record_id.empty()) {
        // Not written: forget this version (and reload the key's state on the next write).
        std::erase_if(k.versions,
                      [&](const std::pmr::string& v) { return std::string_view(v) == p.version; });
        loaded_owners_.erase(ctx.principal.authority);
        continue;
      }
      status.successes.push_back({p.stix_id, p.version, ""});
      if (!p.superseded && std::string_view(k.latest) == p.version) {
        k.latest_record_id = p.record_id;
      }
      if (!p.replaces.empty()) {
        Result<core::Record> patched =
            node_.PatchRecord(ctx, p.replaces, R"({"properties":{"superseded":true}})");
        if (!patched.ok()) return patched.status();
      }
    }
    if (!loaded_owners_.contains(ctx.principal.authority)) {
      // A write failed: drop the authority's cached state; the next write reloads it.
      for (auto it = known_.begin(); it != known_.end();) {
        it = it->first.starts_with(ctx.principal.authority + "\n") ? known_.erase(it)
                                                                   : std::next(it);
      }
    }
    {
      std::lock_guard<std::mutex> slock(status_mu_);
      status.json_text = status.Json();
      status_order_.push_back(status.id);
      statuses_.emplace(status.id, StoredStatus{status.authority, status.json_text});
      while (status_order_.size() > options_.max_statuses) {
        statuses_.erase(status_order_.front());
        status_order_.pop_front();
      }
    }
    return status;
  }

  // The record of a pending version: its properties parsed and as canonical text (keys in
  // sorted order, values escaped as nlohmann writes them), built here without serialising the
  // object a second time.
  static node::Node::ParsedRecord ParsedRecordOf(Pending& p) {
    if (p.superseded) {
      p.properties["superseded"] = true;
    } else {
      p.properties.erase("superseded");
    }
    const auto quoted = [](const std::string& v) { return json(v).dump(); };
    std::string text;
    text.reserve(p.object_json.size() + p.stix_id.size() + p.type.size() + 128);
    text += R"({"object":)";
    text += p.object_json;
    text += R"(,"spec_version":)";
    text += quoted(p.spec_version);
    text += R"(,"stix_id":)";
    text += quoted(p.stix_id);
    text += R"(,"stix_type":)";
    text += quoted(p.type);
    if (p.superseded) text += R"(,"superseded":true)";
    text += R"(,"tlp":)";
    text += quoted(std::string(cyber::ToString(p.tlp)));
    text += R"(,"version":)";
    text += quoted(p.version);
    text += '}';
    node::Node::ParsedRecord r;
    r.type = std::string(kRecordType);
    r.properties = &p.properties;
    r.properties_json = std::move(text);
    r.handling = p.handling;
    return r;
  }

  node::Node& node_;
  CtiOptions options_;
  std::shared_ptr<const cyber::StixValidator> validator_;
  std::mutex write_mu_;
  std::pmr::unsynchronized_pool_resource known_pool_;  // guarded by write_mu_
  std::pmr::unordered_map<std::pmr::string, Known, KeyHash, KeyEqual> known_{
      &known_pool_};                     // guarded by write_mu_
  std::set<std::string> loaded_owners_;  // guarded by write_mu_
  std::mutex status_mu_;
  std::map<std::string, StoredStatus> statuses_;  // guarded by status_mu_
  std::deque<std::string> status_order_;          // guarded by status_mu_
};

}  // namespace

Result<std::unique_ptr<CtiService>> CtiService::Open(node::Node& node, CtiOptions options) {
  if (options.cursor_key.size() < 16) {
    return InvalidArgument("the cursor key must have at least 16 bytes", "cursor_key");
  }
  ISSA_ASSIGN_OR_RETURN(std::shared_ptr<const cyber::StixValidator> validator,
                        cyber::StixValidator::Builtin());
  return std::unique_ptr<CtiService>(
      new CtiServiceImpl(node, std::move(options), std::move(validator)));
}

std::string CtiService::AuthorityCollectionId(std::string_view authority) {
  return cyber::UuidV5(kCollectionNamespace, "authority:" + std::string(authority));
}

std::string CtiService::GroupCollectionId(std::string_view group) {
  return cyber::UuidV5(kCollectionNamespace, "group:" + std::string(group));
}

}  // namespace issa::cti
