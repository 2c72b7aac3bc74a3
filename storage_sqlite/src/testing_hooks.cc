#include "testing_hooks.h"

#include <vector>

#include <fmt/format.h>

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

}  // namespace issa::storage_sqlite::testing_hooks
