#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "issa/audit/chain.h"
#include "issa/core/model.h"
#include "issa/core/status.h"
#include "issa/storage/store.h"

// Rules that every Store backend applies in the same way, so that the in-memory twin, SQLite and
// later backends give the same answers (same codes, same messages) for the same calls. Only
// backends use this header; services use store.h. Pure functions; thread-safe.
namespace issa::storage {

// Meta keys with this prefix belong to the backend (e.g. "storage.schema_version"): GetMeta may
// read them, SetMeta refuses them with InvalidArgument.
inline constexpr std::string_view kReservedMetaPrefix = "storage.";

// Limits of RecordQuery::limit.
inline constexpr int kMinQueryLimit = 1;
inline constexpr int kMaxQueryLimit = 1000;

// The NotFound status for a record id. Backends return exactly this for a missing, a deleted and
// an invisible record, so that a caller cannot tell them apart.
Status RecordNotFound(std::string_view id);

// InvalidArgument (naming the field) unless id, type and owner are set, version >= 1 and the
// bbox, when set, is valid.
Status ValidateRecord(const core::Record& record);

// The version rule of WriteTxn::PutRecord, given the stored current version of record.id
// (nullopt when the id is unknown): version 1 on a new id; AlreadyExists for version 1 on an
// existing id; NotFound for a later version of an unknown id; Aborted unless version is
// current + 1 (a concurrent update won).
Status CheckRecordVersion(std::string_view id, int64_t version, std::optional<int64_t> current);

// InvalidArgument unless kMinQueryLimit <= limit <= kMaxQueryLimit and the bbox is valid.
Status ValidateRecordQuery(const RecordQuery& query);
// InvalidArgument for a negative limit or after_seq.
Status ValidateAuditQuery(const AuditQuery& query);
// InvalidArgument for an empty key or a reserved one (kReservedMetaPrefix).
Status ValidateMetaKey(std::string_view key);
// InvalidArgument("<what> is empty", field) when `value` is empty; for the keys of entities.
Status RequireKey(std::string_view value, std::string_view what, std::string_view field);
// InvalidArgument for a negative ListHits limit (0 means no limit).
Status ValidateListLimit(int limit);

// The words of a text filter: maximal runs of ASCII letters and digits and of non-ASCII
// characters other than common Unicode spaces, punctuation and symbols (General Punctuation,
// Latin-1 punctuation, currency, arrows, ...); everything else separates words. ASCII letters
// are lower-cased, other bytes kept as they are. Each word is matched as a prefix; all words are
// required; no other syntax exists (no operators, no quotes, no column filters).
std::vector<std::string> SearchWords(std::string_view text);

// Whether every word is a prefix of some word of `search_text` (words as SearchWords). The
// reference behaviour for backends without a full-text index. Backends with one (SQLite FTS5)
// fold case and diacritics for all of Unicode, so they may match more for non-ASCII text.
bool SearchTextMatches(std::string_view search_text, std::span<const std::string> words);

// Whether an audit event passes the filters of `query` (authority, user, action, since, until);
// after_seq and limit are the caller's to apply.
bool AuditEventMatches(const AuditQuery& query, const audit::Event& event);

// Whether a record passes the filters of `query` except text, after_id and limit.
bool RecordMatchesQuery(const RecordQuery& query, const core::Record& record);

}  // namespace issa::storage
