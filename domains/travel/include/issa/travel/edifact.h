#pragma once

// UN/EDIFACT syntax layer (ISO 9735): service string advice (UNA), release characters,
// interchange / group / message envelopes (UNB…UNZ, UNG…UNE, UNH…UNT) with their counts and
// references, and zero-copy access to segments, elements and components.
//
// ParseInterchange never throws and never aborts on input: an error inside a message marks that
// message bad (Message::status) and the scan goes on with the next UNH, so one bad message does
// not lose the batch; errors outside messages go to Interchange::errors. Every error names the
// message (UNH reference), the segment (tag and position in the message, UNH = 1) and, where
// there is one, the element (1-based after the tag) and component.
//
// Thread-safety: the functions are pure; an Interchange is a value that borrows the input text,
// which must outlive it.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "issa/core/status.h"

namespace issa::travel::edifact {

// The service characters of an interchange. Without UNA the ISO 9735 defaults hold.
struct Delimiters {
  char component = ':';
  char element = '+';
  char decimal = '.';
  char release = '?';
  char repetition = ' ';  // ' ' = none (syntax versions 1–3); kept as data
  char segment = '\'';
};

// The character set the UNB syntax identifier declares; how text is checked and decoded.
enum class Charset {
  kAscii,   // UNOA, UNOB: printable ASCII (lowercase tolerated in UNOA, as carriers send it)
  kLatin1,  // UNOC: ISO 8859-1, decoded to UTF-8
  kUtf8,    // UNOW, UNOY, IATA and anything else: UTF-8, checked
};

struct ParseOptions {
  // UNT/UNE/UNZ counts and references are checked; false turns a mismatch into a warning on the
  // message (many carrier test files carry stale counts).
  bool strict_envelope = true;
  // Longest interchange accepted, in bytes.
  size_t max_bytes = size_t{256} << 20;
};

struct Component {
  uint32_t offset = 0;   // into the input
  uint32_t length = 0;   // raw bytes, release characters included
  bool escaped = false;  // holds release characters or line breaks (not data)
};

struct Segment {
  std::string_view tag;
  uint32_t first_element = 0;  // into Interchange::elements
  uint32_t element_count = 0;  // after the tag
  uint32_t offset = 0;         // byte offset of the tag
  uint32_t position = 0;       // in its message (UNH = 1), else in the interchange
};

struct Element {
  uint32_t first_component = 0;  // into Interchange::components
  uint32_t component_count = 0;
};

struct Message {
  std::string reference;       // UNH 0062
  std::string type;            // e.g. PNRGOV, PAXLST
  std::string version;         // e.g. "13", "D"
  std::string release;         // e.g. "1", "05B"
  std::string agency;          // e.g. IA, UN
  uint32_t first_segment = 0;  // UNH, into Interchange::segments
  uint32_t segment_count = 0;  // UNH..UNT inclusive (as far as it got when bad)
  Status status;               // OK or the first error of this message
  std::vector<std::string> warnings;
};

class Interchange {
 public:
  std::string_view text;  // the input
  Delimiters delimiters;
  bool has_una = false;
  Charset charset = Charset::kUtf8;
  std::string syntax;             // UNB syntax identifier, e.g. UNOA, IATA
  std::string sender;             // UNB sender
  std::string recipient;          // UNB recipient
  std::string prepared;           // UNB date:time as sent
  std::string control_reference;  // UNB 0020
  std::vector<Segment> segments;
  std::vector<Element> elements;
  std::vector<Component> components;
  std::vector<Message> messages;
  std::vector<Status> errors;  // interchange-level: UNA/UNB/UNG/UNE/UNZ, data outside messages

  // Segments of a message (UNH..UNT).
  const Segment* begin(const Message& m) const { return segments.data() + m.first_segment; }
  const Segment* end(const Message& m) const {
    return segments.data() + m.first_segment + m.segment_count;
  }

  size_t ElementCount(const Segment& s) const { return s.element_count; }
  size_t ComponentCount(const Segment& s, size_t element) const;
  // The raw text of element `element` (1-based), component `component` (0-based); empty when
  // absent. Release characters and line breaks are still in it when Escaped().
  std::string_view Raw(const Segment& s, size_t element, size_t component = 0) const;
  bool Escaped(const Segment& s, size_t element, size_t component = 0) const;
  // The value with release characters and line breaks removed and, for UNOC, decoded to UTF-8.
  std::string Text(const Segment& s, size_t element, size_t component = 0) const;
  // Appends Text() to out; returns false when absent or empty.
  bool AppendText(const Segment& s, size_t element, size_t component, std::string& out) const;
};

// Parses one interchange (or a bare UNH…UNT message, or several). Fails as a whole only when
// the input cannot be an EDIFACT interchange at all (empty, too large, bad UNA); everything else
// is reported per message or in Interchange::errors.
Result<Interchange> ParseInterchange(std::string_view text, const ParseOptions& options = {});

// "message 123 (PNRGOV), segment 4 (TIF), element 2: <what>" with field
// "message[123].segment[4:TIF].element[2]".
Status SegmentError(const Message& m, const Segment& s, size_t element, std::string_view what);

}  // namespace issa::travel::edifact
