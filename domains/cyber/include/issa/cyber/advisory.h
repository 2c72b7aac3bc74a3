#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "issa/core/status.h"
#include "issa/core/time.h"

// Plain-language advisories for citizens and small businesses (EISAS, issue 6 item 9): the
// model, its JSON form, a cheap readability check, and renderers to an accessible HTML page, an
// Atom 1.0 feed and JSON. Each language is a complete text of its own: a translation that lacks
// a part is left out, never filled from another language. Pure functions; thread-safe.
namespace issa::cyber {

// Severity in four steps; each language words it plainly ("High risk: act today").
enum class AdvisorySeverity { kLow, kMedium, kHigh, kCritical };
std::string_view ToString(AdvisorySeverity severity);  // "low", "medium", "high", "critical"
Result<AdvisorySeverity> ParseAdvisorySeverity(std::string_view text);

// The words around the content of one language: headings and the severity words. Built in for
// en, de, fr and it; other languages bring their own in the translation.
struct AdvisoryLabels {
  std::string who_is_affected;  // "Who is affected"
  std::string how_to_tell;      // "How to tell"
  std::string risk;             // "The risk"
  std::string steps;            // "What to do now"
  std::string if_affected;      // "If you are already affected"
  std::string report;           // "Report it to"
  std::string updated;          // before the date of the current version: "Updated"
  std::string version;          // "version"
  std::string all_advisories;   // "All advisories"
  std::string severity[4];      // by AdvisorySeverity
};
// The built-in labels of a language (primary subtag), or nullopt.
std::optional<AdvisoryLabels> BuiltinAdvisoryLabels(std::string_view lang);

// One complete text in one language.
struct AdvisoryText {
  std::string lang;                // BCP 47, e.g. "en", "de", "pt-PT"
  std::string headline;            // one line
  std::string who_is_affected;     // who, and which products, services or scam pattern
  std::string how_to_tell;         // how to tell whether it concerns you
  std::string risk;                // the risk in everyday words
  std::vector<std::string> steps;  // numbered steps to take now
  std::string if_affected;         // what to do if already affected
  std::string report_contact;      // whom to report to (name, phone, web address)
  AdvisoryLabels labels;           // built-in ones when the translation brings none
};

struct Advisory {
  std::string id;       // tracking id, e.g. "EU-EISAS-2026-0001" (also the CSAF tracking id)
  std::string version;  // "1", "2", ...
  core::Timestamp published_at = 0;
  core::Timestamp updated_at = 0;
  AdvisorySeverity severity = AdvisorySeverity::kMedium;
  std::string publisher;            // e.g. "CERT-EU"
  std::string tlp = "CLEAR";        // TLP 2.0 label of the advisory
  std::vector<AdvisoryText> texts;  // the source language first; each complete
  // The language a reader gets when the asked one is absent: the first text's.
  const AdvisoryText* Text(std::string_view lang) const;
};

// A note to the author: a part that is hard to read, or a translation left out.
struct AdvisoryWarning {
  std::string lang;
  std::string field;  // e.g. "texts.de.steps[2]"
  std::string message;
};

struct ParsedAdvisory {
  Advisory advisory;
  std::vector<AdvisoryWarning> warnings;  // translations left out, readability
};

// Parses the JSON form (docs/cyber.md#advisory-json):
//   {"id","version","published_at","updated_at","severity","publisher","tlp",
//    "source_lang":"en","texts":{"en":{"headline","who_is_affected","how_to_tell","risk",
//    "steps":[…],"if_affected","report_contact","labels":{…}},"de":{…}}}
// The source language's text must be complete (InvalidArgument naming the field, e.g.
// "texts.en.steps"); an incomplete translation is left out with a warning. Control characters
// other than newline and tab are refused. Readability warnings are added (CheckReadability).
Result<ParsedAdvisory> ParseAdvisoryJson(std::string_view json);

// The JSON form of an advisory (what ParseAdvisoryJson reads; labels only for languages without
// built-in ones).
std::string AdvisoryToJson(const Advisory& advisory);

// Readability, cheaply: sentences over 25 words, a headline over 12 words or 100 characters,
// more than 10 steps, and jargon (a small list per language: "IOC", "exploit", "payload", ...)
// not explained in brackets where first used.
std::vector<AdvisoryWarning> CheckReadability(const AdvisoryText& text);

// ---- Renderers (everything escaped; no scripts, no external resources) ----

struct AdvisoryPageOptions {
  std::string base_path = "/advisories";  // links: {base_path}/{id}?lang=xx
};

// An HTML page for one language (the first text when `lang` is absent), with lang attributes, a
// language switcher and the steps as an ordered list.
std::string RenderAdvisoryHtml(const Advisory& advisory, std::string_view lang,
                               const AdvisoryPageOptions& options = {});
// The index page: newest first, in `lang` where a text exists (each entry marked with its lang).
std::string RenderAdvisoryIndexHtml(const std::vector<Advisory>& advisories, std::string_view lang,
                                    const AdvisoryPageOptions& options = {});

struct AtomFeedOptions {
  std::string base_url;  // absolute, e.g. "https://eisas.example.eu"; entry links and ids use it
  std::string title = "EISAS advisories";
  std::string author = "ISSA";
  std::string base_path = "/advisories";
  core::Timestamp now = 0;  // feed <updated> when there are no entries
};
// Atom 1.0 (RFC 4287): one entry per advisory and language; entry id
// "{base_url}{base_path}/{id}?lang={lang}", updated/published, xml:lang, a text summary.
std::string RenderAtomFeed(const std::vector<Advisory>& advisories, const AtomFeedOptions& options);

// {"advisories":[AdvisoryToJson…]}
std::string AdvisoriesToJson(const std::vector<Advisory>& advisories);

// Escapes text for HTML and XML content and attribute values.
std::string EscapeMarkup(std::string_view text);

}  // namespace issa::cyber
