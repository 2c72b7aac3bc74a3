#include "issa/cyber/correlation.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <functional>
#include <mutex>
#include <set>
#include <span>
#include <unordered_map>
#include <utility>

#include <fmt/format.h>

#include "issa/cyber/warninglist.h"

#include "string_table.h"

namespace issa::cyber {
namespace {

constexpr std::uint32_t kNone = 0xffffffffu;

// Groups never disappear (a value may come back); a group with no members is skipped on lookup.
struct Group {
  std::string_view key;  // class byte + value (names with reversed labels)
  std::uint32_t head = kNone;
  std::uint32_t count = 0;
  std::uint32_t family = kNone;  // union-find parent among hash groups of one file
  ObservableType type = ObservableType::kText;
};

// One observable's membership in one group; doubly linked within the group.
struct Entry {
  std::uint32_t observable;
  std::uint32_t group;
  std::uint32_t next;
  std::uint32_t prev;
};

struct ObservableRecord {
  std::string_view id;
  std::uint32_t owner;
  std::uint32_t handling;
  std::uint32_t first_entry;
  std::uint16_t entry_count;
  bool live;
  bool warned;
};

struct V4Item {
  std::uint32_t address;
  std::uint8_t prefix;
  std::uint32_t group;
  bool operator<(const V4Item& o) const {
    return address != o.address ? address < o.address : prefix < o.prefix;
  }
};

// A 128-bit address as two halves (ISO C++ has no 128-bit integer).
struct U128 {
  std::uint64_t hi = 0;
  std::uint64_t lo = 0;
  auto operator<=>(const U128&) const = default;
};

struct V6Item {
  U128 address;
  std::uint8_t prefix;
  std::uint32_t group;
  bool operator<(const V6Item& o) const {
    return address != o.address ? address < o.address : prefix < o.prefix;
  }
};

char ClassOf(ObservableType type) {
  switch (type) {
    case ObservableType::kIpv4:
    case ObservableType::kIpv6:
      return 'I';
    case ObservableType::kDomain:
    case ObservableType::kHostname:
      return 'N';
    case ObservableType::kUrl:
      return 'U';
    case ObservableType::kEmail:
      return 'E';
    default:
      return 'T';
  }
}

void AppendReversedLabels(std::string_view name, std::string& out) {
  size_t end = name.size();
  while (true) {
    const auto dot = name.rfind('.', end == 0 ? 0 : end - 1);
    if (dot == std::string_view::npos || end == 0) {
      out.append(name.substr(0, end));
      return;
    }
    out.append(name.substr(dot + 1, end - dot - 1));
    out.push_back('.');
    end = dot;
  }
}

void MakeKey(const Observable& o, std::string& key) {
  key.clear();
  const char cls = ClassOf(o.type);
  key.push_back(cls);
  if (cls == 'N') {
    AppendReversedLabels(o.value, key);
  } else if (cls == 'T') {
    key.push_back(static_cast<char>('a' + static_cast<int>(o.type)));
    key.append(o.value);
  } else {
    key.append(o.value);
  }
}

std::string HostKey(std::string_view host) {
  std::string key;
  if (auto ip = ParseIpNetwork(host); ip.ok()) {
    key = "I" + ip->ToString();
  } else {
    key = "N";
    AppendReversedLabels(host, key);
  }
  return key;
}

U128 V6Address(const IpNetwork& ip) {
  U128 a;
  for (size_t i = 0; i < 8; ++i) a.hi = (a.hi << 8) | ip.bytes[i];
  for (size_t i = 8; i < 16; ++i) a.lo = (a.lo << 8) | ip.bytes[i];
  return a;
}

// The last address of a network starting at `low` with `prefix` bits.
U128 V6High(U128 low, int prefix) {
  const auto ones = [](int bits) -> std::uint64_t {
    return bits >= 64 ? ~std::uint64_t{0} : (bits <= 0 ? 0 : ((std::uint64_t{1} << bits) - 1));
  };
  const int host_bits = 128 - prefix;
  low.lo |= ones(host_bits);
  low.hi |= ones(host_bits - 64);
  return low;
}

std::uint32_t V4Address(const IpNetwork& ip) {
  return (std::uint32_t{ip.bytes[0]} << 24) | (std::uint32_t{ip.bytes[1]} << 16) |
         (std::uint32_t{ip.bytes[2]} << 8) | ip.bytes[3];
}

// Interns small vocabularies (owners, handling references).
class Vocabulary {
 public:
  std::uint32_t Intern(std::string_view word) {
    auto it = index_.find(std::string(word));
    if (it != index_.end()) return it->second;
    words_.emplace_back(word);
    index_.emplace(std::string(word), static_cast<std::uint32_t>(words_.size() - 1));
    return static_cast<std::uint32_t>(words_.size() - 1);
  }
  std::string_view Word(std::uint32_t i) const { return words_[i]; }
  size_t Bytes() const { return words_.size() * 96; }

 private:
  std::vector<std::string> words_;
  std::unordered_map<std::string, std::uint32_t> index_;
};

}  // namespace

std::string_view CorrelationKindName(CorrelationKind kind) {
  static constexpr std::array<std::string_view, 8> kNames = {
      "same-value",       "within-network", "contains-address", "subdomain-of",
      "parent-domain-of", "host-of-url",    "url-host",         "same-file"};
  return kNames[static_cast<size_t>(kind)];
}

struct CorrelationIndex::Impl {
  detail::Arena arena;
  std::vector<Group> groups;
  std::vector<Entry> entries;
  std::vector<ObservableRecord> observables;
  detail::StringTable group_table;
  detail::StringTable id_table;
  Vocabulary owners;
  Vocabulary handlings;
  const WarningLists* warning_lists = nullptr;
  size_t live_observables = 0;
  size_t live_entries = 0;

  // Overlap indexes.
  std::array<std::uint32_t, 33> v4_prefix_groups{};
  std::array<std::uint32_t, 129> v6_prefix_groups{};
  mutable std::vector<V4Item> v4;
  mutable std::vector<V6Item> v6;
  mutable std::vector<std::uint32_t> names;  // name groups, sorted by key on demand
  // v4/v6/names are sorted up to these sizes; the rest (at most kUnsortedTail entries added
  // since) is scanned, so a lookup between inserts does not re-sort everything.
  mutable size_t v4_sorted = 0;
  mutable size_t v6_sorted = 0;
  mutable size_t names_sorted = 0;
  mutable std::mutex sort_mutex;
  std::unordered_map<std::string, std::vector<std::uint32_t>> urls_by_host;
  std::unordered_map<std::uint32_t, std::vector<std::uint32_t>> families;  // root -> groups

  std::string_view GroupKey(std::uint32_t g) const { return groups[g].key; }

  std::uint32_t FindGroup(std::string_view key) const {
    return group_table.Find(key, [this](std::uint32_t g) { return groups[g].key; });
  }

  std::uint32_t FindObservable(std::string_view id) const {
    return id_table.Find(id, [this](std::uint32_t o) { return observables[o].id; });
  }

  std::string GroupValue(std::uint32_t g) const {
    const auto key = groups[g].key;
    switch (key[0]) {
      case 'N': {
        std::string out;
        AppendReversedLabels(key.substr(1), out);
        return out;
      }
      case 'T':
        return std::string(key.substr(2));
      default:
        return std::string(key.substr(1));
    }
  }

  std::uint32_t FamilyRoot(std::uint32_t g) const {
    while (groups[g].family != kNone && groups[g].family != g) g = groups[g].family;
    return g;
  }

  void Unite(std::uint32_t a, std::uint32_t b) {
    a = FamilyRoot(a);
    b = FamilyRoot(b);
    if (a == b) return;
    auto& fa = families[a];
    if (fa.empty()) fa.push_back(a);
    auto it = families.find(b);
    if (it == families.end()) {
      fa.push_back(b);
    } else {
      fa.insert(fa.end(), it->second.begin(), it->second.end());
      families.erase(it);
    }
    groups[a].family = a;
    groups[b].family = a;
  }

  std::uint32_t CreateGroup(std::string_view key, const Observable& value) {
    const auto g = static_cast<std::uint32_t>(groups.size());
    Group group;
    group.key = arena.Store(key);
    group.type = value.type;
    groups.push_back(group);
    group_table.Insert(group.key, g);
    switch (key[0]) {
      case 'I': {
        auto ip = ParseIpNetwork(value.value);
        if (!ip.ok()) break;
        if (ip->v6) {
          v6.push_back({V6Address(*ip), static_cast<std::uint8_t>(ip->prefix_length), g});
          ++v6_prefix_groups[static_cast<size_t>(ip->prefix_length)];
        } else {
          v4.push_back({V4Address(*ip), static_cast<std::uint8_t>(ip->prefix_length), g});
          ++v4_prefix_groups[static_cast<size_t>(ip->prefix_length)];
        }
        break;
      }
      case 'N':
        names.push_back(g);
        break;
      case 'U': {
        const auto host = UrlHost(value.value);
        if (!host.empty()) urls_by_host[HostKey(host)].push_back(g);
        break;
      }
      default:
        break;
    }
    return g;
  }

  // Merges an unsorted tail into the sorted part once it is longer than kUnsortedTail (the
  // tail is sorted, then merged: O(n) every kUnsortedTail inserts instead of a full sort per
  // lookup after an insert).
  static constexpr size_t kUnsortedTail = 1024;
  template <class T, class Less>
  static void MergeTail(std::vector<T>& v, size_t& sorted, Less less) {
    if (v.size() - sorted <= kUnsortedTail) return;
    const auto mid = v.begin() + static_cast<std::ptrdiff_t>(sorted);
    std::sort(mid, v.end(), less);
    std::inplace_merge(v.begin(), mid, v.end(), less);
    sorted = v.size();
  }
  void SortIndexes() const {
    std::lock_guard lock(sort_mutex);
    MergeTail(v4, v4_sorted, std::less<V4Item>());
    MergeTail(v6, v6_sorted, std::less<V6Item>());
    MergeTail(names, names_sorted,
              [this](std::uint32_t a, std::uint32_t b) { return groups[a].key < groups[b].key; });
  }

  // Calls `visit(kind, group)` for every group related to the value with key `key` (the value's
  // own group first, when present).
  template <class Visit>
  void ForEachRelated(const Observable& value, std::string_view key, Visit&& visit) const {
    const auto self = FindGroup(key);
    if (self != kNone) visit(CorrelationKind::kSameValue, self);
    std::string probe;
    switch (key[0]) {
      case 'I': {
        auto ip = ParseIpNetwork(value.value);
        if (!ip.ok()) return;
        const auto& prefix_groups = ip->v6 ? std::span<const std::uint32_t>(v6_prefix_groups)
                                           : std::span<const std::uint32_t>(v4_prefix_groups);
        for (int length = ip->prefix_length - 1; length >= 0; --length) {
          if (prefix_groups[static_cast<size_t>(length)] == 0) continue;
          probe = "I" + ip->Masked(length).ToString();
          if (const auto g = FindGroup(probe); g != kNone)
            visit(CorrelationKind::kWithinNetwork, g);
        }
        if (!ip->IsSingleAddress()) {
          SortIndexes();
          if (ip->v6) {
            const auto low = V6Address(*ip);
            const auto high = V6High(low, ip->prefix_length);
            const auto inside = [&](const V6Item& item) {
              if (item.address >= low && item.address <= high && item.prefix > ip->prefix_length)
                visit(CorrelationKind::kContainsAddress, item.group);
            };
            const auto end = v6.begin() + static_cast<std::ptrdiff_t>(v6_sorted);
            for (auto it = std::lower_bound(v6.begin(), end, V6Item{low, 0, 0});
                 it != end && it->address <= high; ++it)
              inside(*it);
            for (auto it = end; it != v6.end(); ++it) inside(*it);
          } else {
            const auto low = V4Address(*ip);
            const std::uint32_t span_mask =
                ip->prefix_length == 0 ? 0xffffffffu : ((1u << (32 - ip->prefix_length)) - 1);
            const std::uint64_t high = static_cast<std::uint64_t>(low | span_mask);
            const auto inside = [&](const V4Item& item) {
              if (item.address >= low && item.address <= high && item.prefix > ip->prefix_length)
                visit(CorrelationKind::kContainsAddress, item.group);
            };
            const auto end = v4.begin() + static_cast<std::ptrdiff_t>(v4_sorted);
            for (auto it = std::lower_bound(v4.begin(), end, V4Item{low, 0, 0});
                 it != end && it->address <= high; ++it)
              inside(*it);
            for (auto it = end; it != v4.end(); ++it) inside(*it);
          }
        } else if (auto it = urls_by_host.find(std::string(key)); it != urls_by_host.end()) {
          for (auto g : it->second) visit(CorrelationKind::kHostOfUrl, g);
        }
        return;
      }
      case 'N': {
        // Parents: prefixes of the reversed key at label boundaries ("Ncom.example" for
        // "Ncom.example.www"), most specific first.
        for (size_t dot = key.rfind('.'); dot != std::string_view::npos && dot > 1;
             dot = key.rfind('.', dot - 1)) {
          if (const auto g = FindGroup(key.substr(0, dot)); g != kNone)
            visit(CorrelationKind::kSubdomainOf, g);
        }
        SortIndexes();
        probe = std::string(key) + ".";
        const auto end = names.begin() + static_cast<std::ptrdiff_t>(names_sorted);
        auto it = std::lower_bound(
            names.begin(), end, probe,
            [this](std::uint32_t g, const std::string& k) { return groups[g].key < k; });
        for (; it != end && groups[*it].key.starts_with(probe); ++it)
          visit(CorrelationKind::kParentDomainOf, *it);
        for (it = end; it != names.end(); ++it)
          if (groups[*it].key.starts_with(probe)) visit(CorrelationKind::kParentDomainOf, *it);
        if (auto u = urls_by_host.find(std::string(key)); u != urls_by_host.end())
          for (auto g : u->second) visit(CorrelationKind::kHostOfUrl, g);
        return;
      }
      case 'U': {
        const auto host = UrlHost(value.value);
        if (host.empty()) return;
        if (const auto g = FindGroup(HostKey(host)); g != kNone)
          visit(CorrelationKind::kUrlHost, g);
        return;
      }
      default:
        break;
    }
    if (self != kNone && IsFileHash(value.type)) {
      const auto root = FamilyRoot(self);
      if (auto it = families.find(root); it != families.end())
        for (auto g : it->second)
          if (g != self) visit(CorrelationKind::kSameFile, g);
    }
  }

  Member MemberOf(std::uint32_t o) const {
    const auto& r = observables[o];
    return Member{r.id, owners.Word(r.owner), handlings.Word(r.handling), o};
  }

  CorrelationPage Page(const std::vector<Observable>& values, std::uint32_t self, size_t offset,
                       size_t limit) const {
    CorrelationPage page;
    size_t position = 0;
    bool more = false;
    std::string key;
    for (const auto& value : values) {
      MakeKey(value, key);
      ForEachRelated(value, key, [&](CorrelationKind kind, std::uint32_t g) {
        if (more) return;
        std::string group_value;
        for (auto e = groups[g].head; e != kNone; e = entries[e].next) {
          const auto o = entries[e].observable;
          if (o == self) continue;
          if (position++ < offset) continue;
          if (page.hits.size() == limit) {
            more = true;
            return;
          }
          if (group_value.empty()) group_value = GroupValue(g);
          page.hits.push_back({kind, groups[g].type, group_value, MemberOf(o)});
        }
      });
      if (more) break;
    }
    if (more) page.next_offset = offset + page.hits.size();
    return page;
  }
};

CorrelationIndex::CorrelationIndex() : impl_(std::make_unique<Impl>()) {}
CorrelationIndex::~CorrelationIndex() = default;

void CorrelationIndex::SetWarningLists(const WarningLists* lists) { impl_->warning_lists = lists; }

Result<AddOutcome> CorrelationIndex::Add(const ObservableEntry& entry) {
  auto& m = *impl_;
  if (entry.id.empty()) return InvalidArgument("observable id is empty", "id");
  if (entry.values.empty()) return InvalidArgument("observable has no values", "values");
  if (entry.values.size() > 0xffff) return InvalidArgument("too many values", "values");
  if (m.FindObservable(entry.id) != kNone)
    return AlreadyExists(fmt::format("observable '{}' is already correlated", entry.id));
  std::vector<Observable> copies;
  if (!entry.normalised) {
    copies.reserve(entry.values.size());
    for (size_t i = 0; i < entry.values.size(); ++i) {
      auto normalised = MakeObservable(entry.values[i].type, entry.values[i].value);
      if (!normalised.ok()) {
        return normalised.status().WithFieldPrefix(fmt::format("values[{}]", i));
      }
      copies.push_back(std::move(*normalised));
    }
  }
  const std::vector<Observable>& values = entry.normalised ? entry.values : copies;
  AddOutcome outcome;
  if (m.warning_lists != nullptr) {
    for (const auto& v : values)
      for (auto& name : m.warning_lists->Match(v)) outcome.warning_lists.push_back(std::move(name));
  }
  const auto o = static_cast<std::uint32_t>(m.observables.size());
  ObservableRecord record{m.arena.Store(entry.id),
                          m.owners.Intern(entry.owner),
                          m.handlings.Intern(entry.handling),
                          static_cast<std::uint32_t>(m.entries.size()),
                          0,
                          true,
                          !outcome.warning_lists.empty()};
  m.observables.push_back(record);
  m.id_table.Insert(record.id, o);
  outcome.number = o;
  ++m.live_observables;
  if (record.warned) return outcome;
  std::string key;
  std::uint32_t first_hash_group = kNone;
  for (const auto& v : values) {
    MakeKey(v, key);
    auto g = m.FindGroup(key);
    if (g == kNone) g = m.CreateGroup(key, v);
    const auto e = static_cast<std::uint32_t>(m.entries.size());
    auto& group = m.groups[g];
    m.entries.push_back({o, g, group.head, kNone});
    if (group.head != kNone) m.entries[group.head].prev = e;
    group.head = e;
    ++group.count;
    ++m.observables[o].entry_count;
    ++m.live_entries;
    if (IsFileHash(v.type)) {
      if (first_hash_group == kNone) {
        first_hash_group = g;
      } else {
        m.Unite(first_hash_group, g);
      }
    }
  }
  return outcome;
}

Status CorrelationIndex::Remove(std::string_view id) {
  auto& m = *impl_;
  const auto o = m.FindObservable(id);
  if (o == kNone) return NotFound(fmt::format("observable '{}' is not in the index", id));
  auto& record = m.observables[o];
  for (std::uint32_t i = 0; i < record.entry_count; ++i) {
    const auto e = record.first_entry + i;
    auto& entry = m.entries[e];
    auto& group = m.groups[entry.group];
    if (entry.prev != kNone) {
      m.entries[entry.prev].next = entry.next;
    } else {
      group.head = entry.next;
    }
    if (entry.next != kNone) m.entries[entry.next].prev = entry.prev;
    --group.count;
    --m.live_entries;
  }
  record.live = false;
  m.id_table.Erase(id, [&m](std::uint32_t x) { return m.observables[x].id; });
  --m.live_observables;
  return Status::Ok();
}

std::optional<std::uint32_t> CorrelationIndex::NumberOf(std::string_view id) const {
  const auto o = impl_->FindObservable(id);
  if (o == kNone) return std::nullopt;
  return o;
}

std::optional<Member> CorrelationIndex::MemberAt(std::uint32_t number) const {
  if (number >= impl_->observables.size() || !impl_->observables[number].live) return std::nullopt;
  return impl_->MemberOf(number);
}

Result<CorrelationPage> CorrelationIndex::Correlations(std::string_view id, size_t offset,
                                                       size_t limit) const {
  const auto& m = *impl_;
  const auto o = m.FindObservable(id);
  if (o == kNone) return NotFound(fmt::format("observable '{}' is not in the index", id));
  const auto& record = m.observables[o];
  std::vector<Observable> values;
  for (std::uint32_t i = 0; i < record.entry_count; ++i) {
    const auto g = m.entries[record.first_entry + i].group;
    values.push_back({m.groups[g].type, m.GroupValue(g)});
  }
  return m.Page(values, o, offset, limit);
}

Result<CorrelationPage> CorrelationIndex::CorrelationsOfValue(const Observable& value,
                                                              size_t offset, size_t limit) const {
  ISSA_ASSIGN_OR_RETURN(auto normalised, MakeObservable(value.type, value.value));
  return impl_->Page({normalised}, kNone, offset, limit);
}

Result<CorrelationGraph> CorrelationIndex::Graph(std::string_view id,
                                                 const GraphQuery& query) const {
  const auto& m = *impl_;
  const auto o = m.FindObservable(id);
  if (o == kNone) return NotFound(fmt::format("observable '{}' is not in the index", id));
  CorrelationGraph graph;
  std::unordered_map<std::uint32_t, size_t> node_of;
  std::set<std::pair<size_t, size_t>> edge_seen;
  std::vector<std::pair<std::uint32_t, int>> frontier;
  auto add_node = [&](std::uint32_t g) -> std::optional<size_t> {
    if (auto it = node_of.find(g); it != node_of.end()) return it->second;
    if (graph.nodes.size() >= query.max_nodes) {
      graph.truncated = true;
      return std::nullopt;
    }
    GraphNode node{m.groups[g].type, m.GroupValue(g), m.groups[g].count, {}};
    for (auto e = m.groups[g].head; e != kNone && node.members.size() < query.max_members_per_node;
         e = m.entries[e].next)
      node.members.push_back(m.MemberOf(m.entries[e].observable));
    graph.nodes.push_back(std::move(node));
    node_of.emplace(g, graph.nodes.size() - 1);
    return graph.nodes.size() - 1;
  };
  const auto& record = m.observables[o];
  for (std::uint32_t i = 0; i < record.entry_count; ++i) {
    const auto g = m.entries[record.first_entry + i].group;
    if (add_node(g)) frontier.emplace_back(g, 0);
  }
  std::string key;
  for (size_t next = 0; next < frontier.size(); ++next) {
    const auto [g, depth] = frontier[next];
    if (depth >= query.max_depth) continue;
    const Observable value{m.groups[g].type, m.GroupValue(g)};
    const auto from = node_of.at(g);
    m.ForEachRelated(value, m.groups[g].key, [&](CorrelationKind kind, std::uint32_t other) {
      if (other == g || m.groups[other].count == 0) return;
      const bool known = node_of.contains(other);
      const auto to = add_node(other);
      if (!to) return;
      if (!known) frontier.emplace_back(other, depth + 1);
      if (edge_seen.insert({std::min(from, *to), std::max(from, *to)}).second)
        graph.edges.push_back({from, *to, kind});
    });
  }
  return graph;
}

CorrelationStats CorrelationIndex::Stats() const {
  const auto& m = *impl_;
  CorrelationStats stats;
  stats.observables = m.live_observables;
  stats.groups = m.groups.size();
  stats.memberships = m.live_entries;
  size_t url_bytes = 0;
  for (const auto& [host, urls] : m.urls_by_host)
    url_bytes += 64 + host.capacity() + urls.capacity() * sizeof(std::uint32_t);
  stats.bytes = m.arena.Bytes() + m.groups.capacity() * sizeof(Group) +
                m.entries.capacity() * sizeof(Entry) +
                m.observables.capacity() * sizeof(ObservableRecord) + m.group_table.Bytes() +
                m.id_table.Bytes() + m.v4.capacity() * sizeof(V4Item) +
                m.v6.capacity() * sizeof(V6Item) + m.names.capacity() * sizeof(std::uint32_t) +
                url_bytes + m.owners.Bytes() + m.handlings.Bytes();
  return stats;
}

}  // namespace issa::cyber
