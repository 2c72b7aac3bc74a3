#include "testing_hooks.h"

#include <vector>

#include <fmt/format.h>

#include "sqlite_codec.h"
#include "sqlite_db.h"
#include "sqlite_schema.h"

namespace issa::storage_sqlite::testing_hooks {
namespace {

Result<std::unique_ptr<Db>> OpenFile(const std::string& path, bool write) {
  return Db::Open(path, write ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY,
                  5000);
}

}  // namespace

int LatestSchemaVersion() { return storage_sqlite::LatestSchemaVersion(); }

Result<int> ReadSchemaVersion(const std::string& path) {
  ISSA_ASSIGN_OR_RETURN(auto db, OpenFile(path, false));
  ISSA_ASSIGN_OR_RETURN(Stmt s, db->Prepare("SELECT value FROM meta WHERE key = ?1"));
  s.BindText(1, kSchemaVersionKey);
  ISSA_ASSIGN_OR_RETURN(const bool found, s.Step());
  if (!found) return NotFound("no schema version");
  return std::stoi(s.Text(0));
}

Status SetSchemaVersion(const std::string& path, int version) {
  ISSA_ASSIGN_OR_RETURN(auto db, OpenFile(path, true));
  ISSA_ASSIGN_OR_RETURN(Stmt s, db->Prepare("UPDATE meta SET value = ?2 WHERE key = ?1"));
  const std::string text = std::to_string(version);
  s.BindText(1, kSchemaVersionKey);
  s.BindText(2, text);
  return s.Run();
}

Result<int> ApplyTestMigration(const std::string& path, bool fail_halfway) {
  std::vector<Migration> migrations(Migrations().begin(), Migrations().end());
  migrations.push_back(Migration{
      storage_sqlite::LatestSchemaVersion() + 1, "test migration",
      fail_halfway
          ? "CREATE TABLE test_migration (x INTEGER); INSERT INTO no_such_table VALUES (1);"
          : "CREATE TABLE test_migration (x INTEGER); INSERT INTO test_migration VALUES (1);"});
  ISSA_ASSIGN_OR_RETURN(auto db, OpenFile(path, true));
  return Migrate(*db, migrations, path);
}

Status WriteVersion1Store(const std::string& path, std::span<const core::Record> records) {
  return WriteOldStore(path, 1, records);
}

// The record columns of schema versions 1 to 4 (version 5 added record_key). BindRecord binds
// the key as parameter 28, which the statements below leave unused.
#define ISSA_SQLITE_V4_RECORD_COLUMNS                                                     \
  "id, type, owner, origin_node, version, created_at, updated_at, valid_from, valid_to, " \
  "properties, geometry, min_lon, min_lat, max_lon, max_lat, links, classification, "     \
  "distribution, authorities, share_group, purposes, delete_after, depersonalise_after, " \
  "hit_notice, created_by, depersonalised, search_text"

Status WriteOldStore(const std::string& path, int version, std::span<const core::Record> records) {
  if (version < 1 || version > 4) {
    return InvalidArgument("WriteOldStore writes schema versions 1 to 4", "version");
  }
  static_assert(kRecordColumnCount == 28, "the statements below bind the v5 columns");
  const bool rtree = version < 4;
  ISSA_ASSIGN_OR_RETURN(auto db, OpenFile(path, true));
  ISSA_RETURN_IF_ERROR(
      db->QueryText("PRAGMA journal_mode = WAL", "switching to WAL mode").status());
  ISSA_RETURN_IF_ERROR(
      Migrate(*db, Migrations().first(static_cast<size_t>(version)), path).status());
  ISSA_RETURN_IF_ERROR(db->Exec("BEGIN IMMEDIATE", "BEGIN"));
  for (const core::Record& r : records) {
    ISSA_ASSIGN_OR_RETURN(Stmt find,
                          db->Prepare("SELECT rid, search_text, min_lon IS NOT NULL FROM records "
                                      "WHERE id = ?1"));
    find.BindText(1, r.id);
    ISSA_ASSIGN_OR_RETURN(const bool exists, find.Step());
    RecordLists lists;
    int64_t rid = 0;
    if (!exists) {
      ISSA_ASSIGN_OR_RETURN(
          Stmt insert,
          db->Prepare("INSERT INTO records (" ISSA_SQLITE_V4_RECORD_COLUMNS
                      ", grants) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
                      "?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, "
                      "?27, ?29)"));
      const std::string grants = EncodeStrings(r.grants);
      BindRecord(insert, 1, r, lists);
      insert.BindText(kRecordColumnCount + 1, grants);
      ISSA_RETURN_IF_ERROR(insert.Run());
      rid = sqlite3_last_insert_rowid(db->handle());
    } else {
      rid = find.Int(0);
      const std::string old_text = find.Text(1);
      const bool had_box = find.Int(2) != 0;
      ISSA_ASSIGN_OR_RETURN(
          Stmt archive,
          db->Prepare("INSERT INTO record_versions (rid, " ISSA_SQLITE_V4_RECORD_COLUMNS
                      ") SELECT rid, " ISSA_SQLITE_V4_RECORD_COLUMNS
                      " FROM records WHERE rid = ?1"));
      archive.BindInt(1, rid);
      ISSA_RETURN_IF_ERROR(archive.Run());
      ISSA_ASSIGN_OR_RETURN(
          Stmt update,
          db->Prepare("UPDATE records SET (" ISSA_SQLITE_V4_RECORD_COLUMNS
                      ") = (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
                      "?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27) WHERE rid = "
                      "?29"));
      BindRecord(update, 1, r, lists);
      update.BindInt(kRecordColumnCount + 1, rid);
      ISSA_RETURN_IF_ERROR(update.Run());
      ISSA_ASSIGN_OR_RETURN(Stmt unindex, db->Prepare("INSERT INTO record_fts (record_fts, rowid, "
                                                      "search_text) VALUES ('delete', ?1, ?2)"));
      unindex.BindInt(1, rid);
      unindex.BindText(2, old_text);
      ISSA_RETURN_IF_ERROR(unindex.Run());
      if (had_box && rtree) {
        ISSA_ASSIGN_OR_RETURN(Stmt unbox, db->Prepare("DELETE FROM record_rtree WHERE rid = ?1"));
        unbox.BindInt(1, rid);
        ISSA_RETURN_IF_ERROR(unbox.Run());
      }
    }
    ISSA_ASSIGN_OR_RETURN(
        Stmt index, db->Prepare("INSERT INTO record_fts (rowid, search_text) VALUES (?1, ?2)"));
    index.BindInt(1, rid);
    index.BindText(2, r.search_text);
    ISSA_RETURN_IF_ERROR(index.Run());
    if (r.bbox && rtree) {
      ISSA_ASSIGN_OR_RETURN(Stmt box, db->Prepare("INSERT INTO record_rtree (rid, min_lon, "
                                                  "max_lon, min_lat, max_lat) VALUES (?1, ?2, "
                                                  "?3, ?4, ?5)"));
      box.BindInt(1, rid);
      box.BindDouble(2, r.bbox->min_lon);
      box.BindDouble(3, r.bbox->max_lon);
      box.BindDouble(4, r.bbox->min_lat);
      box.BindDouble(5, r.bbox->max_lat);
      ISSA_RETURN_IF_ERROR(box.Run());
    }
  }
  return db->Exec("COMMIT", "COMMIT");
}

Result<bool> TableExists(const std::string& path, std::string_view table) {
  ISSA_ASSIGN_OR_RETURN(auto db, OpenFile(path, false));
  ISSA_ASSIGN_OR_RETURN(Stmt s, db->Prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                                            "name = ?1"));
  s.BindText(1, table);
  return s.Step();
}

Status CreateForeignDatabase(const std::string& path) {
  ISSA_ASSIGN_OR_RETURN(auto db, OpenFile(path, true));
  return db->Exec("CREATE TABLE foreign_data (x INTEGER)", "creating a foreign table");
}

Status CheckIntegrity(const std::string& path) {
  ISSA_ASSIGN_OR_RETURN(auto db, OpenFile(path, true));
  ISSA_ASSIGN_OR_RETURN(const std::string result,
                        db->QueryText("PRAGMA integrity_check", "integrity_check"));
  if (result != "ok") return DataLoss(fmt::format("integrity_check: {}", result));
  // Verifies the FTS5 index against the records table (external content).
  ISSA_RETURN_IF_ERROR(
      db->Exec("INSERT INTO record_fts (record_fts, rank) VALUES "
               "('integrity-check', 1)",
               "FTS5 integrity-check"));
  return Status::Ok();
}

Result<std::string> JournalMode(const std::string& path) {
  ISSA_ASSIGN_OR_RETURN(auto db, OpenFile(path, false));
  return db->QueryText("PRAGMA journal_mode", "journal_mode");
}

Status CorruptRecordClassification(const std::string& path, std::string_view id) {
  ISSA_ASSIGN_OR_RETURN(auto db, OpenFile(path, true));
  ISSA_ASSIGN_OR_RETURN(Stmt s,
                        db->Prepare("UPDATE records SET classification = 77 WHERE id = ?1"));
  s.BindText(1, id);
  return s.Run();
}

Result<int64_t> CountRtreeRows(const std::string& path) {
  ISSA_ASSIGN_OR_RETURN(auto db, OpenFile(path, false));
  ISSA_ASSIGN_OR_RETURN(const std::string n,
                        db->QueryText("SELECT count(*) FROM record_rtree", "counting rtree rows"));
  return std::stoll(n);
}

Result<int64_t> CountBoxIndexRows(const std::string& path) {
  ISSA_ASSIGN_OR_RETURN(auto db, OpenFile(path, false));
  ISSA_ASSIGN_OR_RETURN(const std::string n,
                        db->QueryText("SELECT count(*) FROM records INDEXED BY records_box WHERE "
                                      "min_lon IS NOT NULL",
                                      "counting records_box rows"));
  return std::stoll(n);
}

}  // namespace issa::storage_sqlite::testing_hooks
