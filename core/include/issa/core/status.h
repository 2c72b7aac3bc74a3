#pragma once

#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace issa {

// Canonical error codes (Abseil's set). Only api/ maps them to HTTP statuses.
enum class StatusCode {
  kOk = 0,
  kInvalidArgument,
  kNotFound,
  kAlreadyExists,
  kPermissionDenied,
  kUnauthenticated,
  kFailedPrecondition,
  kAborted,
  kResourceExhausted,
  kUnavailable,
  kDataLoss,
  kInternal,
  kUnimplemented,
};

std::string_view StatusCodeName(StatusCode code);

// The outcome of an operation: OK, or a code with a message and, for input errors, the name of
// the offending field (a JSON pointer-like path such as "properties.birth_date").
// Value type; thread-compatible.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message, std::string field = {})
      : code_(code), message_(std::move(message)), field_(std::move(field)) {}

  static Status Ok() { return {}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::string& field() const { return field_; }
  std::string ToString() const;

  // Returns a copy whose field is `prefix.field` (or `prefix` when the field is empty).
  Status WithFieldPrefix(std::string_view prefix) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::string field_;
};

Status InvalidArgument(std::string message, std::string field = {});
Status NotFound(std::string message);
Status AlreadyExists(std::string message);
Status PermissionDenied(std::string message);
Status Unauthenticated(std::string message);
Status FailedPrecondition(std::string message);
Status Aborted(std::string message);
Status ResourceExhausted(std::string message);
Status Unavailable(std::string message);
Status DataLoss(std::string message);
Status Internal(std::string message);
Status Unimplemented(std::string message);

// A value or an error Status. Its surface is a subset of std::expected<T, Status>.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}         // NOLINT(google-explicit-constructor)
  Result(Status status) : status_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    if (status_.ok()) status_ = Status(StatusCode::kInternal, "Result built from an OK status");
  }

  bool ok() const { return value_.has_value(); }
  bool has_value() const { return value_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Status& status() const { return status_; }
  Status error() const { return status_; }

  T& value() & { return Checked(); }
  const T& value() const& { return const_cast<Result*>(this)->Checked(); }
  T&& value() && { return std::move(Checked()); }
  T& operator*() & { return Checked(); }
  const T& operator*() const& { return const_cast<Result*>(this)->Checked(); }
  T&& operator*() && { return std::move(Checked()); }
  T* operator->() { return &Checked(); }
  const T* operator->() const { return &const_cast<Result*>(this)->Checked(); }
  T value_or(T other) const& { return ok() ? *value_ : std::move(other); }

 private:
  T& Checked() {
    if (!value_) std::abort();  // programmer error: value() on an error Result
    return *value_;
  }
  std::optional<T> value_;
  Status status_;
};

namespace detail {
[[noreturn]] void CheckFailed(const char* file, int line, const char* cond);
inline Status ToStatus(const Status& s) { return s; }
template <typename T>
Status ToStatus(const Result<T>& r) {
  return r.ok() ? Status() : r.status();
}
}  // namespace detail

}  // namespace issa

#define ISSA_CONCAT_INNER(a, b) a##b
#define ISSA_CONCAT(a, b) ISSA_CONCAT_INNER(a, b)

#define ISSA_RETURN_IF_ERROR_IMPL(var, expr)               \
  do {                                                     \
    ::issa::Status var = ::issa::detail::ToStatus((expr)); \
    if (!var.ok()) return var;                             \
  } while (false)

#define ISSA_RETURN_IF_ERROR(expr) \
  ISSA_RETURN_IF_ERROR_IMPL(ISSA_CONCAT(issa_status_, __COUNTER__), expr)

#define ISSA_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.ok()) return tmp.status();              \
  lhs = std::move(tmp).value()

#define ISSA_ASSIGN_OR_RETURN(lhs, expr) \
  ISSA_ASSIGN_OR_RETURN_IMPL(ISSA_CONCAT(issa_result_, __COUNTER__), lhs, expr)

// Always-on check for programmer errors; never for user input.
#define ISSA_CHECK(cond) \
  ((cond) ? static_cast<void>(0) : ::issa::detail::CheckFailed(__FILE__, __LINE__, #cond))
