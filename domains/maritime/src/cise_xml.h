#pragma once

// The XML side of the CISE codec: a secure non-validating parse into a small element tree, a
// writer for that tree, and XSD validation against the built-in CISE schemas. Xerces-C stays
// behind this header.

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "issa/core/status.h"

namespace issa::maritime::detail {

struct XmlAttribute {
  std::string qname;  // as written, e.g. "xsi:type", "xmlns:ns4"
  std::string value;
};

// An element with its attributes, its own text (the concatenation of its text children) and its
// element children. Comments and processing instructions are dropped.
struct XmlElement {
  std::string qname;  // as written, e.g. "ns4:Push"
  std::string ns;     // namespace URI, empty for none
  std::string local;  // local name
  std::vector<XmlAttribute> attributes;
  std::string text;
  std::vector<XmlElement> children;
  // The text around the children as parsed: chunks[i] precedes children[i], the last follows
  // the last child. Kept so that a written element has the line breaks of the original, and
  // validation errors point at the original lines. Empty for elements built by hand.
  std::vector<std::string> chunks;
  // Line breaks before the element in its document (set on the root by XmlEngine::Parse).
  size_t leading_newlines = 0;

  // The first child with this local name in no namespace, or nullptr.
  const XmlElement* Child(std::string_view name) const;
  // The trimmed text of that child, or "" when absent.
  std::string ChildText(std::string_view name) const;
};

constexpr int kMaxXmlDepth = 128;

// Writes `root` as a standalone document. `inherited` are namespace declarations ("xmlns:p",
// uri) in scope above `root`; those it does not redeclare are added to it. `skip(parent, child)`
// leaves out children (and their subtrees).
// A skipped child is replaced by its line breaks, so the lines after it keep their numbers.
// `leading_newlines` line breaks precede the root, which thus starts on the line it had.
using XmlSkip = bool (*)(const XmlElement& parent, const XmlElement& child);
std::string WriteXml(const XmlElement& root, const std::vector<XmlAttribute>& inherited,
                     XmlSkip skip = nullptr, size_t leading_newlines = 0);

// Line breaks in the element's subtree text (its chunks and its children's).
size_t NewlinesIn(const XmlElement& element);

// Escapes text for element content and attribute values.
void AppendEscaped(std::string& out, std::string_view text);

// Parser and validator. Thread-safe: each call uses its own parser; the grammar pool is locked.
class XmlEngine {
 public:
  // Initialises Xerces-C once per process and compiles the embedded CISE XSDs.
  static Result<std::unique_ptr<XmlEngine>> Create();
  ~XmlEngine();
  XmlEngine(const XmlEngine&) = delete;
  XmlEngine& operator=(const XmlEngine&) = delete;

  // Well-formedness only; refuses DTDs and external entities, and trees deeper than
  // kMaxXmlDepth. InvalidArgument with line and column.
  Result<XmlElement> Parse(std::string_view xml) const;

  // Validates a standalone document against the cached grammars (message.xsd for the message
  // namespace, EntitySchema.xsd for unqualified entities). Errors name the element path, which
  // starts with `path_prefix`.
  Status Validate(std::string_view xml, std::string_view path_prefix) const;

 private:
  struct Impl;
  explicit XmlEngine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace issa::maritime::detail
