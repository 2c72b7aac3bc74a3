// Correlation of STIX observables across authorities (issue 6 item 5) and the sightings that
// feed an indicator's confidence (item 6): the node's domain matcher for StixObject records.
#include "correlation.h"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <set>
#include <unordered_set>
#include <utility>

#include <fmt/format.h>

#include "issa/cyber/pattern.h"

namespace issa::cti {
namespace {

using json = nlohmann::json;
using cyber::ObservableType;

constexpr size_t kScanPage = 256;
// A write looks at this many correlations of its values at most to find other authorities'
// records (a value held by very many records of the writer's own authority stops here).
constexpr size_t kMaxScannedOnWrite = 4096;

std::optional<ObservableType> HashType(std::string_view name) {
  std::string n;
  for (char c : name) {
    if (c != '-' && c != '\'') n += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  if (n == "MD5") return ObservableType::kMd5;
  if (n == "SHA1") return ObservableType::kSha1;
  if (n == "SHA256") return ObservableType::kSha256;
  if (n == "SHA512") return ObservableType::kSha512;
  if (n == "SSDEEP") return ObservableType::kSsdeep;
  return std::nullopt;
}

std::optional<ObservableType> IpType(std::string_view value) {
  Result<cyber::IpNetwork> ip = cyber::ParseIpNetwork(value);
  if (!ip.ok()) return std::nullopt;
  return ip->v6 ? ObservableType::kIpv6 : ObservableType::kIpv4;
}

// The observable type of a pattern comparison's object path, e.g. "domain-name" + "value".
std::optional<ObservableType> TypeOfComparison(std::string_view object, std::string_view path,
                                               std::string_view value) {
  if (object == "ipv4-addr" || object == "ipv6-addr") {
    return path == "value" ? IpType(value) : std::nullopt;
  }
  if (object == "domain-name") {
    if (path == "value") return ObservableType::kDomain;
    if (path == "resolves_to_refs[*].value") return IpType(value);
    return std::nullopt;
  }
  if (object == "network-traffic") {
    if (path == "dst_ref.value" || path == "src_ref.value") return IpType(value);
    return std::nullopt;
  }
  if (object == "url" && path == "value") return ObservableType::kUrl;
  if (object == "email-addr" && path == "value") return ObservableType::kEmail;
  if (object == "email-message" &&
      (path == "from_ref.value" || path == "sender_ref.value" || path == "to_refs[*].value")) {
    return ObservableType::kEmail;
  }
  if (object == "file" && path.starts_with("hashes.")) return HashType(path.substr(7));
  if (object == "mutex" && path == "name") return ObservableType::kMutex;
  if (object == "windows-registry-key" && path == "key") return ObservableType::kRegistryKey;
  if (object == "autonomous-system" && path == "number") return ObservableType::kAsn;
  return std::nullopt;
}

void AddValue(std::vector<cyber::Observable>& out, ObservableType type, std::string_view value) {
  std::string text(value);
  if (type == ObservableType::kAsn && !text.empty() && std::isdigit(text[0])) text = "AS" + text;
  Result<cyber::Observable> o = cyber::MakeObservable(type, text);
  if (!o.ok()) return;
  if (std::find(out.begin(), out.end(), *o) == out.end()) out.push_back(std::move(o).value());
}

std::string StringOf(const json& o, const char* key) {
  const auto it = o.find(key);
  if (it == o.end()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<int64_t>());
  return {};
}

core::Timestamp TimeOf(const json& o, std::initializer_list<const char*> keys) {
  for (const char* k : keys) {
    const std::string s = StringOf(o, k);
    if (s.empty()) continue;
    Result<core::Timestamp> t = core::ParseTimestamp(s);
    if (t.ok()) return *t;
  }
  return 0;
}

double ScoreOf(cyber::CorrelationKind kind) {
  return kind == cyber::CorrelationKind::kSameValue || kind == cyber::CorrelationKind::kSameFile
             ? 1.0
             : 0.9;
}

}  // namespace

bool IsCorrelatedType(std::string_view t) {
  return t == "indicator" || t == "ipv4-addr" || t == "ipv6-addr" || t == "domain-name" ||
         t == "url" || t == "email-addr" || t == "file" || t == "mutex" ||
         t == "windows-registry-key" || t == "autonomous-system";
}

std::vector<cyber::Observable> ObservablesOfPattern(const cyber::ParsedPattern& pattern) {
  std::vector<cyber::Observable> out;
  for (const cyber::PatternComparison& c : pattern.comparisons) {
    if (c.negated) continue;
    if (c.op != cyber::PatternOperator::kEqual && c.op != cyber::PatternOperator::kIn) continue;
    for (const std::string& v : c.values) {
      if (auto t = TypeOfComparison(c.object_type, c.path, v)) AddValue(out, *t, v);
    }
  }
  return out;
}

std::vector<cyber::Observable> ObservablesOf(const json& o, std::string_view type) {
  std::vector<cyber::Observable> out;
  if (!o.is_object()) return out;
  if (type == "indicator") {
    static constexpr std::string_view kPatternType = "pattern_type";
    static constexpr std::string_view kPattern = "pattern";
    if (const auto t = o.find(kPatternType);
        t != o.end() &&
        (!t->is_string() || std::string_view(t->get_ref<const std::string&>()) != "stix")) {
      return out;
    }
    const auto pattern = o.find(kPattern);
    if (pattern == o.end() || !pattern->is_string()) return out;
    Result<cyber::ParsedPattern> p = cyber::ParsePattern(pattern->get_ref<const std::string&>());
    if (!p.ok()) return out;
    return ObservablesOfPattern(*p);
  }
  if (type == "ipv4-addr" || type == "ipv6-addr") {
    const std::string v = StringOf(o, "value");
    if (auto t = IpType(v)) AddValue(out, *t, v);
  } else if (type == "domain-name") {
    AddValue(out, ObservableType::kDomain, StringOf(o, "value"));
  } else if (type == "url") {
    AddValue(out, ObservableType::kUrl, StringOf(o, "value"));
  } else if (type == "email-addr") {
    AddValue(out, ObservableType::kEmail, StringOf(o, "value"));
  } else if (type == "file") {
    if (auto h = o.find("hashes"); h != o.end() && h->is_object()) {
      for (const auto& [name, value] : h->items()) {
        const auto t = HashType(name);
        if (t && value.is_string()) AddValue(out, *t, value.get<std::string>());
      }
    }
  } else if (type == "mutex") {
    AddValue(out, ObservableType::kMutex, StringOf(o, "name"));
  } else if (type == "windows-registry-key") {
    AddValue(out, ObservableType::kRegistryKey, StringOf(o, "key"));
  } else if (type == "autonomous-system") {
    AddValue(out, ObservableType::kAsn, StringOf(o, "number"));
  }
  return out;
}

StixCorrelator::StixCorrelator(const cyber::WarningLists* lists) { index_.SetWarningLists(lists); }

void StixCorrelator::RemoveLocked(std::string_view record_id) {
  if (const std::optional<std::uint32_t> n = index_.NumberOf(record_id)) {
    Indexed& indexed = indexed_[*n];
    records_of_.Erase(indexed.stix_id, *n);
    indexed = Indexed();
    (void)index_.Remove(record_id);
  }
  RemoveSightingLocked(record_id);
}

void StixCorrelator::RemoveSightingLocked(std::string_view record_id) {
  if (sightings_.empty()) return;
  const std::string id(record_id);
  if (auto it = sightings_.find(id); it != sightings_.end()) {
    auto [b, e] = sightings_of_.equal_range(it->second.indicator);
    for (auto r = b; r != e; ++r) {
      if (r->second == id) {
        sightings_of_.erase(r);
        break;
      }
    }
    sightings_.erase(it);
  }
}

void StixCorrelator::Remove(std::string_view record_id) {
  std::unique_lock lock(mu_);
  RemoveLocked(record_id);
}

Result<std::vector<node::DomainMatch>> StixCorrelator::Upsert(const core::Record& record,
                                                              size_t max_matches) {
  const json props = json::parse(record.properties_json, nullptr, false);
  return UpsertParsed(record, props, nullptr, max_matches);
}

Result<std::vector<node::DomainMatch>> StixCorrelator::UpsertParsed(const core::Record& record,
                                                                    const json& props,
                                                                    const node::MatcherInput* input,
                                                                    size_t max_matches) {
  std::vector<node::DomainMatch> matches;
  // Outside the lock: extract the record's values, in one pass over the members.
  const json* object = nullptr;
  bool superseded = false, withdrawn = false;
  std::string_view stix_type, stix_id;
  if (props.is_object()) {
    const auto text = [](const json& v) {
      return v.is_string() ? std::string_view(v.get_ref<const std::string&>()) : std::string_view();
    };
    const auto flag = [](const json& v) { return v.is_boolean() && v.get<bool>(); };
    for (const auto& [name, value] : props.get_ref<const json::object_t&>()) {
      const std::string_view key = name;  // compared with literals of known length
      if (key == "object") {
        object = &value;
      } else if (key == "stix_id") {
        stix_id = text(value);
      } else if (key == "stix_type") {
        stix_type = text(value);
      } else if (key == "superseded") {
        superseded = flag(value);
      } else if (key == "withdrawn") {
        withdrawn = flag(value);
      }
    }
  }
  const bool current = object != nullptr && !superseded && !withdrawn;
  if (!current) stix_type = stix_id = std::string_view();
  std::optional<Sighted> sighting;
  std::vector<cyber::Observable> values;
  if (current && stix_type == "sighting") {
    const json& o = *object;
    const std::string of = StringOf(o, "sighting_of_ref");
    if (of.starts_with("indicator--")) {
      Sighted s;
      s.indicator = of;
      s.owner = record.owner;
      s.sighting.authority = record.owner;
      const std::string kind = StringOf(o, "x_misp_sighting_type");
      s.sighting.kind = kind == "false-positive" ? cyber::SightingKind::kFalsePositive
                        : kind == "expiration"   ? cyber::SightingKind::kExpiry
                                                 : cyber::SightingKind::kSighting;
      s.sighting.seen_at = TimeOf(o, {"last_seen", "first_seen", "modified", "created"});
      const auto count = o.find("count");
      if (count != o.end() && count->is_number_integer()) {
        s.sighting.count = static_cast<uint32_t>(std::clamp<int64_t>(count->get<int64_t>(), 0, 10));
      }
      sighting = std::move(s);
    }
  } else if (current && IsCorrelatedType(stix_type)) {
    const auto* given = dynamic_cast<const StixObservables*>(input);
    values = given != nullptr ? given->values : ObservablesOf(*object, stix_type);
  }
  std::unique_lock lock(mu_);
  if (sighting || values.empty()) {
    RemoveLocked(record.id);
    if (sighting) {
      sightings_of_.emplace(sighting->indicator, record.id);
      sightings_.emplace(record.id, std::move(*sighting));
    }
    return matches;
  }
  // An indexed record: a new one (the usual write) goes in at once; an earlier version held
  // by the index is found by the index itself (AlreadyExists), removed, and replaced. A
  // sighting kept under the same record id is removed either way.
  const cyber::ObservableEntry entry{record.id, record.owner, std::string(), std::move(values),
                                     /*normalised=*/true};
  Result<cyber::AddOutcome> outcome = index_.Add(entry);
  if (!outcome.ok() && outcome.status().code() == StatusCode::kAlreadyExists) {
    RemoveLocked(record.id);
    outcome = index_.Add(entry);
  } else if (outcome.ok()) {
    RemoveSightingLocked(record.id);
  }
  ISSA_ASSIGN_OR_RETURN(cyber::AddOutcome added, std::move(outcome));
  if (indexed_.size() <= added.number) indexed_.resize(added.number + 1);
  Indexed& indexed = indexed_[added.number];
  indexed = Indexed{std::string(stix_id), std::string(stix_type), std::move(added.warning_lists)};
  records_of_.Insert(indexed.stix_id, added.number);
  if (max_matches == 0) return matches;
  // Other authorities' records first found, best relation kept per record.
  std::unordered_map<std::string_view, size_t> seen;
  size_t offset = 0;
  while (offset < kMaxScannedOnWrite) {
    Result<cyber::CorrelationPage> page = index_.Correlations(record.id, offset, kScanPage);
    if (!page.ok()) break;
    for (const cyber::CorrelationHit& h : page->hits) {
      if (h.member.owner == record.owner) continue;
      const std::string feature(cyber::CorrelationKindName(h.kind));
      const std::string type(cyber::ObservableTypeName(h.value_type));
      if (auto it = seen.find(h.member.id); it != seen.end()) {
        node::DomainMatch& m = matches[it->second];
        m.score = std::max(m.score, ScoreOf(h.kind));
        for (const std::string& f : {feature, type}) {
          if (std::find(m.features.begin(), m.features.end(), f) == m.features.end()) {
            m.features.push_back(f);
          }
        }
        continue;
      }
      if (matches.size() == max_matches) continue;
      seen.emplace(h.member.id, matches.size());
      matches.push_back({std::string(h.member.id),
                         std::string(h.member.owner),
                         ScoreOf(h.kind),
                         {feature, type}});
    }
    if (!page->next_offset) break;
    offset = *page->next_offset;
  }
  for (node::DomainMatch& m : matches) std::sort(m.features.begin(), m.features.end());
  std::stable_sort(matches.begin(), matches.end(),
                   [](const auto& a, const auto& b) { return a.score > b.score; });
  return matches;
}

std::vector<std::string> StixCorrelator::RecordsOf(std::string_view stix_id) const {
  std::shared_lock lock(mu_);
  std::vector<std::string> out;
  records_of_.ForEach(
      stix_id, [this](std::uint32_t n) -> std::string_view { return indexed_[n].stix_id; },
      [&](std::uint32_t n) {
        if (const std::optional<cyber::Member> m = index_.MemberAt(n)) out.emplace_back(m->id);
      });
  std::sort(out.begin(), out.end());
  return out;
}

bool StixCorrelator::IsIndexed(std::string_view record_id) const {
  std::shared_lock lock(mu_);
  return index_.NumberOf(record_id).has_value();
}

std::vector<std::string> StixCorrelator::WarningListsOf(std::string_view record_id) const {
  std::shared_lock lock(mu_);
  const std::optional<std::uint32_t> n = index_.NumberOf(record_id);
  return n ? indexed_[*n].warning_lists : std::vector<std::string>{};
}

CorrelatedRecord StixCorrelator::Describe(const cyber::Member& m) const {
  const Indexed& indexed = indexed_[m.number];
  return CorrelatedRecord{std::string(m.id), std::string(m.owner), indexed.stix_id,
                          indexed.stix_type};
}

std::vector<Correlation> StixCorrelator::Correlations(std::string_view record_id, size_t offset,
                                                      size_t limit, bool* more) const {
  std::shared_lock lock(mu_);
  std::vector<Correlation> out;
  *more = false;
  Result<cyber::CorrelationPage> page = index_.Correlations(record_id, offset, limit);
  if (!page.ok()) return out;
  out.reserve(page->hits.size());
  for (const cyber::CorrelationHit& h : page->hits) {
    out.push_back({h.kind, h.value_type, h.value, Describe(h.member)});
  }
  *more = page->next_offset.has_value();
  return out;
}

Result<OwnedCorrelationGraph> StixCorrelator::Graph(std::string_view record_id,
                                                    const cyber::GraphQuery& query) const {
  std::shared_lock lock(mu_);
  ISSA_ASSIGN_OR_RETURN(cyber::CorrelationGraph g, index_.Graph(record_id, query));
  OwnedCorrelationGraph out;
  out.truncated = g.truncated;
  out.edges = std::move(g.edges);
  out.nodes.reserve(g.nodes.size());
  for (const cyber::GraphNode& n : g.nodes) {
    CorrelationGraphNode node{n.type, n.value, {}};
    for (const cyber::Member& m : n.members) node.members.push_back(Describe(m));
    out.nodes.push_back(std::move(node));
  }
  return out;
}

std::vector<SightingRecord> StixCorrelator::SightingsOf(std::string_view indicator) const {
  std::shared_lock lock(mu_);
  std::vector<SightingRecord> out;
  auto [b, e] = sightings_of_.equal_range(std::string(indicator));
  for (auto it = b; it != e; ++it) {
    const Sighted& s = sightings_.at(it->second);
    out.push_back({it->second, s.owner, s.sighting});
  }
  std::sort(out.begin(), out.end(),
            [](const auto& x, const auto& y) { return x.record_id < y.record_id; });
  return out;
}

cyber::CorrelationStats StixCorrelator::Stats() const {
  std::shared_lock lock(mu_);
  return index_.Stats();
}

}  // namespace issa::cti

// ---- The caller's view: filtered by the node ----

namespace issa::cti {
namespace {

constexpr size_t kMaxOffset = 10'000;
constexpr size_t kViewChunk = 500;
// Correlations looked at per request at most (visible or not).
constexpr size_t kMaxScannedOnRead = 50'000;
constexpr size_t kMaxBatch = 1000;  // Node::GetRecords

struct Subject {
  core::Record record;
  json object;
  std::string stix_type;
};

// The ids of `ids` the caller may see (the node decides).
Result<std::unordered_set<std::string>> Visible(node::Node& node, const node::Context& ctx,
                                                std::vector<std::string> ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::unordered_set<std::string> out;
  for (size_t start = 0; start < ids.size(); start += kMaxBatch) {
    const std::vector<std::string> chunk(
        ids.begin() + static_cast<std::ptrdiff_t>(start),
        ids.begin() + static_cast<std::ptrdiff_t>(std::min(ids.size(), start + kMaxBatch)));
    ISSA_ASSIGN_OR_RETURN(std::vector<core::Record> records, node.GetRecords(ctx, chunk));
    for (core::Record& r : records) out.insert(std::move(r.id));
  }
  return out;
}

Result<Subject> FindSubject(node::Node& node, const StixCorrelator& correlator,
                            const node::Context& ctx, std::string_view stix_id) {
  std::vector<std::string> ids = correlator.RecordsOf(stix_id);
  if (ids.size() > kMaxBatch) ids.resize(kMaxBatch);
  if (ids.empty()) return NotFound("object not found");
  ISSA_ASSIGN_OR_RETURN(std::vector<core::Record> records, node.GetRecords(ctx, ids));
  if (records.empty()) return NotFound("object not found");
  // The caller's own version first, else the first it may see.
  auto chosen = std::find_if(records.begin(), records.end(), [&](const core::Record& r) {
    return r.owner == ctx.principal.authority;
  });
  if (chosen == records.end()) chosen = records.begin();
  Subject s;
  s.record = std::move(*chosen);
  const json props = json::parse(s.record.properties_json, nullptr, false);
  if (!props.is_object() || !props.contains("object")) {
    return DataLoss("StixObject record with bad properties");
  }
  s.object = props["object"];
  s.stix_type = props.value("stix_type", "");
  return s;
}

json ConfidenceJson(node::Node& node, const StixCorrelator& correlator,
                    const cyber::ConfidenceModel& model, const node::Context& ctx, const Subject& s,
                    Status* status) {
  const std::string stix_id = StringOf(s.object, "id");
  const std::vector<SightingRecord> all = correlator.SightingsOf(stix_id);
  std::vector<std::string> ids;
  for (const SightingRecord& r : all) ids.push_back(r.record_id);
  Result<std::unordered_set<std::string>> visible = Visible(node, ctx, ids);
  if (!visible.ok()) {
    *status = visible.status();
    return {};
  }
  std::vector<cyber::IndicatorSighting> seen;
  size_t sightings = 0, false_positives = 0, expiries = 0;
  for (const SightingRecord& r : all) {
    if (!visible->contains(r.record_id)) continue;
    seen.push_back(r.sighting);
    switch (r.sighting.kind) {
      case cyber::SightingKind::kSighting:
        ++sightings;
        break;
      case cyber::SightingKind::kFalsePositive:
        ++false_positives;
        break;
      case cyber::SightingKind::kExpiry:
        ++expiries;
        break;
    }
  }
  const std::vector<cyber::Observable> values = ObservablesOf(s.object, s.stix_type);
  const ObservableType type = values.empty() ? ObservableType::kText : values.front().type;
  int initial = -1;
  if (auto c = s.object.find("confidence"); c != s.object.end() && c->is_number_integer()) {
    initial = c->get<int>();
  }
  const core::Timestamp now = node.clock().Now();
  const double score =
      cyber::ConfidenceScore(model, type, TimeOf(s.object, {"created"}), initial, seen, now);
  return json{{"score", std::round(score * 10) / 10},
              {"as_of", core::FormatTimestamp(now)},
              {"observable_type", cyber::ObservableTypeName(type)},
              {"stated", initial >= 0 ? json(initial) : json(nullptr)},
              {"sightings", sightings},
              {"false_positives", false_positives},
              {"expiries", expiries}};
}

Result<json> ObjectJson(node::Node& node, const StixCorrelator& correlator,
                        const cyber::ConfidenceModel& model, const node::Context& ctx,
                        const Subject& s) {
  json o{{"id", StringOf(s.object, "id")},
         {"type", s.stix_type},
         {"record", s.record.id},
         {"owner", s.record.owner},
         {"warning_lists", correlator.WarningListsOf(s.record.id)}};
  if (s.stix_type == "indicator") {
    Status status;
    o["confidence"] = ConfidenceJson(node, correlator, model, ctx, s, &status);
    ISSA_RETURN_IF_ERROR(status);
  }
  return o;
}

json RecordRef(const CorrelatedRecord& r) {
  return json{
      {"id", r.stix_id}, {"type", r.stix_type}, {"record", r.record_id}, {"owner", r.owner}};
}

}  // namespace

Result<std::string> CorrelationsJson(node::Node& node, const StixCorrelator& correlator,
                                     const cyber::ConfidenceModel& model, const node::Context& ctx,
                                     std::string_view stix_id, const CorrelationQuery& query) {
  if (query.limit < 1 || query.limit > kMaxBatch) {
    return InvalidArgument("must be 1..1000", "limit");
  }
  if (query.offset > kMaxOffset) return InvalidArgument("must be at most 10000", "offset");
  ISSA_ASSIGN_OR_RETURN(Subject s, FindSubject(node, correlator, ctx, stix_id));
  // Page over what the caller may see: raw chunks of the index, filtered by the node.
  json list = json::array();
  size_t skipped = 0, raw = 0;
  bool more_visible = false;
  while (raw < kMaxScannedOnRead && !more_visible) {
    bool more = false;
    std::vector<Correlation> chunk = correlator.Correlations(s.record.id, raw, kViewChunk, &more);
    raw += chunk.size();
    std::vector<std::string> ids;
    for (const Correlation& c : chunk) ids.push_back(c.record.record_id);
    ISSA_ASSIGN_OR_RETURN(std::unordered_set<std::string> visible, Visible(node, ctx, ids));
    for (const Correlation& c : chunk) {
      if (!visible.contains(c.record.record_id)) continue;
      if (skipped < query.offset) {
        ++skipped;
        continue;
      }
      if (list.size() == query.limit) {
        more_visible = true;
        break;
      }
      json e = RecordRef(c.record);
      e["kind"] = cyber::CorrelationKindName(c.kind);
      e["value_type"] = cyber::ObservableTypeName(c.value_type);
      e["value"] = c.value;
      list.push_back(std::move(e));
    }
    if (!more || chunk.empty()) break;
  }
  // Hit notices: the node's cross-match hits of the caller's own record on records it may not
  // see (the access-request flow asks for them).
  json notices = json::array();
  if (s.record.owner == ctx.principal.authority) {
    ISSA_ASSIGN_OR_RETURN(std::vector<node::HitView> hits, node.ListHits(ctx));
    for (const node::HitView& h : hits) {
      if (h.your_record != s.record.id || h.other_record) continue;
      // Only while the other side is a current version (not superseded, not withdrawn): its
      // newer version made its own hit.
      const std::string& other = h.hit.record_a == h.your_record ? h.hit.record_b : h.hit.record_a;
      if (!correlator.IsIndexed(other)) continue;
      notices.push_back(json::parse(node::HitJson(h)));
    }
  }
  ISSA_ASSIGN_OR_RETURN(json object, ObjectJson(node, correlator, model, ctx, s));
  json out{{"object", std::move(object)},
           {"correlations", std::move(list)},
           {"notices", std::move(notices)},
           {"offset", query.offset}};
  if (more_visible) out["next_offset"] = query.offset + query.limit;
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<std::string> CorrelationGraphJson(node::Node& node, const StixCorrelator& correlator,
                                         const cyber::ConfidenceModel& model,
                                         const node::Context& ctx, std::string_view stix_id,
                                         const CorrelationGraphQuery& query) {
  if (query.depth < 1 || query.depth > 5) return InvalidArgument("must be 1..5", "depth");
  if (query.max_nodes < 1 || query.max_nodes > kMaxBatch) {
    return InvalidArgument("must be 1..1000", "limit");
  }
  ISSA_ASSIGN_OR_RETURN(Subject s, FindSubject(node, correlator, ctx, stix_id));
  cyber::GraphQuery gq;
  gq.max_depth = query.depth;
  gq.max_nodes = query.max_nodes;
  gq.max_members_per_node = 50;
  ISSA_ASSIGN_OR_RETURN(OwnedCorrelationGraph g, correlator.Graph(s.record.id, gq));
  std::vector<std::string> ids;
  for (const CorrelationGraphNode& n : g.nodes) {
    for (const CorrelatedRecord& m : n.members) ids.push_back(m.record_id);
  }
  ISSA_ASSIGN_OR_RETURN(std::unordered_set<std::string> visible, Visible(node, ctx, ids));
  // Keep the object's own values and the groups with a member the caller may see, then only
  // what connects to the object through kept groups (a hidden group is never a bridge).
  const std::vector<cyber::Observable> own = ObservablesOf(s.object, s.stix_type);
  const size_t n = g.nodes.size();
  std::vector<bool> start(n, false), kept(n, false);
  for (size_t i = 0; i < n; ++i) {
    const cyber::Observable v{g.nodes[i].type, g.nodes[i].value};
    start[i] = std::find(own.begin(), own.end(), v) != own.end();
    kept[i] = start[i];
    for (const CorrelatedRecord& m : g.nodes[i].members) {
      if (visible.contains(m.record_id)) kept[i] = true;
    }
  }
  std::vector<bool> reached(n, false);
  std::vector<size_t> frontier;
  for (size_t i = 0; i < n; ++i) {
    if (start[i]) {
      reached[i] = true;
      frontier.push_back(i);
    }
  }
  for (size_t f = 0; f < frontier.size(); ++f) {
    for (const cyber::GraphEdge& e : g.edges) {
      const size_t a = frontier[f];
      const size_t b = e.from == a ? e.to : e.to == a ? e.from : n;
      if (b < n && kept[b] && !reached[b]) {
        reached[b] = true;
        frontier.push_back(b);
      }
    }
  }
  std::vector<size_t> renumbered(n, n);
  json nodes = json::array();
  for (size_t i = 0; i < n; ++i) {
    if (!reached[i]) continue;
    renumbered[i] = nodes.size();
    json members = json::array();
    for (const CorrelatedRecord& m : g.nodes[i].members) {
      if (m.record_id != s.record.id && visible.contains(m.record_id)) {
        members.push_back(RecordRef(m));
      }
    }
    nodes.push_back(json{{"index", renumbered[i]},
                         {"type", cyber::ObservableTypeName(g.nodes[i].type)},
                         {"value", g.nodes[i].value},
                         {"start", static_cast<bool>(start[i])},
                         {"members", std::move(members)}});
  }
  json edges = json::array();
  for (const cyber::GraphEdge& e : g.edges) {
    if (e.from >= n || e.to >= n || renumbered[e.from] == n || renumbered[e.to] == n) continue;
    edges.push_back(json{{"from", renumbered[e.from]},
                         {"to", renumbered[e.to]},
                         {"kind", cyber::CorrelationKindName(e.kind)}});
  }
  ISSA_ASSIGN_OR_RETURN(json object, ObjectJson(node, correlator, model, ctx, s));
  json out{{"object", std::move(object)},
           {"nodes", std::move(nodes)},
           {"edges", std::move(edges)},
           {"truncated", g.truncated}};
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace issa::cti
