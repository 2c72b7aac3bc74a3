#include "similarity.h"

#include <gtest/gtest.h>

#include "name_score.h"
#include "normalise.h"

namespace issa::matching::detail {
namespace {

float Sim(std::string_view a, std::string_view b, uint8_t fa = 0, uint8_t fb = 0) {
  return UnitSimilarity(a, fa, b, fb, SimilarityParams{});
}

TEST(SimilarityTest, EqualPartsScoreOne) {
  EXPECT_FLOAT_EQ(Sim("putin", "putin"), 1.0F);
  EXPECT_FLOAT_EQ(Sim("alexander", "aleksander"), 1.0F);  // x = ks
}

TEST(SimilarityTest, SmallTyposAndTransliterationDriftStayHigh) {
  EXPECT_GT(Sim("smith", "smyth"), 0.9F);
  EXPECT_GT(Sim("john", "jon"), 0.85F);
  EXPECT_GT(Sim("vladimir", "vladimr"), 0.85F);
  EXPECT_GT(Sim("putin", "ptuin"), 0.8F);  // transposition
  EXPECT_GT(Sim("mohammed", "muhammad"), 0.85F);
  EXPECT_GT(Sim("mohamed", "muhammad"), 0.8F);
  EXPECT_GT(Sim("dmitriy", "dmitry"), 0.85F);
  EXPECT_GT(Sim("zelenskiy", "zelensky"), 0.9F);
}

// Arabic and Persian letters that Latin writes with a digraph or a single letter (ق q/g/gh,
// ذ dh/d, ث th/t), as the OFAC list spells one person two ways (Mohammad QANNADI a.k.a. GHANNADI,
// Muammar QADHAFI a.k.a. GHATHAFI a.k.a. GADDAFI, Mohammad BAGHERI a.k.a. BAQERI).
TEST(SimilarityTest, DigraphsReadAsOneLetter) {
  EXPECT_GT(Sim("ghannadi", "qannadi"), 0.85F);
  EXPECT_GT(Sim("qadhafi", "ghathafi"), 0.8F);
  EXPECT_GT(Sim("qadhafi", "gaddafi"), 0.8F);
  EXPECT_GT(Sim("bagheri", "baqeri"), 0.85F);
  EXPECT_GT(Sim("yaghoubi", "yaqubi"), 0.8F);
  // The distance's lower bounds count the h of a digraph at its cost (three digraphs, one d~t).
  EXPECT_GT(Sim("ghadhath", "gedat"), 0.0F);
  // A digraph read as one letter is still no exact match.
  EXPECT_LT(Sim("thomas", "tomas"), 1.0F);
  EXPECT_GT(Sim("thomas", "tomas"), Sim("thomas", "tamas"));
  // Other letters stay apart.
  EXPECT_EQ(Sim("ghannadi", "rahmani"), 0.0F);
}

TEST(SimilarityTest, DifferentNamesScoreZero) {
  EXPECT_EQ(Sim("mohammed", "mahmoud"), 0.0F);
  EXPECT_EQ(Sim("hassan", "hussein"), 0.0F);
  EXPECT_EQ(Sim("smith", "brown"), 0.0F);
  EXPECT_EQ(Sim("ali", "ala"), 0.0F);  // short parts: doubled letters only
}

TEST(SimilarityTest, VowellessPartsMatchLatinSpellingsUpToTheCap) {
  const float cap = SimilarityParams{}.vowelless_cap;
  EXPECT_FLOAT_EQ(Sim("mhmd", "mohammed", kVowelless), cap);
  EXPECT_FLOAT_EQ(Sim("mhmd", "muhammad", kVowelless), cap);
  EXPECT_FLOAT_EQ(Sim("hsyn", "hussein", kVowelless), cap);
  EXPECT_FLOAT_EQ(Sim("msh", "moshe", kVowelless), cap);
  EXPECT_EQ(Sim("mhmd", "hamid", kVowelless), 0.0F);
  // The known ambiguity of a vowel-less spelling: محمد also reaches Mahmoud.
  EXPECT_FLOAT_EQ(Sim("mhmd", "mahmoud", kVowelless), cap);
}

TEST(SimilarityTest, InitialsAndNumbers) {
  EXPECT_FLOAT_EQ(Sim("j", "john", kInitial), SimilarityParams{}.initial);
  EXPECT_EQ(Sim("j", "peter", kInitial), 0.0F);
  EXPECT_EQ(Sim("j", "p", kInitial, kInitial), 0.0F);
  EXPECT_EQ(Sim("2", "3", kNumeric, kNumeric), 0.0F);
  EXPECT_FLOAT_EQ(Sim("2", "2", kNumeric, kNumeric), 1.0F);
}

TEST(SimilarityTest, BudgetGrowsWithLength) {
  EXPECT_EQ(EditBudget(2), 0);
  EXPECT_EQ(EditBudget(3), 4);
  EXPECT_EQ(EditBudget(5), 10);
  EXPECT_EQ(EditBudget(8), 15);
  EXPECT_EQ(EditBudget(11), 20);
  EXPECT_EQ(EditBudget(20), 25);
  EXPECT_EQ(WeightedDistance("abc", "abc", 0, 10), 0);
  EXPECT_EQ(WeightedDistance("abcdefgh", "zzzzzzzz", 0, 15), 16);  // stops past the limit
}

TEST(SimilarityTest, PhoneticKeysGroupTransliterations) {
  EXPECT_EQ(PhoneticKey("mohammed"), "mhmd");
  EXPECT_EQ(PhoneticKey("muhammad"), "mhmd");
  EXPECT_EQ(PhoneticKey("alexander"), "lksndr");
  EXPECT_EQ(PhoneticKey("aleksandr"), "lksndr");
  EXPECT_EQ(PhoneticKey("wladimir"), PhoneticKey("vladimir"));
  EXPECT_EQ(PhoneticKey("fladymyr"), PhoneticKey("vladimir"));
  EXPECT_EQ(VowellessKey("bwtyn"), VowellessKey("putin"));
  EXPECT_EQ(VowellessKey("mhmwd"), VowellessKey("mahmoud"));
  EXPECT_EQ(PhoneticKey("aia"), "aia");  // no consonant: the text itself
}

TEST(ScoreNameTest, ExtraPartsWeighLessThanContradictingOnes) {
  auto unit = [](uint16_t i) {
    ScoreUnit u;
    u.cover = static_cast<uint16_t>(1U << i);
    return u;
  };
  const ScoreUnit q[3] = {unit(0), unit(1), unit(2)};
  const ScoreUnit c[2] = {unit(0), unit(1)};
  // Query "a b x" vs candidate "a b": one part missing on one side.
  const float missing[6] = {1, 0, 0, 1, 0, 0};
  const NameScore partial = ScoreName(q, 3, c, 2, missing, 0.7F, 0.3F, false);
  EXPECT_NEAR(partial.score, 2.0 / 2.3, 1e-5);
  EXPECT_TRUE(partial.partial);
  EXPECT_FALSE(partial.exact);
  // Query "a b" vs candidate "a b" with one part each side left over: a contradiction.
  const ScoreUnit c3[3] = {unit(0), unit(1), unit(2)};
  const float contradiction[9] = {1, 0, 0, 0, 1, 0, 0, 0, 0};
  EXPECT_NEAR(ScoreName(q, 3, c3, 3, contradiction, 0.7F, 0.3F, false).score, 2.0 / 3.0, 1e-5);
  // One pair only: extras count fully.
  const float single[6] = {1, 0, 0, 0, 0, 0};
  EXPECT_NEAR(ScoreName(q, 3, c, 2, single, 0.7F, 0.3F, false).score, 1.0 / 3.0, 1e-5);
  // ...unless single-part names are normal (organisations) and the shorter name is covered.
  const float one[3] = {1, 0, 0};
  EXPECT_NEAR(ScoreName(q, 3, c, 1, one, 0.7F, 0.3F, true).score, 1.0 / 1.6, 1e-5);
  EXPECT_NEAR(ScoreName(q, 3, c, 1, one, 0.7F, 0.3F, false).score, 1.0 / 3.0, 1e-5);
}

}  // namespace
}  // namespace issa::matching::detail
