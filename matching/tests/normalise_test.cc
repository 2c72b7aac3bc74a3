#include "normalise.h"

#include <string>

#include <gtest/gtest.h>

#include "issa/matching/matcher.h"
#include "issa/matching/names.h"

namespace issa::matching {
namespace {

using detail::kAlternative;
using detail::kInitial;
using detail::kMaxParts;
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

// Transliterated Russian legal forms (the OFAC spellings of AO, OOO, PAO) and "joint stock"
// weigh like "Ltd": the distinctive word carries the comparison.
TEST(TokeniseNameTest, SpeltOutLegalFormsAreParticles) {
  // A legal form in several words is one particle, its short form.
  const auto ao = TokeniseName("AKTSIONERNOE OBSHCHESTVO GENBANK", NameClass::kOrganisation);
  ASSERT_EQ(ao.regular, 2);
  EXPECT_EQ(ao.units[0].text, "jsc");
  EXPECT_EQ(ao.units[0].flags & kParticle, kParticle);
  EXPECT_EQ(ao.units[1].flags & kParticle, 0);
  const auto ooo = TokeniseName("OBSHCHESTVO S OGRANICHENNOI OTVETSTVENNOSTYU BIZNES-STOLITSA",
                                NameClass::kOrganisation);
  ASSERT_EQ(ooo.regular, 3);
  EXPECT_EQ(ooo.units[0].text, "llc");
  EXPECT_EQ(ooo.units[0].flags & kParticle, kParticle);
  EXPECT_EQ(ooo.units[1].text, "biznes");
  const auto jsc = TokeniseName("JOINT STOCK COMPANY GENBANK", NameClass::kOrganisation);
  ASSERT_EQ(jsc.regular, 2);
  EXPECT_EQ(jsc.units[0].text, "jsc");
  // The OFAC alias against the entry's English name (OFAC SDN, entry GENBANK): the same name.
  EXPECT_TRUE(CompareNames("AKTSIONERNOE OBSHCHESTVO GENBANK", "JOINT STOCK COMPANY GENBANK",
                           NameKind::kOrganisation)
                  .exact);
  // Person names keep the words: "Stock" is a surname.
  EXPECT_EQ(TokeniseName("Stock", NameClass::kPerson).units[0].flags & kParticle, 0);
  EXPECT_EQ(TokeniseName("Joint Stock", NameClass::kPerson).regular, 2);
}

// One legal form written out, abbreviated or in Russian is one (OFAC SDN: LETIA LIMITED
// LIABILITY COMPANY a.k.a. LETIA COMPANY; PUBLIC JOINT STOCK COMPANY ZVEZDA a.k.a. PAO ZVEZDA):
// the name's own word decides, not the words of its legal form.
TEST(TokeniseNameTest, LegalFormsInOtherLanguagesAreOne) {
  const auto letia =
      CompareNames("LETIA LIMITED LIABILITY COMPANY", "OOO LETIA", NameKind::kOrganisation);
  EXPECT_TRUE(letia.exact);
  EXPECT_GT(
      CompareNames("LETIA LIMITED LIABILITY COMPANY", "LETIA COMPANY", NameKind::kOrganisation)
          .score,
      CompareNames("LETIA LIMITED LIABILITY COMPANY", "LIMITED LIABILITY COMPANY TRANSOIL",
                   NameKind::kOrganisation)
              .score +
          0.3);
  EXPECT_TRUE(
      CompareNames("PUBLIC JOINT STOCK COMPANY ZVEZDA", "PAO ZVEZDA", NameKind::kOrganisation)
          .exact);
  EXPECT_TRUE(CompareNames("OTKRYTOE AKTSIONERNOE OBSHCHESTVO LAKOKRASKA",
                           "LAKOKRASKA OPEN JOINT-STOCK COMPANY", NameKind::kOrganisation)
                  .exact);
  // Public, open and closed joint stock companies stay apart from one another.
  EXPECT_FALSE(CompareNames("PAO ZVEZDA", "ZAO ZVEZDA", NameKind::kOrganisation).exact);
}

// Common words of organisation names in the languages the lists write them in are one English
// word (OFAC SDN: BANK MELLI IRAN a.k.a. NATIONAL BANK OF IRAN; SMART ITHALAT IHRACAT DIS
// TICARET LIMITED SIRKETI a.k.a. SMART IMPORT EXPORT FOREIGN TRADE LIMITED COMPANY; JAYSH AL-ADL
// a.k.a. ARMY OF JUSTICE).
TEST(TokeniseNameTest, CommonOrganisationWordsInOtherLanguagesAreOne) {
  auto org = [](std::string_view a, std::string_view b) {
    return CompareNames(a, b, NameKind::kOrganisation).score;
  };
  // Every word pairs; only connectives (OF, DE, AL) are left over.
  EXPECT_GT(org("BANK MELLI IRAN", "NATIONAL BANK OF IRAN"), 0.95);
  EXPECT_LT(org("BANK MELLI IRAN", "CENTRAL BANK OF IRAN"), 0.7);
  EXPECT_GT(org("JAYSH AL-ADL", "ARMY OF JUSTICE"), 0.85);
  EXPECT_LT(org("JAYSH AL-ADL", "ARMY OF ISLAM"), 0.5);
  EXPECT_GT(org("SMART ITHALAT IHRACAT", "SMART IMPORT EXPORT"), 0.95);
  EXPECT_GT(
      org("FUERZAS ARMADAS REVOLUCIONARIAS DE COLOMBIA", "REVOLUTIONARY ARMED FORCES OF COLOMBIA"),
      0.9);
  EXPECT_TRUE(CompareNames("POUYA AIRLINES", "POUYA AIR", NameKind::kOrganisation).exact);
  // A word that was a particle stays one: TRADING, and TICARET read as it.
  const auto trading = TokeniseName("ACME TICARET TRADING LLC", NameClass::kOrganisation);
  ASSERT_EQ(trading.regular, 4);
  EXPECT_EQ(trading.units[1].text, "trading");
  EXPECT_EQ(trading.units[1].flags & kParticle, kParticle);
  EXPECT_EQ(trading.units[2].flags & kParticle, kParticle);
  EXPECT_TRUE(IsLegalFormOrConnective("ltd"));
  EXPECT_TRUE(IsLegalFormOrConnective("of"));
  EXPECT_TRUE(IsLegalFormOrConnective("liability"));
  EXPECT_FALSE(IsLegalFormOrConnective("holding"));
  EXPECT_FALSE(IsLegalFormOrConnective("international"));
  EXPECT_FALSE(IsLegalFormOrConnective("sepehr"));
  // As written (for skeletons and abbreviations), the words stay.
  const PreparedName written = PrepareNameAsWritten("BANK MELLI IRAN LLC", NameKind::kOrganisation);
  ASSERT_EQ(written.regular, 4);
  EXPECT_EQ(written.units[1].text, "melli");
  EXPECT_EQ(PrepareName("BANK MELLI IRAN LLC", NameKind::kOrganisation).units[1].text, "national");
  EXPECT_EQ(PrepareNameAsWritten("LIMITED LIABILITY COMPANY X", NameKind::kOrganisation).regular,
            4);
  // Only in organisation names: Melli is a person's name as well.
  EXPECT_EQ(TokeniseName("Melli Bank", NameClass::kPerson).units[0].text, "melli");
  EXPECT_EQ(TokeniseName("MELLI", NameClass::kOrganisation).units[0].text, "national");
}

// A name of more than kMaxParts parts loses its particles before its last parts
// (ISLAMIC STATE OF IRAQ AND THE LEVANT IN LIBYA is not ... IN SAUDI ARABIA).
TEST(TokeniseNameTest, LongNamesLoseParticlesFirst) {
  const auto isil =
      TokeniseName("ISLAMIC STATE OF IRAQ AND THE LEVANT IN LIBYA", NameClass::kOrganisation);
  ASSERT_LE(isil.regular, kMaxParts);
  EXPECT_EQ(isil.units[isil.regular - 1].text, "libya");
  EXPECT_LT(
      CompareNames("ISLAMIC STATE OF IRAQ AND THE LEVANT IN LIBYA",
                   "ISLAMIC STATE OF IRAQ AND THE LEVANT IN SAUDI ARABIA", NameKind::kOrganisation)
          .score,
      0.8);
  EXPECT_GT(CompareNames("ISLAMIC STATE OF IRAQ AND THE LEVANT IN LIBYA",
                         "ISLAMIC STATE IN IRAQ AND THE LEVANT - LIBYA", NameKind::kOrganisation)
                .score,
            0.9);
  // Persons too: the particles go first, the last name stays.
  const auto person =
      TokeniseName("Ibrahim Awad Ibrahim Ali al Badri al Samarrai bin Laden", NameClass::kPerson);
  ASSERT_EQ(person.regular, kMaxParts);
  EXPECT_EQ(person.units[person.regular - 1].text, "laden");
  EXPECT_EQ(person.units[person.regular - 2].text, "samarrai");
  // A name of kMaxParts parts or fewer keeps its particles.
  const auto short_name = TokeniseName("Usama bin Laden", NameClass::kPerson);
  EXPECT_EQ(short_name.units[1].flags & kParticle, kParticle);
}

// The consonant skeleton on which Arabic and Cyrillic names meet their Latin forms (UN
// NAME_ORIGINAL_SCRIPT against the entry's Latin names).
TEST(NameSkeletonTest, ArabicAndLatinFormsShareASkeleton) {
  auto skeleton = [](std::string_view name, NameKind kind = NameKind::kPerson) {
    return NameSkeleton(PrepareName(name, kind));
  };
  auto same = [&](std::string_view a, std::string_view b, NameKind kind = NameKind::kPerson) {
    return SkeletonSimilarity(skeleton(a, kind), skeleton(b, kind));
  };
  EXPECT_EQ(skeleton("صدام حسين التكريتي"), "sdm sn tkrt");
  EXPECT_EQ(skeleton("SADDAM HUSSEIN AL-TIKRITI"), "sdm sn tkrt");
  EXPECT_EQ(skeleton("سبعاوي إبراهيم حسن التكريتي"), skeleton("SAB'AWI IBRAHIM HASSAN AL-TIKRITI"));
  // The article glued to an Arabic word.
  EXPECT_EQ(skeleton("القاعدة", NameKind::kOrganisation),
            skeleton("AL-QAIDA", NameKind::kOrganisation));
  // عمر is Omar, not "Mr": parts from a script without vowels are no honorifics.
  EXPECT_EQ(skeleton("عمر محمود عثمان"), skeleton("OMAR MAHMOUD UTHMAN"));
  EXPECT_EQ(skeleton("آدم خان اچکزی").substr(0, 2), "dm");
  // Compounds written as one Latin word; the Maghreb's "ch", French "dj", Russian "dzh".
  EXPECT_DOUBLE_EQ(same("شمس الدین", "SHAMSUDDIN"), 1.0);
  EXPECT_DOUBLE_EQ(same("علي ما يشو", "ALI MAYCHOU"), 1.0);
  EXPECT_EQ(skeleton("Djamel"), skeleton("Jamal"));
  EXPECT_EQ(skeleton("Джихад"), skeleton("Jihad"));
  EXPECT_EQ(skeleton("---"), "");
}

TEST(NameSkeletonTest, SimilarityIsAnEditDistanceRatio) {
  EXPECT_DOUBLE_EQ(SkeletonSimilarity("sdm sn tkrt", "sdm sn tkrt"), 1.0);
  // A relative's longer name (Saad Sabawi ... against Sabawi ...): the whole strings differ by
  // two letters of twelve (0.83); the query's parts are all in the longer name (1), whose "sd"
  // pairs with "sn" at 0.5 (11/12): the mean of the coverages is the better.
  EXPECT_NEAR(SkeletonSimilarity("sbrm sn tkrt", "sd sbrm sn tkrt"), (1.0 + 11.0 / 12.0) / 2, 1e-9);
  // d, t, s swap at half the cost (ض read d or z: فيض FAIZ).
  EXPECT_DOUBLE_EQ(SkeletonSimilarity("fd", "fs"), 0.75);
  EXPECT_DOUBLE_EQ(SkeletonSimilarity("fd", "fk"), 0.5);
  EXPECT_DOUBLE_EQ(SkeletonSimilarity("k", "k"), 0.0);  // too short to say anything
  // Glued and split compounds meet on the whole string.
  EXPECT_DOUBLE_EQ(SkeletonSimilarity("sms dn", "smsdn"), 1.0);
  EXPECT_LT(SkeletonSimilarity("sdm sn tkrt", "mkn bdm"), 0.5);
}

}  // namespace
}  // namespace issa::matching
