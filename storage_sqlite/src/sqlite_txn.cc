#include "sqlite_txn.h"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "issa/core/text.h"
#include "issa/storage/backend_support.h"

#include "sqlite_codec.h"

namespace issa::storage_sqlite {
namespace {

#define ISSA_SQLITE_AUTHORITY_COLUMNS "id, country, kinds, name, created_at"
#define ISSA_SQLITE_USER_COLUMNS "id, authority, role, clearance, purposes, name, created_at"
#define ISSA_SQLITE_TOKEN_COLUMNS "hash, user_id, created_at, expires_at, revoked"
#define ISSA_SQLITE_GROUP_COLUMNS \
  "id, name, kind, valid_from, valid_to, created_by, owner, created_at"
#define ISSA_SQLITE_HIT_COLUMNS                                                         \
  "id, record_a, owner_a, record_b, owner_b, type, type_a, score, features, notify_a, " \
  "notify_b, created_at"
#define ISSA_SQLITE_REQUEST_COLUMNS                                                \
  "id, hit_id, record_id, owner, requester, requested_by, justification, status, " \
  "decided_by, reason, created_at, decided_at"
#define ISSA_SQLITE_AUDIT_COLUMNS                                                           \
  "seq, at, user_id, authority, action, target, outcome, detail, target_owner, prev_hash, " \
  "hash"

// Selected after the record columns.
constexpr int kGrantsCol = kRecordColumnCount;
constexpr int kRidCol = kRecordColumnCount + 1;
// The column of the record id (the first of ISSA_SQLITE_RECORD_COLUMNS).
constexpr int kIdCol = 0;
// From this many box candidates on, QueryRecords first walks the records in id order.
constexpr size_t kWalkMinCandidates = 256;

constexpr const char* kSelectCurrent =
    "SELECT " ISSA_SQLITE_RECORD_COLUMNS ", grants, rid FROM records WHERE id = ?1";

// "?first, ?first+1, ..., ?last"
std::string Placeholders(int first, int last) {
  std::string out;
  for (int i = first; i <= last; ++i) {
    if (i > first) out += ", ";
    out += '?';
    out += std::to_string(i);
  }
  return out;
}

const std::string& InsertRecordSql() {
  static const std::string sql = "INSERT INTO records (" ISSA_SQLITE_RECORD_COLUMNS
                                 ", grants) VALUES (" +
                                 Placeholders(1, kRecordColumnCount + 1) + ")";
  return sql;
}

const std::string& UpdateRecordSql() {
  static const std::string sql = "UPDATE records SET (" ISSA_SQLITE_RECORD_COLUMNS ") = (" +
                                 Placeholders(1, kRecordColumnCount) + ") WHERE rid = ?" +
                                 std::to_string(kRecordColumnCount + 1);
  return sql;
}

// The FTS5 query for plain words: each a quoted prefix term ("word"*), all required. The words
// come from storage::SearchWords, so they hold no ASCII punctuation; quotes are doubled anyway,
// so that user text never acts as FTS5 syntax. Bound as a parameter, never spliced into SQL.
std::string FtsQuery(const std::vector<std::string>& words) {
  std::string query;
  for (const std::string& w : words) {
    if (!query.empty()) query += ' ';
    query += '"';
    for (const char c : w) {
      if (c == '"') query += '"';
      query += c;
    }
    query += "\"*";
  }
  return query;
}

Status NotFoundFor(std::string_view what, std::string_view key) {
  return NotFound(fmt::format("{} {} not found", what, key));
}

Result<core::Record> ReadCurrent(const Stmt& stmt) {
  ISSA_ASSIGN_OR_RETURN(core::Record r, ReadRecord(stmt, 0));
  ISSA_ASSIGN_OR_RETURN(r.grants,
                        DecodeStrings(stmt.TextView(kGrantsCol), Where{"record", r.id, "grants"}));
  return r;
}

Result<core::Authority> ReadAuthority(const Stmt& s) {
  core::Authority a;
  a.id = s.Text(0);
  a.country = s.Text(1);
  ISSA_ASSIGN_OR_RETURN(a.kinds, DecodeKinds(s.TextView(2), Where{"authority", a.id, "kinds"}));
  a.name = s.Text(3);
  a.created_at = s.Int(4);
  return a;
}

Result<core::User> ReadUser(const Stmt& s) {
  core::User u;
  u.id = s.Text(0);
  u.authority = s.Text(1);
  ISSA_ASSIGN_OR_RETURN(u.role, DecodeEnum<core::Role>(s.Int(2), 5, Where{"user", u.id, "role"}));
  ISSA_ASSIGN_OR_RETURN(
      u.clearance, DecodeEnum<core::Classification>(s.Int(3), 3, Where{"user", u.id, "clearance"}));
  ISSA_ASSIGN_OR_RETURN(u.purposes, DecodeEnum<core::PurposeSet>(s.Int(4), core::kAllPurposes,
                                                                 Where{"user", u.id, "purposes"}));
  u.name = s.Text(5);
  u.created_at = s.Int(6);
  return u;
}

core::Token ReadToken(const Stmt& s) {
  core::Token t;
  t.hash = s.Text(0);
  t.user_id = s.Text(1);
  t.created_at = s.Int(2);
  t.expires_at = s.OptInt(3);
  t.revoked = s.Int(4) != 0;
  return t;
}

Result<core::Hit> ReadHit(const Stmt& s) {
  core::Hit h;
  h.id = s.Text(0);
  h.record_a = s.Text(1);
  h.owner_a = s.Text(2);
  h.record_b = s.Text(3);
  h.owner_b = s.Text(4);
  h.type = s.Text(5);
  h.type_a = s.Text(6);
  h.score = s.Double(7);
  ISSA_ASSIGN_OR_RETURN(h.features, DecodeStrings(s.TextView(8), Where{"hit", h.id, "features"}));
  h.notify_a = s.Int(9) != 0;
  h.notify_b = s.Int(10) != 0;
  h.created_at = s.Int(11);
  return h;
}

Result<core::AccessRequest> ReadRequest(const Stmt& s) {
  core::AccessRequest r;
  r.id = s.Text(0);
  r.hit_id = s.Text(1);
  r.record_id = s.Text(2);
  r.owner = s.Text(3);
  r.requester = s.Text(4);
  r.requested_by = s.Text(5);
  r.justification = s.Text(6);
  ISSA_ASSIGN_OR_RETURN(r.status, DecodeEnum<core::AccessRequestStatus>(
                                      s.Int(7), 2, Where{"access request", r.id, "status"}));
  r.decided_by = s.Text(8);
  r.reason = s.Text(9);
  r.created_at = s.Int(10);
  r.decided_at = s.OptInt(11);
  return r;
}

audit::Entry ReadEntry(const Stmt& s) {
  audit::Entry e;
  e.seq = s.Int(0);
  e.event.at = s.Int(1);
  e.event.user = s.Text(2);
  e.event.authority = s.Text(3);
  e.event.action = s.Text(4);
  e.event.target = s.Text(5);
  e.event.outcome = s.Text(6);
  e.event.detail = s.Text(7);
  e.event.target_owner = s.Text(8);
  e.prev_hash = s.Text(9);
  e.hash = s.Text(10);
  return e;
}

// The stored row of a record id, for writes.
struct StoredRecord {
  int64_t rid = 0;
  int64_t version = 0;
  std::string search_text;
  std::optional<core::BBox> bbox;
};

Result<std::optional<StoredRecord>> FindStored(Db& db, std::string_view id) {
  ISSA_ASSIGN_OR_RETURN(Stmt s, db.Prepare("SELECT rid, version, search_text, min_lon, min_lat, "
                                           "max_lon, max_lat, min_lon IS NOT NULL FROM records "
                                           "WHERE id = ?1"));
  s.BindText(1, id);
  ISSA_ASSIGN_OR_RETURN(const bool found, s.Step());
  if (!found) return std::optional<StoredRecord>();
  StoredRecord stored{s.Int(0), s.Int(1), s.Text(2), std::nullopt};
  if (s.Int(7) != 0) stored.bbox = core::BBox{s.Double(3), s.Double(4), s.Double(5), s.Double(6)};
  return std::optional<StoredRecord>(std::move(stored));
}

// "[rid,rid,...]" for json_each.
std::string RidArray(const std::vector<int64_t>& rids) {
  std::string out = "[";
  for (const int64_t rid : rids) {
    if (out.size() > 1) out += ',';
    out += std::to_string(rid);
  }
  out += ']';
  return out;
}

}  // namespace

// ---- Reads -------------------------------------------------------------------------------------

template <typename Base>
Result<access::Viewer> SqliteReader<Base>::ResolveViewer(const access::Principal& principal,
                                                         core::Timestamp now) {
  access::Viewer viewer;
  viewer.principal = principal;
  viewer.now = now;
  if (principal.authority.empty()) return viewer;
  ISSA_ASSIGN_OR_RETURN(
      Stmt s, db().Prepare("SELECT DISTINCT g.id FROM sharing_group_members m JOIN sharing_groups "
                           "g ON g.id = m.group_id WHERE m.authority = ?1 AND g.valid_from <= ?2 "
                           "AND (g.valid_to IS NULL OR g.valid_to > ?2) ORDER BY g.id"));
  s.BindText(1, principal.authority);
  s.BindInt(2, now);
  for (;;) {
    ISSA_ASSIGN_OR_RETURN(const bool row, s.Step());
    if (!row) break;
    viewer.active_groups.push_back(s.Text(0));
  }
  return viewer;
}

template <typename Base>
Result<core::Record> SqliteReader<Base>::GetRecord(const access::Viewer& viewer,
                                                   std::string_view id) {
  ISSA_ASSIGN_OR_RETURN(Stmt s, db().Prepare(kSelectCurrent));
  s.BindText(1, id);
  ISSA_ASSIGN_OR_RETURN(const bool found, s.Step());
  if (!found) return storage::RecordNotFound(id);
  ISSA_ASSIGN_OR_RETURN(const bool visible, RowVisible(viewer, s, 0, kGrantsCol));
  if (!visible) return storage::RecordNotFound(id);
  return ReadCurrent(s);
}

template <typename Base>
Result<std::vector<core::Record>> SqliteReader<Base>::GetHistory(const access::Viewer& viewer,
                                                                 std::string_view id) {
  core::Record current;
  int64_t rid = 0;
  {
    ISSA_ASSIGN_OR_RETURN(Stmt s, db().Prepare(kSelectCurrent));
    s.BindText(1, id);
    ISSA_ASSIGN_OR_RETURN(const bool found, s.Step());
    if (!found) return storage::RecordNotFound(id);
    ISSA_ASSIGN_OR_RETURN(const bool visible, RowVisible(viewer, s, 0, kGrantsCol));
    if (!visible) return storage::RecordNotFound(id);
    ISSA_ASSIGN_OR_RETURN(current, ReadCurrent(s));
    rid = s.Int(kRidCol);
  }
  std::vector<core::Record> versions;
  ISSA_ASSIGN_OR_RETURN(Stmt s, db().Prepare("SELECT " ISSA_SQLITE_RECORD_COLUMNS
                                             " FROM record_versions WHERE rid = ?1 "
                                             "ORDER BY version"));
  s.BindInt(1, rid);
  for (;;) {
    ISSA_ASSIGN_OR_RETURN(const bool row, s.Step());
    if (!row) break;
    ISSA_ASSIGN_OR_RETURN(core::Record v, ReadRecord(s, 0));
    v.grants = current.grants;  // grants are not versioned
    versions.push_back(std::move(v));
  }
  versions.push_back(std::move(current));
  return versions;
}

template <typename Base>
Result<storage::RecordPage> SqliteReader<Base>::QueryRecords(const access::Viewer& viewer,
                                                             const storage::RecordQuery& query) {
  ISSA_RETURN_IF_ERROR(storage::ValidateRecordQuery(query));
  const std::vector<std::string> words = storage::SearchWords(query.text);
  const std::string match = FtsQuery(words);
  if (!words.empty()) ISSA_RETURN_IF_ERROR(BeforeIndexedQuery());
  std::optional<std::vector<int64_t>> candidates;
  if (query.bbox) {
    ISSA_ASSIGN_OR_RETURN(candidates, BoxCandidates(*query.bbox));
    if (candidates && candidates->empty()) return storage::RecordPage{};
  }
  // Many candidates: walking `records` in id order and testing membership usually fills the
  // first page long before reading and sorting every candidate would. The walk is bounded (about
  // the cost of the other plan); past the bound the candidate plan goes on after the last id
  // walked, so the rows still come in id order.
  // Walk only when the candidates are dense enough that a page is expected within the bound:
  // (limit + 1) × rows / candidates <= candidates, with max(rid) standing for the row count.
  std::vector<int64_t> members;
  if (candidates && candidates->size() >= kWalkMinCandidates) {
    ISSA_ASSIGN_OR_RETURN(Stmt rows, db().Prepare("SELECT max(rid) FROM records"));
    ISSA_ASSIGN_OR_RETURN(const bool found, rows.Step());
    const double n = static_cast<double>(candidates->size());
    if (found && static_cast<double>(query.limit + 1) * static_cast<double>(rows.Int(0)) <= n * n) {
      members = *candidates;
      std::sort(members.begin(), members.end());
    }
  }
  storage::RecordPage page;
  const size_t limit = static_cast<size_t>(query.limit);
  // Runs one plan from `after`; a walk that stops at its bound sets `last` to the last id it
  // stepped over.
  enum class Ended { kPageFull, kNoMoreRows, kWalkBound };
  const auto run = [&](bool walk, const std::string& after, std::string& last) -> Result<Ended> {
    // Assembled from constant fragments only; every value is a bound parameter.
    // A key names a handful of rows: its exact index, never the owner's or type's, whatever
    // the planner would guess without statistics.
    std::string sql = query.key ? "SELECT " ISSA_SQLITE_RECORD_COLUMNS
                                  ", grants, rid FROM records INDEXED BY records_key WHERE id > "
                                  ":after AND record_key = :key AND record_key <> ''"
                                : "SELECT " ISSA_SQLITE_RECORD_COLUMNS
                                  ", grants, rid FROM records WHERE id > :after";
    if (query.type) sql += " AND type = :type";
    if (query.owner) sql += " AND owner = :owner";
    // records_group holds only rows of a group (a partial index): the second term lets the
    // planner use it.
    if (query.group) {
      sql += query.group->empty() ? " AND share_group = :group"
                                  : " AND share_group = :group AND share_group <> ''";
    }
    if (query.since) sql += " AND updated_at >= :since";
    if (query.until) sql += " AND updated_at < :until";
    if (!words.empty()) {
      sql += " AND rid IN (SELECT rowid FROM record_fts WHERE record_fts MATCH :match)";
    }
    if (candidates && !walk) {
      // The spatial index returns a superset (boxes rounded outwards to float, boxes of rows
      // outside this snapshot); RowIntersects below decides on the exact doubles.
      sql += " AND rid IN (SELECT value FROM json_each(:rids))";
    } else if (query.bbox) {
      sql += " AND min_lon IS NOT NULL";
    }
    sql += " ORDER BY id";
    ISSA_ASSIGN_OR_RETURN(Stmt s, db().Prepare(sql));
    s.BindText(s.Index(":after"), after);
    if (query.type) s.BindText(s.Index(":type"), *query.type);
    if (query.owner) s.BindText(s.Index(":owner"), *query.owner);
    if (query.group) s.BindText(s.Index(":group"), *query.group);
    if (query.key) s.BindText(s.Index(":key"), *query.key);
    if (query.since) s.BindInt(s.Index(":since"), *query.since);
    if (query.until) s.BindInt(s.Index(":until"), *query.until);
    if (!words.empty()) s.BindText(s.Index(":match"), match);
    std::string rids;
    if (candidates && !walk) {
      rids = RidArray(*candidates);
      s.BindText(s.Index(":rids"), rids);
    }
    size_t budget = members.size();
    for (;;) {
      ISSA_ASSIGN_OR_RETURN(const bool row, s.Step());
      if (!row) return Ended::kNoMoreRows;
      if (walk) {
        if (budget-- == 0) return Ended::kWalkBound;
        last = s.Text(kIdCol);
        if (!std::binary_search(members.begin(), members.end(), s.Int(kRidCol))) continue;
      }
      if (query.bbox && !RowIntersects(s, 0, *query.bbox)) continue;
      ISSA_ASSIGN_OR_RETURN(const bool visible, RowVisible(viewer, s, 0, kGrantsCol));
      if (!visible) continue;
      if (page.records.size() == limit) {  // one more visible row exists: there is a next page
        page.next_cursor = page.records.back().id;
        return Ended::kPageFull;
      }
      ISSA_ASSIGN_OR_RETURN(core::Record r, ReadCurrent(s));
      page.records.push_back(std::move(r));
    }
  };
  std::string after = query.after_id;
  if (!members.empty()) {
    std::string last;
    ISSA_ASSIGN_OR_RETURN(const Ended ended, run(/*walk=*/true, after, last));
    if (ended != Ended::kWalkBound) return page;
    after = last;
  }
  std::string unused;
  ISSA_RETURN_IF_ERROR(run(/*walk=*/false, after, unused).status());
  return page;
}

template <typename Base>
Result<std::optional<std::vector<int64_t>>> SqliteReader<Base>::BoxCandidates(
    const core::BBox& box) {
  ISSA_ASSIGN_OR_RETURN(const int64_t generation, ReadBoxGeneration(db()));
  if (generation > boxes().generation()) return std::optional<std::vector<int64_t>>();
  return std::optional<std::vector<int64_t>>(boxes().Candidates(box));
}

template <typename Base>
Status SqliteReader<Base>::ScanRecords(const access::Viewer& viewer,
                                       std::span<const std::string> types,
                                       const std::function<bool(const core::Record&)>& visit) {
  const std::string types_json =
      EncodeStrings(std::vector<std::string>(types.begin(), types.end()));
  ISSA_ASSIGN_OR_RETURN(
      Stmt s, db().Prepare(types.empty() ? "SELECT " ISSA_SQLITE_RECORD_COLUMNS
                                           ", grants FROM records ORDER BY id"
                                         : "SELECT " ISSA_SQLITE_RECORD_COLUMNS
                                           ", grants FROM records WHERE type IN (SELECT value FROM "
                                           "json_each(?1)) ORDER BY id"));
  if (!types.empty()) s.BindText(1, types_json);
  for (;;) {
    ISSA_ASSIGN_OR_RETURN(const bool row, s.Step());
    if (!row) break;
    ISSA_ASSIGN_OR_RETURN(const bool visible, RowVisible(viewer, s, 0, kGrantsCol));
    if (!visible) continue;
    ISSA_ASSIGN_OR_RETURN(const core::Record r, ReadCurrent(s));
    if (!visit(r)) break;
  }
  return Status::Ok();
}

template <typename Base>
Result<core::Authority> SqliteReader<Base>::GetAuthority(std::string_view id) {
  ISSA_ASSIGN_OR_RETURN(Stmt s, db().Prepare("SELECT " ISSA_SQLITE_AUTHORITY_COLUMNS
                                             " FROM authorities WHERE id = ?1"));
  s.BindText(1, id);
  ISSA_ASSIGN_OR_RETURN(const bool found, s.Step());
  if (!found) return NotFoundFor("authority", id);
  return ReadAuthority(s);
}

template <typename Base>
Result<std::vector<core::Authority>> SqliteReader<Base>::ListAuthorities() {
  ISSA_ASSIGN_OR_RETURN(Stmt s, db().Prepare("SELECT " ISSA_SQLITE_AUTHORITY_COLUMNS
                                             " FROM authorities ORDER BY id"));
  std::vector<core::Authority> out;
  for (;;) {
    ISSA_ASSIGN_OR_RETURN(const bool row, s.Step());
    if (!row) break;
    ISSA_ASSIGN_OR_RETURN(core::Authority a, ReadAuthority(s));
    out.push_back(std::move(a));
  }
  return out;
}

template <typename Base>
Result<core::User> SqliteReader<Base>::GetUser(std::string_view id) {
  ISSA_ASSIGN_OR_RETURN(
      Stmt s, db().Prepare("SELECT " ISSA_SQLITE_USER_COLUMNS " FROM users WHERE id = ?1"));
  s.BindText(1, id);
  ISSA_ASSIGN_OR_RETURN(const bool found, s.Step());
  if (!found) return NotFoundFor("user", id);
  return ReadUser(s);
}

template <typename Base>
Result<core::Token> SqliteReader<Base>::GetToken(std::string_view hash) {
  ISSA_ASSIGN_OR_RETURN(
      Stmt s, db().Prepare("SELECT " ISSA_SQLITE_TOKEN_COLUMNS " FROM tokens WHERE hash = ?1"));
  s.BindText(1, hash);
  ISSA_ASSIGN_OR_RETURN(const bool found, s.Step());
  if (!found) return NotFound("token not found");
  return ReadToken(s);
}

template <typename Base>
Result<core::SharingGroup> SqliteReader<Base>::ReadGroup(const Stmt& s) {
  core::SharingGroup g;
  g.id = s.Text(0);
  g.name = s.Text(1);
  ISSA_ASSIGN_OR_RETURN(
      g.kind, DecodeEnum<core::GroupKind>(s.Int(2), 1, Where{"sharing group", g.id, "kind"}));
  g.valid_from = s.Int(3);
  g.valid_to = s.OptInt(4);
  g.created_by = s.Text(5);
  g.owner = s.Text(6);
  g.created_at = s.Int(7);
  ISSA_ASSIGN_OR_RETURN(Stmt m, db().Prepare("SELECT authority FROM sharing_group_members WHERE "
                                             "group_id = ?1 ORDER BY pos"));
  m.BindText(1, g.id);
  for (;;) {
    ISSA_ASSIGN_OR_RETURN(const bool row, m.Step());
    if (!row) break;
    g.members.push_back(m.Text(0));
  }
  return g;
}

template <typename Base>
Result<core::SharingGroup> SqliteReader<Base>::GetGroup(std::string_view id) {
  ISSA_ASSIGN_OR_RETURN(Stmt s, db().Prepare("SELECT " ISSA_SQLITE_GROUP_COLUMNS
                                             " FROM sharing_groups WHERE id = ?1"));
  s.BindText(1, id);
  ISSA_ASSIGN_OR_RETURN(const bool found, s.Step());
  if (!found) return NotFoundFor("sharing group", id);
  return ReadGroup(s);
}

template <typename Base>
Result<std::vector<core::SharingGroup>> SqliteReader<Base>::ListGroups(std::string_view authority) {
  ISSA_ASSIGN_OR_RETURN(
      Stmt s, db().Prepare("SELECT " ISSA_SQLITE_GROUP_COLUMNS " FROM sharing_groups WHERE ?1 = '' "
                           "OR owner = ?1 OR id IN (SELECT group_id FROM sharing_group_members "
                           "WHERE authority = ?1) ORDER BY id"));
  s.BindText(1, authority);
  std::vector<core::SharingGroup> out;
  for (;;) {
    ISSA_ASSIGN_OR_RETURN(const bool row, s.Step());
    if (!row) break;
    ISSA_ASSIGN_OR_RETURN(core::SharingGroup g, ReadGroup(s));
    out.push_back(std::move(g));
  }
  return out;
}

template <typename Base>
Result<core::Hit> SqliteReader<Base>::GetHit(std::string_view id) {
  ISSA_ASSIGN_OR_RETURN(Stmt s,
                        db().Prepare("SELECT " ISSA_SQLITE_HIT_COLUMNS " FROM hits WHERE id = ?1"));
  s.BindText(1, id);
  ISSA_ASSIGN_OR_RETURN(const bool found, s.Step());
  if (!found) return NotFoundFor("hit", id);
  return ReadHit(s);
}

template <typename Base>
Result<std::vector<core::Hit>> SqliteReader<Base>::ListHits(std::string_view authority, int limit) {
  ISSA_RETURN_IF_ERROR(storage::ValidateListLimit(limit));
  ISSA_ASSIGN_OR_RETURN(
      Stmt s, db().Prepare("SELECT " ISSA_SQLITE_HIT_COLUMNS " FROM hits WHERE (owner_a = ?1 AND "
                           "notify_a) OR (owner_b = ?1 AND notify_b) ORDER BY created_at DESC, "
                           "id DESC LIMIT ?2"));
  s.BindText(1, authority);
  s.BindInt(2, limit == 0 ? -1 : limit);  // LIMIT -1: no limit
  std::vector<core::Hit> out;
  for (;;) {
    ISSA_ASSIGN_OR_RETURN(const bool row, s.Step());
    if (!row) break;
    ISSA_ASSIGN_OR_RETURN(core::Hit h, ReadHit(s));
    out.push_back(std::move(h));
  }
  return out;
}

template <typename Base>
Result<core::AccessRequest> SqliteReader<Base>::GetAccessRequest(std::string_view id) {
  ISSA_ASSIGN_OR_RETURN(Stmt s, db().Prepare("SELECT " ISSA_SQLITE_REQUEST_COLUMNS
                                             " FROM access_requests WHERE id = ?1"));
  s.BindText(1, id);
  ISSA_ASSIGN_OR_RETURN(const bool found, s.Step());
  if (!found) return NotFoundFor("access request", id);
  return ReadRequest(s);
}

template <typename Base>
Result<std::vector<core::AccessRequest>> SqliteReader<Base>::ListAccessRequests(
    std::string_view authority) {
  ISSA_ASSIGN_OR_RETURN(Stmt s, db().Prepare("SELECT " ISSA_SQLITE_REQUEST_COLUMNS
                                             " FROM access_requests WHERE requester = ?1 OR "
                                             "owner = ?1 ORDER BY created_at DESC, id DESC"));
  s.BindText(1, authority);
  std::vector<core::AccessRequest> out;
  for (;;) {
    ISSA_ASSIGN_OR_RETURN(const bool row, s.Step());
    if (!row) break;
    ISSA_ASSIGN_OR_RETURN(core::AccessRequest r, ReadRequest(s));
    out.push_back(std::move(r));
  }
  return out;
}

template <typename Base>
Result<audit::Head> SqliteReader<Base>::GetAuditHead() {
  return ReadAuditHead(db());
}

template <typename Base>
Status SqliteReader<Base>::ScanAudit(const storage::AuditQuery& query,
                                     const std::function<bool(const audit::Entry&)>& visit) {
  ISSA_RETURN_IF_ERROR(storage::ValidateAuditQuery(query));
  ISSA_ASSIGN_OR_RETURN(
      Stmt s,
      db().Prepare("SELECT " ISSA_SQLITE_AUDIT_COLUMNS " FROM audit_entries WHERE seq > ?1"
                   " AND (?2 IS NULL OR authority = ?2 OR target_owner = ?2)"
                   " AND (?3 IS NULL OR user_id = ?3)"
                   " AND (?4 IS NULL OR action = ?4 OR (?5 AND substr(action, 1, length(?4)) = ?4))"
                   " AND (?6 IS NULL OR at >= ?6)"
                   " AND (?7 IS NULL OR at < ?7)"
                   " ORDER BY seq LIMIT ?8"));
  s.BindInt(1, query.after_seq);
  if (query.authority) s.BindText(2, *query.authority);
  if (query.user) s.BindText(3, *query.user);
  if (query.action) {
    s.BindText(4, *query.action);
    s.BindInt(5, !query.action->empty() && query.action->back() == '.' ? 1 : 0);
  }
  s.BindOptInt(6, query.since);
  s.BindOptInt(7, query.until);
  s.BindInt(8, query.limit == 0 ? -1 : query.limit);
  for (;;) {
    ISSA_ASSIGN_OR_RETURN(const bool row, s.Step());
    if (!row) break;
    if (!visit(ReadEntry(s))) break;
  }
  return Status::Ok();
}

template <typename Base>
Result<std::optional<std::string>> SqliteReader<Base>::GetMeta(std::string_view key) {
  ISSA_ASSIGN_OR_RETURN(Stmt s, db().Prepare("SELECT value FROM meta WHERE key = ?1"));
  s.BindText(1, key);
  ISSA_ASSIGN_OR_RETURN(const bool found, s.Step());
  if (!found) return std::optional<std::string>();
  return std::optional<std::string>(s.Text(0));
}

template class SqliteReader<storage::ReadTxn>;
template class SqliteReader<storage::WriteTxn>;

// ---- Read transaction --------------------------------------------------------------------------

SqliteReadTxn::SqliteReadTxn(std::unique_ptr<Db> db, BoxIndex& boxes, Release release)
    : SqliteReader(*db, boxes), owned_(std::move(db)), release_(std::move(release)) {}

SqliteReadTxn::~SqliteReadTxn() { release_(std::move(owned_)); }

// ---- Writes ------------------------------------------------------------------------------------

Status SqliteWriteTxn::PutAuthority(const core::Authority& a) {
  ISSA_RETURN_IF_ERROR(storage::RequireKey(a.id, "authority id", "id"));
  ISSA_ASSIGN_OR_RETURN(
      Stmt s, db().Prepare("INSERT OR REPLACE INTO authorities "
                           "(" ISSA_SQLITE_AUTHORITY_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5)"));
  const std::string kinds = EncodeKinds(a.kinds);
  s.BindText(1, a.id);
  s.BindText(2, a.country);
  s.BindText(3, kinds);
  s.BindText(4, a.name);
  s.BindInt(5, a.created_at);
  return s.Run();
}

Status SqliteWriteTxn::PutUser(const core::User& u) {
  ISSA_RETURN_IF_ERROR(storage::RequireKey(u.id, "user id", "id"));
  ISSA_ASSIGN_OR_RETURN(
      Stmt s, db().Prepare("INSERT OR REPLACE INTO users "
                           "(" ISSA_SQLITE_USER_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
  s.BindText(1, u.id);
  s.BindText(2, u.authority);
  s.BindInt(3, static_cast<int64_t>(u.role));
  s.BindInt(4, static_cast<int64_t>(u.clearance));
  s.BindInt(5, u.purposes);
  s.BindText(6, u.name);
  s.BindInt(7, u.created_at);
  return s.Run();
}

Status SqliteWriteTxn::PutToken(const core::Token& t) {
  ISSA_RETURN_IF_ERROR(storage::RequireKey(t.hash, "token hash", "hash"));
  ISSA_ASSIGN_OR_RETURN(
      Stmt s, db().Prepare("INSERT OR REPLACE INTO tokens "
                           "(" ISSA_SQLITE_TOKEN_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5)"));
  s.BindText(1, t.hash);
  s.BindText(2, t.user_id);
  s.BindInt(3, t.created_at);
  s.BindOptInt(4, t.expires_at);
  s.BindInt(5, t.revoked ? 1 : 0);
  return s.Run();
}

Status SqliteWriteTxn::PutRecord(const core::Record& r) {
  ISSA_RETURN_IF_ERROR(storage::ValidateRecord(r));
  RecordLists lists;
  if (r.version == 1) {
    // Insert directly; the UNIQUE index on id detects an existing record.
    const std::string grants = EncodeStrings(r.grants);
    ISSA_ASSIGN_OR_RETURN(Stmt s, db().Prepare(InsertRecordSql()));
    BindRecord(s, 1, r, lists);
    s.BindText(kRecordColumnCount + 1, grants);
    if (Status inserted = s.Run(); !inserted.ok()) {
      if (s.last_error() == SQLITE_CONSTRAINT_UNIQUE) {
        return storage::CheckRecordVersion(r.id, 1, /*current=*/int64_t{1});
      }
      return inserted;
    }
    const int64_t rid = sqlite3_last_insert_rowid(db().handle());
    if (!first_new_rid_ || rid < *first_new_rid_) first_new_rid_ = rid;
    if (r.bbox) pending_boxes_.push_back(IndexedBox::Of(*r.bbox, rid));
    return Status::Ok();
  }
  ISSA_ASSIGN_OR_RETURN(const std::optional<StoredRecord> stored, FindStored(db(), r.id));
  ISSA_RETURN_IF_ERROR(storage::CheckRecordVersion(
      r.id, r.version, stored ? std::optional<int64_t>(stored->version) : std::nullopt));
  {
    ISSA_ASSIGN_OR_RETURN(
        Stmt archive,
        db().Prepare("INSERT INTO record_versions (rid, " ISSA_SQLITE_RECORD_COLUMNS
                     ") SELECT rid, " ISSA_SQLITE_RECORD_COLUMNS " FROM records WHERE rid = ?1"));
    archive.BindInt(1, stored->rid);
    ISSA_RETURN_IF_ERROR(archive.Run());
  }
  {
    ISSA_ASSIGN_OR_RETURN(Stmt update, db().Prepare(UpdateRecordSql()));
    BindRecord(update, 1, r, lists);
    update.BindInt(kRecordColumnCount + 1, stored->rid);
    ISSA_RETURN_IF_ERROR(update.Run());
  }
  // A row inserted since the last flush gets its text indexed from its final state at the
  // flush; a row the text index already holds is queued.
  if (!Unindexed(stored->rid)) QueueText(stored->rid, stored->search_text, r.search_text);
  ChangeBox(stored->rid, stored->bbox, r.bbox);
  return Status::Ok();
}

Status SqliteWriteTxn::SetGrants(std::string_view record_id,
                                 const std::vector<std::string>& grants) {
  ISSA_ASSIGN_OR_RETURN(Stmt s, db().Prepare("UPDATE records SET grants = ?2 WHERE id = ?1"));
  const std::string encoded = EncodeStrings(grants);
  s.BindText(1, record_id);
  s.BindText(2, encoded);
  ISSA_RETURN_IF_ERROR(s.Run());
  if (sqlite3_changes(db().handle()) == 0) return storage::RecordNotFound(record_id);
  return Status::Ok();
}

Status SqliteWriteTxn::ReindexRecord(std::string_view record_id, std::string_view search_text,
                                     std::string_view key) {
  ISSA_ASSIGN_OR_RETURN(const std::optional<StoredRecord> stored, FindStored(db(), record_id));
  if (!stored) return storage::RecordNotFound(record_id);
  ISSA_ASSIGN_OR_RETURN(Stmt s, db().Prepare("UPDATE records SET search_text = ?2, record_key = "
                                             "?3 WHERE rid = ?1"));
  s.BindInt(1, stored->rid);
  s.BindText(2, search_text);
  s.BindText(3, key);
  ISSA_RETURN_IF_ERROR(s.Run());
  if (!Unindexed(stored->rid)) QueueText(stored->rid, stored->search_text, search_text);
  return Status::Ok();
}

Status SqliteWriteTxn::DeleteRecord(std::string_view id) {
  ISSA_ASSIGN_OR_RETURN(const std::optional<StoredRecord> stored, FindStored(db(), id));
  if (!stored) return storage::RecordNotFound(id);
  if (!Unindexed(stored->rid)) QueueText(stored->rid, stored->search_text, std::nullopt);
  ChangeBox(stored->rid, stored->bbox, std::nullopt);
  {
    ISSA_ASSIGN_OR_RETURN(Stmt s, db().Prepare("DELETE FROM record_versions WHERE rid = ?1"));
    s.BindInt(1, stored->rid);
    ISSA_RETURN_IF_ERROR(s.Run());
  }
  ISSA_ASSIGN_OR_RETURN(Stmt s, db().Prepare("DELETE FROM records WHERE rid = ?1"));
  s.BindInt(1, stored->rid);
  return s.Run();
}

Status SqliteWriteTxn::PutGroup(const core::SharingGroup& g) {
  ISSA_RETURN_IF_ERROR(storage::RequireKey(g.id, "sharing group id", "id"));
  {
    ISSA_ASSIGN_OR_RETURN(Stmt s, db().Prepare("INSERT OR REPLACE INTO sharing_groups "
                                               "(" ISSA_SQLITE_GROUP_COLUMNS
                                               ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
    s.BindText(1, g.id);
    s.BindText(2, g.name);
    s.BindInt(3, static_cast<int64_t>(g.kind));
    s.BindInt(4, g.valid_from);
    s.BindOptInt(5, g.valid_to);
    s.BindText(6, g.created_by);
    s.BindText(7, g.owner);
    s.BindInt(8, g.created_at);
    ISSA_RETURN_IF_ERROR(s.Run());
  }
  {
    ISSA_ASSIGN_OR_RETURN(Stmt s,
                          db().Prepare("DELETE FROM sharing_group_members WHERE group_id = ?1"));
    s.BindText(1, g.id);
    ISSA_RETURN_IF_ERROR(s.Run());
  }
  for (size_t pos = 0; pos < g.members.size(); ++pos) {
    ISSA_ASSIGN_OR_RETURN(Stmt s, db().Prepare("INSERT INTO sharing_group_members (group_id, "
                                               "pos, authority) VALUES (?1, ?2, ?3)"));
    s.BindText(1, g.id);
    s.BindInt(2, static_cast<int64_t>(pos));
    s.BindText(3, g.members[pos]);
    ISSA_RETURN_IF_ERROR(s.Run());
  }
  return Status::Ok();
}

Status SqliteWriteTxn::PutHit(const core::Hit& h) {
  ISSA_RETURN_IF_ERROR(storage::RequireKey(h.id, "hit id", "id"));
  ISSA_ASSIGN_OR_RETURN(
      Stmt s, db().Prepare("INSERT OR REPLACE INTO hits (" ISSA_SQLITE_HIT_COLUMNS
                           ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"));
  const std::string features = EncodeStrings(h.features);
  s.BindText(1, h.id);
  s.BindText(2, h.record_a);
  s.BindText(3, h.owner_a);
  s.BindText(4, h.record_b);
  s.BindText(5, h.owner_b);
  s.BindText(6, h.type);
  s.BindText(7, h.type_a);
  s.BindDouble(8, h.score);
  s.BindText(9, features);
  s.BindInt(10, h.notify_a ? 1 : 0);
  s.BindInt(11, h.notify_b ? 1 : 0);
  s.BindInt(12, h.created_at);
  return s.Run();
}

Status SqliteWriteTxn::PutAccessRequest(const core::AccessRequest& r) {
  ISSA_RETURN_IF_ERROR(storage::RequireKey(r.id, "access request id", "id"));
  ISSA_ASSIGN_OR_RETURN(
      Stmt s, db().Prepare("INSERT OR REPLACE INTO access_requests (" ISSA_SQLITE_REQUEST_COLUMNS
                           ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"));
  s.BindText(1, r.id);
  s.BindText(2, r.hit_id);
  s.BindText(3, r.record_id);
  s.BindText(4, r.owner);
  s.BindText(5, r.requester);
  s.BindText(6, r.requested_by);
  s.BindText(7, r.justification);
  s.BindInt(8, static_cast<int64_t>(r.status));
  s.BindText(9, r.decided_by);
  s.BindText(10, r.reason);
  s.BindInt(11, r.created_at);
  s.BindOptInt(12, r.decided_at);
  return s.Run();
}

Result<audit::Entry> SqliteWriteTxn::AppendAudit(audit::Event event) {
  audit::Entry e = audit::Seal(head_.seq, head_.hash, std::move(event));
  ISSA_ASSIGN_OR_RETURN(Stmt s, db().Prepare("INSERT INTO audit_entries (" ISSA_SQLITE_AUDIT_COLUMNS
                                             ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
                                             "?10, ?11)"));
  s.BindInt(1, e.seq);
  s.BindInt(2, e.event.at);
  s.BindText(3, e.event.user);
  s.BindText(4, e.event.authority);
  s.BindText(5, e.event.action);
  s.BindText(6, e.event.target);
  s.BindText(7, e.event.outcome);
  s.BindText(8, e.event.detail);
  s.BindText(9, e.event.target_owner);
  s.BindText(10, e.prev_hash);
  s.BindText(11, e.hash);
  if (Status inserted = s.Run(); !inserted.ok()) {
    if (s.last_error() == SQLITE_CONSTRAINT_PRIMARYKEY) {
      return DataLoss(fmt::format(
          "audit entry {} already exists: the audit log runs past its signed head (entry {})",
          e.seq, head_.seq));
    }
    return inserted;
  }
  head_ = audit::Head{e.seq, e.hash, ""};  // signed at commit
  return e;
}

Status SqliteWriteTxn::SetMeta(std::string_view key, std::string_view value) {
  ISSA_RETURN_IF_ERROR(storage::ValidateMetaKey(key));
  ISSA_ASSIGN_OR_RETURN(Stmt s,
                        db().Prepare("INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)"));
  s.BindText(1, key);
  s.BindText(2, value);
  return s.Run();
}

void SqliteWriteTxn::ChangeBox(int64_t rid, const std::optional<core::BBox>& stored,
                               const std::optional<core::BBox>& wanted) {
  const std::optional<IndexedBox> before =
      stored ? std::optional<IndexedBox>(IndexedBox::Of(*stored, rid)) : std::nullopt;
  const std::optional<IndexedBox> after =
      wanted ? std::optional<IndexedBox>(IndexedBox::Of(*wanted, rid)) : std::nullopt;
  if (before == after) return;
  if (before) box_changes_.retired.push_back(*before);
  if (after) pending_boxes_.push_back(*after);
}

void SqliteWriteTxn::FlushBoxes() {
  if (pending_boxes_.empty()) return;
  boxes().Insert(pending_boxes_);
  box_changes_.inserted.insert(box_changes_.inserted.end(), pending_boxes_.begin(),
                               pending_boxes_.end());
  pending_boxes_.clear();
}

Result<std::optional<std::vector<int64_t>>> SqliteWriteTxn::BoxCandidates(const core::BBox& box) {
  // The writer's transaction started by bringing the index up to the database's generation.
  FlushBoxes();
  return std::optional<std::vector<int64_t>>(boxes().Candidates(box));
}

void SqliteWriteTxn::QueueText(int64_t rid, std::optional<std::string_view> indexed,
                               std::optional<std::string_view> wanted) {
  // An empty text has no words: the index holds nothing for it, and nothing is inserted.
  auto [it, added] = text_changes_.try_emplace(rid);
  if (added && indexed && !indexed->empty()) it->second.indexed = std::string(*indexed);
  it->second.wanted =
      wanted && !wanted->empty() ? std::optional<std::string>(std::string(*wanted)) : std::nullopt;
}

Status SqliteWriteTxn::FlushIndexes() {
  if (!text_changes_.empty()) {
    // Two JSON objects {"<rid>": "<text>", ...}, applied with one statement each (json_each
    // returns the texts byte for byte, as the external-content 'delete' command needs them).
    std::string deletes = "{";
    std::string inserts = "{";
    const auto append_key = [](std::string& out, int64_t rid) {
      if (out.size() > 1) out += ',';
      out += '"';
      out += std::to_string(rid);
      out += "\":";
    };
    for (const auto& [rid, change] : text_changes_) {
      if (change.indexed == change.wanted) continue;
      if (change.indexed) {
        append_key(deletes, rid);
        core::AppendJsonString(deletes, *change.indexed);
      }
      if (change.wanted) {
        append_key(inserts, rid);
        core::AppendJsonString(inserts, *change.wanted);
      }
    }
    deletes += '}';
    inserts += '}';
    text_changes_.clear();
    if (deletes.size() > 2) {
      ISSA_ASSIGN_OR_RETURN(Stmt s, db().Prepare("INSERT INTO record_fts (record_fts, rowid, "
                                                 "search_text) SELECT 'delete', CAST(key AS "
                                                 "INTEGER), value FROM json_each(?1)"));
      s.BindText(1, deletes);
      ISSA_RETURN_IF_ERROR(s.Run());
    }
    if (inserts.size() > 2) {
      ISSA_ASSIGN_OR_RETURN(Stmt s, db().Prepare("INSERT INTO record_fts (rowid, search_text) "
                                                 "SELECT CAST(key AS INTEGER), value FROM "
                                                 "json_each(?1)"));
      s.BindText(1, inserts);
      ISSA_RETURN_IF_ERROR(s.Run());
    }
  }
  if (first_new_rid_) {
    // Every row at or above the smallest rid inserted since the last flush is new (a new rowid
    // is above every existing one); rows deleted meanwhile are simply not there any more.
    const int64_t first = *first_new_rid_;
    first_new_rid_.reset();
    ISSA_ASSIGN_OR_RETURN(Stmt text, db().Prepare("INSERT INTO record_fts (rowid, search_text) "
                                                  "SELECT rid, search_text FROM records WHERE "
                                                  "rid >= ?1 AND search_text <> ''"));
    text.BindInt(1, first);
    ISSA_RETURN_IF_ERROR(text.Run());
  }
  return Status::Ok();
}

// ---- Spatial index -----------------------------------------------------------------------------

Result<int64_t> ReadBoxGeneration(Db& db) {
  ISSA_ASSIGN_OR_RETURN(Stmt s, db.Prepare("SELECT generation FROM record_box_generation WHERE "
                                           "id = 1"));
  ISSA_ASSIGN_OR_RETURN(const bool found, s.Step());
  if (!found) return DataLoss("the record_box_generation row is missing");
  return s.Int(0);
}

Status WriteBoxGeneration(Db& db, int64_t generation) {
  ISSA_ASSIGN_OR_RETURN(Stmt s, db.Prepare("UPDATE record_box_generation SET generation = ?1 "
                                           "WHERE id = 1"));
  s.BindInt(1, generation);
  ISSA_RETURN_IF_ERROR(s.Run());
  if (sqlite3_changes(db.handle()) != 1)
    return DataLoss("the record_box_generation row is missing");
  return Status::Ok();
}

Result<std::vector<IndexedBox>> ReadAllBoxes(Db& db) {
  // Served by the covering partial index records_box.
  ISSA_ASSIGN_OR_RETURN(Stmt s, db.Prepare("SELECT rid, min_lon, min_lat, max_lon, max_lat FROM "
                                           "records WHERE min_lon IS NOT NULL ORDER BY rid"));
  std::vector<IndexedBox> out;
  for (;;) {
    ISSA_ASSIGN_OR_RETURN(const bool row, s.Step());
    if (!row) break;
    out.push_back(
        IndexedBox::Of(core::BBox{s.Double(1), s.Double(2), s.Double(3), s.Double(4)}, s.Int(0)));
  }
  std::sort(out.begin(), out.end());
  return out;
}

// ---- Audit head --------------------------------------------------------------------------------

Result<audit::Head> ReadAuditHead(Db& db) {
  ISSA_ASSIGN_OR_RETURN(Stmt s, db.Prepare("SELECT seq, hash, signature FROM audit_head WHERE "
                                           "id = 1"));
  ISSA_ASSIGN_OR_RETURN(const bool found, s.Step());
  if (!found) return DataLoss("the audit_head row is missing");
  return audit::Head{s.Int(0), s.Text(1), s.Text(2)};
}

Status WriteAuditHead(Db& db, const audit::Head& head) {
  ISSA_ASSIGN_OR_RETURN(Stmt s, db.Prepare("UPDATE audit_head SET seq = ?1, hash = ?2, "
                                           "signature = ?3 WHERE id = 1"));
  s.BindInt(1, head.seq);
  s.BindText(2, head.hash);
  s.BindText(3, head.signature);
  ISSA_RETURN_IF_ERROR(s.Run());
  if (sqlite3_changes(db.handle()) != 1) return DataLoss("the audit_head row is missing");
  return Status::Ok();
}

}  // namespace issa::storage_sqlite
