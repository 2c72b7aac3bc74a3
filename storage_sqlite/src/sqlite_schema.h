#pragma once

// The database schema and its versioned migrations. docs/formats/storage-sqlite.md describes
// the tables; keep both in step.

#include <span>
#include <string_view>

#include "issa/core/status.h"

#include "sqlite_db.h"

namespace issa::storage_sqlite {

// Meta key holding the schema version (reserved: SetMeta refuses the "storage." prefix).
inline constexpr const char* kSchemaVersionKey = "storage.schema_version";

// One step of the schema: `sql` (statements without parameters) takes the database from
// version - 1 to `version`.
struct Migration {
  int version;
  const char* description;
  const char* sql;
};

// The built-in migrations, versions 1, 2, ... in order.
std::span<const Migration> Migrations();
// The schema version this build writes (the last built-in migration).
int LatestSchemaVersion();

// Brings the database to the last of `migrations` in one BEGIN IMMEDIATE transaction and returns
// the version found before. FailedPrecondition (naming `path`) when the database has a newer
// version than the last migration, or has tables but no meta table (not an ISSA store); the
// failing migration's error otherwise. Nothing is changed on error.
Result<int> Migrate(Db& db, std::span<const Migration> migrations, std::string_view path);

}  // namespace issa::storage_sqlite
