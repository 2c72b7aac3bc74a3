#include "cise_xml.h"

#include <algorithm>
#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <xercesc/dom/DOM.hpp>
#include <xercesc/framework/MemBufInputSource.hpp>
#include <xercesc/framework/XMLGrammarPool.hpp>
#include <xercesc/framework/XMLGrammarPoolImpl.hpp>
#include <xercesc/parsers/XercesDOMParser.hpp>
#include <xercesc/sax/SAXParseException.hpp>
#include <xercesc/sax2/Attributes.hpp>
#include <xercesc/sax2/DefaultHandler.hpp>
#include <xercesc/sax2/SAX2XMLReader.hpp>
#include <xercesc/sax2/XMLReaderFactory.hpp>
#include <xercesc/util/OutOfMemoryException.hpp>
#include <xercesc/util/PlatformUtils.hpp>
#include <xercesc/util/SecurityManager.hpp>
#include <xercesc/util/TransService.hpp>
#include <xercesc/util/XMLEntityResolver.hpp>
#include <xercesc/util/XMLException.hpp>
#include <xercesc/util/XMLResourceIdentifier.hpp>
#include <xercesc/util/XMLUni.hpp>
#include <xercesc/validators/common/Grammar.hpp>

#include "issa/core/text.h"

namespace issa::maritime::detail {

// Generated from data/cise/xsd by cmake/embed_files.cmake.
const std::vector<std::pair<std::string, std::string>>& CiseXsdFiles();

namespace {

namespace x = xercesc;

// System ids of the embedded XSDs: an absolute path that names no real file.
constexpr std::string_view kXsdRoot = "/issa-builtin/cise/xsd/";
constexpr std::string_view kRootSchema = "MessageSchema.xsd";
constexpr XMLSize_t kEntityExpansionLimit = 100;

std::string ToUtf8(const XMLCh* s) {
  if (s == nullptr) return {};
  const XMLSize_t n = x::XMLString::stringLen(s);
  if (n == 0) return {};
  x::TranscodeToStr t(s, n, "UTF-8");
  return std::string(reinterpret_cast<const char*>(t.str()), t.length());
}

// An XMLCh copy of UTF-8 text.
class XStr {
 public:
  explicit XStr(std::string_view s)
      : t_(reinterpret_cast<const XMLByte*>(s.data()), s.size(), "UTF-8") {}
  const XMLCh* get() const { return t_.str(); }

 private:
  x::TranscodeFromStr t_;
};

void EnsureXercesInitialised() {
  // Initialize is reference counted but not thread-safe; a function-local static runs it once.
  // Terminate is never called: objects of other static lifetimes may still use the library.
  static const bool initialised = [] {
    x::XMLPlatformUtils::Initialize();
    return true;
  }();
  (void)initialised;
}

std::string NormalisePath(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view part = path.substr(start, end - start);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    start = end + 1;
  }
  std::string out;
  for (const std::string_view p : parts) {
    out += '/';
    out += p;
  }
  return out;
}

std::string_view StripFileScheme(std::string_view s) {
  if (s.starts_with("file://")) s.remove_prefix(7);
  return s;
}

// Resolves xs:import / xs:include against the embedded XSDs; everything else (external DTDs
// and entities, schemaLocation hints in documents) is refused, and with default resolution
// disabled the parser then fails instead of opening a file or URL.
class EmbeddedResolver final : public x::XMLEntityResolver {
 public:
  explicit EmbeddedResolver(const std::map<std::string, std::string_view, std::less<>>* files)
      : files_(files) {}

  x::InputSource* resolveEntity(x::XMLResourceIdentifier* id) override {
    if (files_ == nullptr || id == nullptr) return nullptr;
    const std::string system = ToUtf8(id->getSystemId());
    const std::string base = ToUtf8(id->getBaseURI());
    std::string path;
    const std::string_view sys = StripFileScheme(system);
    if (sys.starts_with('/')) {
      path = NormalisePath(sys);
    } else {
      const std::string_view b = StripFileScheme(base);
      const size_t slash = b.rfind('/');
      const std::string dir(slash == std::string_view::npos ? std::string_view()
                                                            : b.substr(0, slash + 1));
      path = NormalisePath(dir + std::string(sys));
    }
    const std::string root = NormalisePath(kXsdRoot) + "/";
    if (!path.starts_with(root)) return nullptr;
    const auto it = files_->find(std::string_view(path).substr(root.size()));
    if (it == files_->end()) return nullptr;
    const XStr system_id(path);
    return new x::MemBufInputSource(reinterpret_cast<const XMLByte*>(it->second.data()),
                                    it->second.size(), system_id.get(), false);
  }

 private:
  const std::map<std::string, std::string_view, std::less<>>* files_;
};

struct XmlError {
  bool set = false;
  std::string message;
  std::string path;
  uint64_t line = 0;
  uint64_t column = 0;
};

// Keeps the first error or fatal error; warnings are ignored.
class FirstErrorHandler : public x::DefaultHandler {
 public:
  void warning(const x::SAXParseException&) override {}
  void error(const x::SAXParseException& e) override { Keep(e); }
  void fatalError(const x::SAXParseException& e) override { Keep(e); }

  const XmlError& first() const { return first_; }

 protected:
  virtual std::string CurrentPath() const { return {}; }

 private:
  void Keep(const x::SAXParseException& e) {
    if (first_.set) return;
    first_.set = true;
    first_.message = ToUtf8(e.getMessage());
    first_.line = e.getLineNumber();
    first_.column = e.getColumnNumber();
    first_.path = CurrentPath();
  }
  XmlError first_;
};

// Tracks the element path ("Push/Payload/Vessel[2]/Name") so that errors can name it.
class PathTrackingHandler final : public FirstErrorHandler {
 public:
  explicit PathTrackingHandler(std::string root_name) : root_name_(std::move(root_name)) {}

  void startElement(const XMLCh* const /*uri*/, const XMLCh* const localname,
                    const XMLCh* const /*qname*/, const x::Attributes& /*attrs*/) override {
    std::string name = ToUtf8(localname);
    std::string label;
    if (frames_.empty()) {
      label = root_name_.empty() ? name : root_name_;
    } else {
      const uint64_t n = ++frames_.back().counts[name];
      label = n > 1 ? fmt::format("{}[{}]", name, n) : name;
    }
    frames_.push_back(Frame{std::move(label), {}});
  }
  void endElement(const XMLCh* const, const XMLCh* const, const XMLCh* const) override {
    if (!frames_.empty()) frames_.pop_back();
  }

 protected:
  std::string CurrentPath() const override {
    std::string out;
    for (const Frame& f : frames_) {
      if (!out.empty()) out += '/';
      out += f.label;
    }
    return out.empty() ? root_name_ : out;
  }

 private:
  struct Frame {
    std::string label;
    std::map<std::string, uint64_t> counts;
  };
  std::string root_name_;
  std::vector<Frame> frames_;
};

Status ToStatus(const XmlError& e, std::string_view what) {
  return InvalidArgument(
      fmt::format("{}{}{}: {} (line {}, column {})", what, e.path.empty() ? "" : " at ", e.path,
                  e.message, e.line, e.column),
      e.path);
}

// Converts a DOM element; depth is bounded by kMaxXmlDepth, checked by the caller's walk.
Status Convert(const x::DOMElement* el, int depth, XmlElement& out) {
  if (depth > kMaxXmlDepth) {
    return InvalidArgument(fmt::format("XML nested deeper than {} elements", kMaxXmlDepth));
  }
  out.qname = ToUtf8(el->getTagName());
  out.ns = ToUtf8(el->getNamespaceURI());
  out.local = ToUtf8(el->getLocalName());
  if (out.local.empty()) out.local = out.qname;
  const x::DOMNamedNodeMap* attrs = el->getAttributes();
  for (XMLSize_t i = 0; attrs != nullptr && i < attrs->getLength(); ++i) {
    const x::DOMNode* a = attrs->item(i);
    out.attributes.push_back({ToUtf8(a->getNodeName()), ToUtf8(a->getNodeValue())});
  }
  std::string chunk;
  for (const x::DOMNode* c = el->getFirstChild(); c != nullptr; c = c->getNextSibling()) {
    switch (c->getNodeType()) {
      case x::DOMNode::TEXT_NODE:
      case x::DOMNode::CDATA_SECTION_NODE: {
        const std::string t = ToUtf8(c->getNodeValue());
        out.text += t;
        chunk += t;
        break;
      }
      case x::DOMNode::ELEMENT_NODE: {
        out.chunks.push_back(std::move(chunk));
        chunk.clear();
        out.children.emplace_back();
        ISSA_RETURN_IF_ERROR(
            Convert(static_cast<const x::DOMElement*>(c), depth + 1, out.children.back()));
        break;
      }
      case x::DOMNode::ENTITY_REFERENCE_NODE:
        return InvalidArgument("entity references are not allowed");
      default:
        break;  // comments, processing instructions
    }
  }
  out.chunks.push_back(std::move(chunk));
  return Status::Ok();
}

// Line breaks before the root element's start tag (the prolog: XML declaration, comments, PIs).
size_t PrologNewlines(std::string_view xml) {
  size_t i = 0;
  while (i < xml.size()) {
    const size_t lt = xml.find('<', i);
    if (lt == std::string_view::npos || lt + 1 >= xml.size()) return 0;
    const std::string_view rest = xml.substr(lt);
    size_t end = std::string_view::npos;
    if (rest.starts_with("<?")) {
      end = xml.find("?>", lt);
    } else if (rest.starts_with("<!--")) {
      end = xml.find("-->", lt);
    } else {
      return static_cast<size_t>(
          std::count(xml.begin(), xml.begin() + static_cast<std::ptrdiff_t>(lt), '\n'));
    }
    if (end == std::string_view::npos) return 0;
    i = end + 2;
  }
  return 0;
}

}  // namespace

// ---- XmlElement / writer ------------------------------------------------------------------------

const XmlElement* XmlElement::Child(std::string_view name) const {
  for (const XmlElement& c : children) {
    if (c.ns.empty() && c.local == name) return &c;
  }
  return nullptr;
}

std::string XmlElement::ChildText(std::string_view name) const {
  const XmlElement* c = Child(name);
  if (c == nullptr) return {};
  const std::string_view ws = " \t\r\n";
  const size_t b = c->text.find_first_not_of(ws);
  if (b == std::string::npos) return {};
  const size_t e = c->text.find_last_not_of(ws);
  return c->text.substr(b, e - b + 1);
}

void AppendEscaped(std::string& out, std::string_view text) {
  core::AppendMarkupEscaped(out, text);
}

namespace {

bool IsNamespaceDeclaration(std::string_view qname) {
  return qname == "xmlns" || qname.starts_with("xmlns:");
}

void WriteElement(std::string& out, const XmlElement& el, const std::vector<XmlAttribute>* extra,
                  XmlSkip skip) {
  out += '<';
  out += el.qname;
  for (const XmlAttribute& a : el.attributes) {
    out += ' ';
    out += a.qname;
    out += "=\"";
    AppendEscaped(out, a.value);
    out += '"';
  }
  if (extra != nullptr) {
    for (const XmlAttribute& a : *extra) {
      bool redeclared = false;
      for (const XmlAttribute& own : el.attributes) redeclared |= own.qname == a.qname;
      if (redeclared) continue;
      out += ' ';
      out += a.qname;
      out += "=\"";
      AppendEscaped(out, a.value);
      out += '"';
    }
  }
  out += '>';
  const bool has_chunks = el.chunks.size() == el.children.size() + 1;
  if (!has_chunks) AppendEscaped(out, el.text);
  for (size_t i = 0; i < el.children.size(); ++i) {
    if (has_chunks) AppendEscaped(out, el.chunks[i]);
    const XmlElement& c = el.children[i];
    if (skip != nullptr && skip(el, c)) {
      out.append(NewlinesIn(c), '\n');
      continue;
    }
    WriteElement(out, c, nullptr, skip);
  }
  if (has_chunks) AppendEscaped(out, el.chunks.back());
  out += "</";
  out += el.qname;
  out += '>';
}

}  // namespace

size_t NewlinesIn(const XmlElement& element) {
  size_t n = 0;
  for (const std::string& chunk : element.chunks) {
    n += static_cast<size_t>(std::count(chunk.begin(), chunk.end(), '\n'));
  }
  for (const XmlElement& c : element.children) n += NewlinesIn(c);
  return n;
}

std::string WriteXml(const XmlElement& root, const std::vector<XmlAttribute>& inherited,
                     XmlSkip skip, size_t leading_newlines) {
  // Outer declarations first; an inner one of the same prefix replaces it.
  std::vector<XmlAttribute> extra;
  for (const XmlAttribute& a : inherited) {
    if (!IsNamespaceDeclaration(a.qname)) continue;
    const auto same = std::find_if(extra.begin(), extra.end(),
                                   [&](const XmlAttribute& e) { return e.qname == a.qname; });
    if (same != extra.end()) {
      same->value = a.value;
    } else {
      extra.push_back(a);
    }
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
  out.append(leading_newlines, '\n');
  WriteElement(out, root, &extra, skip);
  return out;
}

// ---- XmlEngine ----------------------------------------------------------------------------------

struct XmlEngine::Impl {
  std::map<std::string, std::string_view, std::less<>> files;
  std::unique_ptr<x::XMLGrammarPool> pool;
  // Parses and validations take turns. Under LeakSanitizer, concurrent validations against the
  // shared grammar pool lost an object inside Xerces-C 3.2.4 (a race in its lazy state); CISE
  // messages come one at a time, so serialising costs nothing that matters.
  std::mutex mu;
};

XmlEngine::XmlEngine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

XmlEngine::~XmlEngine() = default;

Result<std::unique_ptr<XmlEngine>> XmlEngine::Create() {
  try {
    EnsureXercesInitialised();
    auto impl = std::make_unique<Impl>();
    for (const auto& [name, content] : CiseXsdFiles()) impl->files.emplace(name, content);
    const auto root = impl->files.find(kRootSchema);
    if (root == impl->files.end()) return Internal("built-in CISE XSDs are missing");
    impl->pool = std::make_unique<x::XMLGrammarPoolImpl>(x::XMLPlatformUtils::fgMemoryManager);
    {
      EmbeddedResolver resolver(&impl->files);
      FirstErrorHandler errors;
      x::XercesDOMParser loader(nullptr, x::XMLPlatformUtils::fgMemoryManager, impl->pool.get());
      loader.setDoNamespaces(true);
      loader.setDoSchema(true);
      loader.setHandleMultipleImports(true);
      loader.setValidationSchemaFullChecking(false);
      loader.setLoadExternalDTD(false);
      loader.setDisableDefaultEntityResolution(true);
      loader.setXMLEntityResolver(&resolver);
      loader.setErrorHandler(&errors);
      const std::string system_id = std::string(kXsdRoot) + std::string(kRootSchema);
      const XStr sid(system_id);
      x::MemBufInputSource source(reinterpret_cast<const XMLByte*>(root->second.data()),
                                  root->second.size(), sid.get(), false);
      const x::Grammar* grammar = loader.loadGrammar(source, x::Grammar::SchemaGrammarType, true);
      if (grammar == nullptr || errors.first().set) {
        return Internal(fmt::format("built-in CISE XSDs do not compile: {} (line {})",
                                    errors.first().message, errors.first().line));
      }
    }
    impl->pool->lockPool();
    return std::unique_ptr<XmlEngine>(new XmlEngine(std::move(impl)));
  } catch (const x::XMLException& e) {
    return Internal("XML library: " + ToUtf8(e.getMessage()));
  } catch (const x::OutOfMemoryException&) {
    return Internal("XML library: out of memory");
  }
}

Result<XmlElement> XmlEngine::Parse(std::string_view xml) const {
  // A DTD has no place in a CISE message; refusing it up front rules out entity expansion
  // and external entities before the parser sees them.
  if (xml.find("<!DOCTYPE") != std::string_view::npos ||
      xml.find("<!ENTITY") != std::string_view::npos) {
    return InvalidArgument("a DOCTYPE (DTD) is not allowed in a CISE message");
  }
  std::lock_guard lock(impl_->mu);
  try {
    EmbeddedResolver refuse(nullptr);
    FirstErrorHandler errors;
    x::SecurityManager security;
    security.setEntityExpansionLimit(kEntityExpansionLimit);
    x::XercesDOMParser parser;
    parser.setValidationScheme(x::XercesDOMParser::Val_Never);
    parser.setDoNamespaces(true);
    parser.setDoSchema(false);
    parser.setLoadExternalDTD(false);
    parser.setLoadSchema(false);
    parser.setDisableDefaultEntityResolution(true);
    parser.setXMLEntityResolver(&refuse);
    parser.setCreateEntityReferenceNodes(false);
    parser.setCreateCommentNodes(false);
    parser.setSecurityManager(&security);
    parser.setErrorHandler(&errors);
    const XStr sid("message");
    x::MemBufInputSource source(reinterpret_cast<const XMLByte*>(xml.data()), xml.size(), sid.get(),
                                false);
    parser.parse(source);
    if (errors.first().set) return ToStatus(errors.first(), "malformed XML");
    const x::DOMDocument* doc = parser.getDocument();
    if (doc == nullptr || doc->getDocumentElement() == nullptr) {
      return InvalidArgument("malformed XML: no root element");
    }
    if (doc->getDoctype() != nullptr) {
      return InvalidArgument("a DOCTYPE (DTD) is not allowed in a CISE message");
    }
    XmlElement root;
    ISSA_RETURN_IF_ERROR(Convert(doc->getDocumentElement(), 1, root));
    root.leading_newlines = PrologNewlines(xml);
    return root;
  } catch (const x::XMLException& e) {
    return InvalidArgument("malformed XML: " + ToUtf8(e.getMessage()));
  } catch (const x::DOMException& e) {
    return InvalidArgument("malformed XML: " + ToUtf8(e.getMessage()));
  } catch (const x::SAXException& e) {
    return InvalidArgument("malformed XML: " + ToUtf8(e.getMessage()));
  } catch (const x::OutOfMemoryException&) {
    return ResourceExhausted("XML library: out of memory");
  }
}

Status XmlEngine::Validate(std::string_view xml, std::string_view path_prefix) const {
  std::lock_guard lock(impl_->mu);
  try {
    PathTrackingHandler handler{std::string(path_prefix)};
    x::SecurityManager security;
    security.setEntityExpansionLimit(kEntityExpansionLimit);
    std::unique_ptr<x::SAX2XMLReader> reader(x::XMLReaderFactory::createXMLReader(
        x::XMLPlatformUtils::fgMemoryManager, impl_->pool.get()));
    reader->setFeature(x::XMLUni::fgSAX2CoreNameSpaces, true);
    reader->setFeature(x::XMLUni::fgSAX2CoreValidation, true);
    reader->setFeature(x::XMLUni::fgXercesDynamic, false);
    reader->setFeature(x::XMLUni::fgXercesSchema, true);
    reader->setFeature(x::XMLUni::fgXercesSchemaFullChecking, false);
    reader->setFeature(x::XMLUni::fgXercesUseCachedGrammarInParse, true);
    reader->setFeature(x::XMLUni::fgXercesCacheGrammarFromParse, false);
    reader->setFeature(x::XMLUni::fgXercesLoadSchema, false);
    reader->setFeature(x::XMLUni::fgXercesLoadExternalDTD, false);
    reader->setFeature(x::XMLUni::fgXercesDisableDefaultEntityResolution, true);
    reader->setFeature(x::XMLUni::fgXercesHandleMultipleImports, true);
    reader->setProperty(x::XMLUni::fgXercesSecurityManager, &security);
    // DefaultHandler::resolveEntity returns null: with default resolution off, refused.
    reader->setEntityResolver(&handler);
    reader->setContentHandler(&handler);
    reader->setErrorHandler(&handler);
    const XStr sid("message");
    x::MemBufInputSource source(reinterpret_cast<const XMLByte*>(xml.data()), xml.size(), sid.get(),
                                false);
    reader->parse(source);
    if (handler.first().set) return ToStatus(handler.first(), "not valid against the CISE XSDs");
    return Status::Ok();
  } catch (const x::XMLException& e) {
    return InvalidArgument("not valid against the CISE XSDs: " + ToUtf8(e.getMessage()),
                           std::string(path_prefix));
  } catch (const x::SAXException& e) {
    return InvalidArgument("not valid against the CISE XSDs: " + ToUtf8(e.getMessage()),
                           std::string(path_prefix));
  } catch (const x::OutOfMemoryException&) {
    return ResourceExhausted("XML library: out of memory");
  }
}

}  // namespace issa::maritime::detail
