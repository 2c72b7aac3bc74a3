#pragma once

// Thin RAII layer over one sqlite3 connection: prepared-statement cache, typed binding and
// column access, and the mapping of SQLite result codes to issa::Status. Every value reaches
// SQL through a bound parameter; SQL text is always a compile-time constant or assembled from
// such constants.

#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include <sqlite3.h>

#include "issa/core/status.h"

namespace issa::storage_sqlite {

// The Status for a failed SQLite call: BUSY/LOCKED/CANTOPEN/IOERR -> Unavailable,
// FULL/NOMEM -> ResourceExhausted, CORRUPT/NOTADB -> DataLoss, READONLY/PERM/AUTH ->
// FailedPrecondition, TOOBIG/RANGE -> InvalidArgument, anything else -> Internal. The message
// is "<what>: <sqlite message>".
Status SqliteStatus(int rc, std::string_view what, std::string_view sqlite_message);

class Db;

// A prepared statement borrowed from a Db's cache (or owned, when the cached one is in use by
// an outer caller). Reset and cleared when destroyed. Text bound with BindText is not copied:
// it must stay alive until the last Step. Not thread-safe (as its connection).
class Stmt {
 public:
  Stmt(Db& db, sqlite3_stmt* stmt, bool* in_use);
  Stmt(Stmt&& other) noexcept;
  Stmt& operator=(Stmt&&) = delete;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt();

  // 1-based positions, or the index of a named parameter (":name"); 0 means "not in this
  // statement" and is ignored, so that assembled statements can bind optional filters blindly.
  int Index(const char* name) const;
  void BindInt(int index, int64_t value);
  void BindDouble(int index, double value);
  void BindText(int index, std::string_view value);
  void BindNull(int index);
  void BindOptInt(int index, const std::optional<int64_t>& value);

  // True with a row, false when done; a failure names `what`.
  Result<bool> Step();
  // Steps a statement that returns no row.
  Status Run();

  bool IsNull(int col) const;
  int64_t Int(int col) const;
  double Double(int col) const;
  std::string Text(int col) const;
  std::string_view TextView(int col) const;  // valid until the next Step
  std::optional<int64_t> OptInt(int col) const;

  // The extended result code of the last failed Step (0 if none).
  int last_error() const { return last_error_; }

 private:
  void NoteBind(int rc, int index);

  Db* db_;
  sqlite3_stmt* stmt_;
  bool* in_use_;  // null when this Stmt owns (and finalizes) stmt_
  int bind_error_ = SQLITE_OK;
  int bind_error_index_ = 0;
  int last_error_ = 0;
};

// One connection. Not thread-safe: one thread at a time (the connection is opened with
// SQLITE_OPEN_NOMUTEX). Owns its cached statements.
class Db {
 public:
  // Opens `path` with `flags` (SQLITE_OPEN_* without NOMUTEX, which is added) and sets the
  // busy timeout. Unavailable when the file cannot be opened.
  static Result<std::unique_ptr<Db>> Open(const std::string& path, int flags, int busy_timeout_ms);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  sqlite3* handle() const { return db_; }

  // Runs SQL without parameters (schema, PRAGMA, BEGIN/COMMIT/SAVEPOINT). `what` names the step
  // in errors.
  Status Exec(const char* sql, std::string_view what);
  // Runs a single-row query without parameters and returns its first column as text.
  Result<std::string> QueryText(const char* sql, std::string_view what);

  // A prepared statement for `sql`, cached by its text (looked up without copying it).
  Result<Stmt> Prepare(std::string_view sql);

  // Status for the connection's current error.
  Status Error(int rc, std::string_view what) const;

 private:
  explicit Db(sqlite3* db) : db_(db) {}

  struct Cached {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;
  };
  // Statement texts are a few hundred bytes and differ in their length, their first words
  // (the verb and table) or their last (the conditions): those are hashed, not every byte (a
  // collision only costs a comparison of the texts).
  struct TextHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const {
      if (s.size() < 32) return std::hash<std::string_view>{}(s);
      uint64_t w[4];
      std::memcpy(&w[0], s.data(), 16);
      std::memcpy(&w[2], s.data() + s.size() - 16, 16);
      uint64_t h = s.size() * 0x9E3779B97F4A7C15ULL;
      for (const uint64_t x : w) {
        h = (h ^ x) * 0xFF51AFD7ED558CCDULL;
        h ^= h >> 32;
      }
      return static_cast<size_t>(h);
    }
  };
  sqlite3* db_;
  std::unordered_map<std::string, std::unique_ptr<Cached>, TextHash, std::equal_to<>> cache_;
};

}  // namespace issa::storage_sqlite
