// The in-memory twin of the SQLite store: same semantics, no durability.
//
// Design: the committed state is an immutable snapshot held by shared_ptr. BeginRead takes a
// reference to the current snapshot (so a read transaction is a consistent snapshot and never
// blocks). Write is serialised under write_mu_: it copies the snapshot (records and audit entries
// are shared, not deep-copied), runs fn on the copy, and on success signs the audit head and
// publishes the copy as the new snapshot. A failing fn simply drops its copy.

#include <algorithm>
#include <atomic>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "issa/storage/backend_support.h"
#include "issa/storage/store.h"

namespace issa::storage {
namespace {

template <typename T>
using Map = std::map<std::string, T, std::less<>>;

struct RecordEntry {
  std::vector<core::Record> versions;  // oldest first; their grants fields are empty
  std::vector<std::string> grants;     // not versioned
};

struct State {
  Map<core::Authority> authorities;
  Map<core::User> users;
  Map<core::Token> tokens;
  Map<core::SharingGroup> groups;
  Map<core::Hit> hits;
  Map<core::AccessRequest> requests;
  Map<std::shared_ptr<const RecordEntry>> records;
  std::vector<std::shared_ptr<const audit::Entry>> audit;  // audit[i].seq == i + 1
  audit::Head head{0, std::string(audit::kGenesisHash), ""};
  Map<std::string> meta;
};

core::Record WithGrants(const core::Record& version, const RecordEntry& entry) {
  core::Record r = version;
  r.grants = entry.grants;
  return r;
}

bool Visible(const access::Viewer& viewer, const RecordEntry& entry) {
  const core::Record& cur = entry.versions.back();
  return access::MaySee(viewer, cur.owner, cur.handling.classification, cur.handling.distribution,
                        cur.handling.authorities, cur.handling.group, cur.handling.purposes,
                        entry.grants);
}

template <typename T>
Result<T> Find(const Map<T>& map, std::string_view key, std::string_view what) {
  const auto it = map.find(key);
  if (it == map.end()) return NotFound(fmt::format("{} {} not found", what, key));
  return it->second;
}

// All ReadTxn methods over a State. Base is ReadTxn or WriteTxn.
template <typename Base>
class MemoryReader : public Base {
 public:
  Result<access::Viewer> ResolveViewer(const access::Principal& principal,
                                       core::Timestamp now) override {
    access::Viewer viewer;
    viewer.principal = principal;
    viewer.now = now;
    if (principal.authority.empty()) return viewer;
    for (const auto& [id, group] : state().groups) {  // map order: sorted by id
      if (!group.ActiveAt(now)) continue;
      if (std::find(group.members.begin(), group.members.end(), principal.authority) !=
          group.members.end()) {
        viewer.active_groups.push_back(id);
      }
    }
    return viewer;
  }

  Result<core::Record> GetRecord(const access::Viewer& viewer, std::string_view id) override {
    const auto it = state().records.find(id);
    if (it == state().records.end() || !Visible(viewer, *it->second)) return RecordNotFound(id);
    return WithGrants(it->second->versions.back(), *it->second);
  }

  Result<std::vector<core::Record>> GetHistory(const access::Viewer& viewer,
                                               std::string_view id) override {
    const auto it = state().records.find(id);
    if (it == state().records.end() || !Visible(viewer, *it->second)) return RecordNotFound(id);
    std::vector<core::Record> out;
    out.reserve(it->second->versions.size());
    for (const core::Record& v : it->second->versions) out.push_back(WithGrants(v, *it->second));
    return out;
  }

  Result<RecordPage> QueryRecords(const access::Viewer& viewer, const RecordQuery& query) override {
    ISSA_RETURN_IF_ERROR(ValidateRecordQuery(query));
    const std::vector<std::string> words = SearchWords(query.text);
    RecordPage page;
    const auto& records = state().records;
    for (auto it = records.upper_bound(query.after_id); it != records.end(); ++it) {
      const RecordEntry& entry = *it->second;
      const core::Record& cur = entry.versions.back();
      if (!RecordMatchesQuery(query, cur) || !SearchTextMatches(cur.search_text, words) ||
          !Visible(viewer, entry)) {
        continue;
      }
      if (static_cast<int>(page.records.size()) == query.limit) {
        page.next_cursor = page.records.back().id;  // one more visible row exists
        break;
      }
      page.records.push_back(WithGrants(cur, entry));
    }
    return page;
  }

  Status ScanRecords(const access::Viewer& viewer, std::span<const std::string> types,
                     const std::function<bool(const core::Record&)>& visit) override {
    const std::set<std::string, std::less<>> wanted(types.begin(), types.end());
    const auto& records = state().records;
    std::string last;
    // Re-seek after each visit so that the scan stays valid even if `visit` writes.
    for (auto it = records.begin(); it != records.end(); it = records.upper_bound(last)) {
      const std::shared_ptr<const RecordEntry> entry = it->second;
      last = it->first;
      const core::Record& cur = entry->versions.back();
      if (!wanted.empty() && !wanted.contains(cur.type)) continue;
      if (!Visible(viewer, *entry)) continue;
      if (!visit(WithGrants(cur, *entry))) break;
    }
    return Status::Ok();
  }

  Result<core::Authority> GetAuthority(std::string_view id) override {
    return Find(state().authorities, id, "authority");
  }

  Result<std::vector<core::Authority>> ListAuthorities() override {
    std::vector<core::Authority> out;
    for (const auto& [id, a] : state().authorities) out.push_back(a);
    return out;
  }

  Result<core::User> GetUser(std::string_view id) override {
    return Find(state().users, id, "user");
  }

  Result<core::Token> GetToken(std::string_view hash) override {
    const auto it = state().tokens.find(hash);
    if (it == state().tokens.end()) return NotFound("token not found");
    return it->second;
  }

  Result<core::SharingGroup> GetGroup(std::string_view id) override {
    return Find(state().groups, id, "sharing group");
  }

  Result<std::vector<core::SharingGroup>> ListGroups(std::string_view authority) override {
    std::vector<core::SharingGroup> out;
    for (const auto& [id, g] : state().groups) {
      if (authority.empty() || g.owner == authority ||
          std::find(g.members.begin(), g.members.end(), authority) != g.members.end()) {
        out.push_back(g);
      }
    }
    return out;
  }

  Result<core::Hit> GetHit(std::string_view id) override { return Find(state().hits, id, "hit"); }

  Result<std::vector<core::Hit>> ListHits(std::string_view authority, int limit) override {
    ISSA_RETURN_IF_ERROR(ValidateListLimit(limit));
    std::vector<core::Hit> out;
    for (const auto& [id, h] : state().hits) {
      if ((h.owner_a == authority && h.notify_a) || (h.owner_b == authority && h.notify_b)) {
        out.push_back(h);
      }
    }
    SortNewestFirst(out);
    if (limit > 0 && static_cast<int>(out.size()) > limit) out.resize(limit);
    return out;
  }

  Result<core::AccessRequest> GetAccessRequest(std::string_view id) override {
    return Find(state().requests, id, "access request");
  }

  Result<std::vector<core::AccessRequest>> ListAccessRequests(std::string_view authority) override {
    std::vector<core::AccessRequest> out;
    for (const auto& [id, r] : state().requests) {
      if (r.requester == authority || r.owner == authority) out.push_back(r);
    }
    SortNewestFirst(out);
    return out;
  }

  Result<audit::Head> GetAuditHead() override { return state().head; }

  Status ScanAudit(const AuditQuery& query,
                   const std::function<bool(const audit::Entry&)>& visit) override {
    ISSA_RETURN_IF_ERROR(ValidateAuditQuery(query));
    const auto& entries = state().audit;
    int visited = 0;
    for (size_t i = static_cast<size_t>(
             std::min<int64_t>(query.after_seq, static_cast<int64_t>(entries.size())));
         i < entries.size(); ++i) {
      const std::shared_ptr<const audit::Entry> e = entries[i];
      if (!AuditEventMatches(query, e->event)) continue;
      if (query.limit > 0 && visited == query.limit) break;
      ++visited;
      if (!visit(*e)) break;
    }
    return Status::Ok();
  }

  Result<std::optional<std::string>> GetMeta(std::string_view key) override {
    const auto it = state().meta.find(key);
    if (it == state().meta.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
  }

 protected:
  virtual const State& state() const = 0;

 private:
  template <typename T>
  static void SortNewestFirst(std::vector<T>& items) {
    std::sort(items.begin(), items.end(), [](const T& a, const T& b) {
      if (a.created_at != b.created_at) return a.created_at > b.created_at;
      return a.id > b.id;
    });
  }
};

class MemoryReadTxn final : public MemoryReader<ReadTxn> {
 public:
  explicit MemoryReadTxn(std::shared_ptr<const State> state) : state_(std::move(state)) {}

 protected:
  const State& state() const override { return *state_; }

 private:
  std::shared_ptr<const State> state_;
};

class MemoryWriteTxn final : public MemoryReader<WriteTxn> {
 public:
  explicit MemoryWriteTxn(State& state) : state_(state) {}

  Status PutAuthority(const core::Authority& authority) override {
    ISSA_RETURN_IF_ERROR(RequireKey(authority.id, "authority id", "id"));
    state_.authorities[authority.id] = authority;
    return Status::Ok();
  }

  Status PutUser(const core::User& user) override {
    ISSA_RETURN_IF_ERROR(RequireKey(user.id, "user id", "id"));
    state_.users[user.id] = user;
    return Status::Ok();
  }

  Status PutToken(const core::Token& token) override {
    ISSA_RETURN_IF_ERROR(RequireKey(token.hash, "token hash", "hash"));
    state_.tokens[token.hash] = token;
    return Status::Ok();
  }

  Status PutRecord(const core::Record& record) override {
    ISSA_RETURN_IF_ERROR(ValidateRecord(record));
    const auto it = state_.records.find(record.id);
    std::optional<int64_t> current;
    if (it != state_.records.end()) current = it->second->versions.back().version;
    ISSA_RETURN_IF_ERROR(CheckRecordVersion(record.id, record.version, current));
    auto entry = it == state_.records.end() ? std::make_shared<RecordEntry>()
                                            : std::make_shared<RecordEntry>(*it->second);
    if (!current) entry->grants = record.grants;  // later versions keep the grants (SetGrants)
    entry->versions.push_back(record);
    entry->versions.back().grants.clear();
    state_.records[record.id] = std::move(entry);
    return Status::Ok();
  }

  Status SetGrants(std::string_view record_id, const std::vector<std::string>& grants) override {
    const auto it = state_.records.find(record_id);
    if (it == state_.records.end()) return RecordNotFound(record_id);
    auto entry = std::make_shared<RecordEntry>(*it->second);
    entry->grants = grants;
    it->second = std::move(entry);
    return Status::Ok();
  }

  Status ReindexRecord(std::string_view record_id, std::string_view search_text,
                       std::string_view key) override {
    const auto it = state_.records.find(record_id);
    if (it == state_.records.end()) return RecordNotFound(record_id);
    auto entry = std::make_shared<RecordEntry>(*it->second);
    entry->versions.back().search_text = std::string(search_text);
    entry->versions.back().key = std::string(key);
    it->second = std::move(entry);
    return Status::Ok();
  }

  Status DeleteRecord(std::string_view id) override {
    const auto it = state_.records.find(id);
    if (it == state_.records.end()) return RecordNotFound(id);
    state_.records.erase(it);
    return Status::Ok();
  }

  Status PutGroup(const core::SharingGroup& group) override {
    ISSA_RETURN_IF_ERROR(RequireKey(group.id, "sharing group id", "id"));
    state_.groups[group.id] = group;
    return Status::Ok();
  }

  Status PutHit(const core::Hit& hit) override {
    ISSA_RETURN_IF_ERROR(RequireKey(hit.id, "hit id", "id"));
    state_.hits[hit.id] = hit;
    return Status::Ok();
  }

  Status PutAccessRequest(const core::AccessRequest& request) override {
    ISSA_RETURN_IF_ERROR(RequireKey(request.id, "access request id", "id"));
    state_.requests[request.id] = request;
    return Status::Ok();
  }

  Result<audit::Entry> AppendAudit(audit::Event event) override {
    audit::Entry entry = audit::Seal(state_.head.seq, state_.head.hash, std::move(event));
    state_.head = audit::Head{entry.seq, entry.hash, ""};  // signed at commit
    state_.audit.push_back(std::make_shared<const audit::Entry>(entry));
    return entry;
  }

  Status SetMeta(std::string_view key, std::string_view value) override {
    ISSA_RETURN_IF_ERROR(ValidateMetaKey(key));
    state_.meta[std::string(key)] = std::string(value);
    return Status::Ok();
  }

 protected:
  const State& state() const override { return state_; }

 private:
  State& state_;
};

// Thread-safe: BeginRead never blocks writers; Write calls are serialised under write_mu_.
class MemoryStore final : public Store {
 public:
  explicit MemoryStore(MemoryStoreOptions options)
      : options_(std::move(options)), state_(std::make_shared<const State>()) {}

  Result<std::unique_ptr<ReadTxn>> BeginRead() override {
    return std::unique_ptr<ReadTxn>(std::make_unique<MemoryReadTxn>(Snapshot()));
  }

  Status Write(const std::function<Status(WriteTxn&)>& fn) override {
    if (writer_.load() == std::this_thread::get_id()) {
      return FailedPrecondition(
          "Store::Write called from inside a Write function (it would deadlock)");
    }
    std::lock_guard<std::mutex> write_lock(write_mu_);
    writer_.store(std::this_thread::get_id());
    const std::shared_ptr<const State> base = Snapshot();
    auto working = std::make_shared<State>(*base);
    Status status;
    {
      MemoryWriteTxn txn(*working);
      try {
        status = fn(txn);
      } catch (const std::exception& e) {
        status = Internal(fmt::format("write function threw: {}", e.what()));
      } catch (...) {
        status = Internal("write function threw a non-standard exception");
      }
    }
    writer_.store(std::thread::id());
    if (!status.ok()) return status;
    if (working->head.seq != base->head.seq) {
      working->head.signature =
          options_.signer
              ? options_.signer(audit::HeadMessage(working->head.seq, working->head.hash))
              : std::string();
    }
    std::lock_guard<std::mutex> lock(state_mu_);
    state_ = std::move(working);
    return Status::Ok();
  }

 private:
  std::shared_ptr<const State> Snapshot() const {
    std::lock_guard<std::mutex> lock(state_mu_);
    return state_;
  }

  const MemoryStoreOptions options_;
  std::mutex write_mu_;                    // serialises Write
  std::atomic<std::thread::id> writer_{};  // thread running a Write fn, to refuse re-entry
  mutable std::mutex state_mu_;            // guards state_ (the pointer, not the State)
  std::shared_ptr<const State> state_;
};

}  // namespace

std::unique_ptr<Store> NewMemoryStore(MemoryStoreOptions options) {
  return std::make_unique<MemoryStore>(std::move(options));
}

}  // namespace issa::storage
