#include "issa/cyber/advisory.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <regex>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "csaf_lang.h"
#include "json_read.h"

namespace issa::cyber {
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 4> kSeverityKeys = {"low", "medium", "high", "critical"};
constexpr size_t kMaxTextBytes = 5000;
constexpr size_t kMaxHeadlineBytes = 200;
constexpr size_t kMaxSteps = 20;

struct BuiltinLabels {
  std::string_view lang;
  AdvisoryLabels labels;
};

const std::vector<BuiltinLabels>& Builtins() {
  static const std::vector<BuiltinLabels> kBuiltins = {
      {"en",
       {"Who is affected",
        "How to tell",
        "The risk",
        "What to do now",
        "If you are already affected",
        "Report it to",
        "Updated",
        "version",
        "All advisories",
        {"Low risk: stay alert", "Medium risk: act this week", "High risk: act today",
         "Critical risk: act now"}}},
      {"de",
       {"Wer betroffen ist",
        "Woran Sie es erkennen",
        "Das Risiko",
        "Was Sie jetzt tun sollten",
        "Wenn Sie bereits betroffen sind",
        "Melden Sie es",
        "Aktualisiert am",
        "Version",
        "Alle Warnungen",
        {"Geringes Risiko: aufmerksam bleiben", "Mittleres Risiko: diese Woche handeln",
         "Hohes Risiko: heute handeln", "Kritisches Risiko: sofort handeln"}}},
      {"fr",
       {"Qui est concerné",
        "Comment le savoir",
        "Le risque",
        "Que faire maintenant",
        "Si vous êtes déjà touché",
        "Signalez-le à",
        "Mis à jour le",
        "version",
        "Tous les avis",
        {"Risque faible : restez vigilant", "Risque moyen : agissez cette semaine",
         "Risque élevé : agissez aujourd'hui", "Risque critique : agissez maintenant"}}},
      {"it",
       {"Chi è interessato",
        "Come accorgersene",
        "Il rischio",
        "Cosa fare subito",
        "Se siete già stati colpiti",
        "Segnalatelo a",
        "Aggiornato il",
        "versione",
        "Tutti gli avvisi",
        {"Rischio basso: prestate attenzione", "Rischio medio: agite questa settimana",
         "Rischio alto: agite oggi", "Rischio critico: agite subito"}}},
  };
  return kBuiltins;
}

std::string PrimarySubtag(std::string_view lang) {
  std::string out(lang.substr(0, lang.find('-')));
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Text of the advisory: valid UTF-8 (nlohmann checks it), no control characters other than
// newline and tab, within `max` bytes, not blank.
Result<std::string> TextMember(const json& obj, std::string_view key, const std::string& prefix,
                               size_t max, bool single_line = false) {
  ISSA_ASSIGN_OR_RETURN(std::string text, detail::StringMember(obj, key, prefix, true));
  const std::string field = detail::Join(prefix, key);
  if (text.size() > max) return InvalidArgument(fmt::format("is longer than {} bytes", max), field);
  if (std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c); })) {
    return InvalidArgument("must not be blank", field);
  }
  for (unsigned char c : text) {
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
      return InvalidArgument("must not contain control characters", field);
    }
    if (single_line && c == '\n') return InvalidArgument("must be one line", field);
  }
  return text;
}

Result<AdvisoryLabels> ParseLabels(const json& obj, const std::string& at) {
  if (!obj.is_object()) return InvalidArgument("must be an object", at);
  AdvisoryLabels l;
  const std::pair<const char*, std::string*> fields[] = {{"who_is_affected", &l.who_is_affected},
                                                         {"how_to_tell", &l.how_to_tell},
                                                         {"risk", &l.risk},
                                                         {"steps", &l.steps},
                                                         {"if_affected", &l.if_affected},
                                                         {"report", &l.report},
                                                         {"updated", &l.updated},
                                                         {"version", &l.version},
                                                         {"all_advisories", &l.all_advisories}};
  for (const auto& [key, out] : fields) {
    ISSA_ASSIGN_OR_RETURN(*out, TextMember(obj, key, at, 200, true));
  }
  const auto severity = obj.find("severity");
  if (severity == obj.end() || !severity->is_object()) {
    return InvalidArgument("must be an object with low, medium, high and critical",
                           at + ".severity");
  }
  for (size_t i = 0; i < kSeverityKeys.size(); ++i) {
    ISSA_ASSIGN_OR_RETURN(l.severity[i],
                          TextMember(*severity, kSeverityKeys[i], at + ".severity", 200, true));
  }
  return l;
}

Result<AdvisoryText> ParseText(const std::string& lang, const json& obj) {
  const std::string at = "texts." + lang;
  if (!detail::IsKnownLanguageTag(lang)) return InvalidArgument("unknown language tag", at);
  if (!obj.is_object()) return InvalidArgument("must be an object", at);
  AdvisoryText t;
  t.lang = lang;
  ISSA_ASSIGN_OR_RETURN(t.headline, TextMember(obj, "headline", at, kMaxHeadlineBytes, true));
  ISSA_ASSIGN_OR_RETURN(t.who_is_affected, TextMember(obj, "who_is_affected", at, kMaxTextBytes));
  ISSA_ASSIGN_OR_RETURN(t.how_to_tell, TextMember(obj, "how_to_tell", at, kMaxTextBytes));
  ISSA_ASSIGN_OR_RETURN(t.risk, TextMember(obj, "risk", at, kMaxTextBytes));
  ISSA_ASSIGN_OR_RETURN(t.if_affected, TextMember(obj, "if_affected", at, kMaxTextBytes));
  ISSA_ASSIGN_OR_RETURN(t.report_contact, TextMember(obj, "report_contact", at, 1000));
  const auto steps = obj.find("steps");
  if (steps == obj.end() || !steps->is_array() || steps->empty()) {
    return InvalidArgument("needs at least one step", at + ".steps");
  }
  if (steps->size() > kMaxSteps) {
    return InvalidArgument(fmt::format("has more than {} steps", kMaxSteps), at + ".steps");
  }
  for (size_t i = 0; i < steps->size(); ++i) {
    json holder = {{"step", (*steps)[i]}};
    auto step = TextMember(holder, "step", at, 1000);
    if (!step.ok())
      return InvalidArgument(step.status().message(), fmt::format("{}.steps[{}]", at, i));
    t.steps.push_back(std::move(*step));
  }
  if (const auto labels = obj.find("labels"); labels != obj.end()) {
    ISSA_ASSIGN_OR_RETURN(t.labels, ParseLabels(*labels, at + ".labels"));
  } else if (auto builtin = BuiltinAdvisoryLabels(lang)) {
    t.labels = std::move(*builtin);
  } else {
    return InvalidArgument("no built-in labels for this language: the translation must bring them",
                           at + ".labels");
  }
  return t;
}

json LabelsToJson(const AdvisoryLabels& l) {
  json severity;
  for (size_t i = 0; i < kSeverityKeys.size(); ++i) severity[kSeverityKeys[i]] = l.severity[i];
  return {{"who_is_affected", l.who_is_affected},
          {"how_to_tell", l.how_to_tell},
          {"risk", l.risk},
          {"steps", l.steps},
          {"if_affected", l.if_affected},
          {"report", l.report},
          {"updated", l.updated},
          {"version", l.version},
          {"all_advisories", l.all_advisories},
          {"severity", std::move(severity)}};
}

// ---- Readability ----

struct Jargon {
  std::string_view term;
  bool acronym;  // matched case-sensitively as a whole word
};
constexpr std::array<Jargon, 22> kJargon = {{
    {"IOC", true},
    {"IoC", true},
    {"C2", true},
    {"C&C", true},
    {"CVE", true},
    {"RCE", true},
    {"TTP", true},
    {"APT", true},
    {"MFA", true},
    {"2FA", true},
    {"DDoS", true},
    {"exploit", false},
    {"payload", false},
    {"zero-day", false},
    {"0-day", false},
    {"indicator of compromise", false},
    {"command and control", false},
    {"lateral movement", false},
    {"exfiltration", false},
    {"threat actor", false},
    {"privilege escalation", false},
    {"remote code execution", false},
}};

bool IsWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// The first whole-word occurrence of a term, or npos.
size_t FindTerm(const std::string& text, const std::string& lower_text, const Jargon& j) {
  const std::string term = j.acronym ? std::string(j.term) : Lower(j.term);
  const std::string& hay = j.acronym ? text : lower_text;
  for (size_t at = hay.find(term); at != std::string::npos; at = hay.find(term, at + 1)) {
    const size_t end = at + term.size();
    if ((at == 0 || !IsWordChar(hay[at - 1])) && (end >= hay.size() || !IsWordChar(hay[end]))) {
      return at;
    }
  }
  return std::string::npos;
}

void CheckPart(const std::string& lang, const std::string& field, const std::string& text,
               std::vector<AdvisoryWarning>& out) {
  // Sentences: split at . ! ? followed by a space or the end.
  size_t words = 0;
  bool in_word = false;
  for (size_t i = 0; i <= text.size(); ++i) {
    const bool end = i == text.size();
    const char c = end ? ' ' : text[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      in_word = false;
    } else if (!in_word) {
      in_word = true;
      ++words;
    }
    const bool sentence_end =
        end || ((c == '.' || c == '!' || c == '?') &&
                (i + 1 == text.size() || std::isspace(static_cast<unsigned char>(text[i + 1]))));
    if (sentence_end) {
      if (words > 25) {
        out.push_back(
            {lang, field, fmt::format("a sentence of {} words: split it (25 at most)", words)});
      }
      words = 0;
    }
  }
  const std::string lower = Lower(text);
  for (const auto& j : kJargon) {
    const size_t at = FindTerm(text, lower, j);
    if (at == std::string::npos) continue;
    size_t after = at + j.term.size();
    while (after < text.size() && text[after] == ' ') ++after;
    if (after < text.size() && text[after] == '(') continue;  // explained in brackets
    out.push_back({lang, field,
                   fmt::format("\"{}\" is jargon: say it in everyday words or explain it in "
                               "brackets",
                               j.term)});
  }
}

}  // namespace

std::string_view ToString(AdvisorySeverity severity) {
  return kSeverityKeys[static_cast<size_t>(severity)];
}

Result<AdvisorySeverity> ParseAdvisorySeverity(std::string_view text) {
  for (size_t i = 0; i < kSeverityKeys.size(); ++i) {
    if (kSeverityKeys[i] == text) return static_cast<AdvisorySeverity>(i);
  }
  return InvalidArgument("must be low, medium, high or critical", "severity");
}

std::optional<AdvisoryLabels> BuiltinAdvisoryLabels(std::string_view lang) {
  const std::string primary = PrimarySubtag(lang);
  for (const auto& b : Builtins()) {
    if (b.lang == primary) return b.labels;
  }
  return std::nullopt;
}

const AdvisoryText* Advisory::Text(std::string_view lang) const {
  if (texts.empty()) return nullptr;
  for (const auto& t : texts) {
    if (Lower(t.lang) == Lower(lang)) return &t;
  }
  const std::string primary = PrimarySubtag(lang);
  for (const auto& t : texts) {
    if (PrimarySubtag(t.lang) == primary) return &t;
  }
  return &texts.front();
}

std::vector<AdvisoryWarning> CheckReadability(const AdvisoryText& text) {
  std::vector<AdvisoryWarning> out;
  const std::string at = "texts." + text.lang;
  size_t headline_words = 0;
  bool in_word = false;
  for (unsigned char c : text.headline) {
    if (std::isspace(c)) {
      in_word = false;
    } else if (!in_word) {
      in_word = true;
      ++headline_words;
    }
  }
  if (headline_words > 12 || text.headline.size() > 100) {
    out.push_back({text.lang, at + ".headline",
                   fmt::format("a headline of {} words: keep it to 12 words", headline_words)});
  }
  if (text.steps.size() > 10) {
    out.push_back({text.lang, at + ".steps", "more than 10 steps: keep the few that matter most"});
  }
  CheckPart(text.lang, at + ".headline", text.headline, out);
  CheckPart(text.lang, at + ".who_is_affected", text.who_is_affected, out);
  CheckPart(text.lang, at + ".how_to_tell", text.how_to_tell, out);
  CheckPart(text.lang, at + ".risk", text.risk, out);
  for (size_t i = 0; i < text.steps.size(); ++i) {
    CheckPart(text.lang, fmt::format("{}.steps[{}]", at, i), text.steps[i], out);
  }
  CheckPart(text.lang, at + ".if_affected", text.if_affected, out);
  return out;
}

Result<ParsedAdvisory> ParseAdvisoryJson(std::string_view text) {
  ISSA_ASSIGN_OR_RETURN(const json doc, detail::ParseJson(text, "advisory"));
  if (!doc.is_object()) return InvalidArgument("must be an object", "advisory");
  ParsedAdvisory out;
  Advisory& a = out.advisory;
  static const std::regex kId("^[A-Za-z0-9._:-]{1,100}$");
  static const std::regex kVersion("^(0|[1-9][0-9]{0,8})$");
  ISSA_ASSIGN_OR_RETURN(a.id, detail::StringMember(doc, "id", "", true));
  if (!std::regex_match(a.id, kId)) {
    return InvalidArgument("must be 1-100 of A-Z a-z 0-9 . _ : -", "id");
  }
  ISSA_ASSIGN_OR_RETURN(a.version, detail::StringMember(doc, "version", "", true));
  if (!std::regex_match(a.version, kVersion)) {
    return InvalidArgument("must be an integer version such as \"2\"", "version");
  }
  ISSA_ASSIGN_OR_RETURN(const auto published, detail::TimeMember(doc, "published_at", ""));
  if (!published) return InvalidArgument("is required", "published_at");
  a.published_at = *published;
  ISSA_ASSIGN_OR_RETURN(const auto updated, detail::TimeMember(doc, "updated_at", ""));
  a.updated_at = updated.value_or(a.published_at);
  if (a.updated_at < a.published_at) {
    return InvalidArgument("must not be before published_at", "updated_at");
  }
  ISSA_ASSIGN_OR_RETURN(const std::string severity,
                        detail::StringMember(doc, "severity", "", true));
  ISSA_ASSIGN_OR_RETURN(a.severity, ParseAdvisorySeverity(severity));
  ISSA_ASSIGN_OR_RETURN(a.publisher, TextMember(doc, "publisher", "", 200, true));
  ISSA_ASSIGN_OR_RETURN(a.tlp, detail::StringMember(doc, "tlp", "", true));
  static const std::array<std::string_view, 5> kTlp = {"CLEAR", "GREEN", "AMBER", "AMBER+STRICT",
                                                       "RED"};
  if (std::find(kTlp.begin(), kTlp.end(), a.tlp) == kTlp.end()) {
    return InvalidArgument("must be a TLP 2.0 label", "tlp");
  }
  ISSA_ASSIGN_OR_RETURN(const std::string source,
                        detail::StringMember(doc, "source_lang", "", true));
  const auto texts = doc.find("texts");
  if (texts == doc.end() || !texts->is_object())
    return InvalidArgument("must be an object", "texts");
  if (!texts->contains(source)) {
    return InvalidArgument("the source language " + source + " has no text", "texts");
  }
  if (texts->size() > 40) return InvalidArgument("more than 40 languages", "texts");
  ISSA_ASSIGN_OR_RETURN(auto source_text, ParseText(source, (*texts)[source]));
  a.texts.push_back(std::move(source_text));
  for (const auto& [lang, body] : texts->items()) {
    if (lang == source) continue;
    auto translation = ParseText(lang, body);
    if (!translation.ok()) {
      out.warnings.push_back({lang, translation.status().field(),
                              "translation left out: " + translation.status().message()});
      continue;
    }
    a.texts.push_back(std::move(*translation));
  }
  for (const auto& t : a.texts) {
    auto w = CheckReadability(t);
    out.warnings.insert(out.warnings.end(), w.begin(), w.end());
  }
  return out;
}

std::string AdvisoryToJson(const Advisory& a) {
  json texts = json::object();
  for (const auto& t : a.texts) {
    texts[t.lang] = {{"headline", t.headline},
                     {"who_is_affected", t.who_is_affected},
                     {"how_to_tell", t.how_to_tell},
                     {"risk", t.risk},
                     {"steps", t.steps},
                     {"if_affected", t.if_affected},
                     {"report_contact", t.report_contact},
                     {"labels", LabelsToJson(t.labels)}};
  }
  json doc = {{"id", a.id},
              {"version", a.version},
              {"published_at", core::FormatTimestamp(a.published_at)},
              {"updated_at", core::FormatTimestamp(a.updated_at)},
              {"severity", ToString(a.severity)},
              {"publisher", a.publisher},
              {"tlp", a.tlp},
              {"source_lang", a.texts.empty() ? std::string() : a.texts.front().lang},
              {"texts", std::move(texts)}};
  return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string AdvisoriesToJson(const std::vector<Advisory>& advisories) {
  std::string out = R"({"advisories":[)";
  for (size_t i = 0; i < advisories.size(); ++i) {
    if (i > 0) out += ',';
    out += AdvisoryToJson(advisories[i]);
  }
  return out + "]}";
}

}  // namespace issa::cyber
