#include "issa/travel/edifact.h"

#include <array>
#include <charconv>
#include <optional>

#include <fmt/format.h>

namespace issa::travel::edifact {
namespace {

bool IsServiceCandidate(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u < 0x21 || u > 0x7E) return false;
  return !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'));
}

Status CheckUna(std::string_view una, Delimiters& d) {
  // una = the six characters after "UNA".
  const char* names[] = {"component separator", "element separator",    "decimal mark",
                         "release character",   "repetition separator", "segment terminator"};
  for (size_t i = 0; i < 6; ++i) {
    const char c = una[i];
    const bool space_ok = (i == 2 || i == 4) && c == ' ';
    if (!space_ok && !IsServiceCandidate(c)) {
      return InvalidArgument(
          fmt::format("UNA service string advice: the {} is byte 0x{:02X}, not a printable "
                      "ASCII punctuation character",
                      names[i], static_cast<unsigned char>(c)),
          fmt::format("UNA[{}]", i + 1));
    }
  }
  d.component = una[0];
  d.element = una[1];
  d.decimal = una[2];
  d.release = una[3];
  d.repetition = una[4];
  d.segment = una[5];
  const char distinct[] = {d.component, d.element, d.release, d.segment};
  for (size_t i = 0; i < 4; ++i) {
    for (size_t j = i + 1; j < 4; ++j) {
      if (distinct[i] == distinct[j]) {
        return InvalidArgument(
            fmt::format("UNA service string advice: the separators are not distinct ('{}')",
                        distinct[i]),
            "UNA");
      }
    }
  }
  return Status::Ok();
}

bool IsSpace(char c) { return c == ' ' || c == '\r' || c == '\n' || c == '\t'; }

// Length of a valid UTF-8 sequence at p (lead byte >= 0x80), or 0.
size_t Utf8Length(const unsigned char* p, const unsigned char* end) {
  const unsigned char c = p[0];
  size_t n = 0;
  uint32_t cp = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (end - p < static_cast<std::ptrdiff_t>(n)) return 0;
  for (size_t i = 1; i < n; ++i) {
    if ((p[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (p[i] & 0x3F);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return 0;
  if (cp >= 0xD800 && cp <= 0xDFFF) return 0;
  return n;
}

std::optional<uint64_t> ParseCount(std::string_view s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  uint64_t v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

class Parser {
 public:
  Parser(std::string_view text, const ParseOptions& options, Interchange& out)
      : text_(text), options_(options), out_(out) {
    ClassifyBytes();
  }

  void Run(size_t pos);

 private:
  // plain_[b]: byte b is data that needs no look (not a service character, not a control, not
  // outside ASCII); recomputed when UNB sets the character set.
  void ClassifyBytes() {
    const Delimiters& d = out_.delimiters;
    for (int b = 0; b < 256; ++b) {
      const auto c = static_cast<char>(b);
      plain_[b] = b >= 0x20 && b < 0x7F && c != d.release && c != d.component && c != d.element &&
                  c != d.segment;
    }
  }
  std::array<bool, 256> plain_{};
  // Tokenises one segment starting at pos_ (a non-space byte). Returns false at end of input.
  // On a syntax error, `error_` is set (with its element number) and the scan resumes after
  // the next segment terminator.
  void ReadSegment();
  void OnSegment(uint32_t index);
  void FailMessage(const Segment& s, size_t element, std::string_view what);
  void InterchangeError(std::string what, std::string field) {
    out_.errors.push_back(InvalidArgument(std::move(what), std::move(field)));
  }
  void CloseMessageUnterminated(std::string_view why);
  void CheckEnvelope(const Segment& s, std::string_view what_count, uint64_t expected,
                     std::string_view what_ref, std::string_view expected_ref, bool in_message);

  std::string_view text_;
  const ParseOptions& options_;
  Interchange& out_;
  size_t pos_ = 0;
  std::string error_;
  size_t error_element_ = 0;
  bool in_message_ = false;
  bool seen_unb_ = false;
  bool seen_unz_ = false;
  bool in_group_ = false;
  std::string group_reference_;
  uint64_t group_messages_ = 0;
  uint64_t interchange_units_ = 0;  // messages or groups
  uint32_t loose_position_ = 0;
};

void Parser::Run(size_t pos) {
  pos_ = pos;
  while (true) {
    while (pos_ < text_.size() && IsSpace(text_[pos_])) ++pos_;
    if (pos_ >= text_.size()) break;
    if (seen_unz_) {
      const size_t end = std::min(text_.size(), pos_ + 20);
      InterchangeError(fmt::format("data after UNZ at byte {}: \"{}\"", pos_,
                                   std::string(text_.substr(pos_, end - pos_))),
                       "UNZ");
      break;
    }
    ReadSegment();
  }
  if (in_message_) CloseMessageUnterminated("missing UNT: the input ends inside the message");
  if (seen_unb_ && !seen_unz_) InterchangeError("missing UNZ: the interchange is truncated", "UNZ");
}

void Parser::ReadSegment() {
  const Delimiters& d = out_.delimiters;
  const size_t start = pos_;
  error_.clear();
  error_element_ = 0;
  Segment seg;
  seg.offset = static_cast<uint32_t>(start);
  seg.first_element = static_cast<uint32_t>(out_.elements.size());
  size_t p = pos_;
  while (p < text_.size() && text_[p] != d.element && text_[p] != d.segment) ++p;
  seg.tag = text_.substr(start, p - start);
  bool tag_ok = seg.tag.size() == 3;
  for (const char c : seg.tag) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) tag_ok = false;
  }
  if (!tag_ok) {
    error_ = fmt::format("bad segment tag \"{}\"",
                         std::string(seg.tag.substr(0, std::min<size_t>(seg.tag.size(), 16))));
    if (seg.tag.size() > 16) seg.tag = seg.tag.substr(0, 16);
  }
  bool terminated = false;
  if (p < text_.size() && text_[p] == d.segment) {
    terminated = true;
    ++p;
  } else if (p < text_.size()) {
    // Elements.
    ++p;  // element separator
    Element el;
    el.first_component = static_cast<uint32_t>(out_.components.size());
    Component comp;
    comp.offset = static_cast<uint32_t>(p);
    auto end_component = [&](size_t at) {
      comp.length = static_cast<uint32_t>(at - comp.offset);
      out_.components.push_back(comp);
      ++el.component_count;
      comp = Component{};
      comp.offset = static_cast<uint32_t>(at + 1);
    };
    auto end_element = [&](size_t at) {
      end_component(at);
      out_.elements.push_back(el);
      ++seg.element_count;
      el = Element{};
      el.first_component = static_cast<uint32_t>(out_.components.size());
    };
    const auto* bytes = reinterpret_cast<const unsigned char*>(text_.data());
    const auto* bytes_end = bytes + text_.size();
    const size_t size = text_.size();
    const char* data = text_.data();
    while (p < size) {
      // Ordinary data bytes: one table lookup each.
      while (p < size && plain_[static_cast<unsigned char>(data[p])]) ++p;
      if (p >= size) break;
      const char c = data[p];
      if (c == d.release) {
        if (p + 1 >= text_.size()) {
          if (error_.empty()) {
            error_ = "release character at the end of the input";
            error_element_ = seg.element_count + 1;
          }
          p = text_.size();
          break;
        }
        const char next = text_[p + 1];
        if (next != d.component && next != d.element && next != d.release && next != d.segment &&
            next != d.repetition && next != d.decimal) {
          if (error_.empty()) {
            error_ = fmt::format(
                "release character '{}' before '{}': only a service character may be released",
                d.release, IsServiceCandidate(next) || (next >= '0' && next <= 'z') ? next : '?');
            error_element_ = seg.element_count + 1;
          }
        }
        comp.escaped = true;
        p += 2;
        continue;
      }
      if (c == d.component) {
        end_component(p);
      } else if (c == d.element) {
        end_element(p);
      } else if (c == d.segment) {
        end_element(p);
        terminated = true;
        ++p;
        break;
      } else {
        const auto u = static_cast<unsigned char>(c);
        if (c == '\r' || c == '\n') {
          // Line breaks are not data (ISO 9735: transmissions wrap lines at fixed widths).
          comp.escaped = true;
        } else if (u < 0x20 || u == 0x7F) {
          if (error_.empty()) {
            error_ = fmt::format("control character 0x{:02X} inside the segment", u);
            error_element_ = seg.element_count + 1;
          }
        } else if (u >= 0x80) {
          size_t n = 1;
          const char* bad = nullptr;
          if (out_.charset == Charset::kAscii) {
            bad = "not in the character set";
          } else if (out_.charset == Charset::kLatin1) {
            if (u < 0xA0) bad = "a C1 control, not ISO 8859-1 text";
          } else {
            n = Utf8Length(bytes + p, bytes_end);
            if (n == 0) {
              bad = "not valid UTF-8";
              n = 1;
            }
          }
          if (bad != nullptr && error_.empty()) {
            error_ = fmt::format("byte 0x{:02X} at offset {} is {} ({})", u, p, bad,
                                 out_.syntax.empty() ? "UTF-8" : out_.syntax);
            error_element_ = seg.element_count + 1;
          }
          p += n;
          continue;
        }
      }
      ++p;
    }
    if (!terminated && p >= text_.size()) {
      // Keep what was read so the error can name the element.
      end_element(text_.size());
    }
  }
  if (!terminated && error_.empty()) {
    error_ = "segment not terminated: the input is truncated";
    error_element_ = 0;
  }
  pos_ = p;
  out_.segments.push_back(seg);
  OnSegment(static_cast<uint32_t>(out_.segments.size() - 1));
}

void Parser::FailMessage(const Segment& s, size_t element, std::string_view what) {
  if (out_.messages.empty()) return;
  Message& m = out_.messages.back();
  if (!m.status.ok()) return;
  m.status = SegmentError(m, s, element, what);
}

void Parser::CloseMessageUnterminated(std::string_view why) {
  Message& m = out_.messages.back();
  if (m.status.ok()) {
    const Segment& last = out_.segments[m.first_segment + m.segment_count - 1];
    m.status = SegmentError(m, last, 0, why);
  }
  in_message_ = false;
}

void Parser::CheckEnvelope(const Segment& s, std::string_view what_count, uint64_t expected,
                           std::string_view what_ref, std::string_view expected_ref,
                           bool in_message) {
  std::string problem;
  const std::string count_raw = out_.Text(s, 1);
  const auto count = ParseCount(count_raw);
  if (!count) {
    problem = fmt::format("{} \"{}\" is not a number", what_count, std::string(count_raw));
  } else if (*count != expected) {
    problem = fmt::format("{} says {} but there are {}", what_count, *count, expected);
  }
  size_t element = problem.empty() ? 0 : 1;
  if (problem.empty()) {
    const std::string ref = out_.Text(s, 2);
    if (ref.empty()) {
      problem = fmt::format("{} is missing", what_ref);
      element = 2;
    } else if (ref != expected_ref) {
      problem =
          fmt::format("{} \"{}\" does not match \"{}\"", what_ref, ref, std::string(expected_ref));
      element = 2;
    }
  }
  if (problem.empty()) return;
  if (in_message) {
    Message& m = out_.messages.back();
    if (options_.strict_envelope) {
      FailMessage(s, element, problem);
    } else {
      m.warnings.push_back(fmt::format("segment {} ({}), element {}: {}", s.position,
                                       std::string(s.tag), element, problem));
    }
  } else if (options_.strict_envelope) {
    InterchangeError(fmt::format("{}, element {}: {}", std::string(s.tag), element, problem),
                     fmt::format("{}.element[{}]", std::string(s.tag), element));
  }
}

void Parser::OnSegment(uint32_t index) {
  Segment& s = out_.segments[index];
  const std::string_view tag = s.tag;
  const bool service = tag.size() == 3 && tag[0] == 'U' && tag[1] == 'N';
  if (service && tag == "UNH") {
    if (in_message_) {
      CloseMessageUnterminated(fmt::format(
          "missing UNT: a new UNH starts at byte {} before this message ended", s.offset));
    }
    Message m;
    m.reference = out_.Text(s, 1);
    m.type = out_.Text(s, 2, 0);
    m.version = out_.Text(s, 2, 1);
    m.release = out_.Text(s, 2, 2);
    m.agency = out_.Text(s, 2, 3);
    m.first_segment = index;
    m.segment_count = 1;
    s.position = 1;
    out_.messages.push_back(std::move(m));
    in_message_ = true;
    ++group_messages_;
    if (!in_group_) ++interchange_units_;
    Message& cur = out_.messages.back();
    if (!error_.empty()) {
      FailMessage(s, error_element_, error_);
    } else if (cur.reference.empty()) {
      FailMessage(s, 1, "message reference number is missing");
    } else if (cur.type.empty() || cur.version.empty()) {
      FailMessage(s, 2, "message type and version are missing");
    }
    return;
  }
  if (in_message_) {
    Message& m = out_.messages.back();
    ++m.segment_count;
    s.position = m.segment_count;
    if (!error_.empty()) {
      FailMessage(s, error_element_, error_);
      if (error_.starts_with("segment not terminated")) in_message_ = false;
      return;
    }
    if (!service) return;
    if (tag == "UNT") {
      CheckEnvelope(s, "the segment count", m.segment_count, "the message reference", m.reference,
                    true);
      in_message_ = false;
      return;
    }
    if (tag != "UNB" && tag != "UNZ" && tag != "UNG" && tag != "UNE") return;
    // An envelope segment inside a message: the message lost its UNT.
    --m.segment_count;
    CloseMessageUnterminated(
        fmt::format("missing UNT: {} follows at byte {}", std::string(tag), s.offset));
    // on to the envelope handling below
  }
  s.position = ++loose_position_;
  if (!error_.empty()) {
    InterchangeError(
        fmt::format("segment {} ({}) outside a message: {}", s.position, std::string(tag), error_),
        fmt::format("segment[{}:{}]", s.position, std::string(tag)));
    return;
  }
  if (tag == "UNB") {
    if (seen_unb_) {
      InterchangeError("a second UNB: one interchange per input", "UNB");
      return;
    }
    seen_unb_ = true;
    out_.syntax = out_.Text(s, 1, 0);
    out_.sender = out_.Text(s, 2, 0);
    out_.recipient = out_.Text(s, 3, 0);
    out_.prepared = out_.Text(s, 4, 0);
    if (!out_.Raw(s, 4, 1).empty()) out_.prepared += ":" + out_.Text(s, 4, 1);
    out_.control_reference = out_.Text(s, 5);
    if (out_.syntax == "UNOA" || out_.syntax == "UNOB") {
      out_.charset = Charset::kAscii;
    } else if (out_.syntax == "UNOC") {
      out_.charset = Charset::kLatin1;
    } else {
      out_.charset = Charset::kUtf8;
    }
    if (out_.control_reference.empty()) {
      InterchangeError("UNB, element 5: the interchange control reference is missing",
                       "UNB.element[5]");
    }
  } else if (tag == "UNG") {
    in_group_ = true;
    group_reference_ = out_.Text(s, 5);
    group_messages_ = 0;
    ++interchange_units_;
  } else if (tag == "UNE") {
    if (!in_group_) {
      InterchangeError("UNE without UNG", "UNE");
      return;
    }
    CheckEnvelope(s, "the message count", group_messages_, "the group reference", group_reference_,
                  false);
    in_group_ = false;
  } else if (tag == "UNZ") {
    if (in_group_) InterchangeError("missing UNE: the group is not closed before UNZ", "UNE");
    in_group_ = false;
    CheckEnvelope(s, "the message/group count", interchange_units_, "the control reference",
                  out_.control_reference, false);
    seen_unz_ = true;
  } else if (tag == "UNT") {
    InterchangeError(fmt::format("UNT at byte {} without UNH", s.offset), "UNT");
  } else {
    InterchangeError(fmt::format("segment {} at byte {} is outside a message (no UNH before it)",
                                 std::string(tag), s.offset),
                     fmt::format("segment[{}:{}]", s.position, std::string(tag)));
  }
}

}  // namespace

size_t Interchange::ComponentCount(const Segment& s, size_t element) const {
  if (element == 0 || element > s.element_count) return 0;
  return elements[s.first_element + element - 1].component_count;
}

std::string_view Interchange::Raw(const Segment& s, size_t element, size_t component) const {
  if (element == 0 || element > s.element_count) return {};
  const Element& e = elements[s.first_element + element - 1];
  if (component >= e.component_count) return {};
  const Component& c = components[e.first_component + component];
  return text.substr(c.offset, c.length);
}

bool Interchange::Escaped(const Segment& s, size_t element, size_t component) const {
  if (element == 0 || element > s.element_count) return false;
  const Element& e = elements[s.first_element + element - 1];
  if (component >= e.component_count) return false;
  return components[e.first_component + component].escaped;
}

bool Interchange::AppendText(const Segment& s, size_t element, size_t component,
                             std::string& out) const {
  const std::string_view raw = Raw(s, element, component);
  if (raw.empty()) return false;
  const bool escaped = Escaped(s, element, component);
  if (!escaped && charset != Charset::kLatin1) {
    out.append(raw);
    return true;
  }
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (escaped && (c == '\r' || c == '\n')) continue;
    if (escaped && c == delimiters.release && i + 1 < raw.size()) c = raw[++i];
    const auto u = static_cast<unsigned char>(c);
    if (charset == Charset::kLatin1 && u >= 0x80) {
      out.push_back(static_cast<char>(0xC0 | (u >> 6)));
      out.push_back(static_cast<char>(0x80 | (u & 0x3F)));
    } else {
      out.push_back(c);
    }
  }
  return true;
}

std::string Interchange::Text(const Segment& s, size_t element, size_t component) const {
  std::string out;
  AppendText(s, element, component, out);
  return out;
}

Status SegmentError(const Message& m, const Segment& s, size_t element, std::string_view what) {
  const std::string tag(s.tag);
  if (element == 0) {
    return InvalidArgument(fmt::format("message {} ({}), segment {} ({}): {}", m.reference, m.type,
                                       s.position, tag, what),
                           fmt::format("message[{}].segment[{}:{}]", m.reference, s.position, tag));
  }
  return InvalidArgument(
      fmt::format("message {} ({}), segment {} ({}), element {}: {}", m.reference, m.type,
                  s.position, tag, element, what),
      fmt::format("message[{}].segment[{}:{}].element[{}]", m.reference, s.position, tag, element));
}

Result<Interchange> ParseInterchange(std::string_view text, const ParseOptions& options) {
  if (text.size() > options.max_bytes || text.size() > UINT32_MAX) {
    return InvalidArgument(fmt::format("the interchange is {} bytes, more than the {} accepted",
                                       text.size(), options.max_bytes),
                           "input");
  }
  Interchange out;
  out.text = text;
  size_t pos = 0;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") pos = 3;
  while (pos < text.size() && IsSpace(text[pos])) ++pos;
  if (pos >= text.size()) return InvalidArgument("empty input: no EDIFACT segment", "input");
  if (text.substr(pos, 3) == "UNA") {
    if (text.size() - pos < 9) {
      return InvalidArgument("UNA service string advice is truncated", "UNA");
    }
    ISSA_RETURN_IF_ERROR(CheckUna(text.substr(pos + 3, 6), out.delimiters));
    out.has_una = true;
    pos += 9;
  }
  // Rough upper estimates for EDIFACT text (a component every few bytes) so that the arrays
  // grow once or twice, not at every doubling.
  out.segments.reserve(text.size() / 24 + 8);
  out.elements.reserve(text.size() / 8 + 8);
  out.components.reserve(text.size() / 5 + 8);
  Parser parser(text, options, out);
  parser.Run(pos);
  if (out.messages.empty() && !out.errors.empty()) {
    // Nothing that looks like a message: report the first envelope problem as the whole error.
    return out.errors.front();
  }
  return out;
}

}  // namespace issa::travel::edifact
