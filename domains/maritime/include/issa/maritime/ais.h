#pragma once

// AIS decoding of NMEA 0183 !xxVDM / !xxVDO sentences (ITU-R M.1371-5, IEC 61162-1).
//
// The decoder is a streaming state machine over bytes: it splits lines (also across buffer
// boundaries), checks the NMEA checksum, reads NMEA 4.10 tag blocks (\s:...,c:...*hh\), skips
// $PGHP headers and other non-AIS sentences, reads trailing receiver timestamps, reassembles
// multi-sentence messages keyed by (tag-block source, talker, channel, sequence id) with a
// timeout, and de-armours the 6-bit payload into 64-bit words. Fields are read lazily from those
// words (AisMessage::Bits), so decoding a sentence allocates nothing and copies nothing but the
// payload bits. Malformed input is counted by reason in AisStats and never stops the stream.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace issa::maritime {

// The largest reassembled payload kept, in bits (AIS messages are at most 5 slots = 1,008 bits;
// the margin admits long satellite or vendor messages).
inline constexpr size_t kMaxPayloadBits = 2048;

// Why an input line or a message was not decoded. Each reason is counted in AisStats::errors.
enum class AisError : uint8_t {
  kNotNmea = 0,          // a non-empty line that is neither an NMEA sentence nor a comment
  kLineTooLong,          // a line longer than AisDecoderOptions::max_line_bytes
  kBadTagBlock,          // an NMEA 4.10 tag block without its closing '\' or with a bad checksum
  kMissingChecksum,      // no "*hh" after the sentence fields
  kBadChecksum,          // "*hh" does not match the XOR of the sentence
  kMalformedSentence,    // wrong field count or non-numeric fragment fields
  kBadFragmentNumbers,   // fragment count 0 or > 9, number 0 or > count
  kBadFillBits,          // fill bits not 0-5, or non-zero on a fragment that is not the last
  kBadPayloadCharacter,  // a payload character outside the 6-bit armouring alphabet
  kPayloadTooLong,       // the (reassembled) payload exceeds kMaxPayloadBits
  kEmptyPayload,         // a payload field without characters
  kOrphanFragment,       // a fragment > 1 with no group started for its key
  kOutOfOrderFragment,   // a fragment whose number is not the next expected one in its group
  kIncompleteGroup,      // a started group dropped: timed out, restarted, evicted or cut at the end
  kUnknownType,          // message type 0 or 28-63 (not defined by ITU-R M.1371-5)
  kTooShort,             // fewer bits than the message type requires
  kCount,
};

// Decoded, but suspicious. Each is counted in AisStats::warnings; the message is still returned.
enum class AisWarning : uint8_t {
  kMmsiZero = 0,    // source MMSI 0
  kBadPosition,     // latitude beyond ±91° or longitude beyond ±181° (91/181 = "not available")
  kLengthMismatch,  // more bits than the type defines, or a short type 24 part A (lenient)
  kCount,
};

std::string_view AisErrorName(AisError error);
std::string_view AisWarningName(AisWarning warning);

// Counters of one decoder. Plain value; thread-compatible.
struct AisStats {
  uint64_t lines = 0;            // lines seen (including blank and non-AIS lines)
  uint64_t blank_lines = 0;      // empty or whitespace-only lines
  uint64_t other_sentences = 0;  // $-sentences ($PGHP, GNSS ...), !-sentences that are not VDM/VDO
                                 // and '#' comments
  uint64_t ais_sentences = 0;    // !xxVDM / !xxVDO sentences with a valid checksum
  uint64_t messages = 0;         // messages returned
  std::array<uint64_t, static_cast<size_t>(AisError::kCount)> errors{};
  std::array<uint64_t, static_cast<size_t>(AisWarning::kCount)> warnings{};

  uint64_t error(AisError e) const { return errors[static_cast<size_t>(e)]; }
  uint64_t warning(AisWarning w) const { return warnings[static_cast<size_t>(w)]; }
  uint64_t TotalErrors() const;
};

// One decoded AIS message: the reassembled payload bits plus where it came from. Fields are read
// with Bits/SignedBits at the offsets of ITU-R M.1371-5 (see ais_json.h for a full rendering).
// Value type; the `source` view points into the caller's input and is valid only during the
// callback that receives the message.
struct AisMessage {
  uint8_t type = 0;               // message type 1-27
  uint8_t repeat = 0;             // repeat indicator 0-3
  uint32_t mmsi = 0;              // source MMSI (30 bits)
  char talker[2] = {'A', 'I'};    // NMEA talker: "AI", "AB", "BS", ...
  bool own_ship = false;          // true for !xxVDO
  char channel = '\0';            // 'A', 'B', '1', '2' ... or '\0' when the field was empty
  uint8_t fragments = 1;          // sentences the message came in
  uint16_t bit_count = 0;         // payload bits (6 * characters - fill bits)
  int64_t tag_time_s = -1;        // tag block c: (UNIX seconds), -1 when absent
  int64_t receiver_time_ms = -1;  // trailing receiver timestamp (UNIX ms), -1 when absent
  int64_t header_time_ms = -1;    // time of the Gatehouse $PGHP,1 header directly before its
                                  // sentences (UNIX ms), -1 when there is none
  std::string_view source;        // tag block s: (station), empty when absent
  // Payload bits, most significant bit first; one spare word so reads never leave the array.
  // Words past the payload are zero for at least 128 bits, so fixed fields of a short message
  // read as 0.
  std::array<uint64_t, kMaxPayloadBits / 64 + 4> words{};

  // Bits [start, start + len) as an unsigned number; len 1-32, start + len <= kMaxPayloadBits.
  uint32_t Bits(size_t start, size_t len) const {
    const size_t w = start >> 6;
    const unsigned off = start & 63U;
    uint64_t v = words[w] << off;
    if (off != 0) v |= words[w + 1] >> (64 - off);
    return static_cast<uint32_t>(v >> (64 - len));
  }
  // Bits [start, start + len) as a two's complement number.
  int32_t SignedBits(size_t start, size_t len) const {
    const uint64_t v = static_cast<uint64_t>(Bits(start, len)) << (64 - len);
    return static_cast<int32_t>(static_cast<int64_t>(v) >> (64 - len));
  }
  bool Flag(size_t bit) const { return Bits(bit, 1) != 0; }
  // `chars` six-bit ASCII characters from `start` (gpsd rules: trailing '@' and spaces removed),
  // appended to `out`. Characters past bit_count are not read.
  void AppendText(size_t start, size_t chars, std::string& out) const;
};

struct AisDecoderOptions {
  // A started multi-sentence group is dropped (kIncompleteGroup) when its next fragment has not
  // come within this many input lines ...
  uint32_t fragment_timeout_lines = 100;
  // ... or, when both carry a time (tag block c: or trailing timestamp), within this many ms.
  int64_t fragment_timeout_ms = 60'000;
  // Longer lines are counted as kLineTooLong and skipped.
  size_t max_line_bytes = 4096;
};

// The decoder. Feed() bytes in any chunking; each complete message is passed to the callback
// as a const AisMessage& (valid during the call only). Not thread-safe: one decoder per stream.
class AisDecoder {
 public:
  explicit AisDecoder(AisDecoderOptions options = {});

  // Decodes one line (without its line terminator; a trailing '\r' is ignored). Returns the
  // completed message, or nullptr when the line completed none (a fragment, a non-AIS line or an
  // error, counted in stats()). The pointer is valid until the next call.
  const AisMessage* DecodeLine(std::string_view line);

  // Splits `bytes` into lines and decodes them; a line cut at the end of `bytes` is kept and
  // completed by the next call (or by Finish). `on_message(const AisMessage&)` is called for
  // each message.
  template <typename OnMessage>
  void Feed(std::string_view bytes, OnMessage&& on_message);

  // Decodes a kept partial line and counts groups still open as kIncompleteGroup.
  template <typename OnMessage>
  void Finish(OnMessage&& on_message);

  const AisStats& stats() const { return stats_; }

 private:
  static constexpr size_t kGroups = 16;

  // Parsed fields of one !xxVDM / !xxVDO sentence whose checksum is valid.
  struct Sentence {
    const char* payload = nullptr;
    size_t chars = 0;  // payload characters
    int64_t count = 0;
    int64_t number = 0;
    int64_t seq = -1;
    int64_t fill = 0;
    int64_t receiver_ms = -1;
    char talker[2] = {'A', 'I'};
    char channel = '\0';
    bool own_ship = false;
    const char* readable_end = nullptr;  // fast path: the payload may be read in 16-byte blocks
                                         // up to here
  };

  // Decodes complete lines from [p, end) until one yields a message (stored in `out`) or no
  // complete line is left; returns where it stopped (just past the last line decoded).
  const char* DecodeLines(const char* p, const char* end, const AisMessage*& out);
  // The common sentence (single-digit fragment fields, plain payload) read in one pass. Returns
  // false, having changed nothing, when the line needs the general path (DecodeLine).
  bool DecodeFast(const char* p, const char* end, const char*& next, const AisMessage*& out);
  const AisMessage* DecodeSentence(std::string_view line, std::string_view source,
                                   int64_t tag_time_s);
  const AisMessage* Assemble(const Sentence& s, std::string_view source, int64_t tag_time_s);
  const AisMessage* Complete(AisMessage& msg);
  void CountError(AisError e) { ++stats_.errors[static_cast<size_t>(e)]; }
  void CloseOpenGroups();
  // Reads the time of a Gatehouse "$PGHP,1,yyyy,m,d,h,m,s,ms,..." header line.
  void ReadHeader(std::string_view line);

  struct Group {  // one multi-sentence message being reassembled
    uint64_t key = 0;
    uint64_t started_line = 0;
    int64_t started_ms = -1;
    uint16_t chars = 0;
    uint8_t next = 0;   // next expected fragment number; 0 = free
    uint8_t count = 0;  // fragments in the group
    AisMessage msg;
  };

  AisDecoderOptions options_;
  AisStats stats_;
  AisMessage single_;
  std::array<Group, kGroups> groups_;
  std::string pending_;          // a line cut at the end of the last Feed()
  int64_t header_time_ms_ = -1;  // the last $PGHP header's time ...
  uint64_t header_line_ = 0;     // ... and its line number
};

template <typename OnMessage>
void AisDecoder::Feed(std::string_view bytes, OnMessage&& on_message) {
  const char* p = bytes.data();
  const char* const end = p + bytes.size();
  if (!pending_.empty()) {
    const void* nl = std::char_traits<char>::find(p, bytes.size(), '\n');
    if (nl == nullptr) {
      if (pending_.size() + bytes.size() > options_.max_line_bytes + 1) {
        pending_.resize(options_.max_line_bytes + 1);  // keep it too long, cheaply
      } else {
        pending_.append(p, bytes.size());
      }
      return;
    }
    const char* e = static_cast<const char*>(nl);
    pending_.append(p, static_cast<size_t>(e - p));
    if (const AisMessage* m = DecodeLine(pending_)) on_message(*m);
    pending_.clear();
    p = e + 1;
  }
  while (p < end) {
    const AisMessage* m = nullptr;
    p = DecodeLines(p, end, m);
    if (m == nullptr) break;
    on_message(*m);
  }
  if (p < end) {  // a line cut at the end of `bytes`
    const size_t rest = static_cast<size_t>(end - p);
    pending_.assign(p, rest > options_.max_line_bytes + 1 ? options_.max_line_bytes + 1 : rest);
  }
}

template <typename OnMessage>
void AisDecoder::Finish(OnMessage&& on_message) {
  if (!pending_.empty()) {
    if (const AisMessage* m = DecodeLine(pending_)) on_message(*m);
    pending_.clear();
  }
  CloseOpenGroups();
}

}  // namespace issa::maritime
