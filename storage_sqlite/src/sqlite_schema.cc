#include "sqlite_schema.h"

#include <charconv>
#include <string>

#include <fmt/format.h>

namespace issa::storage_sqlite {
namespace {

// Version 1. Enumerations are stored as the integer values of the core:: enums, lists as JSON
// arrays, timestamps as integer milliseconds since the epoch (NULL when optional and unset).
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY NOT NULL,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE authorities (
  id         TEXT PRIMARY KEY NOT NULL,
  country    TEXT NOT NULL,
  kinds      TEXT NOT NULL,
  name       TEXT NOT NULL,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE users (
  id         TEXT PRIMARY KEY NOT NULL,
  authority  TEXT NOT NULL,
  role       INTEGER NOT NULL,
  clearance  INTEGER NOT NULL,
  purposes   INTEGER NOT NULL,
  name       TEXT NOT NULL,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE tokens (
  hash       TEXT PRIMARY KEY NOT NULL,
  user_id    TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER,
  revoked    INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX tokens_user ON tokens (user_id);

CREATE TABLE records (
  rid                 INTEGER PRIMARY KEY,
  id                  TEXT NOT NULL UNIQUE,
  type                TEXT NOT NULL,
  owner               TEXT NOT NULL,
  origin_node         TEXT NOT NULL,
  version             INTEGER NOT NULL,
  created_at          INTEGER NOT NULL,
  updated_at          INTEGER NOT NULL,
  valid_from          INTEGER,
  valid_to            INTEGER,
  properties          TEXT NOT NULL,
  geometry            TEXT NOT NULL,
  min_lon             REAL,
  min_lat             REAL,
  max_lon             REAL,
  max_lat             REAL,
  links               TEXT NOT NULL,
  classification      INTEGER NOT NULL,
  distribution        INTEGER NOT NULL,
  authorities         TEXT NOT NULL,
  share_group         TEXT NOT NULL,
  purposes            INTEGER NOT NULL,
  delete_after        INTEGER,
  depersonalise_after INTEGER,
  hit_notice          INTEGER NOT NULL,
  created_by          TEXT NOT NULL,
  depersonalised      INTEGER NOT NULL,
  search_text         TEXT NOT NULL,
  grants              TEXT NOT NULL
);
CREATE INDEX records_type ON records (type, id);
CREATE INDEX records_owner ON records (owner, id);

CREATE TABLE record_versions (
  rid                 INTEGER NOT NULL,
  version             INTEGER NOT NULL,
  id                  TEXT NOT NULL,
  type                TEXT NOT NULL,
  owner               TEXT NOT NULL,
  origin_node         TEXT NOT NULL,
  created_at          INTEGER NOT NULL,
  updated_at          INTEGER NOT NULL,
  valid_from          INTEGER,
  valid_to            INTEGER,
  properties          TEXT NOT NULL,
  geometry            TEXT NOT NULL,
  min_lon             REAL,
  min_lat             REAL,
  max_lon             REAL,
  max_lat             REAL,
  links               TEXT NOT NULL,
  classification      INTEGER NOT NULL,
  distribution        INTEGER NOT NULL,
  authorities         TEXT NOT NULL,
  share_group         TEXT NOT NULL,
  purposes            INTEGER NOT NULL,
  delete_after        INTEGER,
  depersonalise_after INTEGER,
  hit_notice          INTEGER NOT NULL,
  created_by          TEXT NOT NULL,
  depersonalised      INTEGER NOT NULL,
  search_text         TEXT NOT NULL,
  PRIMARY KEY (rid, version)
) WITHOUT ROWID;

CREATE VIRTUAL TABLE record_fts USING fts5 (
  search_text,
  content = 'records',
  content_rowid = 'rid',
  tokenize = 'unicode61 remove_diacritics 2'
);

CREATE VIRTUAL TABLE record_rtree USING rtree (rid, min_lon, max_lon, min_lat, max_lat);

CREATE TABLE sharing_groups (
  id         TEXT PRIMARY KEY NOT NULL,
  name       TEXT NOT NULL,
  kind       INTEGER NOT NULL,
  valid_from INTEGER NOT NULL,
  valid_to   INTEGER,
  created_by TEXT NOT NULL,
  owner      TEXT NOT NULL,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sharing_groups_owner ON sharing_groups (owner);

CREATE TABLE sharing_group_members (
  group_id  TEXT NOT NULL,
  pos       INTEGER NOT NULL,
  authority TEXT NOT NULL,
  PRIMARY KEY (group_id, pos)
) WITHOUT ROWID;
CREATE INDEX sharing_group_members_authority ON sharing_group_members (authority, group_id);

CREATE TABLE hits (
  id         TEXT PRIMARY KEY NOT NULL,
  record_a   TEXT NOT NULL,
  owner_a    TEXT NOT NULL,
  record_b   TEXT NOT NULL,
  owner_b    TEXT NOT NULL,
  type       TEXT NOT NULL,
  type_a     TEXT NOT NULL,
  score      REAL NOT NULL,
  features   TEXT NOT NULL,
  notify_a   INTEGER NOT NULL,
  notify_b   INTEGER NOT NULL,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX hits_owner_a ON hits (owner_a, created_at);
CREATE INDEX hits_owner_b ON hits (owner_b, created_at);

CREATE TABLE access_requests (
  id            TEXT PRIMARY KEY NOT NULL,
  hit_id        TEXT NOT NULL,
  record_id     TEXT NOT NULL,
  owner         TEXT NOT NULL,
  requester     TEXT NOT NULL,
  requested_by  TEXT NOT NULL,
  justification TEXT NOT NULL,
  status        INTEGER NOT NULL,
  decided_by    TEXT NOT NULL,
  reason        TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  decided_at    INTEGER
) WITHOUT ROWID;
CREATE INDEX access_requests_owner ON access_requests (owner);
CREATE INDEX access_requests_requester ON access_requests (requester);

CREATE TABLE audit_entries (
  seq          INTEGER PRIMARY KEY,
  at           INTEGER NOT NULL,
  user_id      TEXT NOT NULL,
  authority    TEXT NOT NULL,
  action       TEXT NOT NULL,
  target       TEXT NOT NULL,
  outcome      TEXT NOT NULL,
  detail       TEXT NOT NULL,
  target_owner TEXT NOT NULL,
  prev_hash    TEXT NOT NULL,
  hash         TEXT NOT NULL
);

CREATE TABLE audit_head (
  id        INTEGER PRIMARY KEY CHECK (id = 1),
  seq       INTEGER NOT NULL,
  hash      TEXT NOT NULL,
  signature TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash, signature)
  VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', '');
)sql";

// Version 2: cheaper ingest (docs/formats/storage-sqlite.md, "Ingest cost"). The text index
// stores no column sizes (nothing ranks by bm25) and merges segments 8 at a time.
constexpr const char* kSchemaV2 = R"sql(
DROP TABLE record_fts;
CREATE VIRTUAL TABLE record_fts USING fts5 (
  search_text,
  content = 'records',
  content_rowid = 'rid',
  tokenize = 'unicode61 remove_diacritics 2',
  columnsize = 0
);
INSERT INTO record_fts (record_fts, rank) VALUES ('automerge', 8);
INSERT INTO record_fts (record_fts) VALUES ('rebuild');
)sql";

// Version 3: TAXII group collections page through (share_group, id) like the owner
// collections through records_owner (owner, id); ids are UUIDv7, so this is (collection,
// date_added, id).
constexpr const char* kSchemaV3 = R"sql(
CREATE INDEX records_group ON records (share_group, id);
)sql";

// Version 4: the spatial index moves into memory (box_index.h, docs/adr "in-memory spatial index"):
// SQLite's R*Tree goes; the boxes stay in the records columns, and a covering partial index in
// row order lets the store read them all quickly at open. record_box_generation counts the
// transactions that changed a box, so that a store notices boxes written by another process.
constexpr const char* kSchemaV4 = R"sql(
DROP TABLE record_rtree;
CREATE INDEX records_box ON records (rid, min_lon, min_lat, max_lon, max_lat)
  WHERE min_lon IS NOT NULL;
CREATE TABLE record_box_generation (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  generation INTEGER NOT NULL
);
INSERT INTO record_box_generation (id, generation) VALUES (1, 1);
)sql";

// Version 5: cheaper record writes (docs/adr/0015-record-keys-and-leaner-writes.md). Records get a
// key column (core::Record::key, an external id such as a STIX id) with an exact index holding only
// rows that have a key, so that exact-id reads need not go through the text index; the
// sharing-group index holds only rows shared with a group (most rows have none). The keys of
// records written before are derived by the node at open (Node's schema reindex), not here: the key
// property is the schema's business.
constexpr const char* kSchemaV5 = R"sql(
ALTER TABLE records ADD COLUMN record_key TEXT NOT NULL DEFAULT '';
ALTER TABLE record_versions ADD COLUMN record_key TEXT NOT NULL DEFAULT '';
CREATE INDEX records_key ON records (record_key, id) WHERE record_key <> '';
DROP INDEX records_group;
CREATE INDEX records_group ON records (share_group, id) WHERE share_group <> '';
)sql";

constexpr Migration kMigrations[] = {
    {1, "initial schema", kSchemaV1},
    {2, "cheaper ingest: leaner text index", kSchemaV2},
    {3, "index of records by sharing group (TAXII collections)", kSchemaV3},
    {4, "in-memory spatial index: boxes read from records at open", kSchemaV4},
    {5, "record keys with an exact index; group index of group rows only", kSchemaV5},
};

Result<int> ParseVersion(std::string_view text, std::string_view path) {
  int version = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), version);
  if (ec != std::errc() || end != text.data() + text.size() || version < 1) {
    return DataLoss(
        fmt::format("{}: meta {} is \"{}\", not a schema version", path, kSchemaVersionKey, text));
  }
  return version;
}

Result<int> CurrentVersion(Db& db, std::string_view path) {
  ISSA_ASSIGN_OR_RETURN(
      Stmt tables,
      db.Prepare("SELECT count(*), sum(name = 'meta') FROM sqlite_master WHERE type = 'table'"));
  ISSA_ASSIGN_OR_RETURN(const bool row, tables.Step());
  if (!row) return Internal("reading sqlite_master: no row");
  const int64_t table_count = tables.Int(0);
  const bool has_meta = tables.Int(1) > 0;
  if (table_count == 0) return 0;
  if (!has_meta) {
    return FailedPrecondition(
        fmt::format("{} is not an ISSA store: it has tables but no meta table", path));
  }
  ISSA_ASSIGN_OR_RETURN(Stmt get, db.Prepare("SELECT value FROM meta WHERE key = ?1"));
  get.BindText(1, kSchemaVersionKey);
  ISSA_ASSIGN_OR_RETURN(const bool found, get.Step());
  if (!found) {
    return FailedPrecondition(
        fmt::format("{} is not an ISSA store: meta has no {}", path, kSchemaVersionKey));
  }
  return ParseVersion(get.TextView(0), path);
}

Status Apply(Db& db, std::span<const Migration> migrations, int from, std::string_view path) {
  int expected = 1;
  for (const Migration& m : migrations) {
    if (m.version != expected++) {
      return Internal(fmt::format("migration list is not 1, 2, 3, ... at version {}", m.version));
    }
    if (m.version <= from) continue;
    ISSA_RETURN_IF_ERROR(
        db.Exec(m.sql, fmt::format("{}: migration {} ({})", path, m.version, m.description)));
    ISSA_ASSIGN_OR_RETURN(Stmt set, db.Prepare("INSERT OR REPLACE INTO meta (key, value) "
                                               "VALUES (?1, ?2)"));
    const std::string version = std::to_string(m.version);
    set.BindText(1, kSchemaVersionKey);
    set.BindText(2, version);
    ISSA_RETURN_IF_ERROR(set.Run());
  }
  return Status::Ok();
}

}  // namespace

std::span<const Migration> Migrations() { return kMigrations; }

int LatestSchemaVersion() { return kMigrations[std::size(kMigrations) - 1].version; }

Result<int> Migrate(Db& db, std::span<const Migration> migrations, std::string_view path) {
  const int latest = migrations.empty() ? 0 : migrations.back().version;
  ISSA_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE", fmt::format("{}: starting migration", path)));
  const auto run = [&]() -> Result<int> {
    ISSA_ASSIGN_OR_RETURN(const int current, CurrentVersion(db, path));
    if (current > latest) {
      return FailedPrecondition(
          fmt::format("{} has schema version {}, newer than this build supports ({}): upgrade ISSA",
                      path, current, latest));
    }
    ISSA_RETURN_IF_ERROR(Apply(db, migrations, current, path));
    return current;
  };
  Result<int> result = run();
  if (!result.ok()) {
    (void)db.Exec("ROLLBACK", "rolling back migration");
    return result;
  }
  ISSA_RETURN_IF_ERROR(db.Exec("COMMIT", fmt::format("{}: committing migration", path)));
  return result;
}

}  // namespace issa::storage_sqlite
