// HTML pages and the Atom feed of plain-language advisories. Everything from the advisory is
// escaped; pages carry no script and load nothing from elsewhere.
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "issa/core/text.h"
#include "issa/cyber/advisory.h"

namespace issa::cyber {
namespace {

constexpr std::string_view kStyle =
    "body{font-family:system-ui,sans-serif;font-size:1.125rem;line-height:1.6;max-width:42em;"
    "margin:0 auto;padding:1rem;color:#111;background:#fff}"
    "h1{font-size:1.75rem;line-height:1.25}h2{font-size:1.25rem;margin-top:1.5em}"
    "a{color:#0645ad}a:focus{outline:3px solid #111}"
    ".severity{display:inline-block;font-weight:700;padding:.25em .6em;border:3px solid #111}"
    ".severity-low{background:#e8f4ea}.severity-medium{background:#fff4d6}"
    ".severity-high{background:#ffe0cc}.severity-critical{background:#ffd6d6}"
    "nav ul{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:1em}"
    "ol li{margin-bottom:.5em}";

// Names of languages in themselves, for the language switcher; the tag otherwise.
std::string Autonym(std::string_view lang) {
  static const std::map<std::string, std::string, std::less<>> kNames = {
      {"bg", "Български"}, {"cs", "Čeština"},    {"da", "Dansk"},       {"de", "Deutsch"},
      {"el", "Ελληνικά"},  {"en", "English"},    {"es", "Español"},     {"et", "Eesti"},
      {"fi", "Suomi"},     {"fr", "Français"},   {"ga", "Gaeilge"},     {"hr", "Hrvatski"},
      {"hu", "Magyar"},    {"it", "Italiano"},   {"lt", "Lietuvių"},    {"lv", "Latviešu"},
      {"mt", "Malti"},     {"nl", "Nederlands"}, {"pl", "Polski"},      {"pt", "Português"},
      {"ro", "Română"},    {"sk", "Slovenčina"}, {"sl", "Slovenščina"}, {"sv", "Svenska"}};
  const auto it = kNames.find(lang);
  return it != kNames.end() ? it->second : std::string(lang);
}

std::string Date(core::Timestamp t) { return core::FormatTimestamp(t).substr(0, 10); }

// Paragraphs of escaped text: blank lines separate paragraphs, single newlines become <br>.
std::string Paragraphs(std::string_view text) {
  std::string out = "<p>";
  std::string escaped = EscapeMarkup(text);
  for (size_t i = 0; i < escaped.size(); ++i) {
    if (escaped[i] == '\n') {
      if (i + 1 < escaped.size() && escaped[i + 1] == '\n') {
        out += "</p>\n<p>";
        while (i + 1 < escaped.size() && escaped[i + 1] == '\n') ++i;
      } else {
        out += "<br>";
      }
    } else {
      out += escaped[i];
    }
  }
  return out + "</p>\n";
}

std::string Head(std::string_view lang, std::string_view title) {
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n",
      EscapeMarkup(lang), EscapeMarkup(title), kStyle);
}

std::vector<const Advisory*> NewestFirst(const std::vector<Advisory>& advisories) {
  std::vector<const Advisory*> out;
  for (const auto& a : advisories) out.push_back(&a);
  std::stable_sort(out.begin(), out.end(), [](const Advisory* x, const Advisory* y) {
    return x->updated_at != y->updated_at ? x->updated_at > y->updated_at : x->id < y->id;
  });
  return out;
}

}  // namespace

std::string EscapeMarkup(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  core::AppendMarkupEscaped(out, text);
  return out;
}

std::string RenderAdvisoryHtml(const Advisory& a, std::string_view lang,
                               const AdvisoryPageOptions& options) {
  const AdvisoryText* t = a.Text(lang);
  if (t == nullptr) return Head("en", a.id) + "</body>\n</html>\n";
  const auto& l = t->labels;
  const size_t severity = static_cast<size_t>(a.severity);
  std::string page = Head(t->lang, t->headline);
  if (a.texts.size() > 1) {
    page += "<nav aria-label=\"Languages\"><ul>\n";
    for (const auto& other : a.texts) {
      if (&other == t) {
        page += fmt::format("<li lang=\"{0}\"><strong aria-current=\"page\">{1}</strong></li>\n",
                            EscapeMarkup(other.lang), EscapeMarkup(Autonym(other.lang)));
      } else {
        page += fmt::format(
            "<li><a href=\"{0}/{1}?lang={2}\" hreflang=\"{2}\" lang=\"{2}\">{3}</a></li>\n",
            EscapeMarkup(options.base_path), EscapeMarkup(a.id), EscapeMarkup(other.lang),
            EscapeMarkup(Autonym(other.lang)));
      }
    }
    page += "</ul></nav>\n";
  }
  page += "<main>\n<article>\n";
  page += fmt::format("<h1>{}</h1>\n", EscapeMarkup(t->headline));
  page += fmt::format("<p class=\"severity severity-{}\">{}</p>\n", ToString(a.severity),
                      EscapeMarkup(l.severity[severity]));
  page +=
      fmt::format("<p>{} <time datetime=\"{}\">{}</time>, {} {} &middot; {}</p>\n",
                  EscapeMarkup(l.updated), core::FormatTimestamp(a.updated_at), Date(a.updated_at),
                  EscapeMarkup(l.version), EscapeMarkup(a.version), EscapeMarkup(a.publisher));
  page += fmt::format("<h2>{}</h2>\n{}", EscapeMarkup(l.who_is_affected),
                      Paragraphs(t->who_is_affected));
  page += fmt::format("<h2>{}</h2>\n{}", EscapeMarkup(l.how_to_tell), Paragraphs(t->how_to_tell));
  page += fmt::format("<h2>{}</h2>\n{}", EscapeMarkup(l.risk), Paragraphs(t->risk));
  page += fmt::format("<h2>{}</h2>\n<ol>\n", EscapeMarkup(l.steps));
  for (const auto& step : t->steps) page += "<li>" + EscapeMarkup(step) + "</li>\n";
  page += "</ol>\n";
  page += fmt::format("<h2>{}</h2>\n{}", EscapeMarkup(l.if_affected), Paragraphs(t->if_affected));
  page += fmt::format("<h2>{}</h2>\n{}", EscapeMarkup(l.report), Paragraphs(t->report_contact));
  page += "</article>\n</main>\n";
  page += fmt::format(
      "<footer><p><a href=\"{}/?lang={}\">{}</a> &middot; {} &middot; "
      "TLP:{}</p></footer>\n</body>\n</html>\n",
      EscapeMarkup(options.base_path), EscapeMarkup(t->lang), EscapeMarkup(l.all_advisories),
      EscapeMarkup(a.id), EscapeMarkup(a.tlp));
  return page;
}

std::string RenderAdvisoryIndexHtml(const std::vector<Advisory>& advisories, std::string_view lang,
                                    const AdvisoryPageOptions& options) {
  const auto labels = BuiltinAdvisoryLabels(lang).value_or(*BuiltinAdvisoryLabels("en"));
  const std::string page_lang = BuiltinAdvisoryLabels(lang) ? std::string(lang) : "en";
  std::string page = Head(page_lang, labels.all_advisories);
  page += fmt::format("<main>\n<h1>{}</h1>\n<ul>\n", EscapeMarkup(labels.all_advisories));
  for (const Advisory* a : NewestFirst(advisories)) {
    const AdvisoryText* t = a->Text(lang);
    if (t == nullptr) continue;
    page += fmt::format(
        "<li lang=\"{0}\"><a href=\"{1}/{2}?lang={0}\">{3}</a> &middot; {4} &middot; "
        "<time datetime=\"{5}\">{6}</time></li>\n",
        EscapeMarkup(t->lang), EscapeMarkup(options.base_path), EscapeMarkup(a->id),
        EscapeMarkup(t->headline),
        EscapeMarkup(t->labels.severity[static_cast<size_t>(a->severity)]),
        core::FormatTimestamp(a->updated_at), Date(a->updated_at));
  }
  page += "</ul>\n</main>\n</body>\n</html>\n";
  return page;
}

std::string RenderAtomFeed(const std::vector<Advisory>& advisories, const AtomFeedOptions& o) {
  const auto sorted = NewestFirst(advisories);
  const core::Timestamp updated = sorted.empty() ? o.now : sorted.front()->updated_at;
  const std::string base = EscapeMarkup(o.base_url + o.base_path);
  std::string feed = fmt::format(
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
      "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"
      "<id>{0}/feed.atom</id>\n<title>{1}</title>\n<updated>{2}</updated>\n"
      "<link rel=\"self\" type=\"application/atom+xml\" href=\"{0}/feed.atom\"/>\n"
      "<link rel=\"alternate\" type=\"text/html\" href=\"{0}/\"/>\n"
      "<author><name>{3}</name></author>\n",
      base, EscapeMarkup(o.title), core::FormatTimestamp(updated), EscapeMarkup(o.author));
  for (const Advisory* a : sorted) {
    for (const auto& t : a->texts) {
      std::string content = t.risk + "\n";
      for (size_t i = 0; i < t.steps.size(); ++i) {
        content += fmt::format("\n{}. {}", i + 1, t.steps[i]);
      }
      feed += fmt::format(
          "<entry xml:lang=\"{0}\">\n<id>{1}/{2}?lang={0}</id>\n<title>{3}</title>\n"
          "<updated>{4}</updated>\n<published>{5}</published>\n"
          "<link rel=\"alternate\" type=\"text/html\" hreflang=\"{0}\" "
          "href=\"{1}/{2}?lang={0}\"/>\n"
          "<category term=\"{6}\" label=\"{7}\"/>\n<author><name>{8}</name></author>\n"
          "<summary type=\"text\">{9}</summary>\n<content type=\"text\">{10}</content>\n"
          "</entry>\n",
          EscapeMarkup(t.lang), base, EscapeMarkup(a->id), EscapeMarkup(t.headline),
          core::FormatTimestamp(a->updated_at), core::FormatTimestamp(a->published_at),
          ToString(a->severity), EscapeMarkup(t.labels.severity[static_cast<size_t>(a->severity)]),
          EscapeMarkup(a->publisher), EscapeMarkup(t.risk), EscapeMarkup(content));
    }
  }
  return feed + "</feed>\n";
}

}  // namespace issa::cyber
