#include "issa/cyber/advisory.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <xercesc/framework/MemBufInputSource.hpp>
#include <xercesc/parsers/SAXParser.hpp>
#include <xercesc/sax/HandlerBase.hpp>
#include <xercesc/util/PlatformUtils.hpp>

#include "issa/core/file.h"

namespace issa::cyber {
namespace {

using nlohmann::json;

const std::string kData = ISSA_CYBER_TEST_DATA;

std::string ExampleText() { return *core::ReadFile(kData + "/advisories/parcel-scam.json"); }

ParsedAdvisory Example() {
  auto parsed = ParseAdvisoryJson(ExampleText());
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
  return parsed.ok() ? *parsed : ParsedAdvisory{};
}

std::string Edit(const std::function<void(json&)>& edit) {
  json doc = json::parse(ExampleText());
  edit(doc);
  return doc.dump();
}

// Whether XML is well-formed (Xerces-C, no validation); the first error otherwise.
std::string XmlError(const std::string& xml) {
  xercesc::XMLPlatformUtils::Initialize();
  std::string error;
  {
    xercesc::SAXParser parser;
    parser.setValidationScheme(xercesc::SAXParser::Val_Never);
    parser.setDoNamespaces(true);
    xercesc::HandlerBase handler;
    parser.setErrorHandler(&handler);
    xercesc::MemBufInputSource source(reinterpret_cast<const XMLByte*>(xml.data()), xml.size(),
                                      "feed");
    try {
      parser.parse(source);
    } catch (const xercesc::SAXParseException& e) {
      error = "line " + std::to_string(e.getLineNumber());
    }
    if (error.empty() && parser.getErrorCount() > 0) error = "errors";
  }
  xercesc::XMLPlatformUtils::Terminate();
  return error;
}

TEST(AdvisoryTest, ParsesCompleteLanguagesAndLeavesOutIncompleteOnes) {
  const auto parsed = Example();
  const Advisory& a = parsed.advisory;
  EXPECT_EQ(a.id, "EU-EISAS-2026-0001");
  EXPECT_EQ(a.severity, AdvisorySeverity::kHigh);
  ASSERT_EQ(a.texts.size(), 3U);  // en (source), de (built-in labels), el (own labels)
  EXPECT_EQ(a.texts[0].lang, "en");
  EXPECT_EQ(a.texts[0].steps.size(), 3U);
  EXPECT_EQ(a.Text("de")->labels.steps, "Was Sie jetzt tun sollten");
  EXPECT_EQ(a.Text("el")->labels.severity[2], "Υψηλός κίνδυνος: ενεργήστε σήμερα");
  EXPECT_EQ(a.Text("de-AT")->lang, "de");
  EXPECT_EQ(a.Text("fr")->lang, "en");  // left out: the reader gets the source language
  std::map<std::string, std::string> dropped;
  for (const auto& w : parsed.warnings) {
    if (w.message.starts_with("translation left out")) dropped[w.lang] = w.field;
  }
  EXPECT_EQ(dropped["fr"], "texts.fr.how_to_tell");
  EXPECT_EQ(dropped["pt"], "texts.pt.labels");
  EXPECT_EQ(dropped.size(), 2U);
}

TEST(AdvisoryTest, ErrorsNameTheField) {
  const auto field_of = [](const std::string& text) {
    return ParseAdvisoryJson(text).status().field();
  };
  EXPECT_EQ(field_of(Edit([](json& d) { d["texts"]["en"].erase("risk"); })), "texts.en.risk");
  EXPECT_EQ(field_of(Edit([](json& d) { d["texts"]["en"]["steps"] = json::array(); })),
            "texts.en.steps");
  EXPECT_EQ(field_of(Edit([](json& d) { d["texts"]["en"]["steps"][1] = 7; })), "texts.en.steps[1]");
  EXPECT_EQ(field_of(Edit([](json& d) { d["texts"]["en"]["headline"] = "two\nlines"; })),
            "texts.en.headline");
  EXPECT_EQ(field_of(Edit([](json& d) { d["texts"]["en"]["risk"] = "bell\x07"; })),
            "texts.en.risk");
  EXPECT_EQ(field_of(Edit([](json& d) { d["severity"] = "severe"; })), "severity");
  EXPECT_EQ(field_of(Edit([](json& d) { d["tlp"] = "WHITE"; })), "tlp");
  EXPECT_EQ(field_of(Edit([](json& d) { d["id"] = "../etc"; })), "id");
  EXPECT_EQ(field_of(Edit([](json& d) { d["version"] = "1.0"; })), "version");
  EXPECT_EQ(field_of(Edit([](json& d) { d["source_lang"] = "fi"; })), "texts");
  EXPECT_EQ(field_of(Edit([](json& d) { d["updated_at"] = "2026-01-01T00:00:00Z"; })),
            "updated_at");
  EXPECT_EQ(field_of("[]"), "advisory");
  EXPECT_EQ(field_of(std::string(100, '[')), "advisory");
}

TEST(AdvisoryTest, ReadabilityWarnings) {
  AdvisoryText t = Example().advisory.texts[0];
  EXPECT_TRUE(CheckReadability(t).empty());
  t.risk =
      "Criminals use an exploit in the router firmware and then a payload (a hidden program) that "
      "lets them in, and after that they move through every computer of the office network to "
      "find the files they want to steal and sell.";
  t.headline = "A very long headline that goes on and on about the many things that went wrong";
  const auto warnings = CheckReadability(t);
  std::vector<std::string> messages;
  for (const auto& w : warnings) messages.push_back(w.field + ": " + w.message);
  ASSERT_EQ(warnings.size(), 3U) << ::testing::PrintToString(messages);
  EXPECT_EQ(warnings[0].field, "texts.en.headline");
  EXPECT_NE(messages[1].find("texts.en.risk: a sentence of 41 words"), std::string::npos);
  // "payload" is explained in brackets; "exploit" is not.
  EXPECT_NE(messages[2].find("\"exploit\" is jargon"), std::string::npos);
}

TEST(AdvisoryTest, HtmlPageIsEscapedAndInOneLanguage) {
  Advisory a = Example().advisory;
  a.texts[1].steps.push_back("<script>alert('x')</script> & \"quotes\"");
  const std::string de = RenderAdvisoryHtml(a, "de");
  EXPECT_NE(de.find("<html lang=\"de\">"), std::string::npos);
  EXPECT_NE(de.find("<h1>Gefälschte Paket-SMS stehlen Bankzugänge</h1>"), std::string::npos);
  EXPECT_NE(de.find("Hohes Risiko: heute handeln"), std::string::npos);
  EXPECT_NE(de.find("<h2>Was Sie jetzt tun sollten</h2>\n<ol>\n<li>Öffnen"), std::string::npos);
  EXPECT_NE(de.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quotes&quot;"),
            std::string::npos);
  EXPECT_EQ(de.find("<script"), std::string::npos);
  // Nothing of the English text, and no resource from elsewhere.
  EXPECT_EQ(de.find("What to do now"), std::string::npos);
  EXPECT_EQ(de.find("Fake parcel"), std::string::npos);
  EXPECT_EQ(de.find("src="), std::string::npos);
  EXPECT_EQ(de.find("http://"), std::string::npos);
  EXPECT_EQ(de.find("<link"), std::string::npos);
  // The language switcher links the others, each marked with its language.
  EXPECT_NE(de.find("href=\"/advisories/EU-EISAS-2026-0001?lang=el\" hreflang=\"el\" lang=\"el\""),
            std::string::npos);
  EXPECT_NE(
      de.find("<p>Aktualisiert am <time datetime=\"2026-11-21T09:00:00.000Z\">2026-11-21</time>, "
              "Version 2"),
      std::string::npos);
  const std::string fallback = RenderAdvisoryHtml(a, "fr");
  EXPECT_NE(fallback.find("<html lang=\"en\">"), std::string::npos);
}

TEST(AdvisoryTest, IndexAndJson) {
  Advisory older = Example().advisory;
  older.id = "EU-EISAS-2026-0000";
  older.updated_at -= core::kMsPerDay * 30;
  older.texts.resize(1);  // English only
  const std::vector<Advisory> list = {older, Example().advisory};
  const std::string index = RenderAdvisoryIndexHtml(list, "de");
  const size_t newer_at = index.find("EU-EISAS-2026-0001?lang=de");
  const size_t older_at = index.find("EU-EISAS-2026-0000?lang=en");
  ASSERT_NE(newer_at, std::string::npos);
  ASSERT_NE(older_at, std::string::npos);
  EXPECT_LT(newer_at, older_at);
  EXPECT_NE(index.find("<li lang=\"en\">"), std::string::npos);  // the English-only entry

  const json all = json::parse(AdvisoriesToJson(list));
  ASSERT_EQ(all["advisories"].size(), 2U);
  // The JSON form reads back to the same advisory.
  auto again = ParseAdvisoryJson(AdvisoryToJson(list[1]));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(AdvisoryToJson(again->advisory), AdvisoryToJson(list[1]));
  EXPECT_EQ(again->advisory.texts.size(), 3U);
}

TEST(AdvisoryTest, AtomFeedIsWellFormed) {
  Advisory a = Example().advisory;
  a.texts[0].risk += " Fees < 2 EUR & \"urgent\" words are a sign.";
  AtomFeedOptions options;
  options.base_url = "https://eisas.example.eu";
  const std::string feed = RenderAtomFeed({a}, options);
  EXPECT_EQ(XmlError(feed), "");
  EXPECT_NE(feed.find("<feed xmlns=\"http://www.w3.org/2005/Atom\">"), std::string::npos);
  EXPECT_NE(feed.find("<updated>2026-11-21T09:00:00.000Z</updated>"), std::string::npos);
  EXPECT_NE(feed.find("<entry xml:lang=\"de\">"), std::string::npos);
  EXPECT_NE(feed.find("<id>https://eisas.example.eu/advisories/EU-EISAS-2026-0001?lang=el</id>"),
            std::string::npos);
  EXPECT_NE(feed.find("Fees &lt; 2 EUR &amp; &quot;urgent&quot;"), std::string::npos);
  size_t entries = 0;
  for (size_t at = feed.find("<entry"); at != std::string::npos; at = feed.find("<entry", at + 1)) {
    ++entries;
  }
  EXPECT_EQ(entries, 3U);
  // An empty feed is valid too, dated by the clock.
  options.now = 1'700'000'000'000;
  const std::string empty = RenderAtomFeed({}, options);
  EXPECT_EQ(XmlError(empty), "");
  EXPECT_NE(empty.find("<updated>2023-11-14T22:13:20.000Z</updated>"), std::string::npos);
  EXPECT_NE(XmlError("<feed><entry></feed>"), "");  // the check can fail
}

}  // namespace
}  // namespace issa::cyber
