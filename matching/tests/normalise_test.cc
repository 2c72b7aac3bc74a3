#include "normalise.h"

#include <string>

#include <gtest/gtest.h>

#include "issa/matching/matcher.h"
#include "issa/matching/names.h"

namespace issa::matching {
namespace {

using detail::kAlternative;
using detail::kInitial;
using detail::kParticle;
using detail::kVowelless;
using detail::NameClass;
using detail::NameUnit;
using detail::TokenisedName;
using detail::TokeniseName;

TEST(NormaliseNameTest, AsciiLowerCasesAndDropsPunctuation) {
  EXPECT_EQ(NormaliseName("  JOHN   Smith "), "john smith");
  EXPECT_EQ(NormaliseName("O'Brien, Patrick J."), "obrien patrick j");
  EXPECT_EQ(NormaliseName("Hans-Peter MÜLLER"), "hans peter muller");
  EXPECT_EQ(NormaliseName(""), "");
  EXPECT_EQ(NormaliseName(" ,.-/ "), "");
}

TEST(NormaliseNameTest, HonorificsAreRemovedUnlessNothingElseRemains) {
  EXPECT_EQ(NormaliseName("Mr. John Smith"), "john smith");
  EXPECT_EQ(NormaliseName("Dr Prof. Anna Kowalska"), "anna kowalska");
  EXPECT_EQ(NormaliseName("Sheikh Ahmed Yassin"), "ahmed yassin");
  EXPECT_EQ(NormaliseName("Dr"), "dr");
}

TEST(NormaliseNameTest, AccentsAndLatinLettersFoldToAscii) {
  EXPECT_EQ(NormaliseName("José María Aznar-López"), "jose maria aznar lopez");
  EXPECT_EQ(NormaliseName("Łukasz Żółć"), "lukasz zolc");
  EXPECT_EQ(NormaliseName("Øystein Straße"), "oystein strasse");
  EXPECT_EQ(NormaliseName("İlkay Gündoğan"), "ilkay gundogan");
}

TEST(NormaliseNameTest, CyrillicIsTransliteratedWithBgn) {
  EXPECT_EQ(NormaliseName("Владимир Путин"), "vladimir putin");
  EXPECT_EQ(NormaliseName("Никита Хрущёв"), "nikita khrushchev");
  EXPECT_EQ(NormaliseName("Дмитрий Медведев"), "dmitriy medvedev");
}

TEST(NormaliseNameTest, GreekIsTransliterated) {
  EXPECT_EQ(NormaliseName("Αλέξανδρος Παπαδόπουλος"), "alexandros papadopoulos");
}

TEST(NormaliseNameTest, ArabicGivesAConsonantSkeleton) {
  // What ICU achieves: no short vowels, so matching relies on vowelless comparison.
  EXPECT_EQ(NormaliseName("محمد"), "mhmd");
  EXPECT_EQ(NormaliseName("محمد علي"), "mhmd ly");
  EXPECT_EQ(NormaliseName("أسامة بن لادن"), "asama bn ladn");  // ة read as "a"
}

TEST(NormaliseNameTest, ArabicCompoundsWithAllahAndAlDinReadAsOneWord) {
  // UN original-script names against their Latin forms (UN TAi.014, TAi.040, TAi.103).
  MatchConfig config;
  config.vowelless_similarity = 0.92;
  for (const auto& [arabic, latin] :
       {std::pair{"هدايت الله", "HIDAYATULLAH"},
        std::pair{"جلال الدين حقانى", "JALALUDDIN HAQQANI"}, std::pair{"شمس الدین", "SHAMSUDDIN"},
        std::pair{"ولی جان", "WALIJAN"}}) {
    const double glued = CompareNames(arabic, latin, NameKind::kPerson, config).score;
    EXPECT_GE(glued, 0.75) << latin;
    // The reading does not make unrelated one-word names agree.
    EXPECT_LT(CompareNames(arabic, "MOHAMMAD", NameKind::kPerson, config).score, 0.6) << latin;
  }
  const TokenisedName t = TokeniseName("هدايت الله", NameClass::kPerson);
  bool glued = false;
  for (const NameUnit& u : t.units)
    glued = glued || ((u.flags & kAlternative) != 0 && u.text.size() >= 8);
  EXPECT_TRUE(glued);
}

TEST(NormaliseNameTest, ArabicAlsoReadsTheMaghrebWay) {
  // UN QDi.313 and QDi.251: ICU's q/j/sh against the lists' g/dj/ch.
  MatchConfig config;
  config.vowelless_similarity = 0.92;
  EXPECT_GE(CompareNames("جمال عكاشة", "DJAMEL AKKACHA", NameKind::kPerson, config).score, 0.8);
  EXPECT_GE(CompareNames("صالح قاسمي", "SALAH GASMI", NameKind::kPerson, config).score, 0.8);
  EXPECT_LT(CompareNames("صالح قاسمي", "SALAH GASPARD", NameKind::kPerson, config).score, 0.8);
}

TEST(NormaliseNameTest, OtherScriptsGoThroughIcuAnyLatin) {
  EXPECT_EQ(NormaliseName("金正恩"), "jin zheng en");  // Mandarin reading, not "Kim Jong Un"
  EXPECT_EQ(NormaliseName("משה"), "msh");
}

TEST(NormaliseNameTest, InvalidUtf8IsReplacedNotFatal) {
  EXPECT_EQ(NormaliseName("\xff\xfe John"), "john");
  EXPECT_EQ(NormaliseName("Jo\xc3"), "jo");
  EXPECT_EQ(NormaliseName(std::string("a\0b", 3)), "a b");
}

TEST(TokeniseNameTest, ParticlesGetAGluedAlternative) {
  const auto name = TokeniseName("Jan van der Berg", NameClass::kPerson);
  ASSERT_EQ(name.regular, 4);
  ASSERT_EQ(name.units.size(), 5U);
  EXPECT_EQ(name.units[1].flags & kParticle, kParticle);
  EXPECT_EQ(name.units[2].flags & kParticle, kParticle);
  EXPECT_EQ(name.units[4].text, "vanderberg");
  EXPECT_EQ(name.units[4].flags & kAlternative, kAlternative);
  EXPECT_EQ(name.units[4].cover, 0b1110);
}

TEST(TokeniseNameTest, InitialsAndArabicFlags) {
  const auto initials = TokeniseName("J. R. Smith", NameClass::kPerson);
  ASSERT_EQ(initials.regular, 3);
  EXPECT_EQ(initials.units[0].flags & kInitial, kInitial);
  EXPECT_EQ(initials.units[2].flags & kInitial, 0);

  const auto arabic = TokeniseName("صدام حسين التكريتي", NameClass::kPerson);
  ASSERT_EQ(arabic.regular, 3);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(arabic.units[i].flags & kVowelless, kVowelless);
  ASSERT_EQ(arabic.units.size(), 4U);
  EXPECT_EQ(arabic.units[3].text, "tkryty");  // the article stripped as an alternative
}

TEST(TokeniseNameTest, OrganisationLegalFormsAreParticlesVesselPrefixesDropped) {
  const auto org = TokeniseName("ACME Trading Co., Ltd.", NameClass::kOrganisation);
  ASSERT_EQ(org.regular, 4);
  EXPECT_EQ(org.units[0].flags & kParticle, 0);
  EXPECT_EQ(org.units[3].flags & kParticle, kParticle);
  EXPECT_EQ(detail::JoinParts(TokeniseName("M/V Ocean Star", NameClass::kVessel)), "ocean star");
  EXPECT_EQ(detail::JoinParts(TokeniseName("MT Ocean Star", NameClass::kVessel)), "ocean star");
}

}  // namespace
}  // namespace issa::matching
