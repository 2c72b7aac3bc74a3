#include "issa/cyber/ioc_scan.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <tuple>
#include <unordered_map>

#include <arpa/inet.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif
#include <fcntl.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pattern_database.h"
#include "string_table.h"

namespace issa::cyber {
namespace {

constexpr std::uint32_t kNone = 0xffffffffu;

// Byte classes of the tokeniser.
enum : std::uint8_t {
  kField = 0,      // part of a field
  kSeparator = 1,  // ends a field (white space, quotes, brackets, non-ASCII, control bytes)
  kSubDelim = 2,   // splits a non-URL field into tokens ('=', '/', '#', ...)
};

constexpr std::array<std::uint8_t, 256> MakeClasses() {
  std::array<std::uint8_t, 256> c{};
  for (int i = 0; i < 256; ++i)
    c[static_cast<size_t>(i)] = (i <= 0x20 || i >= 0x7f) ? kSeparator : kField;
  for (char s : std::string_view("\"'<>()[]{},;|\\`^"))
    c[static_cast<unsigned char>(s)] = kSeparator;
  for (char s : std::string_view("=/#&?!*+%$~")) c[static_cast<unsigned char>(s)] = kSubDelim;
  return c;
}
constexpr auto kClasses = MakeClasses();

// Upper-case ASCII letters of an 8-byte word lower-cased (bytes >= 0x80 unchanged), SWAR.
inline std::uint64_t LowerWord(std::uint64_t w) {
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  constexpr std::uint64_t kLow7 = 0x7f7f7f7f7f7f7f7fULL;
  const std::uint64_t low = w & kLow7;
  const std::uint64_t at_least_a = low + 0x3f3f3f3f3f3f3f3fULL;  // high bit: byte >= 'A'
  const std::uint64_t above_z = low + 0x2525252525252525ULL;     // high bit: byte > 'Z'
  const std::uint64_t upper = at_least_a & ~above_z & ~w & kHigh;
  return w | (upper >> 2);
}

// The hash of the prefilter and the probes; kLower: of the ASCII-lower-cased bytes, without
// copying them (FastHash<true>(s) == FastHash<false>(lower(s))).
inline std::uint64_t HashTail(std::uint64_t h, std::uint64_t last_word) {
  h = (h ^ last_word) * 0xc4ceb9fe1a85ec53ULL;
  return h ^ (h >> 29);
}
inline std::uint64_t HashEnd(std::uint64_t h) {
  h *= 0x9e3779b97f4a7c15ULL;
  return h ^ (h >> 31);
}

// The little-endian word of the n < 8 bytes at p (the rest zero), read as one word: the 8
// bytes ending at p + n when the key has them (`whole`: the key holds at least 8 bytes), else the
// 8 bytes at p when they stay within p's page, else byte by byte. (A copy of n bytes into a
// word compiles to byte stores that the word's load then waits on.)
__attribute__((no_sanitize_address)) inline std::uint64_t TailWord(const char* p, size_t n,
                                                                   bool whole) {
  std::uint64_t w;
  if (whole) {
    std::memcpy(&w, p + n - 8, 8);
    return w >> (8 * (8 - n));
  }
  if ((reinterpret_cast<std::uintptr_t>(p) & 4095) <= 4096 - 8) {
    std::memcpy(&w, p, 8);
    return w & ((std::uint64_t{1} << (8 * n)) - 1);
  }
  w = 0;
  std::memcpy(&w, p, n);
  return w;
}

template <bool kLower = false>
inline std::uint64_t FastHash(const char* p, size_t n) {
  std::uint64_t h = 0x9e3779b97f4a7c15ULL ^ (n * 0xff51afd7ed558ccdULL);
  const bool whole = n >= 8;
  while (n >= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    if constexpr (kLower) w = LowerWord(w);
    h = (h ^ w) * 0xff51afd7ed558ccdULL;
    h ^= h >> 32;
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    std::uint64_t w = TailWord(p, n, whole);
    if constexpr (kLower) w = LowerWord(w);
    h = HashTail(h, w);
  }
  return HashEnd(h);
}

// FastHash of a key of 1 to 7 bytes given as the little-endian word of its bytes.
inline std::uint64_t FastHashSmall(std::uint64_t word, size_t n) {
  return HashEnd(HashTail(0x9e3779b97f4a7c15ULL ^ (n * 0xff51afd7ed558ccdULL), word));
}

inline char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c | 0x20) : c; }
inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsHexDigit(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
inline bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Byte kinds of a token (LineTokenizer::Token): bits OR-ed over the token's bytes.
enum : std::uint8_t {
  kNotDigitDotColon = 1,  // a byte other than 0-9 '.' ':'
  kNotHexColon = 2,       // a byte other than 0-9 a-f A-F ':'
  kLetter = 4,            // A-Z a-z
  kAt = 8,                // '@'
};

constexpr std::array<std::uint8_t, 256> MakeTokenBytes() {
  std::array<std::uint8_t, 256> k{};
  for (int i = 0; i < 256; ++i) {
    const bool digit = i >= '0' && i <= '9';
    const bool letter = (i >= 'a' && i <= 'z') || (i >= 'A' && i <= 'Z');
    const bool hex_letter = (i >= 'a' && i <= 'f') || (i >= 'A' && i <= 'F');
    std::uint8_t v = 0;
    if (!digit && i != '.' && i != ':') v |= kNotDigitDotColon;
    if (!digit && !hex_letter && i != ':') v |= kNotHexColon;
    if (letter) v |= kLetter;
    if (i == '@') v |= kAt;
    k[static_cast<size_t>(i)] = v;
  }
  return k;
}
constexpr auto kTokenBytes = MakeTokenBytes();

// The same kinds as counters, one table add per byte: six 10-bit fields (bytes other than 0-9
// '.' ':', bytes other than hex digits and ':', letters, '@', dots, colons). Tokens up to 1023
// bytes (TokenCounts::kMaxBytes) cannot overflow a field.
struct TokenCounts {
  static constexpr size_t kMaxBytes = 1023;
  static constexpr unsigned kNotDigitDotColonShift = 0, kNotHexColonShift = 10, kLetterShift = 20,
                            kAtShift = 30, kDotShift = 40, kColonShift = 50;
  static constexpr std::array<std::uint64_t, 256> Make() {
    std::array<std::uint64_t, 256> t{};
    for (size_t i = 0; i < 256; ++i) {
      const auto k = kTokenBytes[i];
      std::uint64_t v = 0;
      if (k & kNotDigitDotColon) v |= std::uint64_t{1} << kNotDigitDotColonShift;
      if (k & kNotHexColon) v |= std::uint64_t{1} << kNotHexColonShift;
      if (k & kLetter) v |= std::uint64_t{1} << kLetterShift;
      if (k & kAt) v |= std::uint64_t{1} << kAtShift;
      if (i == '.') v |= std::uint64_t{1} << kDotShift;
      if (i == ':') v |= std::uint64_t{1} << kColonShift;
      t[i] = v;
    }
    return t;
  }
  static unsigned Field(std::uint64_t counts, unsigned shift) {
    return static_cast<unsigned>((counts >> shift) & 1023);
  }
};
constexpr auto kTokenCounts = TokenCounts::Make();

// Bytes stripped from both ends of a token: '.', ':', '-', '@'.
constexpr std::array<bool, 256> MakeStripBytes() {
  std::array<bool, 256> t{};
  for (char c : std::string_view(".:-@")) t[static_cast<unsigned char>(c)] = true;
  return t;
}
constexpr auto kStripBytes = MakeStripBytes();

// True when `t` (a token's rest after a leading "::" stripped with the other strip bytes) is an
// IPv6 form: hex digits and colons, the last group perhaps a dotted quad. The token then keeps
// its "::" (::1, ::192.0.2.1, ::ffff:10.1.2.3).
inline bool Ipv6Rest(std::string_view t) {
  bool dotted = false;
  for (const char c : t) {
    if (c == '.') {
      dotted = true;
    } else if (c == ':') {
      if (dotted) return false;
    } else if (!IsHexDigit(c)) {
      return false;
    }
  }
  return !t.empty();
}

// Bytes equal to `c` in an 8-byte word: their high bits set, exactly (no false positives).
inline std::uint64_t BytesEqual(std::uint64_t word, char c) {
  constexpr std::uint64_t kLow7 = 0x7f7f7f7f7f7f7f7fULL;
  const std::uint64_t x = word ^ (0x0101010101010101ULL * static_cast<unsigned char>(c));
  return ~(((x & kLow7) + kLow7) | x | kLow7);
}

// True when `text` has a '%' or a "/." (the URL then takes the full normalisation); 8 bytes a
// step.
bool HasPercentOrDotSegment(std::string_view text) {
  std::uint64_t slash_carry = 0;  // a '/' in the last byte of the previous word
  for (size_t i = 0; i < text.size(); i += 8) {
    std::uint64_t w = 0;
    std::memcpy(&w, text.data() + i, std::min<size_t>(8, text.size() - i));
    const std::uint64_t slash = BytesEqual(w, '/');
    const std::uint64_t dot = BytesEqual(w, '.');
    if ((BytesEqual(w, '%') | (((slash << 8) | slash_carry) & dot)) != 0) return true;
    slash_carry = slash >> 56;
  }
  return false;
}

#if defined(__x86_64__)
// The 32 bytes of p from i (i < n), those at n and past it replaced by `fill`. When the 32 bytes
// stay within one page they are read whole (no fault possible; not instrumented by ASan) and
// masked, otherwise copied.
__attribute__((target("avx2"), no_sanitize_address)) inline __m256i Load32(const char* p, size_t i,
                                                                           size_t n, char fill) {
  if (i + 32 <= n) return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i));
  if ((reinterpret_cast<std::uintptr_t>(p + i) & 4095) <= 4096 - 32) {
    const __m256i iota =
        _mm256_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
                         21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31);
    const __m256i valid = _mm256_cmpgt_epi8(_mm256_set1_epi8(static_cast<char>(n - i)), iota);
    return _mm256_blendv_epi8(_mm256_set1_epi8(fill),
                              _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i)), valid);
  }
  alignas(32) char tail[32];
  std::memset(tail, fill, sizeof tail);
  std::memcpy(tail, p + i, n - i);
  return _mm256_load_si256(reinterpret_cast<const __m256i*>(tail));
}

// HasPercentOrDotSegment 32 bytes a step.
__attribute__((target("avx2"), no_sanitize_address)) bool HasPercentOrDotSegmentAvx2(
    std::string_view text) {
  std::uint32_t slash_carry = 0;
  for (size_t i = 0; i < text.size(); i += 32) {
    const __m256i b = Load32(text.data(), i, text.size(), ' ');
    const auto percent = static_cast<std::uint32_t>(
        _mm256_movemask_epi8(_mm256_cmpeq_epi8(b, _mm256_set1_epi8('%'))));
    const auto slash = static_cast<std::uint32_t>(
        _mm256_movemask_epi8(_mm256_cmpeq_epi8(b, _mm256_set1_epi8('/'))));
    const auto dot = static_cast<std::uint32_t>(
        _mm256_movemask_epi8(_mm256_cmpeq_epi8(b, _mm256_set1_epi8('.'))));
    if ((percent | (((slash << 1) | slash_carry) & dot)) != 0) return true;
    slash_carry = slash >> 31;
  }
  return false;
}
#endif

bool HasAvx2();

bool UrlTailNeedsNormalising(std::string_view tail) {
#if defined(__x86_64__)
  if (HasAvx2()) return HasPercentOrDotSegmentAvx2(tail);
#endif
  return HasPercentOrDotSegment(tail);
}

// Byte kinds of a URL's authority (LineTokenizer::Url).
enum : std::uint8_t {
  kAuthorityEnd = 1,      // '/', '?', '#'
  kColonByte = 2,         // ':'
  kNeedsNormalising = 4,  // '@', '[', '%': the full RFC 3986 normalisation
  kNotHostByte = 8,       // not a host name byte (A-Z a-z 0-9 '.' '-' '_')
  kHostLetter = 16,       // A-Z a-z: the host is a name, never an IPv4 address
  kDotByte = 32,          // '.'
};

constexpr std::array<std::uint8_t, 256> MakeUrlBytes() {
  std::array<std::uint8_t, 256> k{};
  for (int i = 0; i < 256; ++i) {
    const bool host = (i >= 'a' && i <= 'z') || (i >= 'A' && i <= 'Z') || (i >= '0' && i <= '9') ||
                      i == '.' || i == '-' || i == '_';
    std::uint8_t v = host ? 0 : kNotHostByte;
    if (i == '/' || i == '?' || i == '#') v |= kAuthorityEnd;
    if (i == ':') v |= kColonByte;
    if (i == '@' || i == '[' || i == '%') v |= kNeedsNormalising;
    if ((i >= 'a' && i <= 'z') || (i >= 'A' && i <= 'Z')) v |= kHostLetter;
    if (i == '.') v |= kDotByte;
    k[static_cast<size_t>(i)] = v;
  }
  return k;
}
constexpr auto kUrlBytes = MakeUrlBytes();

// s[pos, pos + len) without substr's range check (pos <= s.size() is the caller's).
inline std::string_view Slice(std::string_view s, size_t pos, size_t len = std::string_view::npos) {
  return {s.data() + pos, std::min(len, s.size() - pos)};
}

// Set bits of x (no POPCNT in the baseline instruction set).
inline size_t BitCount(std::uint64_t x) {
  x = x - ((x >> 1) & 0x5555555555555555ULL);
  x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
  x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
  return static_cast<size_t>((x * 0x0101010101010101ULL) >> 56);
}

#if defined(__x86_64__)
// Dotted quads by SIMD: for each pattern of part lengths (1 to 3 digits each, 81 patterns) a
// shuffle that puts each part's digits at the end of its 32-bit lane, and the least value of
// each lane without a leading zero (10 for two digits, 100 for three).
struct V4Pattern {
  std::array<std::uint8_t, 16> shuffle;
  std::array<std::uint32_t, 4> least;
};
constexpr std::array<V4Pattern, 81> MakeV4Patterns() {
  std::array<V4Pattern, 81> patterns{};
  for (size_t index = 0; index < 81; ++index) {
    size_t lengths[4] = {index / 27 + 1, index / 9 % 3 + 1, index / 3 % 3 + 1, index % 3 + 1};
    auto& pattern = patterns[index];
    size_t start = 0;
    for (size_t lane = 0; lane < 4; ++lane) {
      const size_t length = lengths[lane];
      for (size_t b = 0; b < 4; ++b) {
        // byte b of the lane holds the digit (3 - b) places before the part's end
        const size_t back = 3 - b;
        pattern.shuffle[lane * 4 + b] =
            back < length ? static_cast<std::uint8_t>(start + length - 1 - back) : 0x80;
      }
      pattern.least[lane] = length == 1 ? 0 : length == 2 ? 10 : 100;
      start += length + 1;
    }
  }
  return patterns;
}
alignas(16) constexpr auto kV4Patterns = MakeV4Patterns();

// ParseV4Dotted of a token whose 16 bytes from t.data() may be read.
__attribute__((target("sse4.1"), no_sanitize_address)) inline bool ParseV4Simd(const char* p,
                                                                               size_t n,
                                                                               std::uint64_t dots,
                                                                               std::uint32_t& out) {
  const auto d0 = static_cast<size_t>(__builtin_ctzll(dots));
  dots &= dots - 1;
  const auto d1 = static_cast<size_t>(__builtin_ctzll(dots));
  dots &= dots - 1;
  const auto d2 = static_cast<size_t>(__builtin_ctzll(dots));
  const size_t l0 = d0, l1 = d1 - d0 - 1, l2 = d2 - d1 - 1, l3 = n - d2 - 1;
  if ((l0 - 1 > 2) | (l1 - 1 > 2) | (l2 - 1 > 2) | (l3 - 1 > 2)) return false;  // empty, over 3
  const auto& pattern = kV4Patterns[(l0 - 1) * 27 + (l1 - 1) * 9 + (l2 - 1) * 3 + (l3 - 1)];
  const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i digits = _mm_subs_epu8(
      _mm_shuffle_epi8(bytes, _mm_load_si128(reinterpret_cast<const __m128i*>(&pattern.shuffle))),
      _mm_set1_epi8('0'));  // moved-in zeros stay 0
  // lane: 0, hundreds, tens, ones -> 100 * hundreds, 10 * tens + ones -> the part's value
  const __m128i pairs = _mm_maddubs_epi16(digits, _mm_set1_epi32(0x010a6400));
  const __m128i values = _mm_madd_epi16(pairs, _mm_set1_epi16(1));
  const __m128i least = _mm_load_si128(reinterpret_cast<const __m128i*>(&pattern.least));
  const __m128i wrong =
      _mm_or_si128(_mm_cmpgt_epi32(values, _mm_set1_epi32(255)), _mm_cmplt_epi32(values, least));
  if (_mm_movemask_epi8(wrong) != 0) return false;
  const __m128i packed = _mm_packus_epi16(_mm_packus_epi32(values, values), values);
  out = __builtin_bswap32(static_cast<std::uint32_t>(_mm_cvtsi128_si32(packed)));
  return true;
}
#endif

constexpr size_t kNoLine = ~size_t{0};  // ClassifyLine: not classified

bool g_force_scalar = false;         // the reference: portable classifier, plain walk, byte tokens
bool g_portable_classifier = false;  // the portable classifier (and no SIMD) on the fast path

// ParseV4 of a token of digits and exactly three dots, `dots` the dots' bits (bit i: t[i]);
// `simd`: the CPU has AVX2 (and so SSE4.1).
inline bool ParseV4Dotted(std::string_view t, std::uint64_t dots, std::uint32_t& out,
                          [[maybe_unused]] bool simd) {
#if defined(__x86_64__)
  if (simd && (reinterpret_cast<std::uintptr_t>(t.data()) & 4095) <= 4096 - 16)
    return t.size() <= 15 && ParseV4Simd(t.data(), t.size(), dots, out);
#endif
  const char* p = t.data();
  std::uint32_t value = 0;
  size_t start = 0;
  for (int part = 0; part < 4; ++part) {
    const size_t end = part < 3 ? static_cast<size_t>(__builtin_ctzll(dots)) : t.size();
    dots &= dots - 1;
    const size_t length = end - start;
    if (length - 1 > 2) return false;  // empty or over 3 digits
    const char* q = p + start;
    unsigned number = static_cast<unsigned>(q[0] - '0');
    if (length > 1) {
      if (number == 0) return false;  // leading zero
      number = number * 10 + static_cast<unsigned>(q[1] - '0');
      if (length == 3) {
        number = number * 10 + static_cast<unsigned>(q[2] - '0');
        if (number > 255) return false;
      }
    }
    value = (value << 8) | number;
    start = end + 1;
  }
  out = value;
  return true;
}

// True when x has exactly three bits set.
inline bool ThreeBits(std::uint64_t x) {
  x &= x - 1;
  x &= x - 1;
  return x != 0 && (x & (x - 1)) == 0;
}

// Parses a dotted quad without leading zeros; false otherwise.
inline bool ParseV4(std::string_view t, std::uint32_t& out) {
  if (t.size() < 7 || t.size() > 15) return false;  // "0.0.0.0" to "255.255.255.255"
  const char* p = t.data();
  const char* const end = p + t.size();
  auto digit_at = [end](const char* q) {
    return q != end ? static_cast<unsigned>(static_cast<unsigned char>(*q)) - '0' : 10u;
  };
  std::uint32_t value = 0;
  for (int part = 0; part < 4; ++part) {
    unsigned number = digit_at(p);
    if (number > 9) return false;
    ++p;
    if (unsigned d = digit_at(p); d <= 9) {
      if (number == 0) return false;  // leading zero
      number = number * 10 + d;
      ++p;
      if (d = digit_at(p); d <= 9) {
        number = number * 10 + d;
        ++p;
        if (number > 255) return false;
      }
    }
    value = (value << 8) | number;
    if (part < 3) {
      if (p == end || *p != '.') return false;
      ++p;
    }
  }
  if (p != end) return false;
  out = value;
  return true;
}

std::string V4Key(std::uint32_t address, int prefix) {
  std::string key(prefix == 32 ? 5 : 6, '\0');
  size_t at = 0;
  key[at++] = prefix == 32 ? '\x01' : '\x02';
  if (prefix != 32) key[at++] = static_cast<char>(prefix);
  for (int i = 3; i >= 0; --i) key[at++] = static_cast<char>((address >> (8 * i)) & 0xff);
  return key;
}

std::string V6Key(const std::array<std::uint8_t, 16>& bytes, int prefix) {
  std::string key;
  key.push_back(prefix == 128 ? '\x03' : '\x04');
  if (prefix != 128) key.push_back(static_cast<char>(prefix));
  key.append(reinterpret_cast<const char*>(bytes.data()), 16);
  return key;
}

std::string_view DefaultPortOf(std::string_view scheme) {
  if (scheme == "http") return "80";
  if (scheme == "https") return "443";
  if (scheme == "ftp") return "21";
  return {};
}

// Line timestamps: squid "1700000000.123 ...", ISO 8601 "2026-11-23T10:00:00Z" or with a space,
// BIND "23-Nov-2026 10:00:00.000", Apache "[23/Nov/2026:10:00:00 +0000]".
int MonthOf(std::string_view m) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (size_t i = 0; i < 12; ++i)
    if (kMonths[i] == m) return static_cast<int>(i) + 1;
  return 0;
}

bool AllDigits(std::string_view s, size_t at, size_t n) {
  if (at + n > s.size()) return false;
  for (size_t i = at; i < at + n; ++i) {
    if (!IsDigit(s[i])) return false;
  }
  return true;
}

// The value of n ≤ 9 digits at `at` (more could overflow an int).
bool Digits(std::string_view s, size_t at, size_t n, int& out) {
  if (n > 9 || at + n > s.size()) return false;
  out = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (!IsDigit(s[i])) return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

std::optional<core::Timestamp> Civil(int y, int mo, int d, int h, int mi, int s) {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return std::nullopt;
  return (core::DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 +
          h * 3600 + mi * 60 + s) *
         1000;
}

std::optional<core::Timestamp> LineTime(std::string_view line) {
  if (!line.empty() && line[0] == '[') line.remove_prefix(1);
  int y, mo, d, h, mi, s;
  // squid: epoch seconds (10 digits) then '.' or space
  if (line.size() > 10 && AllDigits(line, 0, 10) && (line[10] == '.' || line[10] == ' ')) {
    core::Timestamp t = 0;
    for (size_t i = 0; i < 10; ++i) t = t * 10 + (line[i] - '0');
    core::Timestamp ms = 0;
    if (line[10] == '.' && Digits(line, 11, 3, mo)) ms = mo;
    return t * 1000 + ms;
  }
  // ISO 8601
  if (Digits(line, 0, 4, y) && line.size() >= 19 && line[4] == '-' && Digits(line, 5, 2, mo) &&
      line[7] == '-' && Digits(line, 8, 2, d) && (line[10] == 'T' || line[10] == ' ') &&
      Digits(line, 11, 2, h) && line[13] == ':' && Digits(line, 14, 2, mi) && line[16] == ':' &&
      Digits(line, 17, 2, s))
    return Civil(y, mo, d, h, mi, s);
  // BIND: 23-Nov-2026 10:00:00
  if (line.size() >= 20 && Digits(line, 0, 2, d) && line[2] == '-' && line[6] == '-' &&
      (mo = MonthOf(line.substr(3, 3))) != 0 && Digits(line, 7, 4, y) && Digits(line, 12, 2, h) &&
      Digits(line, 15, 2, mi) && Digits(line, 18, 2, s))
    return Civil(y, mo, d, h, mi, s);
  // Apache: somewhere "[23/Nov/2026:10:00:00 +0000]"
  if (const auto open = line.find('['); open != std::string_view::npos) {
    const auto t = line.substr(open + 1);
    if (t.size() >= 20 && Digits(t, 0, 2, d) && t[2] == '/' &&
        (mo = MonthOf(t.substr(3, 3))) != 0 && t[6] == '/' && Digits(t, 7, 4, y) && t[11] == ':' &&
        Digits(t, 12, 2, h) && Digits(t, 15, 2, mi) && Digits(t, 18, 2, s)) {
      auto base = Civil(y, mo, d, h, mi, s);
      int oh, om;
      if (base && t.size() >= 26 && (t[21] == '+' || t[21] == '-') && Digits(t, 22, 2, oh) &&
          Digits(t, 24, 2, om))
        *base -= (t[21] == '+' ? 1 : -1) * (oh * 3600 + om * 60) * 1000LL;
      return base;
    }
  }
  return std::nullopt;
}

// True when the line has control bytes (other than tab/CR) or is not valid UTF-8.
bool IsBinaryLine(std::string_view line) {
  size_t i = 0;
  while (i < line.size()) {
    const auto c = static_cast<unsigned char>(line[i]);
    if (c < 0x80) {
      if (c < 0x20 && c != '\t' && c != '\r') return true;
      ++i;
      continue;
    }
    const size_t n = (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2 : (c & 0xf8) == 0xf0 ? 3 : 9;
    if (n == 9 || c == 0xc0 || c == 0xc1 || c > 0xf4 || i + n >= line.size()) return true;
    for (size_t k = 1; k <= n; ++k)
      if ((static_cast<unsigned char>(line[i + k]) & 0xc0) != 0x80) return true;
    i += n + 1;
  }
  return false;
}

// A blocked Bloom filter over FastHash values: three bits of one 64-bit word per value (the word
// from the hash's high bits, the bits from its low 18), so a probe reads one word.
class BlockedBloom {
 public:
  // About `bits_per_value` bits per value, at least 2^16 bits.
  void Reset(size_t values, size_t bits_per_value) {
    unsigned bits = 16;
    while ((std::size_t{1} << bits) < values * bits_per_value && bits < 34) ++bits;
    words_.assign((std::size_t{1} << bits) / 64, 0);
    shift_ = 64 - (bits - 6);
  }
  void Add(std::uint64_t h) { words_[h >> shift_] |= Bits(h); }
  bool MayContain(std::uint64_t h) const {
    const auto mask = Bits(h);
    return (words_[h >> shift_] & mask) == mask;
  }
  void Prefetch(std::uint64_t h) const { __builtin_prefetch(&words_[h >> shift_]); }

 private:
  static std::uint64_t Bits(std::uint64_t h) {
    return (std::uint64_t{1} << (h & 63)) | (std::uint64_t{1} << ((h >> 6) & 63)) |
           (std::uint64_t{1} << ((h >> 12) & 63));
  }
  std::vector<std::uint64_t> words_;
  unsigned shift_ = 64;
};

bool g_url_host_filter = true;

// Byte masks of one line, bit (i & 63) of word i / 64 for byte i: field separators (bytes past the
// line count as separators, and one all-separator word follows), the bytes '.', ':' and '@'
// without which a field short of 32 bytes holds no token, and whether a byte is < 0x20 or
// >= 0x80 (the line may be binary). The byte kinds a token is classified by (digits, hex letters,
// letters, '.', ':', '@', and the bytes stripped from its ends) are masks too, so that a token's
// kind comes from a few bit operations on the words it spans instead of a pass over its bytes.
// One pass, 64 bytes a step with AVX2 when the CPU has it.
struct LineMasks {
  std::vector<std::uint64_t> separator;
  std::vector<std::uint64_t> split;  // separators and sub-delimiters ('=', '/', '#', ...)
  std::vector<std::uint64_t> marker;
  std::vector<std::uint64_t> dot, colon, digit;
  std::vector<std::uint64_t> strip;  // '.', ':', '-', '@'
  size_t used_words = 0;             // in use, the sentinel included (the vectors only grow)
  bool maybe_binary = false;

  // Sizes the masks for n bytes; `clear`: zero them and mark the bytes past n as separators
  // (the SIMD classifiers assign whole words instead). Inlined into ClassifyAvx2, which ASan does
  // not instrument: no local whose address is taken may be here (ASan's scope marks of an inlined
  // body would poison the stack with nothing to clear them), hence Grow and Clear out of line.
  __attribute__((always_inline)) void Prepare(size_t n, bool clear) {
    const size_t words = (n + 63) / 64 + 1;
    used_words = words;
    if (separator.size() < words) Grow(words + 1);
    if (clear) Clear(n, words);
    separator[words - 1] = split[words - 1] = ~std::uint64_t{0};
    maybe_binary = false;
  }

  __attribute__((noinline)) void Grow(size_t words) {
    for (auto* v : {&separator, &split, &marker, &dot, &colon, &digit, &strip}) v->resize(words);
  }

  __attribute__((noinline)) void Clear(size_t n, size_t words) {
    for (auto* v : {&separator, &split, &marker, &dot, &colon, &digit, &strip})
      std::fill_n(v->begin(), words, 0);
    if (n % 64 != 0) separator[n / 64] = split[n / 64] = ~std::uint64_t{0} << (n % 64);
  }

  // The 64 bits of `m` from byte 64 * w + s on (w < used_words - 1, s < 64).
  __attribute__((always_inline)) static std::uint64_t Window(const std::vector<std::uint64_t>& m,
                                                             size_t w, unsigned s) {
    return (m[w] >> s) | ((m[w + 1] << 1) << (63 - s));
  }

  // True when a '.', ':' or '@' lies in [from, to).
  bool AnyMarker(size_t from, size_t to) const {
    size_t w = from >> 6;
    const size_t last = (to - 1) >> 6;
    std::uint64_t bits = marker[w] & (~std::uint64_t{0} << (from & 63));
    while (w < last) {
      if (bits != 0) return true;
      bits = marker[++w];
    }
    const unsigned top = static_cast<unsigned>(to & 63);
    if (top != 0) bits &= ~(~std::uint64_t{0} << top);
    return bits != 0;
  }

  // Calls on_field(begin, end) for each field (run of non-separator bytes) of at least 4 bytes that
  // holds a '.', ':' or '@' or is 32 bytes or longer, walking every field (3 bytes: "::1").
  template <class OnField>
  void ForEachField(size_t n, OnField&& on_field) const {
    ForEachRun(separator, used_words, 0, n, [&](size_t begin, size_t end) {
      if (end - begin >= 3 && (end - begin >= 32 || AnyMarker(begin, end))) on_field(begin, end);
    });
  }

  // The first byte of the field holding byte `at` / the separator after it.
  size_t FieldBegin(size_t at) const { return RunBegin(separator, at); }
  size_t FieldEnd(size_t at) const { return RunEnd(separator, at); }

  // The first byte of the run of clear bits of `stops` holding byte `at` / the stop after it.
  static size_t RunBegin(const std::vector<std::uint64_t>& stops, size_t at) {
    size_t w = at >> 6;
    std::uint64_t bits = stops[w] & ((std::uint64_t{1} << (at & 63)) - 1);
    while (bits == 0) {
      if (w == 0) return 0;
      bits = stops[--w];
    }
    return (w << 6) + 64 - static_cast<size_t>(__builtin_clzll(bits));
  }
  static size_t RunEnd(const std::vector<std::uint64_t>& stops, size_t at) {
    size_t w = at >> 6;
    std::uint64_t bits = stops[w] & (~std::uint64_t{0} << (at & 63));
    while (bits == 0) bits = stops[++w];
    return (w << 6) + static_cast<size_t>(__builtin_ctzll(bits));
  }

  // Bit 0, 16, 32, 48 set when its 16-bit lane of `inside` is all set.
  static std::uint64_t WholeLanes(std::uint64_t inside) {
    std::uint64_t all = inside & (inside >> 1);
    all &= all >> 2;
    all &= all >> 4;
    all &= all >> 8;
    return all & 0x0001000100010001ULL;
  }

  // Calls on_token(begin, end) for each run in [from, to) of bytes that neither separate fields
  // nor split them.
  template <class OnToken>
  void ForEachToken(size_t from, size_t to, OnToken&& on_token) const {
    ForEachRun(split, used_words, from, to, on_token);
  }

 private:
  template <class OnRun>
  static void ForEachRun(const std::vector<std::uint64_t>& stops, size_t words, size_t i, size_t n,
                         OnRun&& on_run) {
    while (i < n) {
      size_t w = i >> 6;
      std::uint64_t bits = ~stops[w] & (~std::uint64_t{0} << (i & 63));
      while (bits == 0) {
        if (++w >= words) return;
        bits = ~stops[w];
      }
      const size_t begin = (w << 6) + static_cast<size_t>(__builtin_ctzll(bits));
      if (begin >= n) return;
      bits = stops[w] & (~std::uint64_t{0} << (begin & 63));
      while (bits == 0) bits = stops[++w];
      const size_t end = std::min(n, (w << 6) + static_cast<size_t>(__builtin_ctzll(bits)));
      on_run(begin, end);
      i = end;
    }
  }
};

void ClassifyScalar(const char* p, size_t n, LineMasks& m) {
  m.Prepare(n, true);
  for (size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(p[i]);
    const std::uint64_t bit = std::uint64_t{1} << (i & 63);
    const size_t w = i >> 6;
    if (kClasses[c] == kSeparator) m.separator[w] |= bit;
    if (kClasses[c] != kField) m.split[w] |= bit;
    if (c == '.' || c == ':' || c == '@') m.marker[w] |= bit;
    if (c == '.') m.dot[w] |= bit;
    if (c == ':') m.colon[w] |= bit;
    if (IsDigit(static_cast<char>(c))) m.digit[w] |= bit;
    if (kStripBytes[c]) m.strip[w] |= bit;
    if (c < 0x20 || c >= 0x80) m.maybe_binary = true;
  }
}

#if defined(__x86_64__)
// The bytes of a class between 0x21 and 0x7e as a nibble table: bit h of entry l is set when
// byte (h << 4 | l) is of the class (h is 2..7 for these bytes).
constexpr std::array<std::uint8_t, 16> MakeNibbleTable(std::uint8_t byte_class) {
  std::array<std::uint8_t, 16> t{};
  for (int c = 0x21; c < 0x7f; ++c)
    if (kClasses[static_cast<size_t>(c)] == byte_class)
      t[static_cast<size_t>(c & 15)] |= static_cast<std::uint8_t>(1u << (c >> 4));
  return t;
}
constexpr auto kSpecialTable = MakeNibbleTable(kSeparator);
constexpr auto kSubDelimTable = MakeNibbleTable(kSubDelim);

// Byte constants of ClassifyAvx2, 32 copies each.
enum {
  kC21,
  kC7f,
  kOnes,
  kDot,
  kColon,
  kAtSign,
  kNine,
  kBeforeZero,
  kC20,
  kDash,
  kNewline,
  kConstants
};
constexpr std::array<std::array<std::uint8_t, 32>, kConstants> MakeClassifyConstants() {
  constexpr std::array<std::uint8_t, kConstants> kBytes = {0x21, 0x7f,    0xff, '.', ':', '@',
                                                           '9',  '0' - 1, 0x20, '-', '\n'};
  std::array<std::array<std::uint8_t, 32>, kConstants> k{};
  for (size_t c = 0; c < kConstants; ++c)
    for (auto& b : k[c]) b = kBytes[c];
  return k;
}
alignas(32) constexpr auto kClassifyConstants = MakeClassifyConstants();

// The byte mask of v stored as the 32 bits of byte i of the masks `words` (i a multiple of 32).
// Not instrumented, as ClassifyAvx2 it is inlined into (see LineMasks::Prepare).
__attribute__((target("avx2"), always_inline, no_sanitize_address)) inline void StoreMask(
    char* words, size_t i, __m256i v) {
  const auto bits = static_cast<std::uint32_t>(_mm256_movemask_epi8(v));
  std::memcpy(words + (i >> 3), &bits, 4);
}

// 32 0x00 bytes then 32 0xff: the 32 bytes from 32 - j on select the bytes from j on.
alignas(64) constexpr std::array<std::uint8_t, 64> kFromByte = [] {
  std::array<std::uint8_t, 64> a{};
  for (size_t i = 32; i < 64; ++i) a[i] = 0xff;
  return a;
}();

// The longest line ClassifyAvx2<true> classifies; longer ones take memchr and Classify.
constexpr size_t kMaxLineByClassifier = 4096;

// Classifies the n bytes from p. kToNewline: the line from p, which ends at the first '\n' within
// the n bytes (or with them): its length is returned, found from the '\n' bits of the steps that
// classify it instead of by a memchr before them; bytes from the '\n' on are classified as blanks,
// as past a line's end. kNoLine (nothing classified) when the line is longer than
// kMaxLineByClassifier.
template <bool kToNewline>
__attribute__((target("avx2"), no_sanitize_address)) size_t ClassifyAvx2(const char* p, size_t n,
                                                                         LineMasks& m) {
  // kToNewline: classified up to kMaxLineByClassifier bytes, then given up without a '\n'.
  size_t limit = kToNewline ? std::min(n, kMaxLineByClassifier) : n;
  m.Prepare(limit, false);
  const __m256i table = _mm256_broadcastsi128_si256(
      _mm_loadu_si128(reinterpret_cast<const __m128i*>(kSpecialTable.data())));
  const __m256i sub_table = _mm256_broadcastsi128_si256(
      _mm_loadu_si128(reinterpret_cast<const __m128i*>(kSubDelimTable.data())));
  const __m256i high_bit = _mm256_setr_epi8(1, 2, 4, 8, 16, 32, 64, -128, 0, 0, 0, 0, 0, 0, 0, 0, 1,
                                            2, 4, 8, 16, 32, 64, -128, 0, 0, 0, 0, 0, 0, 0, 0);
  const __m256i nibble = _mm256_set1_epi8(0x0f);
  const __m256i zero = _mm256_setzero_si256();
  __m256i control = zero;
  // Raw pointers: stores through them cannot change the vectors' own pointers, which stay in
  // registers. Each 32-byte step stores the low or high half of the masks' words.
  char* const separator = reinterpret_cast<char*>(m.separator.data());
  char* const split = reinterpret_cast<char*>(m.split.data());
  char* const marker = reinterpret_cast<char*>(m.marker.data());
  char* const dot_words = reinterpret_cast<char*>(m.dot.data());
  char* const colon_words = reinterpret_cast<char*>(m.colon.data());
  char* const digit_words = reinterpret_cast<char*>(m.digit.data());
  char* const strip = reinterpret_cast<char*>(m.strip.data());
  // Bytes past the line read as blanks: separators, in no other mask. A last word of 32 bytes
  // has its high half made separators below (the other masks' high bits are never read past the
  // line). The byte constants are read from memory in the loop (operands of the compares) rather
  // than rebuilt in registers each step.
  const auto* k = reinterpret_cast<const __m256i*>(kClassifyConstants.data());
  asm("" : "+r"(k));  // the values unknown to the compiler: compares take them from memory
  for (size_t i = 0; i < limit; i += 32) {
    __m256i b = Load32(p, i, n, ' ');
    if constexpr (kToNewline) {
      const auto newlines = static_cast<std::uint32_t>(
          _mm256_movemask_epi8(_mm256_cmpeq_epi8(b, _mm256_load_si256(k + kNewline))));
      if (newlines != 0) {
        const auto j = static_cast<size_t>(__builtin_ctz(newlines));
        b = _mm256_blendv_epi8(
            b, _mm256_load_si256(k + kC20),
            _mm256_loadu_si256(reinterpret_cast<const __m256i*>(kFromByte.data() + 32 - j)));
        n = limit = i + j;  // this step is the last
      }
    }
    const __m256i low = _mm256_and_si256(b, nibble);
    const __m256i high = _mm256_and_si256(_mm256_srli_epi16(b, 4), nibble);
    const __m256i high_bits = _mm256_shuffle_epi8(high_bit, high);
    const __m256i special = _mm256_and_si256(_mm256_shuffle_epi8(table, low), high_bits);
    const __m256i sub = _mm256_and_si256(_mm256_shuffle_epi8(sub_table, low), high_bits);
    // Bytes < 0x21 or >= 0x80 (signed), 0x7f, and the separators' table.
    const __m256i separator_bytes = _mm256_or_si256(
        _mm256_or_si256(_mm256_cmpgt_epi8(_mm256_load_si256(k + kC21), b),
                        _mm256_cmpeq_epi8(b, _mm256_load_si256(k + kC7f))),
        _mm256_andnot_si256(_mm256_cmpeq_epi8(special, zero), _mm256_load_si256(k + kOnes)));
    const __m256i dot = _mm256_cmpeq_epi8(b, _mm256_load_si256(k + kDot));
    const __m256i colon = _mm256_cmpeq_epi8(b, _mm256_load_si256(k + kColon));
    const __m256i markers = _mm256_or_si256(_mm256_or_si256(dot, colon),
                                            _mm256_cmpeq_epi8(b, _mm256_load_si256(k + kAtSign)));
    const __m256i digit =
        _mm256_andnot_si256(_mm256_cmpgt_epi8(b, _mm256_load_si256(k + kNine)),
                            _mm256_cmpgt_epi8(b, _mm256_load_si256(k + kBeforeZero)));
    control = _mm256_or_si256(control, _mm256_cmpgt_epi8(_mm256_load_si256(k + kC20), b));
    StoreMask(separator, i, separator_bytes);
    StoreMask(split, i,
              _mm256_or_si256(separator_bytes, _mm256_andnot_si256(_mm256_cmpeq_epi8(sub, zero),
                                                                   _mm256_load_si256(k + kOnes))));
    StoreMask(marker, i, markers);
    StoreMask(dot_words, i, dot);
    StoreMask(colon_words, i, colon);
    StoreMask(digit_words, i, digit);
    StoreMask(strip, i,
              _mm256_or_si256(markers, _mm256_cmpeq_epi8(b, _mm256_load_si256(k + kDash))));
  }
  if constexpr (kToNewline) {
    if (limit < n) return kNoLine;  // no '\n' in the first kMaxLineByClassifier bytes
  }
  if (n != 0 && ((n - 1) & 32) == 0) {  // the last step filled a word's low half only
    const size_t last = (n - 1) >> 6;
    m.separator[last] |= ~std::uint64_t{0} << 32;
    m.split[last] |= ~std::uint64_t{0} << 32;
  }
  if constexpr (kToNewline) {  // the sentinel word for the line's length, now known
    m.used_words = (n + 63) / 64 + 1;
    m.separator[m.used_words - 1] = m.split[m.used_words - 1] = ~std::uint64_t{0};
  }
  m.maybe_binary = _mm256_movemask_epi8(control) != 0;
  return n;
}

// Read once at start-up: a function-local static costs a guard check on each of the several
// calls per line.
const bool g_has_avx2 = [] {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") != 0;
}();
bool HasAvx2() { return g_has_avx2; }
#endif

void Classify(std::string_view line, LineMasks& m) {
#if defined(__x86_64__)
  if (!g_force_scalar && !g_portable_classifier && HasAvx2())
    return static_cast<void>(ClassifyAvx2<false>(line.data(), line.size(), m));
#endif
  ClassifyScalar(line.data(), line.size(), m);
}

// Classify() of the line from the start of `text` (up to its first '\n', or all of it), found
// by the classifier: the line's length, or kNoLine when this is not done (a CPU without AVX2,
// the reference or portable settings, a line over kMaxLineByClassifier bytes).
[[maybe_unused]] size_t ClassifyLine(std::string_view text, LineMasks& m) {
#if defined(__x86_64__)
  if (!g_force_scalar && !g_portable_classifier && HasAvx2())
    return ClassifyAvx2<true>(text.data(), text.size(), m);
#endif
  return kNoLine;
}

// Tokenises one line and calls probe(key, raw) for each lookup key. raw: the key is bytes of the
// line (valid as long as the line), to be ASCII-lower-cased; otherwise the key as it is, built in
// a buffer of the tokeniser (valid during the call only).
template <class Probe>
class LineTokenizer {
 public:
  // `url_hosts`: the hosts of the URL indicators (UrlHost of their normalised values); a URL
  // whose host (a name) is not among them is not built and probed, only its host is. Null: every
  // URL is (ExtractLogObservables).
  LineTokenizer(Probe& probe, const std::array<bool, 33>& v4_prefixes,
                const std::array<bool, 129>& v6_prefixes, const BlockedBloom* url_hosts = nullptr)
      : probe_(probe), v6_prefixes_(v6_prefixes), url_hosts_(url_hosts) {
    // The IPv4 prefix lengths in use, longest first: most index sets have none.
    for (int length = 31; length >= 0; --length)
      if (v4_prefixes[static_cast<size_t>(length)]) v4_lengths_.push_back(length);
  }

  // Fields of fewer than 32 bytes without '.', ':' or '@' hold no token and are skipped.
  void Line(std::string_view line) {
    simd_ = SimdTokens();
    Classify(line, masks_);
    Fields(line);
  }

  // Whether the fast path may use SIMD beyond the classifier (as the settings are now).
  static bool SimdTokens() {
#if defined(__x86_64__)
    return !g_portable_classifier && HasAvx2();
#else
    return false;
#endif
  }
  void UseSimd(bool simd) { simd_ = simd; }

  // Line() with the masks already made by Classify.
  void Fields(std::string_view line) {
    line_ = line;
    auto field = [&](size_t begin, size_t end) { Field(Slice(line, begin, end - begin)); };
    if (g_force_scalar)
      masks_.ForEachField(line.size(), field);  // the plain walk, the tests' reference
    else
      CandidateTokens(line.size());
  }

  LineMasks& Masks() { return masks_; }

 private:
  void Field(std::string_view field) {
    if (field.size() < 3) return;
    const auto sep = field.find("://");
    if (sep != std::string_view::npos && sep > 0) {
      size_t scheme = sep;
      while (scheme > 0 &&
             (IsAlpha(field[scheme - 1]) || IsDigit(field[scheme - 1]) ||
              field[scheme - 1] == '+' || field[scheme - 1] == '-' || field[scheme - 1] == '.'))
        --scheme;
      if (scheme < sep) {
        Tokens(Slice(field, 0, scheme));
        Url(Slice(field, scheme));
        return;
      }
    }
    Tokens(field);
  }

  static bool IsSchemeByte(char c) {
    return IsAlpha(c) || IsDigit(c) || c == '+' || c == '-' || c == '.';
  }

  // What Field() does for every candidate field, by the masks of the whole line: the URLs first
  // (the first "://" of a field, found by the colons, with a scheme before it), each taken in
  // line order between the tokens before it; the tokens of the rest found from the bytes that
  // can make one a key ('.', ':', '@') and the 16-byte blocks of runs 32 bytes or longer, without
  // walking fields or the runs of other bytes.
  void CandidateTokens(size_t n) {
    const size_t words = (n + 63) / 64;
    size_t from = 0;  // tokens from here on are still to be found
    size_t done = 0;  // fields before this offset are looked at for a URL
    for (size_t w = 0; w < words; ++w) {
      std::uint64_t colons = masks_.colon[w];
      while (colons != 0) {
        const size_t c = (w << 6) + static_cast<size_t>(__builtin_ctzll(colons));
        colons &= colons - 1;
        if (c + 2 >= n) break;
        if (c < done || line_[c + 1] != '/' || line_[c + 2] != '/') continue;
        const size_t field_begin = masks_.FieldBegin(c);
        const size_t field_end = masks_.FieldEnd(c);
        done = field_end;
        size_t scheme = c;
        while (scheme > field_begin && IsSchemeByte(line_[scheme - 1])) --scheme;
        if (scheme < c) {
          TokensIn(from, scheme);
          Url(Slice(line_, scheme, field_end - scheme), true);
          from = field_end;
        }
        if ((field_end >> 6) > w) {
          w = (field_end >> 6) - 1;
          break;
        }
      }
    }
    TokensIn(from, n);
  }

  // MaskedToken for each run of [a, b) between split bytes (cut at a and b) that holds a '.',
  // ':' or '@' or is 32 bytes or longer: the others are no key.
  void TokensIn(size_t a, size_t b) {
    if (b <= a) return;
    size_t covered = a;
    const size_t last = (b - 1) >> 6;
    for (size_t w = a >> 6; w <= last; ++w) {
      const std::uint64_t inside = ~masks_.split[w];
      std::uint64_t triggers = (masks_.marker[w] & inside) | LineMasks::WholeLanes(inside);
      while (triggers != 0) {
        const size_t at = (w << 6) + static_cast<size_t>(__builtin_ctzll(triggers));
        triggers &= triggers - 1;
        if (at >= b) return;
        if (at < covered) continue;
        const size_t begin = std::max(a, LineMasks::RunBegin(masks_.split, at));
        const size_t end = std::min(b, LineMasks::RunEnd(masks_.split, at));
        covered = end;
        if (end - begin >= 4 || TwoColonsAndOne(begin, end)) MaskedToken(begin, end);
        if ((end >> 6) > w) {
          w = (end >> 6) - 1;  // go on from the token's end
          break;
        }
        triggers &= ~std::uint64_t{0} << (end & 63);  // the token's other markers
      }
    }
  }

  // True for a 3-byte token "::x", the one token under 4 bytes that can be a key ("::1").
  bool TwoColonsAndOne(size_t begin, size_t end) const {
    return end - begin == 3 && line_[begin] == ':' && line_[begin + 1] == ':';
  }

  // The tokens of (a part of) a field: runs between sub-delimiters, of 4 bytes or more ("::x").
  void Tokens(std::string_view part) {
    const auto from = static_cast<size_t>(part.data() - line_.data());
    if (g_force_scalar) {
      // The reference: each token's bytes classified one by one.
      masks_.ForEachToken(from, from + part.size(), [&](size_t begin, size_t end) {
        if (end - begin >= 3) Token(Slice(line_, begin, end - begin));
      });
      return;
    }
    masks_.ForEachToken(from, from + part.size(), [&](size_t begin, size_t end) {
      if (end - begin >= 4 || TwoColonsAndOne(begin, end)) MaskedToken(begin, end);
    });
  }

  // Token() for the line's bytes [begin, end), classified by the line's masks: the bytes to strip
  // from its ends, its digits, letters, dots, colons and '@' are bits of the 64-bit windows it
  // spans. Tokens over 64 bytes take Token().
  __attribute__((always_inline)) void MaskedToken(size_t begin, size_t end) {
    const size_t n = end - begin;
    if (n > 64) return Token(Slice(line_, begin, n));
    const size_t w = begin >> 6;
    const auto s = static_cast<unsigned>(begin & 63);
    const std::uint64_t whole = ~std::uint64_t{0} >> (64 - n);
    const std::uint64_t kept = ~LineMasks::Window(masks_.strip, w, s) & whole;
    // Most tokens start with a kept byte: only the others look for their first kept byte.
    unsigned first = 0;
    unsigned last;
    if ((kept & 1) != 0) [[likely]] {
      last = static_cast<unsigned>(63 - __builtin_clzll(kept));
      if (last < 3) return;  // fewer than 4 bytes left
    } else {
      if (kept == 0) return;
      first = static_cast<unsigned>(__builtin_ctzll(kept));
      last = static_cast<unsigned>(63 - __builtin_clzll(kept));
      // A leading "::" before an IPv6 form is kept (stripped with the rest otherwise).
      if (first >= 2 && ((LineMasks::Window(masks_.colon, w, s) >> (first - 2)) & 3) == 3 &&
          Ipv6Rest(Slice(line_, begin + first, last - first + 1)))
        first -= 2;
      else if (last - first < 3)
        return;  // fewer than 4 bytes left
    }
    const std::uint64_t in = (~std::uint64_t{0} >> (63 - last)) & (~std::uint64_t{0} << first);
    const std::uint64_t marker = LineMasks::Window(masks_.marker, w, s) & in;
    // Under 32 bytes without '.', ':' or '@': no kind of key (see Classified).
    if (marker == 0 && last - first < 31) return;
    const std::uint64_t dot = LineMasks::Window(masks_.dot, w, s) & in;
    const std::uint64_t digit = LineMasks::Window(masks_.digit, w, s) & in;
    const std::string_view t(line_.data() + begin + first, last - first + 1);  // within the line
    // A bare dotted quad, the most frequent token: digits and three dots.
    if ((in & ~(digit | dot)) == 0 && ThreeBits(dot)) {
      if (std::uint32_t v4; ParseV4Dotted(t, dot >> first, v4, simd_)) V4(v4);
      return;
    }
    const std::uint64_t colon = LineMasks::Window(masks_.colon, w, s) & in;
    // Two colons or more, no '@' and no IPv6 form (two adjacent colons, six or seven colons):
    // MAC addresses, times of day; Classified() would find no key (it reads no byte for it).
    if ((colon & (colon - 1)) != 0 && (marker & ~(dot | colon)) == 0 &&
        (colon & (colon >> 1)) == 0 && BitCount(colon) < 6)
      return;
    // Digits with dots and colons only (times of day, decimals, ports) are no key but for an
    // address and port (one colon, three dots) and an IPv6 form (two adjacent colons, or six or
    // seven): what Classified() would find from the same bits, without its counting.
    if ((in & ~(digit | dot | colon)) == 0 && (dot | colon) != 0) {
      const bool address = colon == 0 ? false  // three dots: parsed above
                           : (colon & (colon - 1)) == 0
                               ? ThreeBits(dot)
                               : (colon & (colon >> 1)) != 0 || BitCount(colon) >= 6;
      if (!address) return;
    }
    const std::uint64_t at_sign = marker & ~(dot | colon);
    unsigned kinds = dot != 0 ? kNotHexColon : 0;  // a dot is no hex digit
    if (const std::uint64_t other = in & ~(digit | dot | colon); other != 0) {
      kinds |= kNotDigitDotColon;
      // Letters and hex digits, by the bytes: only tokens with other bytes than digits, dots and
      // colons have letters (looked for from the first such byte up to a letter), and only a
      // token without dots can be all hex digits and colons.
      for (size_t i = static_cast<size_t>(__builtin_ctzll(other)) - first; i < t.size(); ++i) {
        if (IsAlpha(t[i])) {
          kinds |= kLetter;
          break;
        }
      }
      if (dot == 0) {
        unsigned bytes = 0;
        for (const char c : t) bytes |= kTokenBytes[static_cast<unsigned char>(c)];
        kinds |= bytes & kNotHexColon;
      }
    }
    const size_t at = at_sign != 0 ? static_cast<size_t>(63 - __builtin_clzll(at_sign)) - first
                                   : std::string_view::npos;
    Classified(t, kinds, BitCount(dot), BitCount(colon), at);
  }

  void Token(std::string_view t) {
    const char* const begin = t.data();
    while (!t.empty() && kStripBytes[static_cast<unsigned char>(t.front())]) t.remove_prefix(1);
    while (!t.empty() && kStripBytes[static_cast<unsigned char>(t.back())]) t.remove_suffix(1);
    // A leading "::" before an IPv6 form is kept.
    if (t.data() - begin >= 2 && t.data()[-1] == ':' && t.data()[-2] == ':' && Ipv6Rest(t))
      t = std::string_view(t.data() - 2, t.size() + 2);
    else if (t.size() < 4)
      return;
    // A bare dotted quad (the most frequent token) needs no classifying: the pass below would
    // find digits and three dots, no colon, and parse the same.
    if (std::uint32_t v4; IsDigit(t.front()) && ParseV4(t, v4)) {
      V4(v4);
      return;
    }
    // One branch-free pass: which kinds of bytes the token has, and how many dots and colons.
    unsigned kinds = 0;
    size_t colons = 0, dots = 0;
    if (t.size() <= TokenCounts::kMaxBytes) {
      std::uint64_t counts = 0;
      for (const char c : t) counts += kTokenCounts[static_cast<unsigned char>(c)];
      using C = TokenCounts;
      kinds = (C::Field(counts, C::kNotDigitDotColonShift) != 0 ? kNotDigitDotColon : 0) |
              (C::Field(counts, C::kNotHexColonShift) != 0 ? kNotHexColon : 0) |
              (C::Field(counts, C::kLetterShift) != 0 ? kLetter : 0) |
              (C::Field(counts, C::kAtShift) != 0 ? kAt : 0);
      dots = C::Field(counts, C::kDotShift);
      colons = C::Field(counts, C::kColonShift);
    } else {
      for (const char c : t) {
        kinds |= kTokenBytes[static_cast<unsigned char>(c)];
        dots += c == '.';
        colons += c == ':';
      }
    }
    Classified(t, kinds, dots, colons, (kinds & kAt) != 0 ? t.rfind('@') : std::string_view::npos);
  }

  // What a token is, from its byte kinds (kAt aside), its dots and colons and its last '@'.
  void Classified(std::string_view t, unsigned kinds, size_t dots, size_t colons, size_t at) {
    const bool digits_dots = (kinds & kNotDigitDotColon) == 0;
    const bool hex = (kinds & kNotHexColon) == 0;
    const bool alpha = (kinds & kLetter) != 0;
    if (at != std::string_view::npos) {
      if (at == 0 || at + 1 >= t.size()) return;
      probe_(t, true);
      Name(t.substr(at + 1));
      return;
    }
    // A dotted quad, or one and a port; with more colons it is an IPv6 address's tail (below).
    if (digits_dots && dots == 3 && colons <= 1) {
      auto address = t;
      if (colons == 1) address = t.substr(0, t.find(':'));
      std::uint32_t v4;
      if (ParseV4(address, v4)) V4(v4);
      return;
    }
    if (colons >= 2 && (hex || digits_dots || dots <= 3) && t.size() <= 45) {
      // Without "::" an IPv6 address has 7 colons, or 6 and a dotted quad: skip the rest
      // (times of day, MAC addresses) before inet_pton.
      if (colons == 7 || (colons == 6 && dots == 3) || t.find("::") != std::string_view::npos)
        V6(t);
      return;
    }
    if (hex && colons == 0 &&
        (t.size() == 32 || t.size() == 40 || t.size() == 64 || t.size() == 128)) {
      probe_(t, true);
      return;
    }
    if (dots > 0 && alpha) {
      if (colons == 1) {
        const auto colon = t.find(':');
        const auto port = t.substr(colon + 1);
        if (!std::all_of(port.begin(), port.end(), IsDigit)) return;
        t = t.substr(0, colon);
      } else if (colons > 1) {
        return;
      }
      Name(t, true, t.back() == '.' ? kUnknownDots : dots);
    }
  }

  // A name and its parent domains; `in_line`: the name's bytes are the line's (probed as they are,
  // lower-cased by the probe), otherwise a transient buffer's (lower-cased here).
  static constexpr size_t kUnknownDots = ~size_t{0};
  // `dots`: the dots in the name when the caller counted them (and it has no trailing dot).
  void Name(std::string_view name, bool in_line = true, size_t dots = kUnknownDots) {
    while (!name.empty() && name.back() == '.') name.remove_suffix(1);
    if (in_line)
      NameKeys(name, true, dots);
    else
      NameKeys(LowerInto(name, name_buffer_), false, dots);
  }

  // A name without trailing dots, and its parent domains with at least two labels.
  void NameKeys(std::string_view n, bool raw, size_t dots = kUnknownDots) {
    probe_(n, raw);
    if (dots == kUnknownDots) {
      dots = 0;
      for (const char c : n) dots += c == '.';
    }
    for (size_t i = 0; dots >= 2; ++i) {
      if (n[i] != '.') continue;
      --dots;
      probe_(std::string_view(n.data() + i + 1, n.size() - i - 1), raw);
    }
  }

  void V4(std::uint32_t address) {
    // '\x01' and the address's bytes, most significant first, stored as one word (the probe
    // reads the key back as one word).
    char key[8];
    const std::uint64_t word = 0x01 | (std::uint64_t{__builtin_bswap32(address)} << 8);
    std::memcpy(key, &word, 8);
    probe_(std::string_view(key, 5), false);
    for (const int length : v4_lengths_) {
      const std::uint32_t mask = length == 0 ? 0 : ~((1u << (32 - length)) - 1);
      key_ = V4Key(address & mask, length);
      probe_(std::string_view(key_), false);
    }
  }

  void V6(std::string_view t) {
    char text[64];
    std::memcpy(text, t.data(), t.size());
    text[t.size()] = '\0';
    IpNetwork ip;
    ip.v6 = true;
    ip.prefix_length = 128;
    if (inet_pton(AF_INET6, text, ip.bytes.data()) != 1) return;
    key_ = V6Key(ip.bytes, 128);
    probe_(std::string_view(key_), false);
    for (int length = 127; length >= 0; --length) {
      if (!v6_prefixes_[static_cast<size_t>(length)]) continue;
      key_ = V6Key(ip.Masked(length).bytes, length);
      probe_(std::string_view(key_), false);
    }
    // An IPv4-mapped address (::ffff:a.b.c.d, RFC 4291 2.5.5.2) is the IPv4 client a dual-stack
    // socket saw: its IPv4 address and CIDRs too.
    static constexpr std::array<std::uint8_t, 12> kMapped = {0, 0, 0, 0, 0,    0,
                                                             0, 0, 0, 0, 0xff, 0xff};
    if (std::equal(kMapped.begin(), kMapped.end(), ip.bytes.begin())) {
      std::uint32_t v4;
      std::memcpy(&v4, ip.bytes.data() + 12, 4);
      V4(__builtin_bswap32(v4));
    }
  }

  // Lower-cases scheme and host, drops the default port, makes an empty path "/". URLs with
  // percent-encodings, dot segments, user info, IPv6 literals or unusual bytes take the full
  // RFC 3986 normalisation.
  // The authority pass of Url() by the line's masks, for `rest` (the URL after "://", bytes of
  // the line): the bytes of a field up to its first split byte are letters, digits, '.', '-',
  // '_', ':' and '@' only, so that the authority ends at that byte when it is '/', '?' or '#' (or
  // at the end), its last colon, '@' and dots are bits, and a byte other than a digit or a dot
  // makes its host a name (kHostLetter: the URL host filter then applies, as it may to any host
  // that the fast path only lower-cases). False (the byte pass instead) for other ends and for
  // authorities over 64 bytes.
  bool AuthorityByMasks(std::string_view rest, size_t& authority_end, size_t& colon,
                        unsigned& kinds, size_t& dots) const {
    const auto from = static_cast<size_t>(rest.data() - line_.data());
    const size_t stop = std::min(LineMasks::RunEnd(masks_.split, from), from + rest.size());
    const size_t n = stop - from;
    if (n > 64) return false;
    if (stop < from + rest.size() &&
        (kUrlBytes[static_cast<unsigned char>(line_[stop])] & kAuthorityEnd) == 0)
      return false;
    authority_end = n;
    if (n == 0) return true;
    const size_t w = from >> 6;
    const auto s = static_cast<unsigned>(from & 63);
    const std::uint64_t in = ~std::uint64_t{0} >> (64 - n);
    const std::uint64_t dot = LineMasks::Window(masks_.dot, w, s) & in;
    const std::uint64_t colons = LineMasks::Window(masks_.colon, w, s) & in;
    const std::uint64_t at_sign = LineMasks::Window(masks_.marker, w, s) & in & ~(dot | colons);
    const std::uint64_t digit = LineMasks::Window(masks_.digit, w, s) & in;
    if (colons != 0) {
      colon = static_cast<size_t>(63 - __builtin_clzll(colons));
      kinds |= kColonByte | kNotHostByte;
    }
    if (at_sign != 0) kinds |= kNeedsNormalising | kNotHostByte;
    if ((in & ~(digit | dot | colons | at_sign)) != 0) kinds |= kHostLetter;
    dots = BitCount(dot);
    return true;
  }

  void Url(std::string_view u, bool by_masks = false) {
    while (!u.empty() && (u.back() == '.' || u.back() == ',')) u.remove_suffix(1);
    const auto sep = u.find("://");
    const std::string_view rest(u.data() + sep + 3, u.size() - sep - 3);  // u holds "://"
    // One pass over the authority: where it ends, its last ':' and whether it needs the full
    // normalisation ('@', '[', '%'); then one over the rest ('%' or "/.").
    size_t authority_end = 0;
    size_t colon = std::string_view::npos;
    unsigned kinds = 0;
    size_t dots = 0;  // in the host when the URL takes the fast path (the port is digits)
    if (!by_masks || !AuthorityByMasks(rest, authority_end, colon, kinds, dots)) {
      for (; authority_end < rest.size(); ++authority_end) {
        const auto k = kUrlBytes[static_cast<unsigned char>(rest[authority_end])];
        if (k & kAuthorityEnd) break;
        if (k & kColonByte) colon = authority_end;
        kinds |= k;
        dots += (k >> 5) & 1;
      }
    }
    const std::string_view authority(rest.data(), authority_end);  // authority_end <= size
    const std::string_view tail(rest.data() + authority_end, rest.size() - authority_end);
    bool slow = authority.empty() || (kinds & kNeedsNormalising) != 0;
    std::string_view host = authority;
    std::string_view port;
    if (!slow) {
      if (colon != std::string_view::npos) {
        host = Slice(authority, 0, colon);
        port = Slice(authority, colon + 1);
        if (port.empty() || port.size() > 5 || port[0] == '0' ||
            !std::all_of(port.begin(), port.end(), IsDigit))
          slow = true;
      }
      unsigned host_kinds = kinds;  // the authority is the host without a port
      if (colon != std::string_view::npos) {
        host_kinds = 0;
        for (const char c : host) host_kinds |= kUrlBytes[static_cast<unsigned char>(c)];
      }
      if ((host_kinds & kNotHostByte) != 0 || host.empty() || host.back() == '.') slow = true;
      // A host name no URL indicator has: the URL cannot match whatever its path (its normal
      // form, fast or full, has this host lower-cased), only the name is probed. A path that
      // takes the full normalisation still does (a URL it rejects probes nothing, as before).
      if (!slow && url_hosts_ != nullptr && g_url_host_filter && (host_kinds & kHostLetter) != 0 &&
          !url_hosts_->MayContain(FastHash<true>(host.data(), host.size())) &&
          !UrlTailNeedsNormalising(tail)) {
        NameKeys(host, true, dots);
        return;
      }
    }
    slow = slow || UrlTailNeedsNormalising(tail);
    if (slow) {
      auto normalised = NormaliseUrl(u);
      if (!normalised.ok()) return;
      url_ = std::move(*normalised);
      probe_(std::string_view(url_), false);
      const auto h = UrlHost(url_);
      if (std::uint32_t v4; ParseV4(h, v4)) {
        V4(v4);
      } else if (h.find(':') == std::string::npos && !h.empty()) {
        Name(h, false);
      }
      return;
    }
    // scheme "://" host [":" port] ("/" when the rest does not start with one) rest
    const bool default_port = port.empty() || port == DefaultPortOf(LowerScheme(u.substr(0, sep)));
    const bool add_slash = tail.empty() || tail[0] != '/';
    url_.resize(sep + 3 + host.size() + (default_port ? 0 : 1 + port.size()) + add_slash +
                tail.size());
    char* out = url_.data();
    for (size_t i = 0; i < sep; ++i) *out++ = Lower(u[i]);
    *out++ = ':';
    *out++ = '/';
    *out++ = '/';
    for (const char c : host) *out++ = Lower(c);
    if (!default_port) {
      *out++ = ':';
      std::memcpy(out, port.data(), port.size());
      out += port.size();
    }
    if (add_slash) *out++ = '/';
    if (!tail.empty()) std::memcpy(out, tail.data(), tail.size());
    probe_(std::string_view(url_), false);
    if (std::uint32_t v4; ParseV4(host, v4)) {
      V4(v4);
    } else {
      NameKeys(host, true, dots);
    }
  }

  // The scheme lower-cased when it is short (http, https, ftp); empty otherwise.
  std::string_view LowerScheme(std::string_view scheme) {
    if (scheme.size() > sizeof scheme_) return {};
    for (size_t i = 0; i < scheme.size(); ++i) scheme_[i] = Lower(scheme[i]);
    return {scheme_, scheme.size()};
  }

  // Lower-cases into `out` (grown when short, never shrunk) and returns the lowered text.
  static std::string_view LowerInto(std::string_view in, std::string& out) {
    if (out.size() < in.size()) out.resize(std::max<size_t>(in.size(), 256));
    char* o = out.data();
    for (size_t i = 0; i < in.size(); ++i) o[i] = Lower(in[i]);
    return {o, in.size()};
  }

  Probe& probe_;
  std::vector<int> v4_lengths_;  // IPv4 prefix lengths of CIDR indicators, longest first
  const std::array<bool, 129>& v6_prefixes_;
  const BlockedBloom* url_hosts_;
  LineMasks masks_;
  std::string_view line_;  // the line of the masks
  bool simd_ = false;
  char scheme_[8] = {};
  std::string buffer_, name_buffer_, key_, url_;
};

struct Aggregate {
  std::uint64_t first_line = 0;
  std::uint64_t last_line = 0;
  std::uint64_t count = 0;
  std::optional<core::Timestamp> first_seen;
  std::optional<core::Timestamp> last_seen;
};

}  // namespace

struct IocScanner::Impl {
  struct Indicator {
    std::string id;
    std::string value;           // as given, normalised
    std::uint32_t next = kNone;  // next indicator with the same key / pattern
  };
  struct Value {
    std::string_view key;
    std::uint32_t first_indicator;
  };
  detail::Arena arena;
  std::vector<Indicator> indicators;
  std::vector<Value> values;
  detail::StringTable table;
  BlockedBloom prefilter;
  BlockedBloom url_hosts;  // UrlHost of each URL value
  std::vector<std::string_view> url_keys;
  std::array<bool, 33> v4_prefixes{};
  std::array<bool, 129> v6_prefixes{};
  std::vector<detail::PatternSpec> specs;
  std::vector<std::uint32_t> spec_first_indicator;
  detail::PatternDatabase database;

  std::uint32_t FindValue(std::string_view key) const {
    return table.Find(key, [this](std::uint32_t v) { return values[v].key; });
  }

  void AddKey(std::string_view key, std::uint32_t indicator, bool url = false) {
    auto v = FindValue(key);
    if (v == kNone) {
      v = static_cast<std::uint32_t>(values.size());
      values.push_back({arena.Store(key), kNone});
      table.Insert(values.back().key, v);
      if (url) url_keys.push_back(values.back().key);
    }
    indicators[indicator].next = values[v].first_indicator;
    values[v].first_indicator = indicator;
  }

  void Emit(std::uint32_t first_indicator, const Aggregate& a, std::string_view log,
            std::vector<IocSighting>& out) const {
    for (auto i = first_indicator; i != kNone; i = indicators[i].next)
      out.push_back({indicators[i].id, indicators[i].value, std::string(log), a.first_line,
                     a.last_line, a.count, a.first_seen, a.last_seen});
  }
};

IocScanner::IocScanner() : impl_(std::make_unique<Impl>()) {}
IocScanner::~IocScanner() = default;

Status IocScanner::Add(const ScanIndicator& indicator) {
  auto& m = *impl_;
  if (indicator.id.empty()) return InvalidArgument("indicator id is empty", "id");
  const auto index = static_cast<std::uint32_t>(m.indicators.size());
  if (indicator.match != IndicatorMatch::kExact) {
    if (indicator.value.empty()) return InvalidArgument("empty pattern", "value");
    m.indicators.push_back({indicator.id, indicator.value, kNone});
    m.specs.push_back(
        {indicator.value, indicator.match == IndicatorMatch::kSubstring, true, false});
    m.spec_first_indicator.push_back(index);
    return Status::Ok();
  }
  ISSA_ASSIGN_OR_RETURN(auto observable, MakeObservable(indicator.type, indicator.value));
  std::string key;
  switch (observable.type) {
    case ObservableType::kIpv4:
    case ObservableType::kIpv6: {
      ISSA_ASSIGN_OR_RETURN(auto ip, ParseIpNetwork(observable.value));
      if (!ip.v6) {
        const auto address = (std::uint32_t{ip.bytes[0]} << 24) |
                             (std::uint32_t{ip.bytes[1]} << 16) |
                             (std::uint32_t{ip.bytes[2]} << 8) | ip.bytes[3];
        key = V4Key(address, ip.prefix_length);
        if (ip.prefix_length < 32) m.v4_prefixes[static_cast<size_t>(ip.prefix_length)] = true;
      } else {
        key = V6Key(ip.bytes, ip.prefix_length);
        if (ip.prefix_length < 128) m.v6_prefixes[static_cast<size_t>(ip.prefix_length)] = true;
      }
      break;
    }
    case ObservableType::kDomain:
    case ObservableType::kHostname:
    case ObservableType::kUrl:
    case ObservableType::kEmail:
    case ObservableType::kMd5:
    case ObservableType::kSha1:
    case ObservableType::kSha256:
    case ObservableType::kSha512:
      key = observable.value;
      break;
    default: {
      // Values a log token cannot carry whole: found as case-insensitive substrings.
      m.indicators.push_back({indicator.id, observable.value, kNone});
      m.specs.push_back({observable.value, true, true, false});
      m.spec_first_indicator.push_back(index);
      return Status::Ok();
    }
  }
  m.indicators.push_back({indicator.id, observable.value, kNone});
  m.AddKey(key, index, observable.type == ObservableType::kUrl);
  return Status::Ok();
}

std::vector<ScanProblem> IocScanner::Compile() {
  auto& m = *impl_;
  // Prefilter: about 16 bits per value (three set per value in one word), at least 2^16 bits.
  m.prefilter.Reset(m.values.size(), 16);
  for (const auto& v : m.values) m.prefilter.Add(FastHash(v.key.data(), v.key.size()));
  m.url_hosts.Reset(m.url_keys.size(), 16);
  for (const auto key : m.url_keys) {
    const auto host = UrlHost(key);
    m.url_hosts.Add(FastHash(host.data(), host.size()));
  }
  std::vector<ScanProblem> problems;
  for (const auto& r : m.database.Compile(m.specs))
    problems.push_back(
        {m.indicators[m.spec_first_indicator[r.index]].id,
         InvalidArgument(fmt::format("pattern not supported: {}", r.message), "value")});
  return problems;
}

std::size_t IocScanner::AtomicCount() const {
  return impl_->indicators.size() - impl_->specs.size();
}
std::size_t IocScanner::PatternCount() const { return impl_->specs.size(); }
std::size_t IocScanner::PatternBytes() const { return impl_->database.Bytes(); }

ScanSummary IocScanner::ScanText(std::string_view text, std::string_view log_name,
                                 std::vector<IocSighting>& sightings) const {
  const auto& m = *impl_;
  ScanSummary summary;
  summary.bytes = text.size();
  const size_t first_new = sightings.size();
  std::unordered_map<std::uint32_t, Aggregate> atomic_hits;
  std::unordered_map<std::uint32_t, Aggregate> pattern_hits;
  std::vector<std::uint32_t> line_hits;
  std::uint64_t line_number = 0;

  auto record = [](Aggregate& a, std::uint64_t number, std::string_view line) {
    if (a.count == 0) a.first_line = number;
    a.last_line = number;
    ++a.count;
    if (auto t = LineTime(line)) {
      if (!a.first_seen || *t < *a.first_seen) a.first_seen = t;
      if (!a.last_seen || *t > *a.last_seen) a.last_seen = t;
    }
  };
  // The probes of a batch of lines are made first, each key's prefilter word prefetched as the
  // key is made, and tested after the whole batch is tokenised: the cache misses overlap with
  // the tokenising of the following lines instead of being paid one after another.
  // Keys that are bytes of the line are not copied: they are hashed lower-cased in place, and
  // lower-cased only when the prefilter lets them through.
  constexpr size_t kBatchLines = 16;
  // Keys of 1 to 7 bytes that are not the line's (IPv4 keys) are kept in the entry itself.
  struct Pending {
    std::uint64_t hash;
    const char* raw;            // the key's bytes in the line, or null:
    std::uint64_t small_or_at;  // length < 8: the key's bytes; otherwise its offset in pending_keys
    std::uint32_t length;
    std::uint32_t line;  // index in the batch
  };
  size_t batch_size = 0;
  // Filled field by field in place (an entry built on the stack and copied in was read back by
  // 16-byte loads from narrower stores: a failed store-to-load forward per key).
  std::vector<Pending> pending(256);
  size_t pending_count = 0;
  auto push = [&](std::uint64_t h, const char* raw, std::uint64_t small_or_at, size_t length) {
    if (pending_count == pending.size()) [[unlikely]]
      pending.resize(pending.size() * 2);
    Pending& p = pending[pending_count++];
    p.hash = h;
    p.raw = raw;
    p.small_or_at = small_or_at;
    p.length = static_cast<std::uint32_t>(length);
    p.line = static_cast<std::uint32_t>(batch_size);
  };
  std::string pending_keys, lowered;
  std::array<std::string_view, kBatchLines> batch_lines;
  std::array<std::uint64_t, kBatchLines> batch_numbers{};
  auto probe = [&](std::string_view key, bool raw) {
    if (raw) {
      const auto h = FastHash<true>(key.data(), key.size());
      m.prefilter.Prefetch(h);
      push(h, key.data(), 0, key.size());
      return;
    }
    if (key.size() - 1 < 7) {
      const std::uint64_t word = TailWord(key.data(), key.size(), false);
      const auto h = FastHashSmall(word, key.size());
      m.prefilter.Prefetch(h);
      push(h, nullptr, word, key.size());
      return;
    }
    const auto h = FastHash(key.data(), key.size());
    m.prefilter.Prefetch(h);
    push(h, nullptr, pending_keys.size(), key.size());
    pending_keys.append(key);
  };
  auto flush_line = [&](std::uint32_t line) {
    if (line_hits.empty()) return;
    ++summary.matched_lines;
    for (auto v : line_hits) record(atomic_hits[v], batch_numbers[line], batch_lines[line]);
    line_hits.clear();
  };
  auto resolve = [&] {
    std::uint32_t line = 0;
    for (size_t e = 0; e < pending_count; ++e) {
      const Pending& p = pending[e];
      if (!m.prefilter.MayContain(p.hash)) continue;
      std::string_view key;
      char small[8];
      if (p.raw != nullptr) {
        lowered.assign(p.raw, p.length);
        for (auto& c : lowered) c = Lower(c);
        key = lowered;
      } else if (p.length < 8) {
        for (size_t i = 0; i < 8; ++i) small[i] = static_cast<char>(p.small_or_at >> (8 * i));
        key = std::string_view(small, p.length);
      } else {
        key = std::string_view(pending_keys).substr(p.small_or_at, p.length);
      }
      const auto v = m.FindValue(key);
      if (v == kNone) continue;
      if (p.line != line) {
        flush_line(line);
        line = p.line;
      }
      if (std::find(line_hits.begin(), line_hits.end(), v) == line_hits.end())
        line_hits.push_back(v);
    }
    flush_line(line);
    pending_count = 0;
    pending_keys.clear();
    batch_size = 0;
  };
  LineTokenizer tokenizer(probe, m.v4_prefixes, m.v6_prefixes, &m.url_hosts);
  tokenizer.UseSimd(tokenizer.SimdTokens());
  auto scratch = m.database.MakeScratch();
  std::vector<std::uint32_t> line_starts;
  std::vector<std::uint64_t> last_pattern_line(m.specs.size(), 0);

  constexpr size_t kChunk = 1 << 20;
  size_t chunk_start = 0;
  while (chunk_start < text.size()) {
    size_t chunk_end = std::min(text.size(), chunk_start + kChunk);
    if (chunk_end < text.size()) {
      const auto nl = text.find('\n', chunk_end);
      chunk_end = nl == std::string_view::npos ? text.size() : nl + 1;
    }
    const auto chunk = text.substr(chunk_start, chunk_end - chunk_start);
    const std::uint64_t first_line_of_chunk = line_number + 1;
    line_starts.clear();
    size_t pos = 0;
    while (pos < chunk.size()) {
      // The line's end from the classifier's '\n' bits, or by memchr before classifying it.
      const size_t length = ClassifyLine(Slice(chunk, pos), tokenizer.Masks());
      size_t end = pos + length;
      if (length == kNoLine) {
        const auto nl = chunk.find('\n', pos);
        end = nl == std::string_view::npos ? chunk.size() : nl;
        Classify(Slice(chunk, pos, end - pos), tokenizer.Masks());
      }
      const auto line = Slice(chunk, pos, end - pos);
      ++line_number;
      line_starts.push_back(static_cast<std::uint32_t>(pos));
      if (tokenizer.Masks().maybe_binary && IsBinaryLine(line)) ++summary.binary_lines;
      if (!m.values.empty()) {
        batch_lines[batch_size] = line;
        batch_numbers[batch_size] = line_number;
        tokenizer.Fields(line);
        if (++batch_size == kBatchLines) resolve();
      }
      pos = end + 1;
    }
    if (batch_size > 0) resolve();
    if (!m.database.Empty()) {
      m.database.Scan(chunk, scratch.get(), [&](unsigned spec, unsigned long long to) {
        const auto at = std::upper_bound(line_starts.begin(), line_starts.end(),
                                         static_cast<std::uint32_t>(to - 1)) -
                        line_starts.begin() - 1;
        const std::uint64_t line = first_line_of_chunk + static_cast<std::uint64_t>(at);
        if (last_pattern_line[spec] == line) return;
        last_pattern_line[spec] = line;
        const auto start = line_starts[static_cast<size_t>(at)];
        auto end = chunk.find('\n', start);
        if (end == std::string_view::npos) end = chunk.size();
        record(pattern_hits[spec], line, chunk.substr(start, end - start));
      });
    }
    chunk_start = chunk_end;
  }
  summary.lines = line_number;
  for (const auto& [v, a] : atomic_hits)
    m.Emit(m.values[v].first_indicator, a, log_name, sightings);
  for (const auto& [s, a] : pattern_hits) m.Emit(m.spec_first_indicator[s], a, log_name, sightings);
  std::sort(sightings.begin() + static_cast<std::ptrdiff_t>(first_new), sightings.end(),
            [](const IocSighting& x, const IocSighting& y) {
              return std::tie(x.first_line, x.indicator_id, x.value) <
                     std::tie(y.first_line, y.indicator_id, y.value);
            });
  return summary;
}

Result<ScanSummary> IocScanner::ScanFile(const std::string& path,
                                         std::vector<IocSighting>& sightings) const {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return NotFound(fmt::format("cannot open log {}: {}", path, std::strerror(errno)));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return InvalidArgument(fmt::format("log {} is not a regular file", path), "log");
  }
  if (st.st_size == 0) {
    ::close(fd);
    return ScanSummary{};
  }
  void* data = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (data == MAP_FAILED)
    return Unavailable(fmt::format("cannot map log {}: {}", path, std::strerror(errno)));
  ::madvise(data, static_cast<size_t>(st.st_size), MADV_SEQUENTIAL);
  const auto summary =
      ScanText(std::string_view(static_cast<const char*>(data), static_cast<size_t>(st.st_size)),
               path, sightings);
  ::munmap(data, static_cast<size_t>(st.st_size));
  return summary;
}

void ExtractLogObservables(std::string_view line,
                           const std::function<void(ObservableType, std::string_view)>& on_token) {
  std::string lowered;
  auto probe = [&](std::string_view key, bool raw) {
    if (raw) {
      lowered.assign(key);
      for (auto& c : lowered) c = Lower(c);
      key = lowered;
    }
    if (key.empty()) return;
    if (key[0] == '\x01' && key.size() == 5) {
      const auto ip = fmt::format(
          "{}.{}.{}.{}", static_cast<unsigned char>(key[1]), static_cast<unsigned char>(key[2]),
          static_cast<unsigned char>(key[3]), static_cast<unsigned char>(key[4]));
      on_token(ObservableType::kIpv4, ip);
    } else if (key[0] == '\x03' && key.size() == 17) {
      IpNetwork ip;
      ip.v6 = true;
      ip.prefix_length = 128;
      std::memcpy(ip.bytes.data(), key.data() + 1, 16);
      on_token(ObservableType::kIpv6, ip.ToString());
    } else if (key.find("://") != std::string_view::npos) {
      on_token(ObservableType::kUrl, key);
    } else if (key.find('@') != std::string_view::npos) {
      on_token(ObservableType::kEmail, key);
    } else if (key.find('.') == std::string_view::npos) {
      const auto type = key.size() == 32   ? ObservableType::kMd5
                        : key.size() == 40 ? ObservableType::kSha1
                        : key.size() == 64 ? ObservableType::kSha256
                                           : ObservableType::kSha512;
      on_token(type, key);
    } else {
      on_token(ObservableType::kDomain, key);
    }
  };
  static const std::array<bool, 33> kNoV4{};
  static const std::array<bool, 129> kNoV6{};
  LineTokenizer tokenizer(probe, kNoV4, kNoV6);
  tokenizer.Line(line);
}

namespace detail {
void UseScalarLineClassifier(bool scalar) { g_force_scalar = scalar; }
void UsePortableLineClassifier(bool portable) { g_portable_classifier = portable; }
void UseUrlHostFilter(bool filter) { g_url_host_filter = filter; }
}  // namespace detail

std::string SightingNdjson(const IocSighting& s) {
  nlohmann::json j = {{"indicator", s.indicator_id}, {"value", s.value},
                      {"log", s.log_file},           {"line", s.first_line},
                      {"last_line", s.last_line},    {"count", s.count}};
  if (s.first_seen) j["first_seen"] = core::FormatTimestamp(*s.first_seen);
  if (s.last_seen) j["last_seen"] = core::FormatTimestamp(*s.last_seen);
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace issa::cyber
