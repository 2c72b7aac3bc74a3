// Screening on real list excerpts (tests/data/travel): every robustness case of issue 5 item 3,
// explainable features, thresholds, configuration, deltas and concurrent use.
#include "issa/travel/screening.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <utility>

#include <gtest/gtest.h>

namespace issa::travel {
namespace {

const std::string kData = ISSA_TRAVEL_TEST_DATA;

Subject Named(std::string name) {
  Subject s;
  s.name = std::move(name);
  return s;
}

class ScreeningTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ScreeningConfig config;
    config.as_of = PartialDate{2026, 11, 23};
    screener_ = new Screener(config, 0.01);
    for (const char* path :
         {"/ofac_sdn", "/un_consolidated_excerpt.xml", "/alerts.json", "/cons_prim.csv"}) {
      auto list = LoadWatchlist(kData + path);
      ASSERT_TRUE(list.ok()) << list.status().ToString();
      ASSERT_TRUE(screener_->Load(*list).ok());
    }
  }
  static void TearDownTestSuite() {
    delete screener_;
    screener_ = nullptr;
  }

  // The best candidate at the alert threshold (or an empty hit).
  static ScreeningHit Top(const Subject& s) {
    const auto hits = screener_->Screen(s);
    return hits.empty() ? ScreeningHit{} : hits.front();
  }
  static ScreeningHit Top(const std::string& name, const std::string& dob = "") {
    Subject s;
    s.name = name;
    s.birth_date = dob;
    return Top(s);
  }
  // The score of an entry whatever the threshold (0 when not among the 10 best).
  static double ScoreOf(const Subject& s, const std::string& entry) {
    for (const ScreeningHit& h : screener_->Screen(s, 10, 0.0)) {
      if (h.entry_id == entry) return h.score;
    }
    return 0;
  }
  static bool Has(const ScreeningHit& h, const std::string& feature) {
    return std::find(h.features.begin(), h.features.end(), feature) != h.features.end();
  }

  static Screener* screener_;
};
Screener* ScreeningTest::screener_ = nullptr;

TEST_F(ScreeningTest, Transliteration) {
  // Cyrillic alert name, Latin passenger without the patronymic, and the other way round.
  EXPECT_EQ(Top("Ivan Sidorov").entry_id, "DE-2026-000101");
  EXPECT_EQ(Top("Иван Сидоров").entry_id, "DE-2026-000101");
  // Greek alert, Latin passenger.
  EXPECT_EQ(Top("Nikolaos Papadopoulos").entry_id, "FR-2026-000202");
  // Arabic passenger name against the UN original-script name and its Latin form.
  const ScreeningHit saddam = Top("صدام حسين التكريتي");
  EXPECT_EQ(saddam.entry_id, "IQi.001");
  EXPECT_TRUE(Has(saddam, "original_script"));
  EXPECT_EQ(Top("Saddam Hussein al-Tikriti").entry_id, "IQi.001");
}

TEST_F(ScreeningTest, TokenOrderMiddleNamesAndPatronymics) {
  EXPECT_EQ(Top("AL-ZAWAHIRI Ayman").entry_id, "2676");
  EXPECT_EQ(Top("Ayman Muhammad Rabi al-Zawahiri").entry_id, "2676");  // extra middle names
  EXPECT_EQ(Top("Ivan Petrovich Sidorov").entry_id, "DE-2026-000101");
  // "HUSAIN, Zain Al-Abidin Muhammad": two middle names missing weigh (0.74, below the
  // threshold); an agreeing date of birth makes it an alert.
  Subject missing = Named("Zain Husain");
  EXPECT_NEAR(ScoreOf(missing, "6905"), 0.74, 0.02);
  missing.birth_date = "1971-03-12";
  EXPECT_EQ(Top(missing).entry_id, "6905");
}

TEST_F(ScreeningTest, InitialsTyposHonorificsAndPrefixedSurnames) {
  EXPECT_EQ(Top("Aymen al-Zawahri").entry_id, "2676");  // typos
  EXPECT_EQ(Top("Lionell Dumond", "1971-01-21").entry_id, "7831");
  EXPECT_EQ(Top("Ayman Alzawahiri").entry_id, "2676");           // particle glued
  EXPECT_EQ(Top("Sheikh Umar Abd al-Rahman").entry_id, "2675");  // honorific, spelling
  EXPECT_EQ(Top("Mr Lionel Dumont").entry_id, "7831");
  Subject initial;
  initial.name = "L. Dumont";
  initial.birth_date = "1971-01-21";
  EXPECT_EQ(Top(initial).entry_id, "7831");
  // A prefixed compound surname written as one word (alert expired: see Expiry below).
  Subject compound;
  compound.name = "Jacques Brugere";
  EXPECT_EQ(Top(compound).entry_id, "7831");
}

TEST_F(ScreeningTest, DatesOfBirthExplainAndWeigh) {
  Subject s;
  s.name = "Abu Abas";  // a typo keeps the name score under 1
  const double name_only = ScoreOf(s, "2674");
  ASSERT_LT(name_only, 0.99);
  ASSERT_GT(name_only, 0);
  s.birth_date = "1948-12-10";
  const ScreeningHit exact = Top(s);
  EXPECT_EQ(exact.entry_id, "2674");
  EXPECT_TRUE(Has(exact, "birth_date"));
  EXPECT_GT(exact.score, name_only);
  s.birth_date = "1948";
  EXPECT_TRUE(Has(Top(s), "birth_date~year"));
  s.birth_date = "1948-10-12";  // day and month swapped
  EXPECT_TRUE(Has(Top(s), "birth_date~swapped"));
  s.birth_date = "1960-01-01";  // disjoint: lowers, and says so
  const auto disjoint = screener_->Screen(s, 10, 0.0);
  ASSERT_FALSE(disjoint.empty());
  EXPECT_EQ(disjoint.front().entry_id, "2674");
  EXPECT_TRUE(Has(disjoint.front(), "!birth_date"));
  EXPECT_LT(disjoint.front().score, name_only);
  // Several listed dates: any may agree (DUMONT: 21 Jan 1971, 19 Jan 1971, 29 Jan 1975).
  EXPECT_TRUE(Has(Top("Lionel Dumont", "1975-01-29"), "birth_date"));
}

TEST_F(ScreeningTest, NationalityAndDocuments) {
  Subject s;
  s.name = "Ayman al-Zawahiri";
  const double base = ScoreOf(s, "2676");
  s.nationality = "NOR";  // listed: none; the Palestinian entry has one
  EXPECT_DOUBLE_EQ(ScoreOf(s, "2676"), base);
  Subject z;
  z.name = "Abu Zubaydah";
  z.nationality = "PSE";
  EXPECT_TRUE(Has(Top(z), "nationality"));
  z.nationality = "FRA";
  const auto other = screener_->Screen(z, 10, 0.0);
  ASSERT_FALSE(other.empty());
  EXPECT_TRUE(Has(other.front(), "!nationality"));
  // A document number matches exactly after normalisation, whatever the name.
  Subject doc;
  doc.name = "Jan Jansen";
  doc.document = "nxc-3p1 f47";
  const ScreeningHit stolen = Top(doc);
  EXPECT_EQ(stolen.entry_id, "NL-2026-000303");
  EXPECT_TRUE(Has(stolen, "document_number"));
  ASSERT_TRUE(stolen.alert.has_value());
  EXPECT_EQ(stolen.alert->category, AlertCategory::kStolenDocument);
  doc.document = "NXC3P1F48";  // one character off: no hit
  EXPECT_TRUE(screener_->Screen(doc).empty());
  Subject passport;
  passport.name = "Ahmed Fouad";
  passport.document = "1084010";
  EXPECT_EQ(Top(passport).entry_id, "2676");
}

TEST_F(ScreeningTest, CrewVesselsAndAircraft) {
  Subject crew;
  crew.name = "Jon Doe";
  crew.role = Role::kCrew;
  crew.vessel_imo = "IMO 9187629";
  const ScreeningHit v = Top(crew);
  EXPECT_EQ(v.entry_id, "15036");
  EXPECT_EQ(v.kind, EntryKind::kVessel);
  EXPECT_TRUE(Has(v, "imo"));
  Subject pilot;
  pilot.name = "Jane Roe";
  pilot.aircraft_registration = "EP-GOM";
  EXPECT_EQ(Top(pilot).entry_id, "15431");
}

TEST_F(ScreeningTest, UnrelatedNamesDoNotAlert) {
  for (const char* name :
       {"John Smith", "Maria Garcia", "Wei Zhang", "Olga Ivanova", "Anna Müller"}) {
    EXPECT_TRUE(screener_->Screen(Named(name)).empty()) << name;
  }
}

TEST_F(ScreeningTest, ThresholdAndTopK) {
  Subject s;
  s.name = "Ahmad Ali";
  const auto best3 = screener_->Screen(s, 3, 0.0);
  ASSERT_EQ(best3.size(), 3U);
  EXPECT_GE(best3[0].score, best3[1].score);
  EXPECT_GE(best3[1].score, best3[2].score);
  const auto alerts = screener_->Screen(s);
  for (const ScreeningHit& h : alerts) EXPECT_GE(h.score, 0.80);
  EXPECT_LT(alerts.size(), best3.size());
  const auto strict = screener_->Screen(Named("Aymen al-Zawahri"), 10, 0.99);
  EXPECT_TRUE(strict.empty());
}

TEST_F(ScreeningTest, ExpiredAlertsAreNotScreened) {
  // Giulia van der Berg's alert expired on 2025-01-31 (as_of 2026-11-23).
  EXPECT_TRUE(screener_->Screen(Named("Giulia van der Berg")).empty());
  ScreeningConfig earlier;
  earlier.as_of = PartialDate{2024, 6, 1};
  Screener s(earlier);
  ASSERT_TRUE(s.Load(*LoadWatchlist(kData + "/alerts.json")).ok());
  const auto hits = s.Screen(Named("Giulia Vanderberg"));
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits.front().entry_id, "IT-2026-000404");
}

TEST(Screener, RefreshAppliesTheDelta) {
  Screener screener(ScreeningConfig{});
  auto list = LoadWatchlist(kData + "/ofac_sdn");
  ASSERT_TRUE(list.ok());
  auto first = screener.Load(*list);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->added.size(), 9U);
  EXPECT_EQ(screener.entries(), 9U);
  Watchlist next = *list;
  next.entries.erase(std::remove_if(next.entries.begin(), next.entries.end(),
                                    [](const WatchlistEntry& e) { return e.id == "7831"; }),
                     next.entries.end());
  for (WatchlistEntry& e : next.entries) {
    if (e.id == "2674")
      e.names.push_back({"Abul Abbas", NameRole::kStrongAlias, "Latin", false, false});
  }
  auto delta = screener.Load(next);
  ASSERT_TRUE(delta.ok());
  EXPECT_EQ(delta->removed, std::vector<std::string>{"7831"});
  ASSERT_EQ(delta->changed.size(), 1U);
  EXPECT_EQ(delta->changed[0].fields, std::vector<std::string>{"names"});
  EXPECT_TRUE(screener.Screen(Named("Lionel Dumont")).empty());
  EXPECT_EQ(screener.Screen(Named("Abul Abbas")).front().entry_id, "2674");
  EXPECT_EQ(screener.entries(), 8U);
}

TEST(Screener, BlockingFindsWhatBruteForceFinds) {
  Screener screener(ScreeningConfig{});
  for (const char* path : {"/ofac_sdn", "/un_consolidated_excerpt.xml", "/alerts.json"}) {
    ASSERT_TRUE(screener.Load(*LoadWatchlist(kData + path)).ok());
  }
  for (const char* name : {"Ayman al-Zawahiri", "Saddam Hussein", "Ivan Sidorov", "Abu Zubaida",
                           "Jacques Brougere", "Bosco Ntaganda"}) {
    Subject s = Named(name);
    const auto a = screener.Screen(s, 10, 0.8);
    const auto b = screener.ScreenExhaustive(s, 10, 0.8);
    ASSERT_EQ(a.size(), b.size()) << name;
    for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].entry_id, b[i].entry_id) << name;
  }
}

TEST(Screener, ConcurrentScreensDuringARefresh) {
  Screener screener(ScreeningConfig{});
  auto list = LoadWatchlist(kData + "/ofac_sdn");
  ASSERT_TRUE(list.ok());
  ASSERT_TRUE(screener.Load(*list).ok());
  std::atomic<bool> stop{false};
  std::atomic<size_t> found{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      while (!stop) {
        const auto hits = screener.Screen(Named("Ayman al-Zawahiri"));
        if (!hits.empty() && hits.front().entry_id == "2676") ++found;
      }
    });
  }
  Watchlist other = *list;
  // Refresh until the readers have screened a while: at least 50 refreshes, with a pause after
  // each past the 50th so that readers get their turn. Neither side may starve the other: a lock
  // that let steady screens keep a refresh waiting (as glibc's std::shared_mutex does) would not
  // get through 50 refreshes in 20 s (they take milliseconds).
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  int refreshes = 0;
  for (; (refreshes < 50 || found.load() < 200) && std::chrono::steady_clock::now() < give_up;
       ++refreshes) {
    other.entries.back().remarks = "round " + std::to_string(refreshes);
    const bool loaded = screener.Load(refreshes % 2 == 0 ? other : *list).ok();
    EXPECT_TRUE(loaded);
    if (!loaded) break;  // the readers still stop and join below
    if (refreshes >= 50) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_GE(refreshes, 50) << "list refreshes starved by screens";
  stop = true;
  for (std::thread& t : threads) t.join();
  EXPECT_GE(found.load(), 200U);
}

WatchlistEntry Entry(std::string id, EntryKind kind, std::vector<std::string> names) {
  WatchlistEntry e;
  e.list = "test";
  e.id = std::move(id);
  e.kind = kind;
  for (std::string& n : names) {
    e.names.push_back({std::move(n), e.names.empty() ? NameRole::kPrimary : NameRole::kStrongAlias,
                       "Latin", false, false});
  }
  return e;
}

// The matcher keeps 16 names a record: an entry with more is indexed in several records, so its
// 20th alias is screened like its first, and dropping it (a refresh) takes it out again.
TEST(Screener, EveryNameOfAnEntryWithManyAliasesIsScreened) {
  std::vector<std::string> names = {"ISLAMIC STATE OF IRAQ AND THE LEVANT"};
  for (const char* n :
       {"AL-QAIDA IN IRAQ", "JAM'AT AL TAWHID WA'AL-JIHAD",
        "TANZIM QA'IDAT AL-JIHAD FI BILAD AL-RAFIDAYN", "THE MONOTHEISM AND JIHAD GROUP",
        "AL-ZARQAWI NETWORK", "ISLAMIC STATE OF IRAQ", "AL-TAWHID",
        "THE ORGANIZATION OF AL-JIHAD'S BASE IN THE LAND OF THE TWO RIVERS",
        "MUJAHIDIN SHURA COUNCIL", "DAWLAT AL-IRAQ AL-ISLAMIYYA", "ISLAMIC STATE OF IRAQ AND SYRIA",
        "AD-DAWLA AL-ISLAMIYYA FI AL-'IRAQ WA-SH-SHAM", "DAESH", "DAWLA AL ISLAMIYA",
        "ISLAMIC STATE", "AMAQ NEWS AGENCY", "AL HAYAT MEDIA CENTER", "AL-FURQAN ESTABLISHMENT",
        "AJNAD FOUNDATION FOR MEDIA PRODUCTION"}) {
    names.emplace_back(n);
  }
  ASSERT_GT(names.size(), 16U);
  WatchlistEntry e = Entry("8759", EntryKind::kOrganisation, names);
  Screener screener(ScreeningConfig{});
  ASSERT_TRUE(screener.Put(e).ok());
  Subject s;
  s.kind = EntryKind::kOrganisation;
  for (const char* alias : {"AJNAD FOUNDATION FOR MEDIA PRODUCTION", "AL-HAYAT MEDIA CENTER"}) {
    s.name = alias;
    const auto hits = screener.Screen(s);
    ASSERT_EQ(hits.size(), 1U) << alias;  // one hit per entry, not one per indexed record
    EXPECT_EQ(hits[0].entry_id, "8759");
    EXPECT_DOUBLE_EQ(hits[0].score, 1.0);
  }
  e.names.resize(10);
  ASSERT_TRUE(screener.Put(e).ok());
  EXPECT_TRUE(screener.Screen(s).empty());
  s.name = "MUJAHIDIN SHURA COUNCIL";
  EXPECT_EQ(screener.Screen(s).size(), 1U);
  screener.Remove("test", "8759");
  EXPECT_TRUE(screener.Screen(s).empty());
  EXPECT_EQ(screener.entries(), 0U);
}

// Ranking (threshold under the name floor): an alias sharing one rare word with its entry ranks
// it above entries sharing only a common word, although its fuzzy name score is lower.
TEST(Screener, RankingWeighsRareSharedParts) {
  Screener screener(ScreeningConfig{}, 0.01);
  ASSERT_TRUE(screener
                  .Put(Entry("735", EntryKind::kOrganisation,
                             {"EMPRESA CUBANA DE AVIACION", "CUBANA DE AVIACION"}))
                  .ok());
  const char* airlines[] = {"BUTEMBO AIRLINES",     "MAHAN AIRLINES", "ARIANA AFGHAN AIRLINES",
                            "SYRIAN ARAB AIRLINES", "CAIRO AIRLINES", "YAS AIRLINES",
                            "MERIDIAN AIRLINES",    "ATLAS AIRLINES", "ZAGROS AIRLINES",
                            "CASPIAN AIRLINES",     "POUYA AIRLINES", "QESHM AIRLINES"};
  int n = 0;
  for (const char* a : airlines) {
    ASSERT_TRUE(screener.Put(Entry("a" + std::to_string(n++), EntryKind::kOrganisation, {a})).ok());
  }
  Subject s;
  s.kind = EntryKind::kOrganisation;
  s.name = "CUBANA AIRLINES";
  auto rank_of = [&](const std::vector<ScreeningHit>& hits) {
    for (size_t i = 0; i < hits.size(); ++i) {
      if (hits[i].entry_id == "735") return static_cast<int>(i);
    }
    return -1;
  };
  // The ranking score chooses which entries are listed; they are listed by score, which stays
  // the match score: the airlines kept score above the entry.
  const auto hits = screener.Screen(s, 2, 0.0);
  ASSERT_EQ(hits.size(), 2U);
  EXPECT_EQ(rank_of(hits), 1);
  EXPECT_GT(hits[0].score, hits[1].score);
  // Without the token weight the fuzzy score alone ranks the airlines first.
  ScreeningConfig plain;
  plain.rank_token_weight = 0;
  Screener fuzzy(plain, 0.01);
  ASSERT_TRUE(fuzzy
                  .Put(Entry("735", EntryKind::kOrganisation,
                             {"EMPRESA CUBANA DE AVIACION", "CUBANA DE AVIACION"}))
                  .ok());
  n = 0;
  for (const char* a : airlines) {
    ASSERT_TRUE(fuzzy.Put(Entry("a" + std::to_string(n++), EntryKind::kOrganisation, {a})).ok());
  }
  EXPECT_EQ(rank_of(fuzzy.Screen(s, 2, 0.0)), -1);
  // Letters written apart meet the acronym written as one word.
  ASSERT_TRUE(
      screener.Put(Entry("8247", EntryKind::kOrganisation, {"IAC INTERNATIONAL INC."})).ok());
  s.name = "I A C INTERNATIONAL INC.";
  const auto acronym = screener.Screen(s, 3, 0.0);
  ASSERT_FALSE(acronym.empty());
  EXPECT_EQ(acronym[0].entry_id, "8247");
}

// `count` entries with ids `id` + i, named `before` + two letters from `first` on + `after`
// ("Personab Listed"): they make the words of the names under test common or rare.
void PutFillers(Screener& screener, EntryKind kind, const std::string& id,
                const std::string& before, char first, const std::string& after, int count) {
  for (int i = 0; i < count; ++i) {
    const std::string letters = {static_cast<char>(first + i % 26),
                                 static_cast<char>(first + i / 26)};
    ASSERT_TRUE(screener.Put(Entry(id + std::to_string(i), kind, {before + letters + after})).ok());
  }
}

// The entry listed first when ranking (threshold 0, one listed), or "" when none is.
std::string FirstRanked(const Screener& screener, const Subject& s) {
  const auto hits = screener.Screen(s, 1, 0.0);
  return hits.empty() ? "" : hits[0].entry_id;
}

// A name in another script than Latin meets the entry's Latin names on their consonant
// skeleton (UN IQi.036 and his relatives, whose original-script names are listed; QDe.004).
TEST(Screener, OtherScriptsRankByConsonantSkeleton) {
  auto load = [](Screener& screener) {
    ASSERT_TRUE(
        screener.Put(Entry("IQi.036", EntryKind::kPerson, {"SAB'AWI IBRAHIM HASSAN AL-TIKRITI"}))
            .ok());
    WatchlistEntry saad =
        Entry("IQi.083", EntryKind::kPerson, {"SAAD SABAWI IBRAHIM HASAN AL-TIKRITI"});
    saad.names.push_back(
        {"سعد سبعاوي إبراهيم حسن التكريتي", NameRole::kStrongAlias, "Arabic", true, false});
    ASSERT_TRUE(screener.Put(saad).ok());
    WatchlistEntry ali =
        Entry("IQi.039", EntryKind::kPerson, {"ALI BARZAN IBRAHIM HASAN AL-TIKRITI"});
    ali.names.push_back(
        {"علي برزان إبراهيم حسن التكريتي", NameRole::kStrongAlias, "Arabic", true, false});
    ASSERT_TRUE(screener.Put(ali).ok());
    ASSERT_TRUE(screener.Put(Entry("QDi.423", EntryKind::kPerson, {"ALI MAYCHOU"})).ok());
    ASSERT_TRUE(screener.Put(Entry("QDe.004", EntryKind::kOrganisation, {"AL-QAIDA"})).ok());
    ASSERT_TRUE(screener
                    .Put(Entry("QDe.115", EntryKind::kOrganisation,
                               {"AL-QAIDA IN IRAQ", "AL-ZARQAWI NETWORK"}))
                    .ok());
  };
  Screener screener(ScreeningConfig{}, 0.01);
  load(screener);
  ScreeningConfig off;
  off.cross_script_weight = 0;
  Screener plain(off, 0.01);
  load(plain);
  // The relatives' listed Arabic names resemble the query more than the entry's Latin name
  // does on the fuzzy score; the skeleton says which Latin name spells it.
  EXPECT_EQ(FirstRanked(screener, Named("سبعاوي إبراهيم حسن التكريتي")), "IQi.036");
  // Parts whose skeletons are single letters (علي ما يشو: "l m s") meet a name written as two
  // words (ALI MAYCHOU: "l ms") on the whole string.
  EXPECT_EQ(FirstRanked(screener, Named("علي ما يشو")), "QDi.423");
  // An organisation: القاعدة is AL-QAIDA, not only its Iraqi branch. The fuzzy comparison of the
  // names finds nothing ("alqada" against "al qaida"); the skeleton does, and says so.
  Subject org = Named("القاعدة");
  org.kind = EntryKind::kOrganisation;
  const auto qaida = screener.Screen(org, 2, 0.0);
  ASSERT_FALSE(qaida.empty());
  EXPECT_EQ(qaida[0].entry_id, "QDe.004");
  EXPECT_TRUE(std::find(qaida[0].features.begin(), qaida[0].features.end(), "name~skeleton") !=
              qaida[0].features.end());
  // The skeleton alone scores cross_script_weight × the similarity: it ranks, it does not alert.
  EXPECT_NEAR(qaida[0].score, ScreeningConfig{}.cross_script_weight, 1e-9);
  EXPECT_TRUE(screener.Screen(org).empty());
  const auto plain_qaida = plain.Screen(org, 1, 0.0);
  EXPECT_TRUE(plain_qaida.empty() || plain_qaida[0].entry_id != "QDe.004");
  // An organisation's skeleton is made of its words as written: JAYSH AL-ADL (read as ARMY
  // JUSTICE by the part comparison) meets جيش العدل on "ks dl".
  ASSERT_TRUE(screener.Put(Entry("12299", EntryKind::kOrganisation, {"JAYSH AL-ADL"})).ok());
  ASSERT_TRUE(screener.Put(Entry("6935", EntryKind::kOrganisation, {"JAISH-I-MOHAMMED"})).ok());
  ASSERT_TRUE(screener.Put(Entry("12733", EntryKind::kOrganisation, {"ARMY OF ISLAM"})).ok());
  org.name = "جيش العدل";
  const auto adl = screener.Screen(org, 1, 0.0);
  ASSERT_FALSE(adl.empty());
  EXPECT_EQ(adl[0].entry_id, "12299");
  EXPECT_NEAR(adl[0].score, ScreeningConfig{}.cross_script_weight, 1e-9);
}

// Compounds written apart or together (OFAC SDN 18929 and its a.k.a.; Fakhrizadeh's spellings):
// two neighbouring parts also key as one word when ranking.
TEST(Screener, RankingMeetsCompoundsWrittenApartOrTogether) {
  Screener screener(ScreeningConfig{}, 0.01);
  // The entry without its a.k.a. AEROSKYONE CO. LTD, which is the query (leave-one-out).
  for (const WatchlistEntry& e :
       {Entry("18929", EntryKind::kOrganisation, {"AERO SKYONE CO. LIMITED"}),
        Entry("s1", EntryKind::kOrganisation, {"SKY ONE AIRWAYS"}),
        Entry("p1", EntryKind::kPerson, {"Mohsen FAKHRIZADEH-MAHABADI"}),
        Entry("p2", EntryKind::kPerson, {"Mohammad FAKHR ZADEH"})}) {
    ASSERT_TRUE(screener.Put(e).ok());
  }
  Subject org = Named("AEROSKYONE CO. LTD");
  org.kind = EntryKind::kOrganisation;
  EXPECT_EQ(FirstRanked(screener, org), "18929");
  EXPECT_EQ(FirstRanked(screener, Named("Mohammad FAKHRZADEH")), "p2");
}

// A query part the index does not hold (a spelling no entry has) is represented by its typo
// neighbours in the index (OFAC SDN 18539, a.k.a. ALZROONI EXCHANGE, held out): the entry
// holding "AL ZAROONI" ranks above the exchanges sharing only the generic word.
TEST(Screener, RankingFindsTypoNeighboursOfAnUnknownPart) {
  Screener screener(ScreeningConfig{}, 0.01);
  ASSERT_TRUE(screener.Put(Entry("18539", EntryKind::kOrganisation, {"AL ZAROONI EXCHANGE"})).ok());
  int n = 0;
  for (const char* x : {"ELESSA EXCHANGE", "UMQI EXCHANGE", "HANIFEH EXCHANGE", "CHAMS EXCHANGE",
                        "SAKSOUK EXCHANGE", "ATLAS EXCHANGE", "HITAL EXCHANGE", "REDIN EXCHANGE"}) {
    ASSERT_TRUE(screener.Put(Entry("x" + std::to_string(n++), EntryKind::kOrganisation, {x})).ok());
  }
  Subject org = Named("ALZROONI EXCHANGE");
  org.kind = EntryKind::kOrganisation;
  EXPECT_EQ(FirstRanked(screener, org), "18539");
  // Its fuzzy name score alone is below the other exchanges': the neighbour decides.
  const auto hits = screener.Screen(org, 9, 0.0);
  ASSERT_EQ(hits.size(), 9U);
  EXPECT_NE(hits[0].entry_id, "18539");
}

// Words common among organisations weigh little for an organisation, however rare among all
// entries (IDF within the name family): "LIMITED LIABILITY COMPANY TRANSOIL" (OFAC SDN 16807,
// held out) is TRANSOIL, not one of the other limited liability companies.
TEST(Screener, RankingWeighsPartsWithinTheirNameFamily) {
  Screener screener(ScreeningConfig{}, 0.01);
  ASSERT_TRUE(screener.Put(Entry("16807", EntryKind::kOrganisation, {"TRANSOIL"})).ok());
  int n = 0;
  for (const char* x :
       {"LIMITED LIABILITY COMPANY STROYGAZMONTAZH", "LIMITED LIABILITY COMPANY TRANSSERVIS",
        "OBORONLOGISTICS LIMITED LIABILITY COMPANY", "EXCELLENCE LIMITED LIABILITY COMPANY",
        "LETIA LIMITED LIABILITY COMPANY", "LIMITED LIABILITY COMPANY ALKON"}) {
    ASSERT_TRUE(screener.Put(Entry("o" + std::to_string(n++), EntryKind::kOrganisation, {x})).ok());
  }
  // Persons, among whom the legal form's words are unknown, make them rare among all entries.
  PutFillers(screener, EntryKind::kPerson, "p", "Person", 'a', " Listed", 400);
  Subject org = Named("LIMITED LIABILITY COMPANY TRANSOIL");
  org.kind = EntryKind::kOrganisation;
  EXPECT_EQ(FirstRanked(screener, org), "16807");
}

// One rare word shared with the entry outweighs common ones shared with others
// (rank_idf_power): OFAC SDN 26823 LORDEGAN UREA FERTILIZER COMPANY, a.k.a. LORDEGAN
// PETROCHEMICAL CO. held out, among the petrochemical companies of the list.
TEST(Screener, RankingLetsOneRareWordOutweighCommonOnes) {
  auto load = [](Screener& screener) {
    ASSERT_TRUE(
        screener.Put(Entry("26823", EntryKind::kOrganisation, {"LORDEGAN UREA FERTILIZER COMPANY"}))
            .ok());
    int n = 0;
    for (const char* x :
         {"NOURI PETROCHEMICAL COMPANY", "TRILIANCE PETROCHEMICAL COMPANY",
          "SHAZAND PETROCHEMICAL COMPANY", "BU ALI SINA PETROCHEMICAL COMPANY",
          "JAM PETROCHEMICAL COMPANY", "MARUN PETROCHEMICAL COMPANY", "KHARG PETROCHEMICAL COMPANY",
          "PERSIAN GULF PETROCHEMICAL INDUSTRIES COMPANY", "MOBIN PETROCHEMICAL COMPANY",
          "PARS PETROCHEMICAL COMPANY"}) {
      ASSERT_TRUE(
          screener.Put(Entry("p" + std::to_string(n++), EntryKind::kOrganisation, {x})).ok());
    }
    // Other organisations, so that a word held by ten is common and one held by one rare.
    PutFillers(screener, EntryKind::kOrganisation, "o", "TRADING ", 'A', "X", 300);
  };
  Subject org = Named("LORDEGAN PETROCHEMICAL CO.");
  org.kind = EntryKind::kOrganisation;
  Screener screener(ScreeningConfig{}, 0.01);
  load(screener);
  EXPECT_EQ(FirstRanked(screener, org), "26823");
  // Plain IDF: the common word PETROCHEMICAL, held with the same legal form, wins.
  ScreeningConfig plain;
  plain.rank_idf_power = 1.0;
  plain.rank_token_weight = 0.6;
  Screener flat(plain, 0.01);
  load(flat);
  EXPECT_NE(FirstRanked(flat, org), "26823");
}

// Among entries equal on score and on the rare parts they hold, the one whose several names hold
// them ranks first (UN CFi.011, a.k.a. Okolu Salim held out: SALIM KONY and Salim Saleh).
TEST(Screener, RankingPrefersPartsHeldBySeveralNames) {
  Screener screener(ScreeningConfig{}, 0.01);
  // Listed before it in entry order (the last tie-break).
  ASSERT_TRUE(screener.Put(Entry("1", EntryKind::kPerson, {"Salim BORJI"})).ok());
  ASSERT_TRUE(screener.Put(Entry("2", EntryKind::kPerson, {"Salim DUMIT"})).ok());
  ASSERT_TRUE(
      screener.Put(Entry("CFi.011", EntryKind::kPerson, {"SALIM KONY", "Salim Saleh"})).ok());
  EXPECT_EQ(FirstRanked(screener, Named("Okolu Salim")), "CFi.011");
}

// Colombian companies on the OFAC SDN list go by syllabic abbreviations and initialisms of
// their long names (each alias held out, as the leave-one-out benchmark does): an organisation
// whose name spells the query's only distinctive word ranks first, under the alert threshold.
TEST(Screener, RankingFindsOrganisationsByTheirAbbreviation) {
  const std::vector<std::pair<const char*, const char*>> known_as = {
      {"SOCOVALLE LTDA.", "SOCIEDAD CONSTRUCTORA Y ADMINISTRADORA DEL VALLE LTDA."},
      {"CONPUERTO S.A.", "CONSTRUCCIONES PROGRESO DEL PUERTO S.A."},
      {"PROFUTCOL S.A.", "PROMESAS DEL FUTBOL COLOMBIANO S.A."},
      {"IMPECUA S.A.", "INDUSTRIAL MINERA Y PECUARIA S.A."},
      {"INPESCA S.A.", "INDUSTRIA DE PESCA SOBRE EL PACIFICO S.A"},
      {"AGRONILO", "AGROPECUARIA EL NILO"},
      {"OCCIPAPEL", "OCCIDENTAL DE PAPELES"},
      {"COLCERDOS", "COLOMBIANA DE CERDOS"},
      {"COMECARNES", "COMERCIALIZADORA DE CARNES"},
      {"BANAGRICOLA", "BANANERA AGRICOLA"},
      {"ACA LTDA.", "ASESORES CONSULTORES ASOCIADOS LTDA."},
      {"M.T.T. LTDA.", "MAQUINARIA TECNICA Y TIERRAS LTDA."},
      {"FREXCO", "FRUTAS EXOTICAS COLOMBIANOS"},
      {"IFD S.A.", "INTERNATIONAL FREEZE DRIED S.A."},
      {"CANALVE", "CANALES VENECIA"},
      {"TAUSA", "TRANSPORTES AEREOS UNIDOS SELVA AMAZONICA"},
      {"LAPA S.A.S.", "LINEA AEREA PUEBLOS AMAZONICOS S.A.S."},
  };
  Screener screener(ScreeningConfig{}, 0.01);
  int n = 0;
  for (const auto& [alias, name] : known_as) {
    ASSERT_TRUE(
        screener.Put(Entry("c" + std::to_string(n++), EntryKind::kOrganisation, {name})).ok());
  }
  // Competitors sharing the legal forms and first letters.
  for (const char* other : {"SOCIEDAD MINERA DEL SUR S.A.", "CONSTRUCTORA DEL PACIFICO LTDA.",
                            "INVERSIONES PESQUERAS S.A.", "AGROPECUARIA LA ESPERANZA",
                            "COMERCIALIZADORA INTERNACIONAL DE CAFE", "TRANSPORTES DEL SUR S.A.",
                            "ASESORIAS CONTABLES LTDA."}) {
    ASSERT_TRUE(
        screener.Put(Entry("o" + std::to_string(n++), EntryKind::kOrganisation, {other})).ok());
  }
  Subject org;
  org.kind = EntryKind::kOrganisation;
  n = 0;
  for (const auto& [alias, name] : known_as) {
    org.name = alias;
    const auto hits = screener.Screen(org, 10, 0.0);
    const std::string id = "c" + std::to_string(n++);
    const auto it = std::find_if(hits.begin(), hits.end(),
                                 [&](const ScreeningHit& h) { return h.entry_id == id; });
    ASSERT_NE(it, hits.end()) << alias;
    EXPECT_EQ(FirstRanked(screener, org), id) << alias;
    EXPECT_EQ(it->name, name);
    EXPECT_TRUE(std::find(it->features.begin(), it->features.end(), "name~abbreviation") !=
                it->features.end())
        << alias;
    EXPECT_LT(it->score, ScreeningConfig{}.alert_threshold) << alias;
    EXPECT_TRUE(screener.Screen(org).empty()) << alias;  // ranks, does not alert
  }
}

// What an abbreviation must be: letters every one of which the name spells, from the first
// word on; not two letters, not a word the lists hold often, not a person's name.
TEST(Screener, AbbreviationsMustBeSpelledOutInFull) {
  Screener screener(ScreeningConfig{}, 0.01);
  ASSERT_TRUE(
      screener.Put(Entry("c1", EntryKind::kOrganisation, {"COLOMBIANA DE CERDOS S.A."})).ok());
  ASSERT_TRUE(screener.Put(Entry("p1", EntryKind::kPerson, {"COLOMBIANA DE CERDOS"})).ok());
  auto spelled = [&](const std::string& name, EntryKind kind = EntryKind::kOrganisation) {
    Subject s;
    s.kind = kind;
    s.name = name;
    for (const ScreeningHit& h : screener.Screen(s, 10, 0.0)) {
      if (std::find(h.features.begin(), h.features.end(), "name~abbreviation") != h.features.end())
        return true;
    }
    return false;
  };
  EXPECT_TRUE(spelled("COLCERDOS S.A."));
  EXPECT_TRUE(spelled("COLCER"));
  EXPECT_FALSE(spelled("CC S.A."));          // two letters: too ambiguous
  EXPECT_FALSE(spelled("COLCERDOSX"));       // a letter no word spells
  EXPECT_FALSE(spelled("CERCOL"));           // not from the first word
  EXPECT_FALSE(spelled("CAD"));              // an unrelated short token
  EXPECT_FALSE(spelled("COLCER PORCINOS"));  // two distinctive words
  EXPECT_FALSE(spelled("COLCERDOS", EntryKind::kPerson));
  // Words held by many organisations are words, not abbreviations.
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(screener
                    .Put(Entry("x" + std::to_string(i), EntryKind::kOrganisation,
                               {"COLCERDOS " + std::string(1, static_cast<char>('A' + i)) + "X"}))
                    .ok());
  }
  EXPECT_FALSE(spelled("COLCERDOS S.A."));
}

// Name-only calibration: an approximate name of two parts loses short_name_penalty; a third
// part, an exact name or an agreeing date of birth keep the full score.
TEST(Screener, ShortApproximateNamesAloneArePenalised) {
  WatchlistEntry e = Entry("11943", EntryKind::kPerson, {"Erick GONZALEZ MARTINEZ"});
  e.birth_dates.push_back(PartialDate{1975, 3, 14});
  ScreeningConfig plain;
  plain.short_name_penalty = 0;
  Screener calibrated(ScreeningConfig{}, 0.01);
  Screener uncalibrated(plain, 0.01);
  ASSERT_TRUE(calibrated.Put(e).ok());
  ASSERT_TRUE(uncalibrated.Put(e).ok());
  auto top = [](const Screener& s, const Subject& subject) {
    const auto hits = s.Screen(subject, 1, 0.0);
    return hits.empty() ? ScreeningHit{} : hits.front();
  };
  auto has = [](const ScreeningHit& h, const char* f) {
    return std::find(h.features.begin(), h.features.end(), f) != h.features.end();
  };
  Subject s = Named("Erik Martinez");
  const ScreeningHit a = top(calibrated, s);
  const ScreeningHit b = top(uncalibrated, s);
  ASSERT_EQ(a.entry_id, "11943");
  ASSERT_EQ(b.entry_id, "11943");
  EXPECT_TRUE(has(a, "name~short"));
  EXPECT_FALSE(has(b, "name~short"));
  EXPECT_NEAR(b.score - a.score, ScreeningConfig{}.short_name_penalty, 1e-6);
  EXPECT_GE(b.score, 0.80);  // an alert without the calibration
  EXPECT_LT(a.score, 0.80);  // none with it
  EXPECT_TRUE(calibrated.Screen(s).empty());
  // Three parts, or the listed name exactly: no penalty.
  s.name = "Erik Gonzalez Martinez";
  EXPECT_FALSE(has(top(calibrated, s), "name~short"));
  s.name = "Erick Gonzalez Martinez";
  EXPECT_DOUBLE_EQ(top(calibrated, s).score, 1.0);
  // The same short name with the listed date of birth.
  s.name = "Erik Martinez";
  s.birth_date = "1975-03-14";
  const ScreeningHit dated = top(calibrated, s);
  EXPECT_FALSE(has(dated, "name~short"));
  EXPECT_TRUE(has(dated, "birth_date"));
  EXPECT_GE(dated.score, 0.80);
}

WatchlistEntry Listed(std::string list, std::string id, EntryKind kind,
                      std::vector<std::string> names, std::vector<PartialDate> born = {}) {
  WatchlistEntry e = Entry(std::move(id), kind, std::move(names));
  e.list = std::move(list);
  e.birth_dates = std::move(born);
  return e;
}

// One party on two lists (the UN and OFAC listings of Omar Mahmoud Uthman, 30 Dec 1960): the
// alias only the UN holds reports the OFAC designation right after the UN one.
TEST(Screener, LinkedDesignationsFollowTheirCandidate) {
  WatchlistEntry un = Listed("un-sc", "QDi.031", EntryKind::kPerson, {"OMAR MAHMOUD UTHMAN"},
                             {PartialDate{1960, 12, 30}});
  un.names.push_back({"Abu Qatada Al-Filistini", NameRole::kWeakAlias, "Latin", false, false});
  const WatchlistEntry ofac =
      Listed("ofac-sdn", "6950", EntryKind::kPerson, {"Omar Mahmoud UTHMAN"},
             {PartialDate{1960, 12, 30}, PartialDate{1960, 12, 13}});
  const WatchlistEntry other =
      Listed("ofac-sdn", "7001", EntryKind::kPerson, {"Omar HASSAN"}, {PartialDate{1960, 12, 30}});
  Screener screener(ScreeningConfig{}, 0.01);
  for (const WatchlistEntry* e : {&std::as_const(un), &ofac, &other})
    ASSERT_TRUE(screener.Put(*e).ok());
  EXPECT_EQ(screener.LinkedDesignations("ofac-sdn", "6950"),
            std::vector<std::string>{"un-sc/QDi.031"});
  EXPECT_EQ(screener.LinkedDesignations("un-sc", "QDi.031"),
            std::vector<std::string>{"ofac-sdn/6950"});
  EXPECT_TRUE(screener.LinkedDesignations("ofac-sdn", "7001").empty());  // same date, other name

  const auto hits = screener.Screen(Named("Abu Qatada al-Filistini"), 10, 0.0);
  ASSERT_GE(hits.size(), 2U);
  EXPECT_EQ(hits[0].entry_id, "QDi.031");
  EXPECT_TRUE(hits[0].linked_from.empty());
  EXPECT_EQ(hits[1].list, "ofac-sdn");
  EXPECT_EQ(hits[1].entry_id, "6950");
  EXPECT_EQ(hits[1].linked_from, "un-sc/QDi.031");
  EXPECT_DOUBLE_EQ(hits[1].score, hits[0].score);
  EXPECT_NE(std::find(hits[1].features.begin(), hits[1].features.end(), "linked_designation"),
            hits[1].features.end());
  EXPECT_EQ(hits[1].name, "Omar Mahmoud UTHMAN");
  // `top` counts candidates: each brings its linked designations along.
  const auto first = screener.Screen(Named("Abu Qatada al-Filistini"), 1, 0.0);
  ASSERT_EQ(first.size(), 2U);
  EXPECT_EQ(first[0].entry_id, "QDi.031");
  EXPECT_EQ(first[1].linked_from, "un-sc/QDi.031");

  // A candidate brings at most four linked designations along (six lists share a passport).
  Screener many(ScreeningConfig{}, 0.01);
  for (int i = 0; i < 7; ++i) {
    WatchlistEntry e = Listed("alerts-" + std::to_string(i), "A" + std::to_string(i),
                              EntryKind::kPerson, {i == 0 ? "Ivan PETROV" : "Iwan Petrow"});
    e.documents.push_back({"passport", "751234567", "751234567", "RU"});
    ASSERT_TRUE(many.Put(e).ok());
  }
  const auto capped = many.Screen(Named("Ivan PETROV"), 1, 0.0);
  ASSERT_EQ(capped.size(), 5U);
  EXPECT_EQ(capped[0].entry_id, "A0");
  for (size_t i = 1; i < capped.size(); ++i) EXPECT_EQ(capped[i].linked_from, "alerts-0/A0");

  // Off by configuration: only what matched.
  ScreeningConfig off;
  off.link_designations = false;
  Screener unlinked(off, 0.01);
  for (const WatchlistEntry* e : {&std::as_const(un), &ofac, &other})
    ASSERT_TRUE(unlinked.Put(*e).ok());
  for (const ScreeningHit& h : unlinked.Screen(Named("Abu Qatada al-Filistini"), 10, 0.0))
    EXPECT_NE(h.entry_id, "6950");

  // Another date of birth: the shared name alone does not link birth years 10 years apart.
  WatchlistEntry moved = ofac;
  moved.birth_dates = {PartialDate{1970, 1, 1}};
  ASSERT_TRUE(screener.Put(moved).ok());
  EXPECT_TRUE(screener.LinkedDesignations("un-sc", "QDi.031").empty());
  ASSERT_TRUE(screener.Put(ofac).ok());
  screener.Remove("un-sc", "QDi.031");
  EXPECT_TRUE(screener.LinkedDesignations("ofac-sdn", "6950").empty());
}

// One party on three lists: each linked entry names the candidate it follows, once.
TEST(Screener, EveryLinkedDesignationNamesItsCandidate) {
  Screener screener(ScreeningConfig{}, 0.01);
  for (const char* list : {"eu-fsf", "ofac-sdn", "un-sc"}) {
    ASSERT_TRUE(screener.Put(Listed(list, "1", EntryKind::kOrganisation, {"KORYO BANK"})).ok());
  }
  Subject s = Named("Koryo Bank");
  s.kind = EntryKind::kOrganisation;
  for (const double threshold : {0.0, 0.8}) {
    const auto hits = screener.Screen(s, 10, threshold);
    ASSERT_EQ(hits.size(), 3U);
    const std::string source = hits[0].list + "/" + hits[0].entry_id;
    EXPECT_TRUE(hits[0].linked_from.empty());
    for (size_t i = 1; i < hits.size(); ++i) {
      EXPECT_EQ(hits[i].linked_from, source) << i;
      EXPECT_EQ(std::count(hits[i].features.begin(), hits[i].features.end(), "linked_designation"),
                1)
          << i;
    }
  }
  // A date of birth that many entries bear does not link (placeholder dates).
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(screener
                    .Put(Listed(i % 2 == 0 ? "list-a" : "list-b", std::to_string(i),
                                EntryKind::kPerson, {"Karim Haddad"}, {PartialDate{1970, 1, 1}}))
                    .ok());
  }
  EXPECT_TRUE(screener.LinkedDesignations("list-a", "0").empty());
}

// Names shared by one entry of each list link them (organisations have no date of birth); a name
// borne by two entries of one list says nothing; nor do entries of one list ever link; a shared
// document number links.
TEST(Screener, LinkedDesignationsNeedADistinctiveNameOrADocument) {
  Screener screener(ScreeningConfig{}, 0.01);
  ASSERT_TRUE(
      screener.Put(Listed("un-sc", "KPe.045", EntryKind::kOrganisation, {"KORYO BANK"})).ok());
  ASSERT_TRUE(
      screener.Put(Listed("ofac-sdn", "20572", EntryKind::kOrganisation, {"KORYO BANK"})).ok());
  EXPECT_EQ(screener.LinkedDesignations("un-sc", "KPe.045"),
            std::vector<std::string>{"ofac-sdn/20572"});
  ASSERT_TRUE(screener
                  .Put(Listed("ofac-sdn", "30000", EntryKind::kOrganisation,
                              {"KORYO CREDIT DEVELOPMENT BANK", "Koryo Bank"}))
                  .ok());
  EXPECT_TRUE(screener.LinkedDesignations("un-sc", "KPe.045").empty());

  // One shared alias that is neither entry's primary name (UN: the Houthis, OFAC: Hizballah).
  ASSERT_TRUE(
      screener
          .Put(Listed("un-sc", "YEe.001", EntryKind::kOrganisation, {"THE HOUTHIS", "ANSAR ALLAH"}))
          .ok());
  ASSERT_TRUE(screener
                  .Put(Listed("ofac-sdn", "4697", EntryKind::kOrganisation,
                              {"HIZBALLAH", "PARTY OF GOD", "ANSAR ALLAH"}))
                  .ok());
  EXPECT_TRUE(screener.LinkedDesignations("un-sc", "YEe.001").empty());

  ASSERT_TRUE(screener
                  .Put(Listed("un-sc", "QDi.900", EntryKind::kPerson, {"AHMED ALI SALEH"},
                              {PartialDate{1975, 3, 4}}))
                  .ok());
  ASSERT_TRUE(screener
                  .Put(Listed("un-sc", "QDi.901", EntryKind::kPerson, {"Ahmed Ali SALEH"},
                              {PartialDate{1975, 3, 4}}))
                  .ok());
  EXPECT_TRUE(screener.LinkedDesignations("un-sc", "QDi.900").empty());

  WatchlistEntry a = Listed("alerts-de", "A-1", EntryKind::kPerson, {"Ivan PETROV"});
  a.documents.push_back({"passport", "75 1234567", "751234567", "RU"});
  WatchlistEntry b = Listed("alerts-fr", "B-7", EntryKind::kPerson, {"Iwan Petrow"});
  b.documents.push_back({"passport", "751234567", "751234567", "RU"});
  ASSERT_TRUE(screener.Put(a).ok());
  ASSERT_TRUE(screener.Put(b).ok());
  EXPECT_EQ(screener.LinkedDesignations("alerts-fr", "B-7"),
            std::vector<std::string>{"alerts-de/A-1"});
}

// A party's names in another order, an organisation's without its legal form, still tie two
// lists' entries (UN KPi.007 CHANG MYONG-CHIN, OFAC 15668 Myong-Chin CHANG; UN KPe.022
// CHONGCHONGANG SHIPPING COMPANY, OFAC 17067 CHONGCHONGANG SHIPPING COMPANY LIMITED).
TEST(Screener, LinkedDesignationsReadNamesInAnyOrderAndWithoutLegalForms) {
  Screener screener(ScreeningConfig{}, 0.01);
  // Puts `un_name` on the UN list and `ofac_name` on OFAC's, each as its entry's only name, and
  // returns what the UN entry is linked to ("ofac-sdn/<n>" when the OFAC entry).
  int n = 0;
  auto links = [&](EntryKind kind, const std::string& un_name, const std::string& ofac_name) {
    const std::string id = std::to_string(n++);
    EXPECT_TRUE(screener.Put(Listed("un-sc", "U" + id, kind, {un_name})).ok());
    EXPECT_TRUE(screener.Put(Listed("ofac-sdn", id, kind, {ofac_name})).ok());
    const std::vector<std::string> linked = screener.LinkedDesignations("un-sc", "U" + id);
    return linked == std::vector<std::string>{"ofac-sdn/" + id} ? std::string("linked")
           : linked.empty()                                     ? std::string("apart")
                                                                : "other: " + linked.front();
  };
  EXPECT_EQ(links(EntryKind::kPerson, "CHANG MYONG-CHIN", "Myong-Chin CHANG"), "linked");
  EXPECT_EQ(links(EntryKind::kOrganisation, "CHONGCHONGANG SHIPPING COMPANY",
                  "CHONGCHONGANG SHIPPING COMPANY LIMITED"),
            "linked");
  // A legal form is no name: SHIPPING COMPANY LIMITED and SHIPPING CO are one word, SHIPPING.
  EXPECT_EQ(links(EntryKind::kOrganisation, "OCEAN SHIPPING COMPANY LIMITED", "OCEAN SHIPPING"),
            "linked");
  EXPECT_EQ(links(EntryKind::kOrganisation, "SHIPPING COMPANY", "SHIPPING CO LTD"), "apart");
  // Other words, other order, the same words read alike: other parties (review of 8da5f94).
  EXPECT_EQ(links(EntryKind::kOrganisation, "SEPEHR ENERGY HOLDING", "SEPEHR ENERGY INTERNATIONAL"),
            "apart");
  EXPECT_EQ(links(EntryKind::kOrganisation, "BANK OF CHINA", "CHINA BANK"), "apart");
  EXPECT_EQ(links(EntryKind::kOrganisation, "NATIONAL IRANIAN OIL COMPANY",
                  "IRANIAN NATIONAL PETROLEUM GROUP"),
            "apart");
  EXPECT_EQ(links(EntryKind::kPerson, "ALI HASSAN", "HASSAN ALI"), "apart");
}

TEST(ScreeningConfigToml, ReadsValuesAndNamesBadKeys) {
  auto c = ParseScreeningConfig(
      "[screening]\nalert_threshold = 0.85\ntop_k = 5\nas_of = \"2026-01-02\"\n"
      "rank_token_weight = 0.4\nshort_name_penalty = 0.05\n"
      "cross_script_weight = 0.6\ncross_script_rank_weight = 0.3\nabbreviation_weight = 0.7\n"
      "[screening.weights]\nbirth_date_bonus = 0.2\n",
      "s.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_DOUBLE_EQ(c->alert_threshold, 0.85);
  EXPECT_EQ(c->top_k, 5U);
  EXPECT_DOUBLE_EQ(c->rank_token_weight, 0.4);
  EXPECT_DOUBLE_EQ(c->short_name_penalty, 0.05);
  EXPECT_DOUBLE_EQ(c->cross_script_weight, 0.6);
  EXPECT_DOUBLE_EQ(c->cross_script_rank_weight, 0.3);
  EXPECT_DOUBLE_EQ(c->abbreviation_weight, 0.7);
  auto over = ParseScreeningConfig("[screening]\ncross_script_weight = -0.1\n", "s.toml");
  ASSERT_FALSE(over.ok());
  EXPECT_NE(over.status().message().find("screening.cross_script_weight"), std::string::npos);
  EXPECT_FALSE(ParseScreeningConfig("[screening]\nrank_token_weight = 1.5\n", "s.toml").ok());
  auto power = ParseScreeningConfig("[screening]\nrank_idf_power = 2\n", "s.toml");
  ASSERT_TRUE(power.ok()) << power.status().ToString();
  EXPECT_DOUBLE_EQ(power->rank_idf_power, 2.0);
  EXPECT_DOUBLE_EQ(ScreeningConfig{}.rank_idf_power, 1.5);
  auto flat = ParseScreeningConfig("[screening]\nrank_idf_power = 0.1\n", "s.toml");
  ASSERT_FALSE(flat.ok());
  EXPECT_NE(flat.status().message().find("screening.rank_idf_power"), std::string::npos);
  EXPECT_EQ(FormatDate(c->as_of), "2026-01-02");
  EXPECT_DOUBLE_EQ(c->match.birth_date_bonus, 0.2);
  EXPECT_TRUE(c->link_designations);
  auto unlinked = ParseScreeningConfig("[screening]\nlink_designations = false\n", "s.toml");
  ASSERT_TRUE(unlinked.ok()) << unlinked.status().ToString();
  EXPECT_FALSE(unlinked->link_designations);
  auto not_bool = ParseScreeningConfig("[screening]\nlink_designations = 1\n", "s.toml");
  ASSERT_FALSE(not_bool.ok());
  EXPECT_NE(not_bool.status().message().find("screening.link_designations"), std::string::npos);
  auto bad = ParseScreeningConfig("[screening]\nalert_threshold = 2\n", "s.toml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("screening.alert_threshold"), std::string::npos);
  auto unknown = ParseScreeningConfig("[screening.weights]\nmagic = 1\n", "s.toml");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("screening.weights.magic"), std::string::npos);
  EXPECT_FALSE(ParseScreeningConfig("[screening\n", "s.toml").ok());
}

}  // namespace
}  // namespace issa::travel
