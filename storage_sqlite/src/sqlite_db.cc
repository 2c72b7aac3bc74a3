#include "sqlite_db.h"

#include <utility>

#include <fmt/format.h>

namespace issa::storage_sqlite {
namespace {

// The first words of a statement, to name it in errors.
std::string Abbreviate(std::string_view s) {
  constexpr size_t kMax = 60;
  if (s.size() <= kMax) return std::string(s);
  return std::string(s.substr(0, kMax)) + "...";
}

std::string AbbreviateSql(const char* sql) {
  return sql == nullptr ? std::string("statement") : Abbreviate(sql);
}

}  // namespace

Status SqliteStatus(int rc, std::string_view what, std::string_view sqlite_message) {
  std::string message = fmt::format("{}: {} ({})", what, sqlite_message, sqlite3_errstr(rc));
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_PROTOCOL:
      return Unavailable(std::move(message));
    case SQLITE_FULL:
    case SQLITE_NOMEM:
      return ResourceExhausted(std::move(message));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return DataLoss(std::move(message));
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return FailedPrecondition(std::move(message));
    case SQLITE_TOOBIG:
    case SQLITE_RANGE:
      return InvalidArgument(std::move(message));
    default:
      return Internal(std::move(message));
  }
}

// ---- Stmt --------------------------------------------------------------------------------------

Stmt::Stmt(Db& db, sqlite3_stmt* stmt, bool* in_use) : db_(&db), stmt_(stmt), in_use_(in_use) {}

Stmt::Stmt(Stmt&& other) noexcept
    : db_(other.db_),
      stmt_(std::exchange(other.stmt_, nullptr)),
      in_use_(std::exchange(other.in_use_, nullptr)),
      bind_error_(other.bind_error_),
      bind_error_index_(other.bind_error_index_),
      last_error_(other.last_error_) {}

Stmt::~Stmt() {
  if (stmt_ == nullptr) return;
  if (in_use_ != nullptr) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    *in_use_ = false;
  } else {
    sqlite3_finalize(stmt_);
  }
}

int Stmt::Index(const char* name) const { return sqlite3_bind_parameter_index(stmt_, name); }

void Stmt::NoteBind(int rc, int index) {
  if (rc != SQLITE_OK && bind_error_ == SQLITE_OK) {
    bind_error_ = rc;
    bind_error_index_ = index;
  }
}

void Stmt::BindInt(int index, int64_t value) {
  if (index > 0) NoteBind(sqlite3_bind_int64(stmt_, index, value), index);
}

void Stmt::BindDouble(int index, double value) {
  if (index > 0) NoteBind(sqlite3_bind_double(stmt_, index, value), index);
}

void Stmt::BindText(int index, std::string_view value) {
  if (index <= 0) return;
  // A non-null pointer even for "" so that the value is '' and not NULL.
  static constexpr char kEmpty[] = "";
  NoteBind(sqlite3_bind_text64(stmt_, index, value.empty() ? kEmpty : value.data(), value.size(),
                               SQLITE_STATIC, SQLITE_UTF8),
           index);
}

void Stmt::BindNull(int index) {
  if (index > 0) NoteBind(sqlite3_bind_null(stmt_, index), index);
}

void Stmt::BindOptInt(int index, const std::optional<int64_t>& value) {
  if (value) {
    BindInt(index, *value);
  } else {
    BindNull(index);
  }
}

Result<bool> Stmt::Step() {
  if (bind_error_ != SQLITE_OK) {
    return SqliteStatus(bind_error_,
                        fmt::format("binding parameter {} of {}", bind_error_index_,
                                    AbbreviateSql(sqlite3_sql(stmt_))),
                        sqlite3_errmsg(db_->handle()));
  }
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  last_error_ = sqlite3_extended_errcode(db_->handle());
  return db_->Error(rc, AbbreviateSql(sqlite3_sql(stmt_)));
}

Status Stmt::Run() {
  ISSA_ASSIGN_OR_RETURN(const bool row, Step());
  (void)row;
  return Status::Ok();
}

bool Stmt::IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
int64_t Stmt::Int(int col) const { return sqlite3_column_int64(stmt_, col); }
double Stmt::Double(int col) const { return sqlite3_column_double(stmt_, col); }

std::string_view Stmt::TextView(int col) const {
  const auto* text = sqlite3_column_text(stmt_, col);
  const int n = sqlite3_column_bytes(stmt_, col);
  if (text == nullptr) return {};
  return {reinterpret_cast<const char*>(text), static_cast<size_t>(n)};
}

std::string Stmt::Text(int col) const { return std::string(TextView(col)); }

std::optional<int64_t> Stmt::OptInt(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Int(col);
}

// ---- Db ----------------------------------------------------------------------------------------

Result<std::unique_ptr<Db>> Db::Open(const std::string& path, int flags, int busy_timeout_ms) {
  sqlite3* handle = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &handle, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    Status s = SqliteStatus(rc, fmt::format("opening SQLite database {}", path),
                            handle != nullptr ? sqlite3_errmsg(handle) : "out of memory");
    sqlite3_close_v2(handle);
    return s;
  }
  sqlite3_extended_result_codes(handle, 1);
  sqlite3_busy_timeout(handle, busy_timeout_ms);
  return std::unique_ptr<Db>(new Db(handle));
}

Db::~Db() {
  for (auto& [sql, cached] : cache_) sqlite3_finalize(cached->stmt);
  sqlite3_close_v2(db_);
}

Status Db::Error(int rc, std::string_view what) const {
  return SqliteStatus(rc, what, sqlite3_errmsg(db_));
}

Status Db::Exec(const char* sql, std::string_view what) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return Status::Ok();
  Status s = SqliteStatus(rc, what, message != nullptr ? message : sqlite3_errmsg(db_));
  sqlite3_free(message);
  return s;
}

Result<std::string> Db::QueryText(const char* sql, std::string_view what) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr);
  if (rc != SQLITE_OK) return Error(rc, what);
  Stmt s(*this, stmt, nullptr);
  ISSA_ASSIGN_OR_RETURN(const bool row, s.Step());
  if (!row) return Internal(fmt::format("{}: no result row", what));
  return s.Text(0);
}

Result<Stmt> Db::Prepare(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end() && !it->second->in_use) {
    it->second->in_use = true;
    return Stmt(*this, it->second->stmt, &it->second->in_use);
  }
  sqlite3_stmt* stmt = nullptr;
  const bool cache = it == cache_.end();
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                    cache ? SQLITE_PREPARE_PERSISTENT : 0, &stmt, nullptr);
  if (rc != SQLITE_OK) return Error(rc, fmt::format("preparing {}", Abbreviate(sql)));
  if (!cache) return Stmt(*this, stmt, nullptr);  // the cached one is busy (nested use)
  auto cached = std::make_unique<Cached>();
  cached->stmt = stmt;
  cached->in_use = true;
  bool* in_use = &cached->in_use;
  cache_.emplace(std::string(sql), std::move(cached));
  return Stmt(*this, stmt, in_use);
}

}  // namespace issa::storage_sqlite
