#pragma once

// Conversions between the core model and table rows: enumerations as their integer values,
// lists as JSON arrays, optional timestamps as NULL. Decoding checks what it reads and answers
// DataLoss (naming the row and column) for values this build cannot have written.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "issa/access/policy.h"
#include "issa/core/model.h"
#include "issa/core/status.h"

#include "sqlite_db.h"

namespace issa::storage_sqlite {

// The data columns of a record version, shared by `records` and `record_versions`, in the order
// BindRecord binds them and ReadRecord reads them.
#define ISSA_SQLITE_RECORD_COLUMNS                                                        \
  "id, type, owner, origin_node, version, created_at, updated_at, valid_from, valid_to, " \
  "properties, geometry, min_lon, min_lat, max_lon, max_lat, links, classification, "     \
  "distribution, authorities, share_group, purposes, delete_after, depersonalise_after, " \
  "hit_notice, created_by, depersonalised, search_text, record_key"
inline constexpr int kRecordColumnCount = 28;

// Positions within the record columns.
namespace record_col {
inline constexpr int kId = 0;
inline constexpr int kType = 1;
inline constexpr int kOwner = 2;
inline constexpr int kVersion = 4;
inline constexpr int kUpdatedAt = 6;
inline constexpr int kMinLon = 11;
inline constexpr int kMinLat = 12;
inline constexpr int kMaxLon = 13;
inline constexpr int kMaxLat = 14;
inline constexpr int kClassification = 16;
inline constexpr int kDistribution = 17;
inline constexpr int kAuthorities = 18;
inline constexpr int kGroup = 19;
inline constexpr int kPurposes = 20;
inline constexpr int kSearchText = 26;
inline constexpr int kKey = 27;
}  // namespace record_col

// Encoded list columns of a record; must outlive the Step of the statement they are bound to.
struct RecordLists {
  std::string links;
  std::string authorities;
};

// Binds the record columns to parameters first .. first + kRecordColumnCount - 1.
void BindRecord(Stmt& stmt, int first, const core::Record& record, RecordLists& lists);

// Reads the record columns starting at column `first` (grants are left empty).
Result<core::Record> ReadRecord(const Stmt& stmt, int first);

// access::MaySee on a row holding the record columns at `first` and the grants at `grants_col`,
// decoding only what the decision needs.
Result<bool> RowVisible(const access::Viewer& viewer, const Stmt& stmt, int first, int grants_col);

// Whether the row's bbox columns (at `first`) intersect `box`; false without a bbox.
bool RowIntersects(const Stmt& stmt, int first, const core::BBox& box);

// Names a column of a row in DataLoss messages ("record <id> column links"); formatted only
// when an error is reported.
struct Where {
  std::string_view kind;  // "record", "authority", ...
  std::string_view id;
  std::string_view column;
  std::string ToString() const;
};

std::string EncodeStrings(const std::vector<std::string>& values);
Result<std::vector<std::string>> DecodeStrings(std::string_view json, const Where& where);

std::string EncodeKinds(const std::vector<core::AuthorityKind>& kinds);
Result<std::vector<core::AuthorityKind>> DecodeKinds(std::string_view json, const Where& where);

// An integer column holding an enum with values 0..max; DataLoss naming the column otherwise.
Status OutOfRange(int64_t value, const Where& where);
template <typename E>
Result<E> DecodeEnum(int64_t value, int64_t max, const Where& where) {
  if (value < 0 || value > max) return OutOfRange(value, where);
  return static_cast<E>(value);
}

}  // namespace issa::storage_sqlite
