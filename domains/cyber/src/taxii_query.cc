#include "issa/cyber/taxii_query.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "issa/cyber/stix.h"

namespace issa::cyber {
namespace {

constexpr size_t kMaxParams = 64;
constexpr size_t kMaxValues = 100;  // comma-separated values per match[] parameter
constexpr size_t kMacBytes = 16;

int Nibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::string> Decode(std::string_view s, std::string_view field) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      const int hi = i + 1 < s.size() ? Nibble(s[i + 1]) : -1;
      const int lo = i + 2 < s.size() ? Nibble(s[i + 2]) : -1;
      if (hi < 0 || lo < 0) return InvalidArgument("bad percent escape", std::string(field));
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+') {
      c = ' ';
    }
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return InvalidArgument("control character", std::string(field));
    }
    out.push_back(c);
  }
  return out;
}

std::vector<std::string> SplitCommas(std::string_view s) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    const size_t comma = s.find(',', start);
    out.emplace_back(s.substr(start, comma == std::string_view::npos ? s.npos : comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

bool ValidType(std::string_view t) {
  if (t.empty() || t.size() > 250) return false;
  return std::all_of(t.begin(), t.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string Base64Url(std::string_view bytes) {
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t v = (static_cast<uint8_t>(bytes[i]) << 16) |
                       (static_cast<uint8_t>(bytes[i + 1]) << 8) |
                       static_cast<uint8_t>(bytes[i + 2]);
    out += kB64[(v >> 18) & 63];
    out += kB64[(v >> 12) & 63];
    out += kB64[(v >> 6) & 63];
    out += kB64[v & 63];
  }
  if (i + 1 == bytes.size()) {
    const uint32_t v = static_cast<uint8_t>(bytes[i]) << 16;
    out += kB64[(v >> 18) & 63];
    out += kB64[(v >> 12) & 63];
  } else if (i + 2 == bytes.size()) {
    const uint32_t v =
        (static_cast<uint8_t>(bytes[i]) << 16) | (static_cast<uint8_t>(bytes[i + 1]) << 8);
    out += kB64[(v >> 18) & 63];
    out += kB64[(v >> 12) & 63];
    out += kB64[(v >> 6) & 63];
  }
  return out;
}

std::optional<std::string> UnBase64Url(std::string_view s) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : s) {
    const char* p = std::find(kB64, kB64 + 64, c);
    if (p == kB64 + 64) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(p - kB64);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  if (s.size() % 4 == 1) return std::nullopt;
  return out;
}

std::string Mac(std::string_view payload, std::string_view key) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(payload.data()), payload.size(), mac.data(), &len);
  return std::string(reinterpret_cast<const char*>(mac.data()), kMacBytes);
}

}  // namespace

Result<std::string> NormaliseStixTimestamp(std::string_view text) {
  Result<core::Timestamp> t = core::ParseTimestamp(text);
  if (!t.ok()) return t.status();
  // Keep sub-millisecond digits as sent: STIX versions compare as text with their precision.
  if (text.size() >= 20 && text.back() == 'Z' && text[10] == 'T') return std::string(text);
  return core::FormatTimestamp(*t);
}

Result<TaxiiQuery> ParseTaxiiQuery(std::string_view query,
                                   const std::vector<std::string>& allowed) {
  TaxiiQuery q;
  if (query.empty()) return q;
  if (query.size() > 16384) return InvalidArgument("the query is too long", "query");
  std::vector<std::string> seen;
  size_t count = 0;
  size_t start = 0;
  while (start <= query.size()) {
    const size_t amp = query.find('&', start);
    const std::string_view part =
        query.substr(start, amp == std::string_view::npos ? query.npos : amp - start);
    start = amp == std::string_view::npos ? query.size() + 1 : amp + 1;
    if (part.empty()) continue;
    if (++count > kMaxParams) return InvalidArgument("too many parameters", "query");
    const size_t eq = part.find('=');
    ISSA_ASSIGN_OR_RETURN(std::string name, Decode(part.substr(0, eq), "query"));
    std::string value;
    if (eq != std::string_view::npos) {
      ISSA_ASSIGN_OR_RETURN(value, Decode(part.substr(eq + 1), name));
    }
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      return InvalidArgument(
          fmt::format("unknown or unsupported parameter '{}'", name.substr(0, 64)),
          name.substr(0, 64));
    }
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
      return InvalidArgument("is repeated (use comma-separated values)", name);
    }
    seen.push_back(name);
    if (value.empty()) return InvalidArgument("is empty", name);
    if (name == "limit") {
      if (value.size() > 9 ||
          !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return InvalidArgument("must be a positive integer", name);
      }
      q.limit = std::stoi(value);
      if (q.limit < 1) return InvalidArgument("must be a positive integer", name);
    } else if (name == "added_after") {
      Result<core::Timestamp> t = core::ParseTimestamp(value);
      if (!t.ok()) return InvalidArgument("must be an RFC 3339 timestamp", name);
      q.added_after = *t;
    } else if (name == "next") {
      if (value.size() > 1024) return InvalidArgument("is not a valid cursor", name);
      q.next = value;
    } else {
      const std::vector<std::string> values = SplitCommas(value);
      if (values.size() > kMaxValues) {
        return InvalidArgument(fmt::format("has more than {} values", kMaxValues), name);
      }
      for (const std::string& v : values) {
        if (v.empty()) return InvalidArgument("has an empty value", name);
        if (name == "match[id]") {
          if (!IsStixId(v)) {
            return InvalidArgument(fmt::format("'{}' is not a STIX identifier", v.substr(0, 80)),
                                   name);
          }
          q.ids.push_back(v);
        } else if (name == "match[type]") {
          if (!ValidType(v)) {
            return InvalidArgument(fmt::format("'{}' is not a STIX type", v.substr(0, 80)), name);
          }
          q.types.push_back(v);
        } else if (name == "match[spec_version]") {
          if (v != "2.0" && v != "2.1") {
            return InvalidArgument(
                fmt::format("'{}' is not a STIX version (2.0, 2.1)", v.substr(0, 20)), name);
          }
          q.spec_versions.push_back(v);
        } else if (name == "match[version]") {
          if (v == "last") {
            q.versions.push_back(VersionFilter::kLast);
          } else if (v == "first") {
            q.versions.push_back(VersionFilter::kFirst);
          } else if (v == "all") {
            q.versions.push_back(VersionFilter::kAll);
          } else {
            Result<std::string> ts = NormaliseStixTimestamp(v);
            if (!ts.ok()) {
              return InvalidArgument(
                  fmt::format("'{}' is not first, last, all or a timestamp", v.substr(0, 40)),
                  name);
            }
            q.versions.push_back(VersionFilter::kAt);
            q.version_times.push_back(*ts);
          }
        }
      }
    }
  }
  return q;
}

std::string FilterDigest(const TaxiiQuery& q) {
  std::string text = fmt::format("a={};", q.added_after ? *q.added_after : -1);
  auto add = [&](std::string_view name, std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    text += name;
    for (const auto& s : v) {
      text += s;
      text += ',';
    }
    text += ';';
  };
  add("i=", q.ids);
  add("t=", q.types);
  add("s=", q.spec_versions);
  std::vector<std::string> versions;
  for (VersionFilter v : q.versions) versions.push_back(std::to_string(static_cast<int>(v)));
  add("v=", versions);
  add("vt=", q.version_times);
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), md.data(), &len, EVP_sha256(), nullptr);
  return Base64Url(std::string_view(reinterpret_cast<const char*>(md.data()), 12));
}

std::string EncodeCursor(const TaxiiCursor& c, std::string_view key) {
  const std::string payload = fmt::format("1\n{}\n{}\n{}", c.collection, c.filters, c.after);
  return Base64Url(payload) + "." + Base64Url(Mac(payload, key));
}

Result<TaxiiCursor> DecodeCursor(std::string_view text, std::string_view key) {
  const Status bad = InvalidArgument("is not a valid cursor of this server", "next");
  const size_t dot = text.find('.');
  if (dot == std::string_view::npos || text.size() > 1024) return bad;
  const std::optional<std::string> payload = UnBase64Url(text.substr(0, dot));
  const std::optional<std::string> mac = UnBase64Url(text.substr(dot + 1));
  if (!payload || !mac || mac->size() != kMacBytes) return bad;
  const std::string want = Mac(*payload, key);
  if (CRYPTO_memcmp(want.data(), mac->data(), kMacBytes) != 0) return bad;
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    const size_t nl = payload->find('\n', start);
    parts.push_back(payload->substr(start, nl == std::string::npos ? nl : nl - start));
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  if (parts.size() != 4 || parts[0] != "1") return bad;
  return TaxiiCursor{.collection = parts[1], .filters = parts[2], .after = parts[3]};
}

}  // namespace issa::cyber
