#pragma once

// Test-only access to the database file beneath a store: schema versions, integrity checks and
// deliberate damage. Compiled into the module's test binaries only, never into the library, so
// that SQL stays in storage_sqlite/src and tests need no sqlite3.h. Call only while no store has
// the file open for writing, unless stated.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "issa/core/model.h"
#include "issa/core/status.h"

namespace issa::storage_sqlite::testing_hooks {

// The schema version this build writes.
int LatestSchemaVersion();
// The schema version recorded in the file's meta table.
Result<int> ReadSchemaVersion(const std::string& path);
// Overwrites the recorded schema version (to simulate a file from a newer build).
Status SetSchemaVersion(const std::string& path, int version);
// Applies the built-in migrations plus a test migration to LatestSchemaVersion() + 1 that
// creates table test_migration; with fail_halfway the test migration fails after creating it.
// Returns the version found before.
Result<int> ApplyTestMigration(const std::string& path, bool fail_halfway);
Result<bool> TableExists(const std::string& path, std::string_view table);
// Creates a database file holding an unrelated table.
Status CreateForeignDatabase(const std::string& path);
// PRAGMA integrity_check plus the FTS5 integrity-check of the text index; DataLoss on a problem.
// Safe while a store has the file open (it uses its own read connection).
Status CheckIntegrity(const std::string& path);
Result<std::string> JournalMode(const std::string& path);
// Writes an out-of-range classification into the current version of record `id`.
Status CorruptRecordClassification(const std::string& path, std::string_view id);
// Creates a store file at schema version 1 (as the first release wrote it: R*Tree, FTS5 with
// column sizes) holding `records`, written as version 1 wrote them. A record whose id came
// earlier in the list supersedes it (the earlier row moves to record_versions). No audit entries.
Status WriteVersion1Store(const std::string& path, std::span<const core::Record> records);
// The same at schema version 1 to 4 (1 to 3 with SQLite's R*Tree, record_rtree; all without
// record keys).
Status WriteOldStore(const std::string& path, int version, std::span<const core::Record> records);
// Rows of the R*Tree of a store at version 1 to 3.
Result<int64_t> CountRtreeRows(const std::string& path);
// Rows of the partial index records_box (version 4 on): the rows with a box.
Result<int64_t> CountBoxIndexRows(const std::string& path);

}  // namespace issa::storage_sqlite::testing_hooks
