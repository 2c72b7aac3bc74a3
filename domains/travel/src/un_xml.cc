// UN Security Council consolidated list
// (https://scsanctions.un.org/resources/xml/en/consolidated.xml) read with Xerces-C SAX2:
// INDIVIDUAL and ENTITY elements, their aliases (QUALITY Good/Low for individuals, a.k.a./f.k.a.
// for entities), NAME_ORIGINAL_SCRIPT, dates of birth (EXACT, APPROXIMATELY, BETWEEN, year only),
// nationalities and documents.
#include <algorithm>
#include <array>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <xercesc/framework/MemBufInputSource.hpp>
#include <xercesc/sax/Locator.hpp>
#include <xercesc/sax/SAXParseException.hpp>
#include <xercesc/sax2/Attributes.hpp>
#include <xercesc/sax2/DefaultHandler.hpp>
#include <xercesc/sax2/SAX2XMLReader.hpp>
#include <xercesc/sax2/XMLReaderFactory.hpp>
#include <xercesc/util/PlatformUtils.hpp>
#include <xercesc/util/SecurityManager.hpp>
#include <xercesc/util/TransService.hpp>
#include <xercesc/util/XMLString.hpp>
#include <xercesc/util/XMLUni.hpp>

#include "issa/travel/watchlist.h"

#include "text.h"

namespace issa::travel {
namespace {

namespace x = xercesc;

std::string Utf8(const XMLCh* s) {
  if (s == nullptr) return "";
  x::TranscodeToStr t(s, x::XMLString::stringLen(s), "UTF-8");
  return std::string(reinterpret_cast<const char*>(t.str()), t.length());
}

void InitXerces() {
  // Initialize is reference counted but not thread-safe; a function-local static runs it once.
  static const bool done = [] {
    x::XMLPlatformUtils::Initialize();
    return true;
  }();
  (void)done;
}

class Handler : public x::DefaultHandler {
 public:
  Handler(Watchlist& list, std::string file) : list_(list), file_(std::move(file)) {}

  void setDocumentLocator(const x::Locator* locator) override { locator_ = locator; }

  void startElement(const XMLCh* /*uri*/, const XMLCh* local, const XMLCh* /*qname*/,
                    const x::Attributes& /*attrs*/) override {
    const std::string name = Utf8(local);
    if (path_.empty() && name != "CONSOLIDATED_LIST") {
      root_error_ = fmt::format("root element is <{}>, expected <CONSOLIDATED_LIST>", name);
    }
    path_.push_back(name);
    text_.clear();
    if (name == "INDIVIDUAL" || name == "ENTITY") {
      entry_ = WatchlistEntry{};
      entry_.list = list_.id;
      entry_.kind = name == "INDIVIDUAL" ? EntryKind::kPerson : EntryKind::kOrganisation;
      in_entry_ = true;
      entry_line_ = Line();
      parts_.fill("");
      original_.clear();
      data_id_.clear();
      problem_.clear();
      problem_field_.clear();
    } else if (name == "INDIVIDUAL_ALIAS" || name == "ENTITY_ALIAS") {
      alias_name_.clear();
      alias_quality_.clear();
    } else if (name == "INDIVIDUAL_DATE_OF_BIRTH") {
      dob_ = {};
    } else if (name == "INDIVIDUAL_DOCUMENT") {
      doc_ = {};
    }
  }

  void characters(const XMLCh* chars, const XMLSize_t length) override {
    x::TranscodeToStr t(chars, length, "UTF-8");
    text_.append(reinterpret_cast<const char*>(t.str()), t.length());
  }

  void endElement(const XMLCh* /*uri*/, const XMLCh* local, const XMLCh* /*qname*/) override {
    const std::string name = Utf8(local);
    const std::string text(detail::Trim(text_));
    text_.clear();
    const std::string parent = path_.size() >= 2 ? path_[path_.size() - 2] : "";
    path_.pop_back();
    if (!in_entry_) return;
    const bool top = parent == "INDIVIDUAL" || parent == "ENTITY";
    if (top) {
      if (name == "FIRST_NAME") parts_[0] = text;
      if (name == "SECOND_NAME") parts_[1] = text;
      if (name == "THIRD_NAME") parts_[2] = text;
      if (name == "FOURTH_NAME") parts_[3] = text;
      if (name == "DATAID") data_id_ = text;
      if (name == "REFERENCE_NUMBER") entry_.id = text;
      if (name == "UN_LIST_TYPE") detail::AddUnique(entry_.programmes, text);
      if (name == "NAME_ORIGINAL_SCRIPT") original_ = text;
      if (name == "COMMENTS1") entry_.remarks = text;
      if (name == "GENDER") {
        const std::string g = detail::Lower(text);
        if (g == "male" || g == "female") entry_.gender = g;
      }
    }
    if (parent == "NATIONALITY" && name == "VALUE" && !text.empty()) {
      const std::string code = CountryCode(text);
      if (code.empty()) {
        Note("NATIONALITY", fmt::format("unknown country '{}' ignored", text.substr(0, 60)));
      }
      detail::AddUnique(entry_.nationalities, code);
    }
    if (name == "QUALITY") alias_quality_ = text;
    if (name == "ALIAS_NAME") alias_name_ = text;
    if (name == "INDIVIDUAL_ALIAS" || name == "ENTITY_ALIAS") {
      if (!alias_name_.empty()) {
        const std::string q = detail::Lower(alias_quality_);
        const NameRole role = q == "low" ? NameRole::kWeakAlias : NameRole::kStrongAlias;
        entry_.names.push_back(
            {alias_name_, role, detail::ScriptOf(alias_name_), false, q == "f.k.a."});
      }
    }
    if (parent == "INDIVIDUAL_DATE_OF_BIRTH") {
      if (name == "TYPE_OF_DATE") dob_.type = text;
      if (name == "DATE") dob_.date = text;
      if (name == "YEAR") dob_.year = text;
      if (name == "FROM_YEAR") dob_.from = text;
      if (name == "TO_YEAR") dob_.to = text;
    }
    if (name == "INDIVIDUAL_DATE_OF_BIRTH") AddBirthDate();
    if (parent == "INDIVIDUAL_PLACE_OF_BIRTH" && entry_.birth_place.empty() &&
        (name == "CITY" || name == "COUNTRY") && !text.empty()) {
      entry_.birth_place = text;
    }
    if (parent == "INDIVIDUAL_DOCUMENT") {
      if (name == "TYPE_OF_DOCUMENT") doc_.type = text;
      if (name == "NUMBER") doc_.number = text;
      if ((name == "ISSUING_COUNTRY" || name == "COUNTRY_OF_ISSUE") && doc_.country.empty()) {
        doc_.country = CountryCode(text);
      }
    }
    if (name == "INDIVIDUAL_DOCUMENT" && !doc_.number.empty()) {
      const std::string lower = detail::Lower(doc_.type);
      doc_.type = lower.find("passport") != std::string::npos   ? "passport"
                  : lower.find("national") != std::string::npos ? "national_id"
                                                                : "other";
      doc_.normalised = detail::NormaliseDocumentNumber(doc_.number);
      if (!doc_.normalised.empty()) entry_.documents.push_back(doc_);
    }
    if (name == "INDIVIDUAL" || name == "ENTITY") Finish();
  }

  void fatalError(const x::SAXParseException& e) override { throw e; }
  void error(const x::SAXParseException& e) override { throw e; }

  const std::string& root_error() const { return root_error_; }

 private:
  struct Dob {
    std::string type, date, year, from, to;
  };

  size_t Line() const { return locator_ == nullptr ? 0 : locator_->getLineNumber(); }

  void Note(std::string field, std::string message) {
    list_.issues.push_back({file_, Line(), Element(), std::move(field), std::move(message)});
  }
  std::string Element() const {
    return entry_.id.empty() ? fmt::format("entry at line {}", entry_line_)
                             : fmt::format("entry {}", entry_.id);
  }

  void AddBirthDate() {
    auto add = [&](PartialDate d) {
      if (std::find(entry_.birth_dates.begin(), entry_.birth_dates.end(), d) ==
          entry_.birth_dates.end()) {
        entry_.birth_dates.push_back(d);
      }
    };
    if (!dob_.date.empty()) {
      if (const auto d = ParseIsoDate(dob_.date)) {
        add(*d);
      } else {
        Note("INDIVIDUAL_DATE_OF_BIRTH/DATE",
             fmt::format("malformed date '{}' ignored", dob_.date.substr(0, 40)));
      }
    }
    if (!dob_.year.empty()) {
      if (const auto d = ParseIsoDate(dob_.year); d && d->month == 0) {
        add(*d);
      } else {
        Note("INDIVIDUAL_DATE_OF_BIRTH/YEAR",
             fmt::format("malformed year '{}' ignored", dob_.year.substr(0, 40)));
      }
    }
    if (!dob_.from.empty() || !dob_.to.empty()) {
      const auto from = ParseIsoDate(dob_.from);
      const auto to = ParseIsoDate(dob_.to);
      if (!from || !to || from->month != 0 || to->month != 0 || to->year < from->year ||
          to->year - from->year > 12) {
        Note("INDIVIDUAL_DATE_OF_BIRTH/FROM_YEAR", "malformed BETWEEN range ignored");
      } else {
        for (int y = from->year; y <= to->year; ++y)
          add(PartialDate{static_cast<uint16_t>(y), 0, 0});
      }
    }
  }

  void Finish() {
    in_entry_ = false;
    if (entry_.id.empty()) entry_.id = data_id_;
    std::string primary;
    for (const std::string& p : parts_) {
      if (p.empty()) continue;
      if (!primary.empty()) primary += ' ';
      primary += p;
    }
    if (entry_.id.empty()) {
      list_.issues.push_back(
          {file_, entry_line_, Element(), "REFERENCE_NUMBER", "entry without an id dropped"});
      ++list_.rejected;
      return;
    }
    if (primary.empty()) {
      list_.issues.push_back(
          {file_, entry_line_, Element(), "FIRST_NAME", "entry without a name dropped"});
      ++list_.rejected;
      return;
    }
    std::vector<EntryName> names;
    names.push_back({primary, NameRole::kPrimary, detail::ScriptOf(primary), false, false});
    if (!original_.empty()) {
      names.push_back(
          {original_, NameRole::kStrongAlias, detail::ScriptOf(original_), true, false});
    }
    for (EntryName& n : entry_.names) names.push_back(std::move(n));
    entry_.names = std::move(names);
    list_.entries.push_back(std::move(entry_));
  }

  Watchlist& list_;
  std::string file_;
  const x::Locator* locator_ = nullptr;
  std::vector<std::string> path_;
  std::string text_;
  std::string root_error_;
  bool in_entry_ = false;
  size_t entry_line_ = 0;
  WatchlistEntry entry_;
  std::array<std::string, 4> parts_;
  std::string original_;
  std::string data_id_;
  std::string alias_name_, alias_quality_;
  std::string problem_, problem_field_;
  Dob dob_;
  EntryDocument doc_;
};

}  // namespace

Result<Watchlist> ParseUnXml(std::string_view xml, std::string_view file_name,
                             std::string_view list_id) {
  InitXerces();
  Watchlist list;
  list.id = std::string(list_id);
  list.format = "un-xml";
  list.source = std::string(file_name);
  Handler handler(list, std::string(file_name));
  try {
    std::unique_ptr<x::SAX2XMLReader> reader(x::XMLReaderFactory::createXMLReader());
    reader->setFeature(x::XMLUni::fgSAX2CoreNameSpaces, true);
    reader->setFeature(x::XMLUni::fgSAX2CoreValidation, false);
    reader->setFeature(x::XMLUni::fgXercesLoadExternalDTD, false);
    reader->setFeature(x::XMLUni::fgXercesDisableDefaultEntityResolution, true);
    x::SecurityManager security;
    security.setEntityExpansionLimit(100);
    reader->setProperty(x::XMLUni::fgXercesSecurityManager, &security);
    reader->setContentHandler(&handler);
    reader->setErrorHandler(&handler);
    const std::string sid(file_name);
    x::MemBufInputSource source(reinterpret_cast<const XMLByte*>(xml.data()), xml.size(),
                                sid.c_str(), false);
    reader->parse(source);
  } catch (const x::SAXParseException& e) {
    return InvalidArgument(fmt::format("{}:{}:{}: malformed XML: {}", file_name, e.getLineNumber(),
                                       e.getColumnNumber(), Utf8(e.getMessage())));
  } catch (const x::XMLException& e) {
    return InvalidArgument(fmt::format("{}: XML error: {}", file_name, Utf8(e.getMessage())));
  } catch (const std::exception& e) {
    return InvalidArgument(fmt::format("{}: XML error: {}", file_name, e.what()));
  }
  if (!handler.root_error().empty()) {
    return InvalidArgument(fmt::format("{}: {}", file_name, handler.root_error()));
  }
  return list;
}

}  // namespace issa::travel
