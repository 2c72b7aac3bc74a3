#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "issa/maritime/ais.h"

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
  const int64_t when_ms = tag_time_s >= 0 ? tag_time_s * 1000 : receiver_ms;

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

  // Multi-sentence message: find or start its group.
  uint64_t key = Fnv1a(source);
  key = (key ^ (static_cast<uint64_t>(static_cast<uint8_t>(line[1])) << 24 |
                static_cast<uint64_t>(static_cast<uint8_t>(line[2])) << 16 |
                static_cast<uint64_t>(static_cast<uint8_t>(channel)) << 8 |
                static_cast<uint64_t>(seq & 0xFF))) *
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
    m.talker[0] = line[1];
    m.talker[1] = line[2];
    m.own_ship = own_ship;
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
  const size_t chars = f_payload.size();
  if ((group->chars + chars) * 6 > kMaxPayloadBits) {
    CountError(AisError::kPayloadTooLong);
    group->next = 0;
    return nullptr;
  }
  AisMessage& m = group->msg;
  if (!Dearmour(f_payload.data(), chars, static_cast<size_t>(group->chars) * 6, m)) {
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
      static_cast<uint16_t>(static_cast<size_t>(group->chars) * 6 - static_cast<size_t>(fill));
  m.source = source;
  if (m.tag_time_s < 0) m.tag_time_s = tag_time_s;
  if (receiver_ms >= 0) m.receiver_time_ms = receiver_ms;
  return Complete(m);
}

const AisMessage* AisDecoder::Complete(AisMessage& m) {
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
  size_t lon_at = 0;
  size_t lat_at = 0;
  switch (type) {
    case 1:
    case 2:
    case 3:
    case 9:
      lon_at = 61;
      lat_at = 89;
      break;
    case 4:
    case 11:
      lon_at = 79;
      lat_at = 107;
      break;
    case 18:
    case 19:
      lon_at = 57;
      lat_at = 85;
      break;
    case 21:
      lon_at = 164;
      lat_at = 192;
      break;
    default:
      break;
  }
  if (lon_at != 0) {
    const int32_t lon = m.SignedBits(lon_at, 28);
    const int32_t lat = m.SignedBits(lat_at, 27);
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
