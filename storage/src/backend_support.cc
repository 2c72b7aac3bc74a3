#include "issa/storage/backend_support.h"

#include <utility>

#include <fmt/format.h>

namespace issa::storage {
namespace {

bool IsAsciiAlnum(unsigned char u) {
  return (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z');
}

char FoldAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// The length of the UTF-8 sequence at text[i] and its code point; {1, -1} for an invalid byte.
std::pair<size_t, int32_t> DecodeUtf8(std::string_view text, size_t i) {
  const auto b0 = static_cast<unsigned char>(text[i]);
  size_t n = 0;
  int32_t cp = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
    cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    cp = b0 & 0x0F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    cp = b0 & 0x07;
  } else {
    return {1, -1};
  }
  if (i + n > text.size()) return {1, -1};
  for (size_t k = 1; k < n; ++k) {
    const auto b = static_cast<unsigned char>(text[i + k]);
    if ((b & 0xC0) != 0x80) return {1, -1};
    cp = (cp << 6) | (b & 0x3F);
  }
  return {n, cp};
}

// Non-ASCII spaces, punctuation and symbols from the blocks where they are common (Latin-1
// punctuation, General Punctuation, currency, arrows and mathematical operators, box drawing and
// dingbats, CJK and full-width punctuation). FTS5's unicode61 tokenizer treats these (and every
// other non-letter, non-digit) as separators; covering the common ones keeps the two backends
// in agreement on ordinary text.
bool IsSeparatorCodePoint(int32_t c) {
  if (c >= 0x80 && c <= 0xBF) {
    return c != 0xAA && c != 0xB2 && c != 0xB3 && c != 0xB5 && c != 0xB9 && c != 0xBA &&
           c != 0xBC && c != 0xBD && c != 0xBE;  // ª ² ³ µ ¹ º ¼ ½ ¾ are letters or numbers
  }
  return c == 0xD7 || c == 0xF7 || (c >= 0x2000 && c <= 0x206F) || (c >= 0x20A0 && c <= 0x20CF) ||
         (c >= 0x2190 && c <= 0x23FF) || (c >= 0x2500 && c <= 0x27BF) ||
         (c >= 0x2E00 && c <= 0x2E7F) || (c >= 0x3000 && c <= 0x3004) ||
         (c >= 0x3008 && c <= 0x3020) || (c >= 0xFE30 && c <= 0xFE4F) ||
         (c >= 0xFF01 && c <= 0xFF0F) || (c >= 0xFF1A && c <= 0xFF20) ||
         (c >= 0xFF3B && c <= 0xFF40) || (c >= 0xFF5B && c <= 0xFF65) || c == 0xFFFD;
}

}  // namespace

Status RecordNotFound(std::string_view id) {
  return NotFound(fmt::format("record {} not found", id));
}

Status ValidateRecord(const core::Record& record) {
  ISSA_RETURN_IF_ERROR(RequireKey(record.id, "record id", "id"));
  ISSA_RETURN_IF_ERROR(RequireKey(record.type, "record type", "type"));
  ISSA_RETURN_IF_ERROR(RequireKey(record.owner, "record owner", "owner"));
  if (record.version < 1) {
    return InvalidArgument(
        fmt::format("record {}: version {} is not a version (versions start at 1)", record.id,
                    record.version),
        "version");
  }
  if (record.bbox && !record.bbox->Valid()) {
    return InvalidArgument(fmt::format("record {}: bbox is not a valid WGS 84 box", record.id),
                           "bbox");
  }
  return Status::Ok();
}

Status CheckRecordVersion(std::string_view id, int64_t version, std::optional<int64_t> current) {
  if (!current) {
    if (version == 1) return Status::Ok();
    return RecordNotFound(id);
  }
  if (version == 1) return AlreadyExists(fmt::format("record {} already exists", id));
  if (version != *current + 1) {
    return Aborted(fmt::format(
        "record {} is at version {}: version {} cannot follow it (updated concurrently?)", id,
        *current, version));
  }
  return Status::Ok();
}

Status ValidateRecordQuery(const RecordQuery& query) {
  if (query.limit < kMinQueryLimit || query.limit > kMaxQueryLimit) {
    return InvalidArgument(
        fmt::format("limit {} is outside {}..{}", query.limit, kMinQueryLimit, kMaxQueryLimit),
        "limit");
  }
  if (query.bbox && !query.bbox->Valid()) {
    return InvalidArgument("bbox is not a valid WGS 84 box", "bbox");
  }
  if (query.key && query.key->empty()) return InvalidArgument("must not be empty", "key");
  return Status::Ok();
}

Status ValidateAuditQuery(const AuditQuery& query) {
  if (query.limit < 0) {
    return InvalidArgument(fmt::format("limit {} is negative (0 means no limit)", query.limit),
                           "limit");
  }
  if (query.after_seq < 0) {
    return InvalidArgument(fmt::format("after_seq {} is negative", query.after_seq), "after_seq");
  }
  return Status::Ok();
}

Status ValidateMetaKey(std::string_view key) {
  ISSA_RETURN_IF_ERROR(RequireKey(key, "meta key", "key"));
  if (key.starts_with(kReservedMetaPrefix)) {
    return InvalidArgument(
        fmt::format("meta key {} is reserved for the storage backend (prefix \"{}\")", key,
                    kReservedMetaPrefix),
        "key");
  }
  return Status::Ok();
}

Status RequireKey(std::string_view value, std::string_view what, std::string_view field) {
  if (value.empty()) return InvalidArgument(fmt::format("{} is empty", what), std::string(field));
  return Status::Ok();
}

Status ValidateListLimit(int limit) {
  if (limit < 0) {
    return InvalidArgument(fmt::format("limit {} is negative (0 means no limit)", limit), "limit");
  }
  return Status::Ok();
}

std::vector<std::string> SearchWords(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  const auto end_word = [&] {
    if (!word.empty()) words.push_back(std::move(word));
    word.clear();
  };
  for (size_t i = 0; i < text.size();) {
    const auto u = static_cast<unsigned char>(text[i]);
    if (u < 0x80) {
      if (IsAsciiAlnum(u)) {
        word.push_back(FoldAscii(text[i]));
      } else {
        end_word();
      }
      ++i;
      continue;
    }
    const auto [n, cp] = DecodeUtf8(text, i);
    if (cp >= 0 && IsSeparatorCodePoint(cp)) {
      end_word();
    } else {
      word.append(text.substr(i, n));  // letters, digits, other symbols, invalid bytes: as is
    }
    i += n;
  }
  end_word();
  return words;
}

bool SearchTextMatches(std::string_view search_text, std::span<const std::string> words) {
  if (words.empty()) return true;
  const std::vector<std::string> have = SearchWords(search_text);
  for (const std::string& want : words) {
    bool found = false;
    for (const std::string& w : have) {
      if (w.starts_with(want)) {
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

bool AuditEventMatches(const AuditQuery& query, const audit::Event& event) {
  if (query.authority && event.authority != *query.authority &&
      event.target_owner != *query.authority) {
    return false;
  }
  if (query.user && event.user != *query.user) return false;
  if (query.action) {
    const std::string& a = *query.action;
    if (!a.empty() && a.back() == '.') {
      if (!event.action.starts_with(a)) return false;
    } else if (event.action != a) {
      return false;
    }
  }
  if (query.since && event.at < *query.since) return false;
  if (query.until && event.at >= *query.until) return false;
  return true;
}

bool RecordMatchesQuery(const RecordQuery& query, const core::Record& record) {
  if (query.type && record.type != *query.type) return false;
  if (query.owner && record.owner != *query.owner) return false;
  if (query.group && record.handling.group != *query.group) return false;
  if (query.key && record.key != *query.key) return false;
  if (query.since && record.updated_at < *query.since) return false;
  if (query.until && record.updated_at >= *query.until) return false;
  if (query.bbox && (!record.bbox || !record.bbox->Intersects(*query.bbox))) return false;
  return true;
}

}  // namespace issa::storage
