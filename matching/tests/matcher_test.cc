#include "issa/matching/matcher.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "test_records.h"

namespace issa::matching {
namespace {

using nlohmann::json;
using testing::FindId;
using testing::HasFeature;
using testing::MakeRecord;
using testing::Person;

class MatcherTest : public ::testing::Test {
 protected:
  MatcherTest() : matcher_(MatchConfig{}) {}

  void Add(const core::Record& r) { ASSERT_TRUE(matcher_.Upsert(r).ok()) << r.properties_json; }

  // The candidate `id` found for a query, or nullptr.
  const Candidate* Hit(const core::Record& query, std::string_view id) {
    last_ = matcher_.Find(query, 10);
    return FindId(last_, id);
  }

  Matcher matcher_;
  std::vector<Candidate> last_;
};

// ---- Names ------------------------------------------------------------------------------------

TEST_F(MatcherTest, CyrillicFindsLatin) {
  Add(Person("p1", {{"name", "Vladimir Putin"}, {"birth_date", "1952-10-07"}}));
  const Candidate* c =
      Hit(Person("q", {{"name", "Владимир Путин"}, {"birth_date", "1952-10-07"}}, "DE-BKA"), "p1");
  ASSERT_NE(c, nullptr);
  EXPECT_DOUBLE_EQ(c->score, 1.0);
  EXPECT_EQ(c->owner, "FR-DGSI");
  EXPECT_EQ(c->type, "Person");
  EXPECT_EQ(c->features, (std::vector<std::string>{"birth_date", "name"}));
}

TEST_F(MatcherTest, GreekFindsLatin) {
  Add(Person("p1", {{"name", "Alexandros Papadopoulos"}}));
  Add(Person("p2", {{"name", "Alexandros Papadopulos"}}));
  Add(Person("p3", {{"name", "Alexander Papadopoulos"}}));
  const Candidate* c = Hit(Person("q", {{"name", "Αλέξανδρος Παπαδόπουλος"}}), "p1");
  ASSERT_NE(c, nullptr);
  EXPECT_TRUE(HasFeature(*c, "name"));
  c = FindId(last_, "p2");
  ASSERT_NE(c, nullptr);
  EXPECT_TRUE(HasFeature(*c, "name~fuzzy"));
  // Not achieved: the English form of the given name (-os / -er is beyond the edit budget).
  EXPECT_EQ(FindId(last_, "p3"), nullptr);
}

TEST_F(MatcherTest, ArabicFindsLatinSpellingsAtTheVowellessCap) {
  Add(Person("mohammed", {{"name", "Mohammed Ali"}}));
  Add(Person("muhammad", {{"name", "Muhammad Ali"}}));
  Add(Person("mohamed", {{"name", "Mohamed Aly"}}));
  Add(Person("other", {{"name", "Mohammed Hassan"}}));
  const auto found = matcher_.Find(Person("q", {{"name", "محمد علي"}}), 10);
  for (const char* id : {"mohammed", "muhammad", "mohamed"}) {
    const Candidate* c = FindId(found, id);
    ASSERT_NE(c, nullptr) << id;
    EXPECT_NEAR(c->score, 0.85, 1e-6) << id;  // MatchConfig::vowelless_similarity
    EXPECT_TRUE(HasFeature(*c, "name~fuzzy"));
  }
  EXPECT_EQ(FindId(found, "other"), nullptr);
}

TEST_F(MatcherTest, ArabicWithArticleAndParticles) {
  Add(Person("saddam", {{"name", "Saddam Hussein al-Tikriti"}}));
  Add(Person("osama", {{"name", "Osama bin Laden"}}));
  EXPECT_NE(Hit(Person("q1", {{"name", "صدام حسين التكريتي"}}), "saddam"), nullptr);
  EXPECT_NE(Hit(Person("q2", {{"name", "أسامة بن لادن"}}), "osama"), nullptr);
  EXPECT_NE(Hit(Person("q3", {{"name", "Usama bin Ladin"}}), "osama"), nullptr);
  EXPECT_NE(Hit(Person("q4", {{"name", "Usama Binladin"}}), "osama"), nullptr);
}

TEST_F(MatcherTest, TokenOrderIsFree) {
  Add(Person("p1", {{"name", "Vladimir Putin"}}));
  const Candidate* c = Hit(Person("q", {{"name", "PUTIN, Vladimir"}}), "p1");
  ASSERT_NE(c, nullptr);
  EXPECT_DOUBLE_EQ(c->score, 1.0);
  EXPECT_TRUE(HasFeature(*c, "name"));
}

TEST_F(MatcherTest, MissingOrExtraMiddleName) {
  Add(Person("p1", {{"name", "Vladimir Vladimirovich Putin"}}));
  const Candidate* c = Hit(Person("q", {{"name", "Vladimir Putin"}}), "p1");
  ASSERT_NE(c, nullptr);
  EXPECT_NEAR(c->score, 2.0 / 2.3, 1e-6);
  EXPECT_TRUE(HasFeature(*c, "name~partial"));
  // Two different middle names contradict.
  Add(Person("p2", {{"name", "Anna Maria Schmidt"}}));
  EXPECT_EQ(Hit(Person("q2", {{"name", "Anna Sophie Schmidt"}}), "p2"), nullptr);
  EXPECT_NE(Hit(Person("q3", {{"name", "Anna Schmidt"}}), "p2"), nullptr);
  // A missing surname is tolerated the same way: it is for dates of birth to tell.
  Add(Person("p3", {{"name", "Mohammed Ali Hassan"}, {"birth_date", "1970-05-01"}}));
  EXPECT_NE(Hit(Person("q4", {{"name", "Mohammed Ali"}}), "p3"), nullptr);
  EXPECT_EQ(Hit(Person("q5", {{"name", "Mohammed Ali"}, {"birth_date", "1982-11-23"}}), "p3"),
            nullptr);
}

TEST_F(MatcherTest, SmallTypos) {
  Add(Person("p1", {{"name", "Alexander Lukashenko"}}));
  for (const char* typo : {"Alexandr Lukashenko", "Alexander Lukaschenko", "Alexander Lukashneko",
                           "Aleksandr Lukashenka", "Alexander Lukashenk"}) {
    const Candidate* c = Hit(Person("q", {{"name", typo}}), "p1");
    ASSERT_NE(c, nullptr) << typo;
    EXPECT_TRUE(HasFeature(*c, "name~fuzzy")) << typo;
  }
}

TEST_F(MatcherTest, Initials) {
  Add(Person("p1", {{"name", "Vladimir Putin"}}));
  const Candidate* c = Hit(Person("q", {{"name", "V. Putin"}}), "p1");
  ASSERT_NE(c, nullptr);
  EXPECT_TRUE(HasFeature(*c, "name~fuzzy"));
  EXPECT_EQ(Hit(Person("q2", {{"name", "W. Putin"}}), "p1"), nullptr);
}

TEST_F(MatcherTest, PrefixedAndCompoundSurnames) {
  Add(Person("berg", {{"name", "Jan van der Berg"}}));
  Add(Person("rahman", {{"name", "Abdul Rahman Yasin"}}));
  Add(Person("lopez", {{"name", "María de la Cruz López"}}));
  EXPECT_NE(Hit(Person("q1", {{"name", "Jan Vanderberg"}}), "berg"), nullptr);
  EXPECT_NE(Hit(Person("q2", {{"name", "Jan Berg"}}), "berg"), nullptr);
  EXPECT_NE(Hit(Person("q3", {{"name", "Abdulrahman Yassin"}}), "rahman"), nullptr);
  EXPECT_NE(Hit(Person("q4", {{"name", "Maria Delacruz Lopez"}}), "lopez"), nullptr);
}

TEST_F(MatcherTest, AliasesOnEitherSide) {
  Add(Person("p1", {{"name", "Ahmad Shah Massoud"}, {"aliases", {"Lion of Panjshir"}}}));
  const Candidate* c = Hit(Person("q", {{"name", "Lion of Panjshir"}}), "p1");
  ASSERT_NE(c, nullptr);
  EXPECT_TRUE(HasFeature(*c, "alias"));
  c = Hit(Person("q2", {{"name", "Unknown"}, {"aliases", {"Ahmed Shah Masood"}}}), "p1");
  ASSERT_NE(c, nullptr);
  EXPECT_TRUE(HasFeature(*c, "alias"));
}

// ---- Negative cases ---------------------------------------------------------------------------

TEST_F(MatcherTest, DifferentPeopleWithCommonFirstNamesStayBelow) {
  Add(Person("p1", {{"name", "John Smith"}}));
  Add(Person("p2", {{"name", "Mohammed Ali Hassan"}}));
  Add(Person("p3", {{"name", "Maria Garcia Lopez"}}));
  EXPECT_EQ(Hit(Person("q1", {{"name", "John Brown"}}), "p1"), nullptr);
  EXPECT_EQ(Hit(Person("q2", {{"name", "Mohammed Ali Hussein"}}), "p2"), nullptr);
  EXPECT_EQ(Hit(Person("q3", {{"name", "Mohammed Abdullah"}}), "p2"), nullptr);
  EXPECT_EQ(Hit(Person("q4", {{"name", "Maria Fernandez"}}), "p3"), nullptr);
  EXPECT_EQ(Hit(Person("q5", {{"name", "John"}}), "p1"), nullptr);
  EXPECT_EQ(Hit(Person("q6", {{"name", "Smith"}}), "p1"), nullptr);
  // Latin spellings of different Arabic names stay apart.
  EXPECT_EQ(Hit(Person("q8", {{"name", "Mahmoud Ali Hassan"}}), "p2"), nullptr);
}

TEST_F(MatcherTest, SameNameDifferentBirthDateIsNotAHit) {
  Add(Person("p1", {{"name", "John Smith"}, {"birth_date", "1980-03-14"}}));
  EXPECT_EQ(Hit(Person("q", {{"name", "John Smith"}, {"birth_date", "1975-06-02"}}), "p1"),
            nullptr);
  EXPECT_EQ(Hit(Person("q", {{"name", "John Smith"}, {"birth_date", "1980-06-02"}}), "p1"),
            nullptr);
  const auto r = matcher_.Compare(Person("q", {{"name", "John Smith"}, {"birth_date", "1975"}}),
                                  Person("p1", {{"name", "John Smith"}, {"birth_date", "1980"}}));
  ASSERT_TRUE(r.ok());
  EXPECT_NEAR(r->score, 0.65, 1e-6);
  EXPECT_EQ(r->features, (std::vector<std::string>{"!birth_date", "name"}));
}

// ---- Dates of birth ---------------------------------------------------------------------------

TEST_F(MatcherTest, BirthDateTolerance) {
  Add(Person("p1", {{"name", "Ivan Petrov Ivanov"}, {"birth_date", "1971-04-09"}}));
  struct Case {
    const char* date;
    const char* feature;
    double score;
  };
  const Case cases[] = {
      {"1971-04-09", "birth_date", 1.0},   {"1971-09-04", "birth_date~swapped", 1.0},
      {"1971", "birth_date~year", 1.0},    {"1971-04", "birth_date~month", 1.0},
      {"1971-04-10", "!birth_date", 0.75}, {"1972-04-09", "!birth_date", 0.65},
  };
  for (const Case& c : cases) {
    const auto r = matcher_.Compare(
        Person("q", {{"name", "Ivan Petrov Ivanov"}, {"birth_date", c.date}}),
        Person("p1", {{"name", "Ivan Petrov Ivanov"}, {"birth_date", "1971-04-09"}}));
    ASSERT_TRUE(r.ok());
    EXPECT_NEAR(r->score, c.score, 1e-6) << c.date;
    EXPECT_TRUE(HasFeature(*r, c.feature)) << c.date;
  }
  // A fuzzy name is lifted by an exact date and held back by a swapped or missing one.
  const auto fuzzy = [&](const char* date) {
    json props = {{"name", "Ivan Ivanov"}};
    if (date != nullptr) props["birth_date"] = date;
    return matcher_
        .Compare(Person("q", props),
                 Person("p1", {{"name", "Ivan Petrov Ivanov"}, {"birth_date", "1971-04-09"}}))
        ->score;
  };
  EXPECT_NEAR(fuzzy(nullptr), 2.0 / 2.3, 1e-6);  // a missing date changes nothing
  EXPECT_NEAR(fuzzy("1971-04-09"), 2.0 / 2.3 + 0.10, 1e-6);
  EXPECT_NEAR(fuzzy("1971-09-04"), 2.0 / 2.3 + 0.05, 1e-6);
  EXPECT_LT(fuzzy("1960-01-01"), 0.8);
}

TEST_F(MatcherTest, NationalityAndGender) {
  const json base = {{"name", "Anna Kowalska"}, {"nationality", "PL"}, {"gender", "female"}};
  auto score = [&](const json& other) {
    return matcher_.Compare(Person("q", other), Person("p", base)).value();
  };
  const Candidate same = score(base);
  EXPECT_DOUBLE_EQ(same.score, 1.0);
  EXPECT_TRUE(HasFeature(same, "nationality"));
  const Candidate other_country =
      score({{"name", "Anna Kowalska"}, {"nationality", "DE"}, {"gender", "female"}});
  EXPECT_NEAR(other_country.score, 0.90, 1e-6);
  EXPECT_TRUE(HasFeature(other_country, "!nationality"));
  const Candidate other_gender =
      score({{"name", "Anna Kowalska"}, {"nationality", "PL"}, {"gender", "male"}});
  EXPECT_NEAR(other_gender.score, 0.82, 1e-6);
  EXPECT_TRUE(HasFeature(other_gender, "!gender"));
  EXPECT_DOUBLE_EQ(score({{"name", "Anna Kowalska"}}).score, 1.0);  // unknown: no effect
}

// ---- Identifiers ------------------------------------------------------------------------------

TEST_F(MatcherTest, DocumentNumbersAcrossPersonAndDocument) {
  Add(Person("p1", {{"name", "Marek Nowak"}, {"document_numbers", {"AB-123 4567"}}}));
  const core::Record doc = MakeRecord(
      "d1", "Document", "IT-NCC",
      {{"number", "ab1234567"}, {"document_type", "passport"}, {"issuing_country", "PL"}});
  const Candidate* c = Hit(doc, "p1");
  ASSERT_NE(c, nullptr);
  EXPECT_NEAR(c->score, 0.95, 1e-6);
  EXPECT_EQ(c->features, (std::vector<std::string>{"document_number"}));
  Add(doc);
  // The person written again finds the document.
  c = Hit(Person("p1", {{"name", "Marek Nowak"}, {"document_numbers", {"AB1234567"}}}), "d1");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->type, "Document");
}

TEST_F(MatcherTest, DocumentHolderMatchesPersonByNameAndBirthDate) {
  Add(Person("p1", {{"name", "Marek Nowak"}, {"birth_date", "1988-02-29"}}));
  const Candidate* c = Hit(MakeRecord("d1", "Document", "IT-NCC",
                                      {{"number", "X9988776"},
                                       {"holder_name", "NOWAK Marek"},
                                       {"holder_birth_date", "1988-02-29"}}),
                           "p1");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->features, (std::vector<std::string>{"birth_date", "name"}));
  EXPECT_EQ(Hit(MakeRecord("d2", "Document", "IT-NCC",
                           {{"number", "X9988777"},
                            {"holder_name", "Marek Nowak"},
                            {"holder_birth_date", "1979-05-01"}}),
                "p1"),
            nullptr);
}

TEST_F(MatcherTest, DocumentsOfDifferentCountriesDoNotMatchOnNumberAlone) {
  Add(MakeRecord("d1", "Document", "FR", {{"number", "12AB34567"}, {"issuing_country", "FR"}}));
  EXPECT_EQ(
      Hit(MakeRecord("d2", "Document", "DE", {{"number", "12AB34567"}, {"issuing_country", "DE"}}),
          "d1"),
      nullptr);
  EXPECT_NE(Hit(MakeRecord("d3", "Document", "DE",
                           {{"number", "12-AB-34567"}, {"issuing_country", "FR"}}),
                "d1"),
            nullptr);
}

TEST_F(MatcherTest, VesselImoWithCheckDigit) {
  Add(MakeRecord("v1", "Vessel", "NL-KMAR",
                 {{"name", "OCEAN STAR"}, {"imo", "9074729"}, {"mmsi", "211331640"}}));
  const Candidate* c = Hit(
      MakeRecord("v2", "Vessel", "ES-GC", {{"name", "Sea Queen"}, {"imo", "IMO 9074729"}}), "v1");
  ASSERT_NE(c, nullptr);
  EXPECT_NEAR(c->score, 0.95, 1e-6);
  EXPECT_EQ(c->features, (std::vector<std::string>{"imo"}));
  // An IMO number failing its check digit is not an identifier.
  Add(MakeRecord("v3", "Vessel", "NL-KMAR", {{"name", "Alpha"}, {"imo", "9074728"}}));
  EXPECT_EQ(Hit(MakeRecord("v4", "Vessel", "ES-GC", {{"name", "Beta"}, {"imo", "9074728"}}), "v3"),
            nullptr);
  // Same name, different valid IMO: another ship.
  EXPECT_EQ(
      Hit(MakeRecord("v5", "Vessel", "ES-GC", {{"name", "Ocean Star"}, {"imo", "9176187"}}), "v1"),
      nullptr);
  // Same name, no IMO: a (weaker) name hit.
  c = Hit(MakeRecord("v6", "Vessel", "ES-GC", {{"name", "M/V Ocean Star"}}), "v1");
  ASSERT_NE(c, nullptr);
  EXPECT_NEAR(c->score, 0.85, 1e-6);
  // MMSI alone.
  c = Hit(MakeRecord("v7", "Vessel", "ES-GC", {{"mmsi", "211 331 640"}}), "v1");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->features, (std::vector<std::string>{"mmsi"}));
}

TEST_F(MatcherTest, AccountsByIbanAndByNumberWithBic) {
  Add(MakeRecord("a1", "Account", "BE-CTIF",
                 {{"iban", "GB82 WEST 1234 5698 7654 32"},
                  {"bic", "WESTGB2L"},
                  {"holder_name", "Acme Trading Ltd"}}));
  const Candidate* c =
      Hit(MakeRecord("a2", "Account", "NL-FIU", {{"iban", "gb82west12345698765432"}}), "a1");
  ASSERT_NE(c, nullptr);
  EXPECT_NEAR(c->score, 0.95, 1e-6);
  EXPECT_TRUE(HasFeature(*c, "iban"));
  // An IBAN failing mod-97 is ignored.
  EXPECT_EQ(Hit(MakeRecord("a3", "Account", "NL-FIU", {{"iban", "GB82WEST12345698765433"}}), "a1"),
            nullptr);
  // A different holder on the same IBAN is flagged.
  c = Hit(MakeRecord("a4", "Account", "NL-FIU",
                     {{"iban", "GB82WEST12345698765432"}, {"holder_name", "Jane Doe"}}),
          "a1");
  ASSERT_NE(c, nullptr);
  EXPECT_NEAR(c->score, 0.85, 1e-6);
  EXPECT_TRUE(HasFeature(*c, "!name"));

  Add(MakeRecord("a5", "Account", "BE-CTIF",
                 {{"account_number", "0012345678"}, {"bic", "DEUTDEFF"}}));
  c = Hit(MakeRecord("a6", "Account", "NL-FIU",
                     {{"account_number", "00-1234-5678"}, {"bic", "DEUTDEFF500"}}),
          "a5");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->features, (std::vector<std::string>{"account_number", "bic"}));
  EXPECT_EQ(Hit(MakeRecord("a7", "Account", "NL-FIU",
                           {{"account_number", "0012345678"}, {"bic", "COBADEFF"}}),
                "a5"),
            nullptr);
}

TEST_F(MatcherTest, AircraftAndOrganisations) {
  Add(MakeRecord("ac1", "Aircraft", "DE-BPOL", {{"registration", "D-ABCD"}, {"icao24", "3C6444"}}));
  const Candidate* c =
      Hit(MakeRecord("ac2", "Aircraft", "FR-PAF", {{"registration", "dabcd"}}), "ac1");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->features, (std::vector<std::string>{"registration"}));
  c = Hit(
      MakeRecord("ac3", "Aircraft", "FR-PAF", {{"icao24", "3c6444"}, {"registration", "F-GKXA"}}),
      "ac1");
  ASSERT_NE(c, nullptr);  // re-registered: the other identifier still matches
  EXPECT_EQ(c->features, (std::vector<std::string>{"!registration", "icao24"}));

  Add(MakeRecord(
      "o1", "Organisation", "IT-GdF",
      {{"name", "Acme Trading Co. Ltd"}, {"country", "CY"}, {"lei", "529900T8BM49AURSDO55"}}));
  c = Hit(MakeRecord("o2", "Organisation", "ES-SEPBLAC", {{"name", "ACME TRADING LIMITED"}}), "o1");
  ASSERT_NE(c, nullptr);  // limited = ltd; "co" missing
  EXPECT_TRUE(HasFeature(*c, "name~partial"));
  c = Hit(MakeRecord("o3", "Organisation", "ES-SEPBLAC",
                     {{"name", "Something Else"}, {"lei", "529900t8bm49aursdo55"}}),
          "o1");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->features, (std::vector<std::string>{"lei"}));  // organisations get renamed
  EXPECT_EQ(Hit(MakeRecord("o4", "Organisation", "ES", {{"name", "Acme Logistics Ltd"}}), "o1"),
            nullptr);
}

TEST_F(MatcherTest, TypesAreComparedOnlyWithComparableTypes) {
  Add(Person("p1", {{"name", "Ocean Star"}}));
  Add(MakeRecord("v1", "Vessel", "NL", {{"name", "Ocean Star"}}));
  Add(MakeRecord("o1", "Organisation", "NL", {{"name", "Ocean Star"}}));
  const auto found = matcher_.Find(MakeRecord("v2", "Vessel", "ES", {{"name", "Ocean Star"}}), 10);
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].record_id, "v1");
}

// ---- Index behaviour --------------------------------------------------------------------------

TEST_F(MatcherTest, NeverReturnsTheRecordItself) {
  const core::Record r = Person("p1", {{"name", "Vladimir Putin"}});
  Add(r);
  EXPECT_TRUE(matcher_.Find(r, 10).empty());
  EXPECT_TRUE(matcher_.FindExhaustive(r, 10).empty());
}

TEST_F(MatcherTest, UpsertReplacesRemoveForgets) {
  Add(Person("p1", {{"name", "Vladimir Putin"}}));
  EXPECT_EQ(matcher_.size(), 1U);
  Add(Person("p1", {{"name", "Dmitry Medvedev"}}));
  EXPECT_EQ(matcher_.size(), 1U);
  EXPECT_EQ(Hit(Person("q", {{"name", "Vladimir Putin"}}), "p1"), nullptr);
  EXPECT_NE(Hit(Person("q", {{"name", "Dmitriy Medvedev"}}), "p1"), nullptr);
  matcher_.Remove("p1");
  matcher_.Remove("unknown");
  EXPECT_EQ(matcher_.size(), 0U);
  EXPECT_EQ(Hit(Person("q", {{"name", "Dmitry Medvedev"}}), "p1"), nullptr);
  // A record whose type became non-matchable is dropped.
  Add(Person("p2", {{"name", "Anna Schmidt"}}));
  Add(MakeRecord("p2", "Event", "X", {{"title", "x"}}));
  EXPECT_EQ(matcher_.size(), 0U);
}

// The same query parts looked up again reuse the vocabulary neighbours found the first time
// (per-scratch cache); a write to the index must make them be looked up afresh.
TEST_F(MatcherTest, RepeatedQueriesSeeWritesInBetween) {
  Add(Person("p1", {{"name", "Jonathan Smithers"}}));
  const core::Record query = Person("q", {{"name", "Jonathon Smithers"}});
  for (int i = 0; i < 3; ++i) {
    ASSERT_NE(Hit(query, "p1"), nullptr);
    EXPECT_EQ(last_.size(), 1U);
  }
  // A new spelling one edit away from the query part enters the vocabulary.
  Add(Person("p2", {{"name", "Jonathon Smither"}}));
  ASSERT_NE(Hit(query, "p2"), nullptr);
  EXPECT_NE(FindId(last_, "p1"), nullptr);
  matcher_.Remove("p1");
  EXPECT_EQ(Hit(query, "p1"), nullptr);
  EXPECT_NE(FindId(last_, "p2"), nullptr);
}

// The lookup cache only saves work: with it switched off the same queries give the same hits
// and scores, repeated or not.
TEST(MatcherLookupCache, SameResultsWithAndWithout) {
  MatchConfig off_config;
  off_config.cache_name_lookups = false;
  Matcher on{MatchConfig{}}, off{off_config};
  const char* names[] = {"Jonathan Smithers",      "Jonathon Smither",
                         "Ivan Petrovich Sidorov", "Maria del Carmen Lopez Garcia",
                         "Mohammed Al-Rashid",     "Anna Schmidt",
                         "Ahmad Shah Massoud",     "John Smith"};
  int i = 0;
  for (const char* name : names) {
    const core::Record r = Person("p" + std::to_string(i++), {{"name", name}});
    ASSERT_TRUE(on.Upsert(r).ok());
    ASSERT_TRUE(off.Upsert(r).ok());
  }
  const char* queries[] = {"Jonathon Smithers",  "Ivan Sidorov", "Carmen Lopez",
                           "Muhammad Al Rashid", "Ana Schmitt",  "John Smyth"};
  for (int round = 0; round < 3; ++round) {
    for (const char* query : queries) {
      const core::Record q = Person("q", {{"name", query}});
      const auto a = on.Find(q, 10);
      const auto b = off.Find(q, 10);
      ASSERT_EQ(a.size(), b.size()) << query;
      for (size_t k = 0; k < a.size(); ++k) {
        EXPECT_EQ(a[k].record_id, b[k].record_id) << query;
        EXPECT_DOUBLE_EQ(a[k].score, b[k].score) << query;
      }
    }
  }
  EXPECT_FALSE(on.Find(Person("q", {{"name", "Jonathon Smithers"}}), 10).empty());
}

TEST_F(MatcherTest, RejectsUnparsableProperties) {
  core::Record r = Person("p1", {});
  r.properties_json = "{not json";
  EXPECT_EQ(matcher_.Upsert(r).code(), StatusCode::kInvalidArgument);
  r.properties_json = "[1,2]";
  EXPECT_EQ(matcher_.Upsert(r).code(), StatusCode::kInvalidArgument);
  const Status wrong = matcher_.Upsert(Person("p1", {{"name", 42}}));
  EXPECT_EQ(wrong.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(wrong.field(), "properties.name");
  EXPECT_EQ(matcher_.Upsert(Person("p1", {{"aliases", "x"}})).field(), "properties.aliases");
  EXPECT_EQ(matcher_.size(), 0U);
  EXPECT_TRUE(matcher_.Find(r, 10).empty());
  // Malformed dates and identifiers are ignored, not errors.
  EXPECT_TRUE(matcher_.Upsert(Person("p2", {{"name", "A B"}, {"birth_date", "1999-02-30"}})).ok());
  // Non-matchable types are ignored whatever their properties.
  core::Record event = MakeRecord("e1", "Event", "X", {});
  event.properties_json = "garbage";
  EXPECT_TRUE(matcher_.Upsert(event).ok());
  EXPECT_FALSE(IsMatchable("Event"));
  EXPECT_TRUE(IsMatchable("Account"));
}

TEST_F(MatcherTest, BestFirstWithinLimit) {
  Add(Person("exact", {{"name", "Ivan Ivanov"}, {"birth_date", "1970-01-01"}}));
  Add(Person("typo", {{"name", "Ivan Ivanow"}}));
  Add(Person("partial", {{"name", "Ivan Ivanovich Ivanov"}}));
  const auto all =
      matcher_.Find(Person("q", {{"name", "Ivan Ivanov"}, {"birth_date", "1970-01-01"}}), 10);
  ASSERT_EQ(all.size(), 3U);
  EXPECT_EQ(all[0].record_id, "exact");
  EXPECT_GE(all[0].score, all[1].score);
  EXPECT_GE(all[1].score, all[2].score);
  EXPECT_EQ(matcher_.Find(Person("q", {{"name", "Ivan Ivanov"}}), 1).size(), 1U);
  EXPECT_TRUE(matcher_.Find(Person("q", {{"name", "Ivan Ivanov"}}), 0).empty());
}

TEST_F(MatcherTest, ThresholdIsConfiguration) {
  MatchConfig strict;
  strict.threshold = 0.95;
  Matcher m(strict);
  ASSERT_TRUE(m.Upsert(Person("p1", {{"name", "Vladimir Vladimirovich Putin"}})).ok());
  EXPECT_TRUE(m.Find(Person("q", {{"name", "Vladimir Putin"}}), 10).empty());
  EXPECT_EQ(m.Find(Person("q", {{"name", "Putin Vladimir Vladimirovich"}}), 10).size(), 1U);
}

TEST_F(MatcherTest, BlockingFindsWhatExhaustiveScoringFinds) {
  const char* first[] = {"Ivan", "Mohammed", "Anna", "John", "Maria", "Ali", "Olga", "Peter"};
  const char* last[] = {"Ivanov", "Hassan", "Schmidt", "Smith",
                        "Garcia", "Khan",   "Petrova", "Muller"};
  int n = 0;
  for (const char* f : first) {
    for (const char* l : last) {
      Add(Person("p" + std::to_string(n++), {{"name", std::string(f) + " " + l}}));
      Add(Person("p" + std::to_string(n++), {{"name", std::string(l) + " " + f + " Junior"}}));
    }
  }
  for (const char* q : {"Ivan Ivanow", "Mohamed Hasan", "J Smith", "Anna", "Maria Garcia Lopez",
                        "Olga Petrowa", "Иван Иванов", "محمد حسن", "Khan Ali"}) {
    const core::Record query = Person("query", {{"name", q}});
    const auto indexed = matcher_.Find(query, 100);
    const auto exhaustive = matcher_.FindExhaustive(query, 100);
    ASSERT_EQ(indexed.size(), exhaustive.size()) << q;
    for (size_t i = 0; i < indexed.size(); ++i) {
      EXPECT_EQ(indexed[i].record_id, exhaustive[i].record_id) << q;
      EXPECT_DOUBLE_EQ(indexed[i].score, exhaustive[i].score) << q;
    }
  }
}

TEST_F(MatcherTest, CompareExplainsWhatever) {
  const auto r = matcher_.Compare(Person("a", {{"name", "John Smith"}}),
                                  MakeRecord("b", "Vessel", "X", {{"name", "John Smith"}}));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->score, 0);
  EXPECT_TRUE(r->features.empty());
  core::Record bad = Person("b", {});
  bad.properties_json = "nope";
  EXPECT_EQ(matcher_.Compare(Person("a", {{"name", "x"}}), bad).status().code(),
            StatusCode::kInvalidArgument);
}

// ---- Common names -------------------------------------------------------------------------------

// A name that many stored persons share says little on its own: with no date of birth on one
// side and no identifier, such a candidate carries "name~common" and falls below the threshold,
// while a rare name, or the same common name with agreeing dates of birth, still hits.
TEST(MatcherCommonNameTest, CommonNameAloneIsNotAHitButRareNamesAndDatesAre) {
  MatchConfig config;
  config.common_name_min_names = 100;
  Matcher matcher(config);
  // 300 persons with distinct two-part names made of letters only.
  const auto word = [](int n, char first) {
    std::string w(1, first);
    for (int k = 0; k < 4; ++k, n /= 26) w += static_cast<char>('a' + n % 26);
    return w;
  };
  for (int i = 0; i < 300; ++i) {
    const std::string name = word(i, 'B') + " " + word(i * 7 + 3, 'K');
    ASSERT_TRUE(matcher.Upsert(Person("filler-" + std::to_string(i), {{"name", name}})).ok());
  }
  for (int i = 0; i < 12; ++i) {
    nlohmann::json p = {{"name", "Mohamed Ali"}};
    if (i == 0) p["birth_date"] = "1970-05-06";
    ASSERT_TRUE(matcher.Upsert(Person("common-" + std::to_string(i), p)).ok());
  }
  ASSERT_TRUE(matcher.Upsert(Person("rare", {{"name", "Zbigniew Quaternion"}})).ok());

  // The common name with nothing else: scored, explained, but no hit.
  const auto common = matcher.Compare(Person("q", {{"name", "Mohamed Ali"}}),
                                      Person("common-3", {{"name", "Mohamed Ali"}}));
  ASSERT_TRUE(common.ok());
  EXPECT_GE(common->score, config.threshold);  // Compare: the two records alone
  EXPECT_TRUE(matcher.Find(Person("q1", {{"name", "Mohamed Ali"}}), 20).empty());

  // The same name with a date of birth only hits the person born that day.
  const auto dated =
      matcher.Find(Person("q2", {{"name", "Mohamed Ali"}, {"birth_date", "1970-05-06"}}), 20);
  ASSERT_EQ(dated.size(), 1u);
  EXPECT_EQ(dated[0].record_id, "common-0");
  EXPECT_FALSE(HasFeature(dated[0], "name~common"));

  // A rare name needs nothing else.
  const auto rare = matcher.Find(Person("q3", {{"name", "Zbigniew Quaternion"}}), 20);
  ASSERT_EQ(rare.size(), 1u);
  EXPECT_EQ(rare[0].record_id, "rare");
  EXPECT_FALSE(HasFeature(rare[0], "name~common"));

  // With the statistics switched off (too few names), the common name hits again.
  MatchConfig small = config;
  small.common_name_min_names = 100000;
  Matcher few(small);
  for (int i = 0; i < 12; ++i) {
    ASSERT_TRUE(few.Upsert(Person("common-" + std::to_string(i), {{"name", "Mohamed Ali"}})).ok());
  }
  EXPECT_EQ(few.Find(Person("q4", {{"name", "Mohamed Ali"}}), 20).size(), 12u);

  // Lowering the penalty to zero keeps the feature as an explanation.
  MatchConfig explained = config;
  explained.common_name_penalty = 0;
  Matcher matcher2(explained);
  for (int i = 0; i < 300; ++i) {
    const std::string name = word(i, 'B') + " " + word(i * 7 + 3, 'K');
    ASSERT_TRUE(matcher2.Upsert(Person("filler-" + std::to_string(i), {{"name", name}})).ok());
  }
  for (int i = 0; i < 12; ++i) {
    ASSERT_TRUE(
        matcher2.Upsert(Person("common-" + std::to_string(i), {{"name", "Mohamed Ali"}})).ok());
  }
  const auto flagged = matcher2.Find(Person("q5", {{"name", "Mohamed Ali"}}), 20);
  ASSERT_EQ(flagged.size(), 12u);
  for (const Candidate& c : flagged) EXPECT_TRUE(HasFeature(c, "name~common")) << c.record_id;
}

}  // namespace
}  // namespace issa::matching
