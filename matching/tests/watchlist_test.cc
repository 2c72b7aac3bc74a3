// Real-data checks: the 80 surface forms of one name collected by opensanctions/rigour, and
// moov-io/watchman's cross-script pairs (sources in tests/data/SOURCES.md).
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "issa/matching/matcher.h"

#include "test_records.h"

namespace issa::matching {
namespace {

using testing::FindId;
using testing::Person;

std::vector<std::string> ReadLines(const std::string& file) {
  std::ifstream in(std::string(ISSA_MATCHING_TEST_DATA) + "/" + file);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line[0] != '#') lines.push_back(line);
  }
  return lines;
}

TEST(WatchlistTest, PutinNameVariants) {
  Matcher matcher{MatchConfig{}};
  ASSERT_TRUE(matcher.Upsert(Person("putin", {{"name", "Vladimir Vladimirovich Putin"}})).ok());
  // Distractors sharing parts of the name.
  ASSERT_TRUE(matcher.Upsert(Person("d1", {{"name", "Vladimir Petrov"}})).ok());
  ASSERT_TRUE(matcher.Upsert(Person("d2", {{"name", "Vladimir Vladimirovich Zhirinovsky"}})).ok());
  ASSERT_TRUE(matcher.Upsert(Person("d3", {{"name", "Lyudmila Putina"}})).ok());
  const auto variants = ReadLines("rigour_putin_name_variants.txt");
  ASSERT_EQ(variants.size(), 81U);
  int found = 0;
  int distractors = 0;
  std::vector<std::string> missed;
  for (const std::string& v : variants) {
    const auto hits = matcher.Find(Person("q", {{"name", v}}), 10);
    if (FindId(hits, "putin") != nullptr) {
      ++found;
    } else {
      missed.push_back(v);
    }
    distractors += static_cast<int>(hits.size()) - (FindId(hits, "putin") != nullptr ? 1 : 0);
  }
  std::ostringstream report;
  for (const auto& m : missed) report << "  missed: " << m << "\n";
  std::cout << "Putin variants found: " << found << "/81, distractor hits: " << distractors << "\n"
            << report.str();
  // Measured: 46/81. Not reached: scripts ICU does not bring close enough (Hangul, Khmer, Kana,
  // Han, Devanagari, Bengali, Myanmar), titles alone with the surname ("Präsident Putin"), other
  // languages' forms (Vlagyimir Putyin, Vladimiras Putinas, Volodymyr, Uladzimir), and the
  // Arabic, Persian, Hebrew and Greek spellings: their parts pair (0.82-0.85 each) but without the
  // patronymic the name scores 0.74-0.78, under the 0.80 threshold (see the date case below).
  EXPECT_GE(found, 46);
  EXPECT_EQ(distractors, 0);
  for (const char* must :
       {"Владимир Путин", "Путин, Владимир Владимирович", "ПУТІН володимир володимирович",
        "Vladimir Poutine", "Wladimir Putin", "Władimir Władimirowicz Putin", "Vladímír Pútín",
        "Vladimir Vladimirovitj Putin"}) {
    EXPECT_NE(FindId(matcher.Find(Person("q", {{"name", must}}), 10), "putin"), nullptr) << must;
  }
  // Arabic, Hebrew and Greek two-part forms reach the threshold with an agreeing date of birth.
  ASSERT_TRUE(matcher
                  .Upsert(Person("putin", {{"name", "Vladimir Vladimirovich Putin"},
                                           {"birth_date", "1952-10-07"}}))
                  .ok());
  for (const char* dated : {"فلاديمير بوتين", "ולדימיר פוטין", "Βλαντίμιρ Πούτιν"}) {
    const auto hits =
        matcher.Find(Person("q", {{"name", dated}, {"birth_date", "1952-10-07"}}), 10);
    EXPECT_NE(FindId(hits, "putin"), nullptr) << dated;
  }
}

TEST(WatchlistTest, CrossScriptPairs) {
  Matcher matcher{MatchConfig{}};
  std::set<std::string> achieved;
  std::set<std::string> missed;
  for (const std::string& line : ReadLines("moov_cross_script_pairs.csv")) {
    const size_t a = line.find(',');
    const size_t b = line.find(',', a + 1);
    ASSERT_NE(b, std::string::npos) << line;
    const std::string query = line.substr(0, a);
    const std::string expected = line.substr(a + 1, b - a - 1);
    const auto r =
        matcher.Compare(Person("q", {{"name", query}}), Person("e", {{"name", expected}}));
    ASSERT_TRUE(r.ok());
    (r->score >= matcher.config().threshold ? achieved : missed).insert(expected);
  }
  std::cout << "cross-script pairs at threshold: " << achieved.size() << "/"
            << achieved.size() + missed.size() << "\n";
  for (const auto& m : missed) std::cout << "  missed: " << m << "\n";
  // Arabic, Cyrillic, Hebrew, Thai and Greek Nikolaos reach the threshold; Han, Hangul and Kana
  // readings are too far from the usual romanisations, and Greek Alexandros from Alexander.
  const std::set<std::string> expected_achieved = {
      "Mohamed Ali", "Ahmed Hassan",     "Abdullah",        "Khaled Mahmoud", "Vladimir Putin",
      "Ivan Ivanov", "Alexander Petrov", "Dmitry Medvedev", "Nikolaos",       "Moshe",
      "David",       "Somchai"};
  for (const auto& e : expected_achieved) EXPECT_EQ(achieved.count(e), 1U) << e;
  for (const char* e : {"Kim Jong Un", "Xi Jinping", "Yamada Taro", "Park Ji Sung", "Alexander"}) {
    EXPECT_EQ(missed.count(e), 1U) << e;
  }
}

}  // namespace
}  // namespace issa::matching
