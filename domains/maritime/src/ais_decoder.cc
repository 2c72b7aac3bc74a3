#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "issa/core/time.h"
#include "issa/maritime/ais.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#define ISSA_AIS_SSE2 1
#else
#define ISSA_AIS_SSE2 0
#endif

namespace issa::maritime {
namespace {

constexpr uint8_t kBad = 0x80;

// 6-bit armouring (ITU-R M.1371-5 / IEC 61162-1 table 7): '0'-'W' -> 0-39, '`'-'w' -> 40-63.
constexpr std::array<uint8_t, 256> MakeSixBitTable() {
  std::array<uint8_t, 256> t{};
  for (auto& v : t) v = kBad;
  for (int c = '0'; c <= 'W'; ++c) t[static_cast<size_t>(c)] = static_cast<uint8_t>(c - 48);
  for (int c = '`'; c <= 'w'; ++c) t[static_cast<size_t>(c)] = static_cast<uint8_t>(c - 56);
  return t;
}
constexpr std::array<uint8_t, 256> kSixBit = MakeSixBitTable();

constexpr std::array<uint8_t, 256> MakeHexTable() {
  std::array<uint8_t, 256> t{};
  for (auto& v : t) v = kBad;
  for (int c = '0'; c <= '9'; ++c) t[static_cast<size_t>(c)] = static_cast<uint8_t>(c - '0');
  for (int c = 'A'; c <= 'F'; ++c) t[static_cast<size_t>(c)] = static_cast<uint8_t>(c - 'A' + 10);
  for (int c = 'a'; c <= 'f'; ++c) t[static_cast<size_t>(c)] = static_cast<uint8_t>(c - 'a' + 10);
  return t;
}
constexpr std::array<uint8_t, 256> kHex = MakeHexTable();

// Six-bit ASCII (the text alphabet of AIS string fields).
constexpr std::string_view kSixBitAscii =
    "@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_ !\"#$%&'()*+,-./0123456789:;<=>?";

// Minimum payload bits per message type (0 = undefined type), from the message tables of
// ITU-R M.1371-5 (types 1-3 from 163 bits: gpsd reads the radio field from the bits present).
// Type 24 is checked per part.
constexpr std::array<uint16_t, 28> kMinBits = {0,  163, 163, 163, 168, 420, 88, 72, 56,  168,
                                               72, 168, 72,  72,  40,  88,  96, 80, 168, 312,
                                               72, 272, 168, 160, 160, 40,  60, 96};
// Maximum bits of fixed-length types (0 = variable length).
constexpr std::array<uint16_t, 28> kMaxBits = {0,   168, 168, 168, 168, 424, 0,    168, 0,   168,
                                               72,  168, 0,   168, 0,   160, 144,  816, 168, 312,
                                               160, 360, 168, 160, 168, 168, 1064, 96};

// Bit offsets of the 28-bit longitude and 27-bit latitude of the types that carry a position in
// 1/10000 minute (0 = none; type 27's coarser position is checked apart).
struct PositionAt {
  uint8_t lon = 0;
  uint8_t lat = 0;
};
constexpr std::array<PositionAt, 28> MakePositionAt() {
  std::array<PositionAt, 28> t{};
  for (const int type : {1, 2, 3, 9}) t[static_cast<size_t>(type)] = {61, 89};
  for (const int type : {4, 11}) t[static_cast<size_t>(type)] = {79, 107};
  for (const int type : {18, 19}) t[static_cast<size_t>(type)] = {57, 85};
  t[21] = {164, 192};
  return t;
}
constexpr std::array<PositionAt, 28> kPositionAt = MakePositionAt();

uint8_t XorRange(const char* p, size_t n) {
  uint64_t acc = 0;
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    acc ^= w;
    p += 8;
    n -= 8;
  }
  acc ^= acc >> 32;
  acc ^= acc >> 16;
  acc ^= acc >> 8;
  auto x = static_cast<uint8_t>(acc);
  while (n-- > 0) x ^= static_cast<uint8_t>(*p++);
  return x;
}

// ORs the top `bits` bits of `v` into the words at bit `pos` (the target bits must be zero).
inline void PutBits(uint64_t v, size_t pos, AisMessage& m) {
  const size_t w = pos >> 6;
  const unsigned off = pos & 63U;
  m.words[w] |= v >> off;
  if (off != 0) m.words[w + 1] |= v << (64 - off);
}

// De-armours `n` characters into m.words from bit `pos`. Returns false on a bad character.
bool Dearmour(const char* s, size_t n, size_t pos, AisMessage& m) {
  uint8_t bad = 0;
  while (n >= 10) {
    uint64_t acc = 0;
    for (int i = 0; i < 10; ++i) {
      const uint8_t v = kSixBit[static_cast<uint8_t>(s[i])];
      bad |= v;
      acc = (acc << 6) | (v & 63U);
    }
    PutBits(acc << 4, pos, m);
    pos += 60;
    s += 10;
    n -= 10;
  }
  if (n > 0) {
    uint64_t acc = 0;
    for (size_t i = 0; i < n; ++i) {
      const uint8_t v = kSixBit[static_cast<uint8_t>(s[i])];
      bad |= v;
      acc = (acc << 6) | (v & 63U);
    }
    PutBits(acc << (64 - 6 * n), pos, m);
  }
  return (bad & kBad) == 0;
}

// Zeroes the words a payload of `bits` bits (plus the 128-bit read margin) occupies.
inline void ClearWords(AisMessage& m, size_t bits) {
  const size_t n = std::min(m.words.size(), bits / 64 + 4);
  std::memset(m.words.data(), 0, n * sizeof(uint64_t));
}

// A decimal number of up to 18 digits; false if empty or not all digits.
bool ParseUint(std::string_view s, int64_t& out) {
  if (s.empty() || s.size() > 18) return false;
  int64_t v = 0;
  for (const char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

// Seconds or milliseconds since the epoch -> milliseconds (13+ digits are taken as ms).
inline int64_t ToMs(int64_t v) { return v >= 100'000'000'000 ? v : v * 1000; }

uint64_t Fnv1a(std::string_view s) {
  uint64_t h = 1469598103934665603ULL;
  for (const char c : s) {
    h ^= static_cast<uint8_t>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

inline bool IsSpace(char c) { return c == '\r' || c == ' ' || c == '\t' || c == '\n'; }

#if ISSA_AIS_SSE2
// Lines are read by the fast path only when at least this many bytes are left in the buffer.
constexpr ptrdiff_t kFastMinBytes = 64;
constexpr size_t kNoPayloadEnd = ~size_t{0};
// How far ahead of the line being decoded the input is prefetched.
constexpr ptrdiff_t kPrefetchAhead = 1024;

inline __m128i Load16(const char* s) {
  return _mm_loadu_si128(reinterpret_cast<const __m128i*>(s));
}

// kPrefixBytes + 16 - n: 16 bytes of which the first n are 0xFF.
alignas(16) constexpr std::array<uint8_t, 32> kPrefixBytes = {
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0};

// XOR of s[0, n) in 16-byte blocks; the bytes up to the next multiple of 16 must be readable.
inline uint8_t XorBlocks(const char* s, size_t n) {
  __m128i acc = _mm_setzero_si128();
  while (n >= 16) {
    acc = _mm_xor_si128(acc, Load16(s));
    s += 16;
    n -= 16;
  }
  if (n != 0) {
    const __m128i mask = _mm_loadu_si128(
        reinterpret_cast<const __m128i*>(kPrefixBytes.data() + 16 - static_cast<ptrdiff_t>(n)));
    acc = _mm_xor_si128(acc, _mm_and_si128(Load16(s), mask));
  }
  uint64_t x = static_cast<uint64_t>(_mm_cvtsi128_si64(acc)) ^
               static_cast<uint64_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(acc, acc)));
  x ^= x >> 32;
  x ^= x >> 16;
  x ^= x >> 8;
  return static_cast<uint8_t>(x);
}

// The first '\n' in [p, end), or nullptr; for short lines, faster than a call to memchr.
inline const char* FindNewline(const char* p, const char* end) {
  const __m128i nl = _mm_set1_epi8('\n');
  for (; end - p >= 16; p += 16) {
    const auto m = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(Load16(p), nl)));
    if (m != 0) return p + __builtin_ctz(m);
  }
  return static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
}

// Appends bits to payload words, most significant first, from bit `pos`. The bits of words[pos /
// 64] below `pos` and all later words are overwritten (no need to zero them first).
class BitWriter {
 public:
  BitWriter(uint64_t* words, size_t pos)
      : words_(words),
        w_(pos >> 6),
        n_(static_cast<unsigned>(pos & 63U)),
        acc_(n_ == 0 ? 0 : words[pos >> 6] & (~uint64_t{0} << (64 - n_))) {}
  // Appends the k low bits of x (1 <= k <= 48).
  void Put(uint64_t x, unsigned k) {
    const uint64_t y = x << (64 - k);
    acc_ |= y >> n_;
    n_ += k;
    if (n_ >= 64) {
      words_[w_++] = acc_;
      n_ -= 64;
      acc_ = y << (k - n_);
    }
  }
  void Flush() { words_[w_] = acc_; }

 private:
  uint64_t* words_;
  size_t w_;
  unsigned n_;
  uint64_t acc_;
};

// Reads the payload at `s` up to its first byte outside the 6-bit alphabet, 16 bytes at a time
// (no block read passes `end`). With kWrite, stores the payload bits in `words` from bit `pos`
// (see BitWriter). Returns the number of payload characters, or kNoPayloadEnd when the next
// block would pass `end` or the payload would exceed kMaxPayloadBits.
template <bool kWrite>
size_t ScanPayload(const char* s, const char* end, uint64_t* words, size_t pos) {
  BitWriter out(words, kWrite ? pos : 0);
  size_t chars = 0;
  for (;;) {
    if (end - s < 16 || chars > kMaxPayloadBits / 6) [[unlikely]] {
      return kNoPayloadEnd;
    }
    const __m128i x = Load16(s);
    const __m128i a = _mm_sub_epi8(x, _mm_set1_epi8(48));  // '0'-'W' -> 0-39
    const __m128i b = _mm_sub_epi8(x, _mm_set1_epi8(96));  // '`'-'w' -> 0-23
    const __m128i in_a = _mm_cmpeq_epi8(_mm_min_epu8(a, _mm_set1_epi8(39)), a);
    const __m128i in_b = _mm_cmpeq_epi8(_mm_min_epu8(b, _mm_set1_epi8(23)), b);
    const auto ok = static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(in_a, in_b)));
    const unsigned valid = ok == 0xFFFFU ? 16U : static_cast<unsigned>(__builtin_ctz(~ok));
    if constexpr (kWrite) {
      if (valid != 0) {
        // Six-bit values ('`'-'w' are 8 below their a), packed 2 -> 12 bits -> 24 bits.
        const __m128i v = _mm_and_si128(_mm_sub_epi8(a, _mm_and_si128(in_b, _mm_set1_epi8(8))),
                                        _mm_set1_epi8(0x3F));
        const __m128i t = _mm_or_si128(_mm_slli_epi16(_mm_and_si128(v, _mm_set1_epi16(0xFF)), 6),
                                       _mm_srli_epi16(v, 8));
        const __m128i u = _mm_madd_epi16(t, _mm_set1_epi32(0x00011000));
        const auto lo = static_cast<uint64_t>(_mm_cvtsi128_si64(u));
        const auto hi = static_cast<uint64_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(u, u)));
        const uint64_t first = ((lo & 0xFFFFFFU) << 24) | (lo >> 32);   // characters 0-7
        const uint64_t second = ((hi & 0xFFFFFFU) << 24) | (hi >> 32);  // characters 8-15
        if (valid <= 8) {
          out.Put(first >> (48 - 6 * valid), 6 * valid);
        } else {
          out.Put(first, 48);
          out.Put(second >> (48 - 6 * (valid - 8)), 6 * (valid - 8));
        }
      }
    }
    chars += valid;
    if (valid < 16) {
      if constexpr (kWrite) out.Flush();
      return chars;
    }
    s += 16;
  }
}

// ScanPayload<true> from bit 0, for a single-sentence message: each block's 96 bits are stored
// whole (two blocks fill three words), characters past the payload as zero bits.
inline size_t ScanSinglePayload(const char* s, const char* end, uint64_t* words) {
  size_t chars = 0;
  for (size_t k = 0;; ++k, s += 16) {
    if (end - s < 16 || chars > kMaxPayloadBits / 6) [[unlikely]] {
      return kNoPayloadEnd;
    }
    const __m128i x = Load16(s);
    const __m128i a = _mm_sub_epi8(x, _mm_set1_epi8(48));
    const __m128i b = _mm_sub_epi8(x, _mm_set1_epi8(96));
    const __m128i in_a = _mm_cmpeq_epi8(_mm_min_epu8(a, _mm_set1_epi8(39)), a);
    const __m128i in_b = _mm_cmpeq_epi8(_mm_min_epu8(b, _mm_set1_epi8(23)), b);
    const auto ok = static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(in_a, in_b)));
    __m128i v =
        _mm_and_si128(_mm_sub_epi8(a, _mm_and_si128(in_b, _mm_set1_epi8(8))), _mm_set1_epi8(0x3F));
    unsigned valid = 16;
    if (ok != 0xFFFFU) {
      valid = static_cast<unsigned>(__builtin_ctz(~ok));
      v = _mm_and_si128(v, _mm_loadu_si128(reinterpret_cast<const __m128i*>(
                               kPrefixBytes.data() + 16 - static_cast<ptrdiff_t>(valid))));
    }
    const __m128i t = _mm_or_si128(_mm_slli_epi16(_mm_and_si128(v, _mm_set1_epi16(0xFF)), 6),
                                   _mm_srli_epi16(v, 8));
    const __m128i u = _mm_madd_epi16(t, _mm_set1_epi32(0x00011000));
    const auto lo = static_cast<uint64_t>(_mm_cvtsi128_si64(u));
    const auto hi = static_cast<uint64_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(u, u)));
    // Bits 0-63 and 64-95 of the block.
    const uint64_t top = ((lo & 0xFFFFFFU) << 40) | ((lo >> 32) << 16) | ((hi & 0xFFFFFFU) >> 8);
    const uint64_t low = (hi << 56) | ((hi >> 32) << 32);
    uint64_t* w = words + (k >> 1) * 3;
    if ((k & 1U) == 0) {
      w[0] = top;
      w[1] = low;
    } else {
      w[1] |= top >> 32;
      w[2] = (top << 32) | (low >> 32);
    }
    chars += valid;
    if (valid < 16) return chars;
  }
}

// Eight ASCII digits, the first in the lowest byte, as a number (leading 0 bytes read as zeros).
inline uint64_t EightDigits(uint64_t v) {
  v = (v & 0x0F0F0F0F0F0F0F0FULL) * 2561 >> 8;
  v = (v & 0x00FF00FF00FF00FFULL) * 6553601 >> 16;
  return (v & 0x0000FFFF0000FFFFULL) * 42949672960001ULL >> 32;
}

// The run of 1-16 decimal digits at `d` (16 bytes readable), as ParseUint reads it: its length
// in `digits` (0 when there is none, 17 when it is longer than 16) and its value.
inline uint64_t ParseDigits16(const char* d, unsigned& digits) {
  const __m128i x = _mm_sub_epi8(Load16(d), _mm_set1_epi8('0'));
  const auto is_digit = static_cast<unsigned>(
      _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(9)), x)));
  if (is_digit == 0xFFFFU) {
    digits = 17;
    return 0;
  }
  const auto n = static_cast<unsigned>(__builtin_ctz(~is_digit));
  digits = n;
  if (n == 0) return 0;
  uint64_t w0 = 0;
  std::memcpy(&w0, d, 8);
  if (n <= 8) return EightDigits(w0 << (8 * (8 - n)));
  static constexpr std::array<uint64_t, 9> kPow10 = {1,      10,      100,      1000,     10000,
                                                     100000, 1000000, 10000000, 100000000};
  uint64_t w1 = 0;
  std::memcpy(&w1, d + 8, 8);
  return EightDigits(w0) * kPow10[n - 8] + EightDigits(w1 << (8 * (16 - n)));
}

inline bool IsAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}
#endif  // ISSA_AIS_SSE2

}  // namespace

std::string_view AisErrorName(AisError error) {
  static constexpr std::array<std::string_view, static_cast<size_t>(AisError::kCount)> kNames = {
      "not_nmea",
      "line_too_long",
      "bad_tag_block",
      "missing_checksum",
      "bad_checksum",
      "malformed_sentence",
      "bad_fragment_numbers",
      "bad_fill_bits",
      "bad_payload_character",
      "payload_too_long",
      "empty_payload",
      "orphan_fragment",
      "out_of_order_fragment",
      "incomplete_group",
      "unknown_type",
      "too_short"};
  const auto i = static_cast<size_t>(error);
  return i < kNames.size() ? kNames[i] : "unknown";
}

std::string_view AisWarningName(AisWarning warning) {
  static constexpr std::array<std::string_view, static_cast<size_t>(AisWarning::kCount)> kNames = {
      "mmsi_zero", "bad_position", "length_mismatch"};
  const auto i = static_cast<size_t>(warning);
  return i < kNames.size() ? kNames[i] : "unknown";
}

uint64_t AisStats::TotalErrors() const {
  uint64_t n = 0;
  for (const uint64_t e : errors) n += e;
  return n;
}

void AisMessage::AppendText(size_t start, size_t chars, std::string& out) const {
  const size_t first = out.size();
  for (size_t i = 0; i < chars && start + 6 * (i + 1) <= bit_count; ++i) {
    out.push_back(kSixBitAscii[Bits(start + 6 * i, 6)]);
  }
  // gpsd ends the text at the first '@' (the padding character), then drops trailing spaces.
  size_t end = out.find('@', first);
  if (end == std::string::npos) end = out.size();
  while (end > first && out[end - 1] == ' ') --end;
  out.resize(end);
}

AisDecoder::AisDecoder(AisDecoderOptions options) : options_(options) {
  pending_.reserve(options_.max_line_bytes + 2);
}

const AisMessage* AisDecoder::DecodeLine(std::string_view line) {
  ++stats_.lines;
  while (!line.empty() && IsSpace(line.back())) line.remove_suffix(1);
  while (!line.empty() && IsSpace(line.front())) line.remove_prefix(1);
  if (line.empty()) {
    ++stats_.blank_lines;
    return nullptr;
  }
  if (line.size() > options_.max_line_bytes) {
    CountError(AisError::kLineTooLong);
    return nullptr;
  }
  std::string_view source;
  int64_t tag_time_s = -1;
  if (line.front() == '\\') {
    // NMEA 4.10 tag block: \key:value,key:value*hh\ before the sentence.
    const size_t close = line.find('\\', 1);
    if (close == std::string_view::npos) {
      CountError(AisError::kBadTagBlock);
      return nullptr;
    }
    std::string_view tag = line.substr(1, close - 1);
    const size_t star = tag.rfind('*');
    if (star != std::string_view::npos) {
      if (star + 3 != tag.size()) {
        CountError(AisError::kBadTagBlock);
        return nullptr;
      }
      const uint8_t h = kHex[static_cast<uint8_t>(tag[star + 1])];
      const uint8_t l = kHex[static_cast<uint8_t>(tag[star + 2])];
      if (((h | l) & kBad) != 0 || XorRange(tag.data(), star) != ((h << 4) | l)) {
        CountError(AisError::kBadTagBlock);
        return nullptr;
      }
      tag = tag.substr(0, star);
    }
    while (!tag.empty()) {
      const size_t comma = tag.find(',');
      const std::string_view item = tag.substr(0, comma);
      if (item.size() >= 2 && item[1] == ':') {
        if (item[0] == 's') {
          source = item.substr(2);
        } else if (item[0] == 'c') {
          int64_t v = 0;
          if (ParseUint(item.substr(2), v)) tag_time_s = ToMs(v) / 1000;
        }
      }
      if (comma == std::string_view::npos) break;
      tag.remove_prefix(comma + 1);
    }
    line.remove_prefix(close + 1);
    if (line.empty()) {  // a tag block alone on its line
      ++stats_.other_sentences;
      return nullptr;
    }
  }
  if (line.front() != '!') {
    if (line.front() == '$' || line.front() == '#') {
      ++stats_.other_sentences;
      if (line.starts_with("$PGHP")) ReadHeader(line);
      return nullptr;
    }
    // Some logs prefix sentences with their own timestamp or station name.
    const size_t bang = line.find('!');
    if (bang == std::string_view::npos) {
      CountError(AisError::kNotNmea);
      return nullptr;
    }
    line.remove_prefix(bang);
  }
  return DecodeSentence(line, source, tag_time_s);
}

const char* AisDecoder::DecodeLines(const char* p, const char* end, const AisMessage*& out) {
  out = nullptr;
  while (p < end) {
#if ISSA_AIS_SSE2
    if (end - p >= kFastMinBytes) {
      // The hardware prefetcher alone leaves the first read of each line waiting for memory.
      if (end - p > kPrefetchAhead) __builtin_prefetch(p + kPrefetchAhead);
      if (*p == '!') {
        const char* next = nullptr;
        const AisMessage* m = nullptr;
        if (DecodeFast(p, end, next, m)) {
          p = next;
          if (m != nullptr) {
            out = m;
            return p;
          }
          continue;
        }
      } else if (*p == '$') {  // $PGHP, GNSS, alarms ...: only the line end matters
        const char* nl = FindNewline(p, end);
        if (nl != nullptr && static_cast<size_t>(nl - p) <= options_.max_line_bytes) {
          ++stats_.lines;
          ++stats_.other_sentences;
          if (p[1] == 'P' && p[2] == 'G' && p[3] == 'H' && p[4] == 'P') {
            ReadHeader(std::string_view(p, static_cast<size_t>(nl - p)));
          }
          p = nl + 1;
          continue;
        }
      }
    }
#endif
    const auto* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
    if (nl == nullptr) return p;
    const AisMessage* m = DecodeLine(std::string_view(p, static_cast<size_t>(nl - p)));
    p = nl + 1;
    if (m != nullptr) {
      out = m;
      return p;
    }
  }
  return p;
}

#if ISSA_AIS_SSE2
// !ttVDx,c,n,[s],[ch],payload,f*hh[,trailing digits] with single-digit c, n and s, a payload of
// valid characters, a correct checksum and nothing else on the line: exactly what DecodeLine
// would do, without its separate passes. Anything else returns false before changing any state
// (single_ is scratch) and goes to DecodeLine. Needs end - p >= kFastMinBytes and *p == '!'.
__attribute__((always_inline)) inline bool AisDecoder::DecodeFast(const char* p, const char* end,
                                                                  const char*& next,
                                                                  const AisMessage*& out) {
  if (p[3] != 'V' || p[4] != 'D' || (p[5] != 'M' && p[5] != 'O') || p[6] != ',' || p[8] != ',' ||
      p[10] != ',' || p[1] == '\n' || p[2] == '\n') {
    return false;
  }
  const unsigned count = static_cast<unsigned>(static_cast<uint8_t>(p[7])) - '1' + 1;
  const unsigned number = static_cast<unsigned>(static_cast<uint8_t>(p[9])) - '1' + 1;
  if (count - 1 > 8 || number - 1 > 8 || number > count) return false;
  size_t q = 11;
  int64_t seq = -1;
  if (p[q] != ',') {
    const unsigned d = static_cast<unsigned>(static_cast<uint8_t>(p[q])) - '0';
    if (d > 9 || p[q + 1] != ',') return false;
    seq = d;
    q += 2;
  } else {
    q += 1;
  }
  char channel = '\0';
  if (p[q] != ',') {
    if (!IsAlnum(p[q]) || p[q + 1] != ',') return false;
    channel = p[q];
    q += 2;
  } else {
    q += 1;
  }
  const char* const payload = p + q;
  const bool single = count == 1;
  const size_t chars = single ? ScanSinglePayload(payload, end, single_.words.data())
                              : ScanPayload<false>(payload, end, nullptr, 0);
  if (chars == 0 || chars > kMaxPayloadBits / 6) return false;  // also kNoPayloadEnd
  const char* const f = payload + chars;                        // ",f*hh"
  if (end - f < 8 || f[0] != ',' || f[2] != '*') return false;
  const unsigned fill = static_cast<unsigned>(static_cast<uint8_t>(f[1])) - '0';
  if (fill > 5 || (number < count && fill != 0)) return false;
  const uint8_t h = kHex[static_cast<uint8_t>(f[3])];
  const uint8_t l = kHex[static_cast<uint8_t>(f[4])];
  const auto star = static_cast<size_t>(f + 2 - p);
  if (((h | l) & kBad) != 0 || end - p < static_cast<ptrdiff_t>((star + 15) & ~size_t{15})) {
    return false;
  }
  if (static_cast<uint8_t>(XorBlocks(p, star) ^ '!') != ((h << 4) | l)) return false;
  // The line ends right after the checksum, or after ",<receiver time>".
  const char* e = f + 5;
  int64_t receiver_ms = -1;
  if (*e == ',') {
    if (end - e < 17) return false;
    unsigned digits = 0;
    const uint64_t v = ParseDigits16(e + 1, digits);
    if (digits == 0 || digits > 16) return false;  // none, or longer: the general path
    receiver_ms = ToMs(static_cast<int64_t>(v));
    e += 1 + digits;
  }
  const char* nl = e;
  if (nl < end && *nl == '\r') ++nl;
  if (nl >= end || *nl != '\n' || static_cast<size_t>(e - p) > options_.max_line_bytes) {
    return false;
  }

  ++stats_.lines;
  ++stats_.ais_sentences;
  next = nl + 1;
  if (single) {
    AisMessage& m = single_;
    const size_t bits = chars * 6;
    // ScanSinglePayload wrote the words up to bits / 64; zero the rest of the margin ClearWords
    // keeps.
    const size_t last = std::min(m.words.size(), bits / 64 + 4);
    for (size_t i = bits / 64 + 1; i < last; ++i) m.words[i] = 0;
    m.bit_count = static_cast<uint16_t>(bits - fill);
    m.talker[0] = p[1];
    m.talker[1] = p[2];
    m.own_ship = p[5] == 'O';
    m.channel = channel;
    m.fragments = 1;
    m.tag_time_s = -1;
    m.receiver_time_ms = receiver_ms;
    m.source = std::string_view();
    out = Complete(m);
    return true;
  }
  Sentence sentence;
  sentence.payload = payload;
  sentence.chars = chars;
  sentence.count = count;
  sentence.number = number;
  sentence.seq = seq;
  sentence.fill = fill;
  sentence.receiver_ms = receiver_ms;
  sentence.talker[0] = p[1];
  sentence.talker[1] = p[2];
  sentence.channel = channel;
  sentence.own_ship = p[5] == 'O';
  sentence.readable_end = end;
  out = Assemble(sentence, std::string_view(), -1);
  return true;
}
#else
bool AisDecoder::DecodeFast(const char*, const char*, const char*&, const AisMessage*&) {
  return false;
}
#endif

const AisMessage* AisDecoder::DecodeSentence(std::string_view line, std::string_view source,
                                             int64_t tag_time_s) {
  // !ttVDM,count,number,seq,channel,payload,fill*hh[,trailing]
  if (line.size() < 7 || line[3] != 'V' || line[4] != 'D' || (line[5] != 'M' && line[5] != 'O')) {
    ++stats_.other_sentences;
    return nullptr;
  }
  const char* const begin = line.data();
  const auto* star_ptr = static_cast<const char*>(std::memchr(begin + 6, '*', line.size() - 6));
  if (star_ptr == nullptr || star_ptr + 3 > begin + line.size()) {
    CountError(AisError::kMissingChecksum);
    return nullptr;
  }
  const size_t star = static_cast<size_t>(star_ptr - begin);
  {
    const uint8_t h = kHex[static_cast<uint8_t>(line[star + 1])];
    const uint8_t l = kHex[static_cast<uint8_t>(line[star + 2])];
    if (((h | l) & kBad) != 0) {
      CountError(AisError::kMissingChecksum);
      return nullptr;
    }
    if (XorRange(begin + 1, star - 1) != ((h << 4) | l)) {
      CountError(AisError::kBadChecksum);
      return nullptr;
    }
  }
  int64_t receiver_ms = -1;
  if (line.size() > star + 4 && line[star + 3] == ',') {
    std::string_view trailing = line.substr(star + 4);
    const size_t comma = trailing.find(',');
    int64_t v = 0;
    if (ParseUint(trailing.substr(0, comma), v)) receiver_ms = ToMs(v);
  }

  // Fields between "!ttVDx," and '*'.
  const char* p = begin + 6;
  const char* const end = star_ptr;
  if (*p != ',') {
    CountError(AisError::kMalformedSentence);
    return nullptr;
  }
  ++p;
  auto next_field = [&](std::string_view& out) {
    const char* q = p;
    while (q < end && *q != ',') ++q;
    out = std::string_view(p, static_cast<size_t>(q - p));
    if (q == end) return false;
    p = q + 1;
    return true;
  };
  std::string_view f_count;
  std::string_view f_number;
  std::string_view f_seq;
  std::string_view f_channel;
  std::string_view f_payload;
  if (!next_field(f_count) || !next_field(f_number) || !next_field(f_seq) ||
      !next_field(f_channel) || !next_field(f_payload)) {
    CountError(AisError::kMalformedSentence);
    return nullptr;
  }
  const std::string_view f_fill(p, static_cast<size_t>(end - p));
  int64_t count = 0;
  int64_t number = 0;
  int64_t seq = -1;
  int64_t fill = 0;
  if (!ParseUint(f_count, count) || !ParseUint(f_number, number) ||
      (!f_seq.empty() && !ParseUint(f_seq, seq)) || f_channel.size() > 1 ||
      !ParseUint(f_fill, fill)) {
    CountError(AisError::kMalformedSentence);
    return nullptr;
  }
  ++stats_.ais_sentences;
  if (count < 1 || count > 9 || number < 1 || number > count) {
    CountError(AisError::kBadFragmentNumbers);
    return nullptr;
  }
  if (f_payload.empty()) {
    CountError(AisError::kEmptyPayload);
    return nullptr;
  }
  if (fill > 5 || static_cast<size_t>(fill) >= f_payload.size() * 6 ||
      (number < count && fill != 0)) {
    CountError(AisError::kBadFillBits);
    return nullptr;
  }
  const char channel = f_channel.empty() ? '\0' : f_channel[0];
  const bool own_ship = line[5] == 'O';

  if (count == 1) {
    const size_t chars = f_payload.size();
    if (chars * 6 > kMaxPayloadBits) {
      CountError(AisError::kPayloadTooLong);
      return nullptr;
    }
    AisMessage& m = single_;
    ClearWords(m, chars * 6);
    if (!Dearmour(f_payload.data(), chars, 0, m)) {
      CountError(AisError::kBadPayloadCharacter);
      return nullptr;
    }
    m.bit_count = static_cast<uint16_t>(chars * 6 - static_cast<size_t>(fill));
    m.talker[0] = line[1];
    m.talker[1] = line[2];
    m.own_ship = own_ship;
    m.channel = channel;
    m.fragments = 1;
    m.tag_time_s = tag_time_s;
    m.receiver_time_ms = receiver_ms;
    m.source = source;
    return Complete(m);
  }
  Sentence sentence;
  sentence.payload = f_payload.data();
  sentence.chars = f_payload.size();
  sentence.count = count;
  sentence.number = number;
  sentence.seq = seq;
  sentence.fill = fill;
  sentence.receiver_ms = receiver_ms;
  sentence.talker[0] = line[1];
  sentence.talker[1] = line[2];
  sentence.channel = channel;
  sentence.own_ship = own_ship;
  return Assemble(sentence, source, tag_time_s);
}

// A fragment of a multi-sentence message (count >= 2, fields already checked): find or start its
// group, append the payload, and complete the message with the last fragment.
const AisMessage* AisDecoder::Assemble(const Sentence& s, std::string_view source,
                                       int64_t tag_time_s) {
  const int64_t count = s.count;
  const int64_t number = s.number;
  const int64_t receiver_ms = s.receiver_ms;
  const char channel = s.channel;
  const int64_t when_ms = tag_time_s >= 0 ? tag_time_s * 1000 : receiver_ms;
  uint64_t key = Fnv1a(source);
  key = (key ^ (static_cast<uint64_t>(static_cast<uint8_t>(s.talker[0])) << 24 |
                static_cast<uint64_t>(static_cast<uint8_t>(s.talker[1])) << 16 |
                static_cast<uint64_t>(static_cast<uint8_t>(channel)) << 8 |
                static_cast<uint64_t>(s.seq & 0xFF))) *
        1099511628211ULL;
  const uint64_t now_line = stats_.lines;
  auto expired = [&](const Group& g) {
    if (now_line - g.started_line > options_.fragment_timeout_lines) return true;
    return g.started_ms >= 0 && when_ms >= 0 &&
           when_ms - g.started_ms > options_.fragment_timeout_ms;
  };
  Group* group = nullptr;
  for (Group& g : groups_) {
    if (g.next != 0 && g.key == key) {
      group = &g;
      break;
    }
  }
  if (number == 1) {
    if (group != nullptr) {  // restarted before it was complete
      CountError(AisError::kIncompleteGroup);
      group->next = 0;
    } else {
      // Expire stale groups, then take a free one or evict the oldest.
      Group* oldest = nullptr;
      for (Group& g : groups_) {
        if (g.next != 0 && expired(g)) {
          CountError(AisError::kIncompleteGroup);
          g.next = 0;
        }
        if (g.next == 0) {
          if (group == nullptr) group = &g;
        } else if (oldest == nullptr || g.started_line < oldest->started_line) {
          oldest = &g;
        }
      }
      if (group == nullptr) {
        CountError(AisError::kIncompleteGroup);
        group = oldest;
      }
    }
    group->key = key;
    group->started_line = now_line;
    group->started_ms = when_ms;
    group->chars = 0;
    group->count = static_cast<uint8_t>(count);
    group->next = 1;
    AisMessage& m = group->msg;
    ClearWords(m, kMaxPayloadBits);
    m.talker[0] = s.talker[0];
    m.talker[1] = s.talker[1];
    m.own_ship = s.own_ship;
    m.channel = channel;
    m.fragments = static_cast<uint8_t>(count);
    m.tag_time_s = tag_time_s;
    m.receiver_time_ms = receiver_ms;
  } else {
    if (group == nullptr) {
      CountError(AisError::kOrphanFragment);
      return nullptr;
    }
    if (expired(*group)) {
      CountError(AisError::kIncompleteGroup);
      CountError(AisError::kOrphanFragment);
      group->next = 0;
      return nullptr;
    }
    if (group->next != number || group->count != count) {
      CountError(AisError::kOutOfOrderFragment);
      CountError(AisError::kIncompleteGroup);
      group->next = 0;
      return nullptr;
    }
  }
  const size_t chars = s.chars;
  if ((group->chars + chars) * 6 > kMaxPayloadBits) {
    CountError(AisError::kPayloadTooLong);
    group->next = 0;
    return nullptr;
  }
  AisMessage& m = group->msg;
#if ISSA_AIS_SSE2
  if (s.readable_end != nullptr) {
    // The fast path has checked the characters and that the blocks read here are readable.
    (void)ScanPayload<true>(s.payload, s.readable_end, m.words.data(),
                            static_cast<size_t>(group->chars) * 6);
  } else
#endif
      if (!Dearmour(s.payload, chars, static_cast<size_t>(group->chars) * 6, m)) {
    CountError(AisError::kBadPayloadCharacter);
    group->next = 0;
    return nullptr;
  }
  group->chars = static_cast<uint16_t>(group->chars + chars);
  if (number < count) {
    ++group->next;
    return nullptr;
  }
  group->next = 0;
  m.bit_count =
      static_cast<uint16_t>(static_cast<size_t>(group->chars) * 6 - static_cast<size_t>(s.fill));
  m.source = source;
  if (m.tag_time_s < 0) m.tag_time_s = tag_time_s;
  if (receiver_ms >= 0) m.receiver_time_ms = receiver_ms;
  return Complete(m);
}

void AisDecoder::ReadHeader(std::string_view line) {
  // $PGHP,1,<year>,<month>,<day>,<hour>,<minute>,<second>,<ms>,...
  int64_t f[8] = {};
  size_t field = 0;
  size_t pos = line.find(',');
  while (pos != std::string_view::npos && field < 8) {
    const size_t next = line.find(',', pos + 1);
    const std::string_view item = line.substr(
        pos + 1, next == std::string_view::npos ? std::string_view::npos : next - pos - 1);
    if (!ParseUint(item, f[field])) return;
    ++field;
    pos = next;
  }
  if (field < 8 || f[0] != 1) return;
  const int64_t y = f[1], mo = f[2], d = f[3], h = f[4], mi = f[5], sec = f[6], ms = f[7];
  if (y < 1970 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
      sec > 60 || ms > 999) {
    return;
  }
  const int64_t days = core::DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  header_line_ = stats_.lines;
  header_time_ms_ = (((days * 24 + h) * 60 + mi) * 60 + sec) * 1000 + ms;
}

__attribute__((always_inline)) inline const AisMessage* AisDecoder::Complete(AisMessage& m) {
  // A $PGHP header describes the message whose sentences directly follow it.
  m.header_time_ms = stats_.lines - header_line_ <= m.fragments ? header_time_ms_ : -1;
  if (m.bit_count < 38) {
    CountError(m.bit_count < 6 || m.Bits(0, 6) == 0 || m.Bits(0, 6) > 27 ? AisError::kUnknownType
                                                                         : AisError::kTooShort);
    return nullptr;
  }
  const uint32_t type = m.Bits(0, 6);
  if (type == 0 || type > 27) {
    CountError(AisError::kUnknownType);
    return nullptr;
  }
  m.type = static_cast<uint8_t>(type);
  m.repeat = static_cast<uint8_t>(m.Bits(6, 2));
  m.mmsi = m.Bits(8, 30);
  uint32_t min_bits = kMinBits[type];
  uint32_t max_bits = kMaxBits[type];
  if (type == 24) {
    if (m.Bits(38, 2) == 0) {  // part A: 160 bits, often sent as 168; accept from 156 (lenient)
      min_bits = 156;
      if (m.bit_count < 160) ++stats_.warnings[static_cast<size_t>(AisWarning::kLengthMismatch)];
    } else {
      min_bits = 168;
    }
  }
  if (m.bit_count < min_bits) {
    CountError(AisError::kTooShort);
    return nullptr;
  }
  if (max_bits != 0 && m.bit_count > max_bits) {
    ++stats_.warnings[static_cast<size_t>(AisWarning::kLengthMismatch)];
  }
  if (m.mmsi == 0) ++stats_.warnings[static_cast<size_t>(AisWarning::kMmsiZero)];
  // Position plausibility: ±91° / ±181° mean "not available"; beyond that is impossible.
  const PositionAt at = kPositionAt[type];
  if (at.lon != 0) {
    const int32_t lon = m.SignedBits(at.lon, 28);
    const int32_t lat = m.SignedBits(at.lat, 27);
    if (lon > 181 * 600000 || lon < -180 * 600000 || lat > 91 * 600000 || lat < -90 * 600000) {
      ++stats_.warnings[static_cast<size_t>(AisWarning::kBadPosition)];
    }
  } else if (type == 27) {
    const int32_t lon = m.SignedBits(44, 18);
    const int32_t lat = m.SignedBits(62, 17);
    if (lon > 181 * 600 || lon < -180 * 600 || lat > 91 * 600 || lat < -90 * 600) {
      ++stats_.warnings[static_cast<size_t>(AisWarning::kBadPosition)];
    }
  }
  ++stats_.messages;
  return &m;
}

void AisDecoder::CloseOpenGroups() {
  for (Group& g : groups_) {
    if (g.next != 0) {
      CountError(AisError::kIncompleteGroup);
      g.next = 0;
    }
  }
}

}  // namespace issa::maritime
