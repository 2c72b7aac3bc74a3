#include "issa/cti/service.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <memory_resource>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <unordered_map>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "issa/access/policy.h"
#include "issa/core/ids.h"
#include "issa/core/text.h"
#include "issa/core/time.h"
#include "issa/cyber/stix.h"
#include "issa/cyber/taxii_query.h"

#include "correlation.h"

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
  std::string record_id;
  std::string owner;
  core::Timestamp created_at = 0;  // date_added
  std::string properties;          // the record's properties (JSON)
  size_t object_at = 0;            // the STIX object's JSON text within `properties`
  size_t object_size = 0;
  std::string stix_id;
  std::string version;
  std::string spec_version = "2.1";
  std::string type;
  bool superseded = false;
  bool withdrawn = false;
  std::string object_text;  // only when the properties are not in canonical form

  std::string_view object() const {
    if (!object_text.empty()) return object_text;
    return std::string_view(properties).substr(object_at, object_size);
  }
};

// The closing quote of the JSON string whose opening quote is s[open], or npos.
size_t StringEnd(std::string_view s, size_t open) {
  for (size_t from = open + 1;;) {
    const void* q = std::memchr(s.data() + from, '"', s.size() - from);
    if (q == nullptr) return std::string_view::npos;
    const size_t at = static_cast<size_t>(static_cast<const char*>(q) - s.data());
    size_t backslashes = 0;
    while (at - backslashes > open + 1 && s[at - backslashes - 1] == '\\') ++backslashes;
    if (backslashes % 2 == 0) return at;
    from = at + 1;
  }
}

// The end of the JSON value starting at s[i] (an object, array, string or scalar), or npos.
size_t ValueEnd(std::string_view s, size_t i) {
  if (i >= s.size()) return std::string_view::npos;
  int depth = 0;
  for (size_t j = i; j < s.size(); ++j) {
    const char c = s[j];
    if (c == '"') {
      j = StringEnd(s, j);
      if (j == std::string_view::npos) return j;
      if (depth == 0) return j + 1;
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

// The bookkeeping properties after "object" (stix_id, version, superseded, ...) are flat
// strings and booleans: read without a JSON parser. False when the text is not of that simple
// form (escapes, other values), and the caller parses it.
bool ReadFlatTail(std::string_view t, Entry& e) {
  size_t i = 0;
  const auto skip_ws = [&] {
    while (i < t.size() && (t[i] == ' ' || t[i] == '\n' || t[i] == '\t' || t[i] == '\r')) ++i;
  };
  const auto string_at = [&](std::string_view& out) {
    if (i >= t.size() || t[i] != '"') return false;
    const size_t end = StringEnd(t, i);
    if (end == std::string_view::npos) return false;
    out = t.substr(i + 1, end - i - 1);
    if (out.find('\\') != std::string_view::npos) return false;  // escapes: the parser decodes
    i = end + 1;
    return true;
  };
  for (;;) {
    skip_ws();
    if (i < t.size() && t[i] == '}') return i + 1 == t.size();
    if (i < t.size() && t[i] == ',') ++i;
    skip_ws();
    std::string_view key;
    if (!string_at(key)) return false;
    skip_ws();
    if (i >= t.size() || t[i] != ':') return false;
    ++i;
    skip_ws();
    std::string_view text;
    bool flag = false;
    bool is_flag = false;
    if (t.substr(i).starts_with("true")) {
      flag = is_flag = true;
      i += 4;
    } else if (t.substr(i).starts_with("false")) {
      is_flag = true;
      i += 5;
    } else if (!string_at(text)) {
      return false;
    }
    if (key == "stix_id" && !is_flag) {
      e.stix_id = text;
    } else if (key == "version" && !is_flag) {
      e.version = text;
    } else if (key == "spec_version" && !is_flag) {
      e.spec_version = text;
    } else if (key == "stix_type" && !is_flag) {
      e.type = text;
    } else if (key == "superseded" && is_flag) {
      e.superseded = flag;
    } else if (key == "withdrawn" && is_flag) {
      e.withdrawn = flag;
    } else if (key == "stix_id" || key == "version" || key == "spec_version" ||
               key == "stix_type" || key == "superseded" || key == "withdrawn") {
      return false;  // a known key with a value of another kind: let the parser judge
    }
  }
}

// Reads a StixObject record. The node stores properties as canonical JSON with sorted keys, so
// "object" comes first: its text is located without parsing it, and only the small rest is
// read (a page of 100 objects is neither parsed nor copied, the envelope splices the text).
// Takes what it keeps out of `r`.
Result<Entry> ToEntry(core::Record& r) {
  Entry e;
  e.properties = std::move(r.properties_json);
  const std::string_view p = e.properties;
  constexpr std::string_view kPrefix = R"({"object":)";
  json rest;
  bool read = false;
  // The service writes spec_version with every object, and it is the first key after "object":
  // the object ends at the last `},"spec_version":` when the text after it is a flat tail to
  // the end (an occurrence inside the object is followed by the object's closing brace, which
  // a flat tail cannot hold). Else the object is measured by scanning it.
  constexpr std::string_view kTailStart = R"(},"spec_version":)";
  if (const size_t brace = p.rfind(kTailStart);
      p.starts_with(kPrefix) && brace != std::string_view::npos && brace >= kPrefix.size()) {
    Entry fast;
    if (ReadFlatTail(p.substr(brace + 1), fast)) {
      fast.properties = std::move(e.properties);
      fast.object_at = kPrefix.size();
      fast.object_size = brace + 1 - kPrefix.size();
      fast.record_id = std::move(r.id);
      fast.owner = std::move(r.owner);
      fast.created_at = r.created_at;
      return fast;
    }
  }
  if (p.starts_with(kPrefix)) {
    const size_t end = ValueEnd(p, kPrefix.size());
    if (end == std::string_view::npos || end >= p.size()) {
      return DataLoss("StixObject record with bad properties");
    }
    e.object_at = kPrefix.size();
    e.object_size = end - kPrefix.size();
    read = ReadFlatTail(p.substr(end), e);
    if (!read) {
      std::string tail = "{";
      tail += p.substr(p[end] == ',' ? end + 1 : end);
      rest = json::parse(tail, nullptr, false);
    }
  } else {
    rest = json::parse(p, nullptr, false);
    if (rest.is_object() && rest.contains("object")) {
      e.object_text = rest["object"].dump();
      e.object_size = e.object_text.size();
    }
  }
  if (!read) {
    if (!rest.is_object() || e.object_size == 0) {
      return DataLoss("StixObject record with bad properties");
    }
    e.stix_id = rest.value("stix_id", "");
    e.version = rest.value("version", "");
    e.spec_version = rest.value("spec_version", "2.1");
    e.type = rest.value("stix_type", "");
    e.superseded = rest.value("superseded", false);
    e.withdrawn = rest.value("withdrawn", false);
  }
  if (e.object_size == 0) return DataLoss("StixObject record with bad properties");
  e.record_id = std::move(r.id);
  e.owner = std::move(r.owner);
  e.created_at = r.created_at;
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
        core::AppendJsonString(out, s.id);  // ids and versions come from parsed JSON
        if (!s.message.empty()) {
          out += R"(,"message":)";
          quoted(out, s.message);
        }
        if (!s.version.empty()) {
          out += R"(,"version":)";
          core::AppendJsonString(out, s.version);
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
  explicit Known(allocator_type a = {}) : key(a), latest(a), latest_record_id(a), versions(a) {}

  bool Holds(std::string_view version) const {
    return std::any_of(versions.begin(), versions.end(),
                       [&](const std::pmr::string& v) { return std::string_view(v) == version; });
  }

  std::pmr::string key;
  std::uint32_t number = 0;           // in KnownObjects
  std::pmr::string latest;            // latest version
  std::pmr::string latest_record_id;  // its record (empty while being written)
  std::pmr::vector<std::pmr::string> versions;
};

// The writer's version index: the Known entries by key, in `pool`. An entry does not move
// while it is held (a pending object points at it). The keys are found through an
// open-addressing table of entry numbers (detail::NumbersByKey): a new key costs one probe of
// one slot array, where a std::unordered_map divided by a prime, walked a bucket's chain and
// linked a node. Not thread-safe.
class KnownObjects {
 public:
  explicit KnownObjects(std::pmr::memory_resource* pool) : pool_(pool) {}
  ~KnownObjects() {
    for (Known* k : entries_) {
      if (k != nullptr) pool_.delete_object(k);
    }
  }
  KnownObjects(const KnownObjects&) = delete;
  KnownObjects& operator=(const KnownObjects&) = delete;

  Known* Find(std::string_view key) const {
    const std::uint32_t n =
        by_key_.Find(key, [this](std::uint32_t i) { return std::string_view(entries_[i]->key); });
    return n == detail::NumbersByKey::kNone ? nullptr : entries_[n];
  }

  // The entry of `key`, added empty when there is none.
  Known& For(std::string_view key) {
    if (Known* k = Find(key)) return *k;
    Known* k = pool_.new_object<Known>();
    k->key = key;
    if (free_.empty()) {
      k->number = static_cast<std::uint32_t>(entries_.size());
      entries_.push_back(k);
    } else {
      k->number = free_.back();
      free_.pop_back();
      entries_[k->number] = k;
    }
    by_key_.Insert(k->key, k->number);
    return *k;
  }

  void Erase(Known* k) {
    by_key_.Erase(k->key, k->number);
    entries_[k->number] = nullptr;
    free_.push_back(k->number);
    pool_.delete_object(k);
  }

  // Erases the entries whose key starts with `prefix`.
  void EraseWithPrefix(std::string_view prefix) {
    for (Known* k : entries_) {
      if (k != nullptr && std::string_view(k->key).starts_with(prefix)) Erase(k);
    }
  }

 private:
  std::pmr::polymorphic_allocator<Known> pool_;
  std::vector<Known*> entries_;  // by number; null where erased
  std::vector<std::uint32_t> free_;
  detail::NumbersByKey by_key_;
};

class CtiServiceImpl final : public CtiService {
 public:
  CtiServiceImpl(node::Node& node, CtiOptions options,
                 std::shared_ptr<const cyber::StixValidator> validator,
                 std::shared_ptr<const StixCorrelator> correlator)
      : node_(node),
        options_(std::move(options)),
        validator_(std::move(validator)),
        correlator_(std::move(correlator)) {}

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

  bool GetObjectsAsync(const node::Context& ctx, std::string_view collection,
                       std::string_view query,
                       std::function<void(Result<TaxiiPage>)> done) override {
    // Whatever would fail, audit a refusal, read beyond the cache or read again per record
    // (match[version]=first) takes the blocking path.
    if (!RequireRead(ctx).ok()) return false;
    std::optional<CollectionInfo> c = CachedCollection(ctx, collection);
    if (!c || !c->can_read) return false;
    Result<cyber::TaxiiQuery> q = cyber::ParseTaxiiQuery(query, kObjectParams);
    if (!q.ok() || std::find(q->versions.begin(), q->versions.end(),
                             cyber::VersionFilter::kFirst) != q->versions.end()) {
      return false;
    }
    Result<std::unique_ptr<PageRead>> p = PlanPage(*c, std::move(q).value(), PageKind::kObjects);
    if (!p.ok()) return false;
    auto state = std::make_shared<AsyncPage>();
    state->done = std::move(done);
    PageRead& read = **p;
    Result<node::Node::RecordScan> scan = node_.ScanRecords(
        ctx, read.rq, MaxRows(read), [&](core::Record& r) { return Select(ctx, read, r); },
        [state](Status s) {
          state->committed = std::move(s);
          state->Finish();
        });
    // A failed scan queued no audit entry and answered nothing: the blocking path reports it.
    if (!scan.ok()) return false;
    if (read.error.ok()) {
      state->page = Render(read, *scan);
    } else {
      state->page = read.error;
    }
    state->Finish();
    return true;
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
      if (e.owner != ctx.principal.authority) {
        return PermissionDenied("only the authority that wrote an object may delete it");
      }
    }
    std::lock_guard<std::mutex> lock(write_mu_);
    for (const Entry& e : chosen) {
      Result<core::Record> r =
          node_.PatchRecord(ctx, e.record_id, R"({"properties":{"withdrawn":true}})");
      if (!r.ok()) return r.status();
      // Reloaded on the next write.
      if (Known* k = known_.Find(KnownKey(e.owner, e.stix_id))) known_.Erase(k);
      loaded_owners_.erase(e.owner);
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

  Result<std::string> Correlations(const node::Context& ctx, std::string_view stix_id,
                                   const CorrelationQuery& query) override {
    ISSA_RETURN_IF_ERROR(RequireRead(ctx));
    ISSA_RETURN_IF_ERROR(CheckObjectId(stix_id));
    return CorrelationsJson(node_, *correlator_, options_.confidence, ctx, stix_id, query);
  }

  Result<std::string> CorrelationGraph(const node::Context& ctx, std::string_view stix_id,
                                       const CorrelationGraphQuery& query) override {
    ISSA_RETURN_IF_ERROR(RequireRead(ctx));
    ISSA_RETURN_IF_ERROR(CheckObjectId(stix_id));
    return CorrelationGraphJson(node_, *correlator_, options_.confidence, ctx, stix_id, query);
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

  // What a collection id names. Authorities and sharing groups are only ever added (an
  // authority is written once; a group is created with a new id and never changed), so an entry
  // stays true once read; an id not in the cache reloads the table (a collection added since,
  // maybe by another process of the node).
  struct KnownCollection {
    CollectionInfo info;  // can_read and can_write are the caller's, set by ForCaller
    std::optional<core::SharingGroup> group;
  };

  // The collection as `ctx` sees it, or nullopt when it is not one of the caller's.
  std::optional<CollectionInfo> ForCaller(const node::Context& ctx, const KnownCollection& k,
                                          core::Timestamp now) const {
    CollectionInfo c = k.info;
    const bool can_write = access::RoleAllows(ctx.principal.role, access::Action::kWriteRecords);
    if (!k.group) {
      c.can_read = true;
      c.can_write = can_write && c.owner == ctx.principal.authority;
      return c;
    }
    const core::SharingGroup& g = *k.group;
    const bool member =
        g.owner == ctx.principal.authority ||
        std::find(g.members.begin(), g.members.end(), ctx.principal.authority) != g.members.end();
    if (!member) return std::nullopt;
    c.can_read = true;
    c.can_write = can_write && g.ActiveAt(now);
    return c;
  }

  // Reads the authorities and the caller's groups, refreshing the cache.
  Result<std::vector<CollectionInfo>> ListCollections(const node::Context& ctx) {
    ISSA_RETURN_IF_ERROR(RequireRead(ctx));
    std::vector<KnownCollection> known;
    ISSA_ASSIGN_OR_RETURN(std::vector<core::Authority> authorities, node_.ListAuthorities(ctx));
    for (const core::Authority& a : authorities) {
      KnownCollection k;
      k.info.id = AuthorityCollectionId(a.id);
      k.info.title = fmt::format("{} ({})", a.id, a.name);
      k.info.description = fmt::format("STIX objects shared by {} that the caller may see", a.id);
      k.info.owner = a.id;
      known.push_back(std::move(k));
    }
    ISSA_ASSIGN_OR_RETURN(std::vector<core::SharingGroup> groups, node_.ListGroups(ctx));
    for (core::SharingGroup& g : groups) {
      KnownCollection k;
      k.info.id = GroupCollectionId(g.id);
      k.info.title = fmt::format("{} ({})", g.name, core::ToString(g.kind));
      k.info.description = "STIX objects shared with the sharing group while it is valid";
      k.info.group = g.id;
      k.group = std::move(g);
      known.push_back(std::move(k));
    }
    const core::Timestamp now = node_.clock().Now();
    std::vector<CollectionInfo> out;
    std::unique_lock lock(collections_mu_);
    for (KnownCollection& k : known) {
      if (std::optional<CollectionInfo> c = ForCaller(ctx, k, now)) out.push_back(std::move(*c));
      const std::string id = k.info.id;
      collections_.insert_or_assign(id, std::move(k));
    }
    return out;
  }

  // The collection from the cache; nullopt when the id is not cached or not the caller's.
  std::optional<CollectionInfo> CachedCollection(const node::Context& ctx, std::string_view id) {
    std::shared_lock lock(collections_mu_);
    const auto it = collections_.find(id);
    if (it == collections_.end()) return std::nullopt;
    return ForCaller(ctx, it->second, node_.clock().Now());
  }

  Result<CollectionInfo> FindCollection(const node::Context& ctx, std::string_view id) {
    ISSA_RETURN_IF_ERROR(RequireRead(ctx));
    if (std::optional<CollectionInfo> c = CachedCollection(ctx, id)) return std::move(*c);
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
    rq.key = std::string(stix_id);
    rq.limit = 1000;
    std::vector<Entry> out;
    for (int i = 0; i < kMaxStorePagesPerRequest; ++i) {
      ISSA_ASSIGN_OR_RETURN(storage::RecordPage page, node_.ListRecords(ctx, rq));
      for (core::Record& r : page.records) {
        ISSA_ASSIGN_OR_RETURN(Entry e, ToEntry(r));
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

  // One page being read: the store query from the TAXII filters and cursor, and what the scan
  // selected.
  struct PageRead {
    CollectionInfo collection;
    cyber::TaxiiQuery q;
    PageKind kind = PageKind::kObjects;
    int limit = 0;
    std::string filters;
    storage::RecordQuery rq;
    std::vector<Entry> out;
    Status error;  // a record the selection could not read
  };

  Result<std::unique_ptr<PageRead>> PlanPage(const CollectionInfo& c, cyber::TaxiiQuery q,
                                             PageKind kind) const {
    auto p = std::make_unique<PageRead>();
    p->collection = c;
    p->kind = kind;
    p->limit = std::clamp(q.limit == 0 ? options_.default_page : q.limit, 1, options_.max_page);
    p->filters = cyber::FilterDigest(q);
    p->rq = BaseQuery(c);
    if (!q.next.empty()) {
      ISSA_ASSIGN_OR_RETURN(cyber::TaxiiCursor cursor,
                            cyber::DecodeCursor(q.next, options_.cursor_key));
      if (cursor.collection != c.id || cursor.filters != p->filters) {
        return InvalidArgument("the cursor belongs to another collection or other filters", "next");
      }
      p->rq.after_id = std::move(cursor.after);
    } else if (q.added_after) {
      p->rq.after_id = IdBoundAfter(*q.added_after);
    }
    if (q.ids.size() == 1) p->rq.key = q.ids[0];
    p->rq.limit = std::min(1000, p->limit + 1);
    p->out.reserve(static_cast<size_t>(p->limit));
    p->q = std::move(q);
    return p;
  }

  // The rows one request reads at most (a filter that keeps few objects ends a page early).
  static uint64_t MaxRows(const PageRead& p) {
    return static_cast<uint64_t>(kMaxStorePagesPerRequest) * static_cast<uint64_t>(p.rq.limit);
  }

  // The TAXII selection of one record the caller may see (the store decided that); false ends
  // the scan: the page is full, or the record could not be read (p.error).
  bool Select(const node::Context& ctx, PageRead& p, core::Record& r) {
    // The id bound of `added_after` never skips a record added after it (a UUIDv7 is never
    // older than its record's created_at); this drops the few it lets through.
    if (p.q.added_after && r.created_at <= *p.q.added_after) return true;
    Result<Entry> e = ToEntry(r);
    if (!e.ok()) {
      p.error = e.status();
      return false;
    }
    if (e->withdrawn || !SpecMatches(p.q, *e)) return true;
    Result<bool> keep = VersionMatches(ctx, p.collection, p.q, *e, nullptr);
    if (!keep.ok()) {
      p.error = keep.status();
      return false;
    }
    if (!*keep) return true;
    p.out.push_back(std::move(e).value());
    return static_cast<int>(p.out.size()) < p.limit;
  }

  // The envelope, written directly (keys in the order nlohmann would sort them); the objects'
  // text is spliced from their records.
  TaxiiPage Render(const PageRead& p, const node::Node::RecordScan& scan) const {
    TaxiiPage result;
    if (!p.out.empty()) {
      result.date_added_first = core::FormatTimestamp(p.out.front().created_at);
      result.date_added_last = core::FormatTimestamp(p.out.back().created_at);
    }
    size_t size = 64;
    for (const Entry& e : p.out) size += e.object_size + 1;
    std::string body;
    body.reserve(p.kind == PageKind::kObjects ? size + 256 : 128 * (p.out.size() + 1));
    body += scan.more ? R"({"more":true)" : R"({"more":false)";
    if (scan.more) {
      body += R"(,"next":)";
      body += json(cyber::EncodeCursor(cyber::TaxiiCursor{.collection = p.collection.id,
                                                          .filters = p.filters,
                                                          .after = scan.last_id},
                                       options_.cursor_key))
                  .dump();
    }
    if (!p.out.empty()) {
      body += p.kind == PageKind::kVersions ? R"(,"versions":[)" : R"(,"objects":[)";
      bool first = true;
      for (const Entry& e : p.out) {
        if (!first) body += ',';
        first = false;
        switch (p.kind) {
          case PageKind::kObjects:
            body += e.object();
            break;
          case PageKind::kManifest: {
            const std::string added = core::FormatTimestamp(e.created_at);
            body += json{{"id", e.stix_id},
                         {"date_added", added},
                         {"version", e.version.empty() ? added : e.version},
                         {"media_type", kStixMedia}}
                        .dump();
            break;
          }
          case PageKind::kVersions:
            body +=
                json(e.version.empty() ? core::FormatTimestamp(e.created_at) : e.version).dump();
            break;
        }
      }
      body += ']';
    }
    body += '}';
    result.json = std::move(body);
    return result;
  }

  // A page, read in one audited node scan; answers once the scan's audit entry is committed.
  Result<TaxiiPage> Page(const node::Context& ctx, const CollectionInfo& c, cyber::TaxiiQuery q,
                         PageKind kind) {
    ISSA_ASSIGN_OR_RETURN(std::unique_ptr<PageRead> p, PlanPage(c, std::move(q), kind));
    std::mutex mu;
    std::condition_variable cv;
    std::optional<Status> committed;
    Result<node::Node::RecordScan> scan = node_.ScanRecords(
        ctx, p->rq, MaxRows(*p), [&](core::Record& r) { return Select(ctx, *p, r); },
        [&](Status s) {
          std::lock_guard lock(mu);
          committed.emplace(std::move(s));
          cv.notify_one();  // under the lock: `cv` outlives the notification
        });
    if (!scan.ok()) return scan.status();
    {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return committed.has_value(); });
    }
    ISSA_RETURN_IF_ERROR(*committed);
    ISSA_RETURN_IF_ERROR(p->error);
    return Render(*p, *scan);
  }

  // A page being answered without blocking: the page is rendered on the calling thread while
  // the audit entry commits; whichever finishes last hands the page on.
  struct AsyncPage {
    std::function<void(Result<TaxiiPage>)> done;
    std::atomic<int> pending{2};  // the rendering and the commit
    Status committed;
    Result<TaxiiPage> page = Internal("not rendered");

    void Finish() {
      if (pending.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
      if (!committed.ok()) return done(std::move(committed));
      done(std::move(page));
    }
  };

  // ---- Writing ----

  Known& KnownFor(std::string_view key) { return known_.For(key); }

  static std::string KnownKey(std::string_view owner, std::string_view stix_id) {
    std::string k;
    KnownKeyInto(k, owner, stix_id);
    return k;
  }

  // KnownKey written into `k` (whose buffer is kept from one object to the next).
  static std::string_view KnownKeyInto(std::string& k, std::string_view owner,
                                       std::string_view stix_id) {
    k.assign(owner);
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
        ISSA_ASSIGN_OR_RETURN(Entry e, ToEntry(r));
        if (e.withdrawn) continue;
        Known& k = KnownFor(KnownKey(owner, e.stix_id));
        k.versions.emplace_back(e.version);
        if (!e.superseded) {
          k.latest = e.version;
          k.latest_record_id = e.record_id;
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
    Known* known = nullptr;   // the object's entry in known_ (entries do not move; nothing is
                              // erased from known_ while a bundle is written)
    std::string stix_id;
    std::string version;
    std::string type;
    std::string spec_version;
    cyber::Tlp tlp = cyber::Tlp::kNone;
    std::string object_json;           // the object's canonical text, as validated
    json properties = json::object();  // the record's properties, parsed (the object moved in)
    core::Handling handling;
    bool superseded = false;
    std::string replaces;   // record id of the version this one supersedes
    std::string record_id;  // once written
    // An indicator's observables from the validator's parse of its pattern, for the correlator
    // (handed to the node as the record's matcher input) when `observables_found`.
    StixObservables observables;
    bool observables_found = false;
  };

  Result<StatusResource> AddBundle(const node::Context& ctx, const CollectionInfo& c,
                                   std::istream& body, cyber::Tlp fallback) {
    StatusResource status;
    status.id = core::NewUuidV7(node_.clock().Now());
    status.authority = ctx.principal.authority;
    status.request_timestamp = core::FormatTimestamp(node_.clock().Now());
    cyber::BundleLimits limits;
    limits.max_bytes = size_t{512} << 20;
    ISSA_ASSIGN_OR_RETURN(std::vector<cyber::BundleItem> items,
                          cyber::ReadBundleItems(*validator_, body, limits));
    std::lock_guard<std::mutex> lock(write_mu_);
    ISSA_RETURN_IF_ERROR(EnsureLoaded(ctx));
    std::vector<Pending> pending;
    pending.reserve(items.size());
    status.successes.reserve(items.size());
    std::vector<std::pair<std::string, std::string>> to_patch;  // (record id, key)
    std::unordered_map<const Known*, size_t> latest_pending;    // object -> index in pending
    latest_pending.reserve(items.size());
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
      // Absent in most objects. The members are sorted by key and the object's tree was built a
      // whole bundle ago (no longer in the cache): when the last key sorts before this one (one
      // node read, where a search reads a path of them), it is not there.
      static constexpr std::string_view kRecipients = "x_issa_recipients";
      const json::object_t& members = o.get_ref<const json::object_t&>();
      if (auto r = !members.empty() && std::string_view(members.rbegin()->first) >= kRecipients
                       ? o.find(kRecipients)
                       : o.end();
          r != o.end()) {
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
      Known& k = KnownFor(KnownKeyInto(key_buffer_, ctx.principal.authority, obj.id));
      if (k.Holds(obj.version)) {
        status.successes.push_back({obj.id, obj.version, "already held"});
        continue;
      }
      Pending p;
      p.status_index = item.index;
      p.known = &k;
      p.stix_id = obj.id;
      p.version = obj.version;
      const bool first = k.versions.empty();
      if (first || Newer(obj.version, k.latest)) {
        if (auto lp = latest_pending.find(&k); lp != latest_pending.end()) {
          pending[lp->second].superseded = true;
        } else if (!k.latest_record_id.empty()) {
          p.replaces = k.latest_record_id;
        }
        k.latest = obj.version;
        k.latest_record_id.clear();
        latest_pending[&k] = pending.size();
      } else {
        p.superseded = true;
      }
      k.versions.emplace_back(obj.version);
      p.type = obj.type;
      p.spec_version = obj.spec_version;
      p.tlp = obj.tlp;
      p.object_json = std::move(obj.json);
      if (obj.pattern) {
        p.observables.values = ObservablesOfPattern(*obj.pattern);
        p.observables_found = true;
      }
      // The members in sorted order, each put at the end (the object itself is moved in).
      json::object_t& props = *p.properties.get_ptr<json::object_t*>();
      props.emplace_hint(props.end(), "object", std::move(obj.value));
      props.emplace_hint(props.end(), "spec_version", std::move(obj.spec_version));
      props.emplace_hint(props.end(), "stix_id", std::move(obj.id));
      props.emplace_hint(props.end(), "stix_type", std::move(obj.type));
      props.emplace_hint(props.end(), "tlp", cyber::ToString(obj.tlp));
      props.emplace_hint(props.end(), "version", std::move(obj.version));
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
      Known& k = *p.known;
      if (p.record_id.empty()) {
        // Not written: forget this version (and reload the key's state on the next write).
        std::erase_if(k.versions,
                      [&](const std::pmr::string& v) { return std::string_view(v) == p.version; });
        loaded_owners_.erase(ctx.principal.authority);
        continue;
      }
      if (!p.superseded && std::string_view(k.latest) == p.version) {
        k.latest_record_id = p.record_id;
      }
      if (!p.replaces.empty()) {
        Result<core::Record> patched =
            node_.PatchRecord(ctx, p.replaces, R"({"properties":{"superseded":true}})");
        if (!patched.ok()) return patched.status();
      }
      status.successes.push_back({std::move(p.stix_id), std::move(p.version), ""});
    }
    if (!loaded_owners_.contains(ctx.principal.authority)) {
      // A write failed: drop the authority's cached state; the next write reloads it.
      known_.EraseWithPrefix(ctx.principal.authority + "\n");
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
    // `superseded` is settled before the first call and never unset (a retry sets it again).
    if (p.superseded) p.properties["superseded"] = true;
    std::string text;
    text.reserve(p.object_json.size() + p.stix_id.size() + p.type.size() + 128);
    text += R"({"object":)";
    text += p.object_json;
    text += R"(,"spec_version":)";
    core::AppendJsonString(text, p.spec_version);
    text += R"(,"stix_id":)";
    core::AppendJsonString(text, p.stix_id);
    text += R"(,"stix_type":)";
    core::AppendJsonString(text, p.type);
    if (p.superseded) text += R"(,"superseded":true)";
    text += R"(,"tlp":)";
    core::AppendJsonString(text, cyber::ToString(p.tlp));
    text += R"(,"version":)";
    core::AppendJsonString(text, p.version);
    text += '}';
    node::Node::ParsedRecord r;
    r.type = std::string(kRecordType);
    r.properties = &p.properties;
    r.properties_json = std::move(text);
    r.handling = p.handling;
    if (p.observables_found) r.matcher_input = &p.observables;
    return r;
  }

  node::Node& node_;
  CtiOptions options_;
  std::shared_ptr<const cyber::StixValidator> validator_;
  // Shared with the node, which calls it on every StixObject write (Node::AddMatcher).
  std::shared_ptr<const StixCorrelator> correlator_;
  std::mutex write_mu_;
  std::pmr::unsynchronized_pool_resource known_pool_;  // guarded by write_mu_
  std::string key_buffer_;                             // guarded by write_mu_; KnownKeyInto
  KnownObjects known_{&known_pool_};                   // guarded by write_mu_
  std::set<std::string> loaded_owners_;                // guarded by write_mu_
  std::shared_mutex collections_mu_;
  std::map<std::string, KnownCollection, std::less<>> collections_;  // guarded by collections_mu_
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
  // Correlation: the node indexes every StixObject record written from now on and loads those
  // it holds (docs/cyber.md, "Correlation and handling").
  auto correlator = std::make_shared<StixCorrelator>(options.warning_lists);
  const node::Context system{access::Principal::System(), "", "cti"};
  ISSA_RETURN_IF_ERROR(node.AddMatcher(system, {std::string(kRecordType)}, correlator));
  return std::unique_ptr<CtiService>(
      new CtiServiceImpl(node, std::move(options), std::move(validator), correlator));
}

std::string CtiService::AuthorityCollectionId(std::string_view authority) {
  return cyber::UuidV5(kCollectionNamespace, "authority:" + std::string(authority));
}

std::string CtiService::GroupCollectionId(std::string_view group) {
  return cyber::UuidV5(kCollectionNamespace, "group:" + std::string(group));
}

}  // namespace issa::cti
