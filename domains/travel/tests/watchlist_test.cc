// Watchlist parsers on real list excerpts (tests/data/travel, see SOURCES.md), robustness on
// broken input, deltas and the mapping to node records (validated against data/schemas).
#include "issa/travel/watchlist.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "issa/schema/registry.h"

namespace issa::travel {
namespace {

const std::string kData = ISSA_TRAVEL_TEST_DATA;

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

const WatchlistEntry* Find(const Watchlist& l, std::string_view id) {
  for (const WatchlistEntry& e : l.entries) {
    if (e.id == id) return &e;
  }
  return nullptr;
}

bool HasName(const WatchlistEntry& e, std::string_view text, NameRole role) {
  return std::any_of(e.names.begin(), e.names.end(),
                     [&](const EntryName& n) { return n.text == text && n.role == role; });
}

TEST(OfacCsv, ReadsTheTrioFolder) {
  auto list = LoadWatchlist(kData + "/ofac_sdn");
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  EXPECT_EQ(list->id, "ofac-sdn");
  EXPECT_EQ(list->format, "ofac-csv");
  EXPECT_EQ(list->entries.size(), 9U);
  EXPECT_EQ(list->rejected, 0U);

  const WatchlistEntry* z = Find(*list, "2676");
  ASSERT_NE(z, nullptr);
  EXPECT_EQ(z->kind, EntryKind::kPerson);
  EXPECT_EQ(z->primary_name(), "Dr. Ayman AL ZAWAHIRI");  // "SURNAME, Given" turned round
  EXPECT_TRUE(HasName(*z, "Ayman AL-ZAWAHIRI", NameRole::kStrongAlias));
  EXPECT_TRUE(HasName(*z, "Ahmad Fuad SALIM", NameRole::kStrongAlias));
  ASSERT_EQ(z->birth_dates.size(), 1U);
  EXPECT_EQ(FormatDate(z->birth_dates[0]), "1951-06-19");
  EXPECT_EQ(z->birth_place, "Giza, Egypt");
  ASSERT_GE(z->documents.size(), 2U);
  EXPECT_EQ(z->documents[0].type, "passport");
  EXPECT_EQ(z->documents[0].normalised, "1084010");
  EXPECT_EQ(z->documents[0].country, "EG");
  EXPECT_EQ(z->documents[1].normalised, "19820215");
  EXPECT_EQ(z->programmes, std::vector<std::string>{"SDGT"});

  // Several dates of birth ("alt. DOB") and the weak a.k.a.s quoted in the remarks.
  const WatchlistEntry* d = Find(*list, "7831");
  ASSERT_NE(d, nullptr);
  ASSERT_EQ(d->birth_dates.size(), 3U);
  EXPECT_EQ(FormatDate(d->birth_dates[2]), "1975-01-29");
  EXPECT_TRUE(HasName(*d, "BILAL", NameRole::kWeakAlias));
  EXPECT_TRUE(HasName(*d, "ABU KHAMZA", NameRole::kWeakAlias));
  EXPECT_TRUE(HasName(*d, "Jacques BROUGERE", NameRole::kStrongAlias));

  // Nationality given as a demonym, passport with an issue date after the number.
  const WatchlistEntry* a = Find(*list, "6905");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->nationalities, std::vector<std::string>{"PS"});
  ASSERT_FALSE(a->documents.empty());
  EXPECT_EQ(a->documents[0].normalised, "484824");
  EXPECT_EQ(a->documents[0].country, "EG");

  const WatchlistEntry* v = Find(*list, "15036");
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->kind, EntryKind::kVessel);
  EXPECT_EQ(v->imo, "9187629");
  EXPECT_EQ(v->call_sign, "T2EU4");
  EXPECT_EQ(v->nationalities, std::vector<std::string>{"IR"});  // Vess_flag
  ASSERT_EQ(v->names.size(), 4U);
  EXPECT_TRUE(v->names[1].former);                          // fka ABADAN (alt.csv)
  EXPECT_TRUE(HasName(*v, "ALPHA", NameRole::kWeakAlias));  // f.k.a. 'ALPHA' in the remarks
  EXPECT_EQ(v->mmsi, "572469210");

  const WatchlistEntry* plane = Find(*list, "15431");
  ASSERT_NE(plane, nullptr);
  EXPECT_EQ(plane->kind, EntryKind::kAircraft);
  EXPECT_EQ(plane->aircraft_registration, "EP-GOM");

  const WatchlistEntry* org = Find(*list, "36");
  ASSERT_NE(org, nullptr);
  EXPECT_EQ(org->kind, EntryKind::kOrganisation);
  EXPECT_TRUE(org->remarks.empty());  // "-0- " is the null marker
  EXPECT_EQ(org->programmes, std::vector<std::string>{"CUBA"});
}

TEST(OfacCsv, ConsolidatedListFileAloneAndItsDates) {
  auto list = LoadWatchlist(kData + "/cons_prim.csv");
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  EXPECT_EQ(list->id, "ofac-cons");
  ASSERT_EQ(list->entries.size(), 3U);
  EXPECT_EQ(list->entries[0].primary_name(), "Ismail Abdul Salah HANIYA");
  ASSERT_EQ(list->entries[0].birth_dates.size(), 1U);
  EXPECT_EQ(FormatDate(list->entries[0].birth_dates[0]), "1962");  // year only
}

TEST(OfacCsv, OfacDateForms) {
  auto one = [](std::string_view text) {
    OfacFiles f;
    f.primary =
        std::string("1,\"X, Y\",\"individual\",\"P\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"DOB ") +
        std::string(text) + "\"\r\n";
    auto l = ParseOfacCsv(f);
    std::vector<std::string> out;
    if (l.ok() && !l->entries.empty()) {
      for (PartialDate d : l->entries[0].birth_dates) out.push_back(FormatDate(d));
    }
    return out;
  };
  EXPECT_EQ(one("10 Dec 1948"), std::vector<std::string>{"1948-12-10"});
  EXPECT_EQ(one("Dec 1948"), std::vector<std::string>{"1948-12"});
  EXPECT_EQ(one("circa 1960"), std::vector<std::string>{"1960"});
  EXPECT_EQ(one("1960 to 1962"), (std::vector<std::string>{"1960", "1961", "1962"}));
  EXPECT_TRUE(one("31 Feb 1960").empty());  // absurd dates are dropped, not guessed
  EXPECT_TRUE(one("sometime").empty());
}

TEST(OfacCsv, BadRowsAreCountedAndTheRestKept) {
  OfacFiles f;
  f.primary_name = "sdn.csv";
  f.primary =
      "2674,\"ABBAS, Abu\",\"individual\",\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"DOB 10 Dec "
      "1948.\"\r\n"
      "abc,\"BROKEN\",-0- ,-0- \r\n"
      "2675,\"AL RAHMAN, Shaykh Umar Abd\",\"individual\",\"SDGT\"\r\n"
      "2680,-0- ,\"individual\",\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n"
      "2681,\"X\",\"spaceship\",\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n"
      "7831,\"DUMONT, Lionel\",\"individual\",\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"DOB 21 "
      "Jan 1971\"\r\n"
      "7832,\"UNTERMINATED, Quote\",\"individual\",\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- "
      ",\"DOB 21\r\n";
  f.alt = "9999,1,\"aka\",\"ORPHAN\",-0- \r\n2674,1795,\"aka\",\"ZAYDAN, Muhammad\",-0- \r\n";
  auto list = ParseOfacCsv(f);
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->entries.size(), 2U);
  EXPECT_EQ(list->entries[0].id, "2674");
  EXPECT_EQ(list->entries[1].id, "7831");
  EXPECT_EQ(list->rejected, 5U);
  auto issue = [&](std::string_view field) {
    for (const ParseIssue& i : list->issues) {
      if (i.field == field) return i.ToString();
    }
    return std::string();
  };
  EXPECT_EQ(issue("ent_num").substr(0, 10), "sdn.csv:2:");
  EXPECT_NE(issue("SDN_Name").find("sdn.csv:4: entry 2680"), std::string::npos);
  EXPECT_NE(issue("SDN_Type").find("spaceship"), std::string::npos);
  bool fields = false;
  bool unterminated = false;
  bool orphan = false;
  for (const ParseIssue& i : list->issues) {
    fields = fields || (i.line == 3 && i.message.find("4 fields") != std::string::npos);
    unterminated = unterminated || i.message.find("unterminated") != std::string::npos;
    orphan = orphan || (i.file == "alt.csv" && i.element == "entry 9999");
  }
  EXPECT_TRUE(fields);
  EXPECT_TRUE(unterminated);
  EXPECT_TRUE(orphan);
  EXPECT_TRUE(HasName(list->entries[0], "Muhammad ZAYDAN", NameRole::kStrongAlias));
}

TEST(OfacCsv, NotAListIsAnErrorNamingTheFile) {
  OfacFiles f;
  f.primary_name = "empty.csv";
  auto list = ParseOfacCsv(f);
  ASSERT_FALSE(list.ok());
  EXPECT_NE(list.status().message().find("empty.csv"), std::string::npos);
  f.primary = "\xff\xfe garbage";
  EXPECT_FALSE(ParseOfacCsv(f).ok());
}

TEST(UnXml, ReadsIndividualsEntitiesScriptsDatesAndDocuments) {
  auto list = LoadWatchlist(kData + "/un_consolidated_excerpt.xml");
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  EXPECT_EQ(list->id, "un-sc");
  EXPECT_EQ(list->format, "un-xml");
  ASSERT_EQ(list->entries.size(), 7U);
  EXPECT_EQ(list->rejected, 0U);

  const WatchlistEntry* saddam = Find(*list, "IQi.001");
  ASSERT_NE(saddam, nullptr);
  EXPECT_EQ(saddam->primary_name(), "SADDAM HUSSEIN AL-TIKRITI");
  ASSERT_GE(saddam->names.size(), 2U);
  EXPECT_EQ(saddam->names[1].text, "صدام حسين التكريتي");
  EXPECT_TRUE(saddam->names[1].original_script);
  EXPECT_EQ(saddam->names[1].script, "Arabic");
  EXPECT_EQ(saddam->names[0].script, "Latin");
  EXPECT_EQ(saddam->nationalities, std::vector<std::string>{"IQ"});
  ASSERT_FALSE(saddam->birth_dates.empty());
  EXPECT_EQ(FormatDate(saddam->birth_dates[0]), "1937-04-28");

  const WatchlistEntry* between = Find(*list, "CDi.030");
  ASSERT_NE(between, nullptr);
  std::vector<std::string> years;
  for (PartialDate d : between->birth_dates) years.push_back(FormatDate(d));
  EXPECT_EQ(years, (std::vector<std::string>{"1973", "1974"}));  // BETWEEN 1973 and 1974

  const WatchlistEntry* low = Find(*list, "CDi.040");
  ASSERT_NE(low, nullptr);
  EXPECT_TRUE(std::any_of(low->names.begin(), low->names.end(),
                          [](const EntryName& n) { return n.role == NameRole::kWeakAlias; }));
  ASSERT_FALSE(low->documents.empty());
  EXPECT_EQ(low->documents[0].type, "passport");

  const WatchlistEntry* cyrillic = Find(*list, "QDi.290");
  ASSERT_NE(cyrillic, nullptr);
  EXPECT_TRUE(std::any_of(cyrillic->names.begin(), cyrillic->names.end(), [](const EntryName& n) {
    return n.original_script && n.script == "Cyrillic";
  }));

  const WatchlistEntry* adf = Find(*list, "CDe.001");
  ASSERT_NE(adf, nullptr);
  EXPECT_EQ(adf->kind, EntryKind::kOrganisation);
  EXPECT_TRUE(std::any_of(adf->names.begin(), adf->names.end(),
                          [](const EntryName& n) { return n.former && n.text == "NALU"; }));
}

TEST(UnXml, MalformedXmlNamesFileAndLine) {
  std::string xml = Read(kData + "/un_consolidated_excerpt.xml");
  xml.resize(xml.size() / 2);  // truncated
  auto list = ParseUnXml(xml, "un.xml");
  ASSERT_FALSE(list.ok());
  EXPECT_NE(list.status().message().find("un.xml:"), std::string::npos);
  EXPECT_FALSE(ParseUnXml("<other/>", "x.xml").ok());
  // External entities are never loaded.
  auto xxe = ParseUnXml(
      "<!DOCTYPE a [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><CONSOLIDATED_LIST><INDIVIDUALS>"
      "<INDIVIDUAL><REFERENCE_NUMBER>X</REFERENCE_NUMBER><FIRST_NAME>&e;</FIRST_NAME>"
      "</INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>",
      "xxe.xml");
  if (xxe.ok()) {
    for (const WatchlistEntry& e : xxe->entries)
      EXPECT_EQ(e.primary_name().find("root"), std::string::npos);
  }
}

TEST(UnXml, AnEntryWithoutANameIsDroppedAndReported) {
  const std::string xml =
      "<CONSOLIDATED_LIST><INDIVIDUALS>\n"
      "<INDIVIDUAL><DATAID>1</DATAID><REFERENCE_NUMBER>QDi.900</REFERENCE_NUMBER>\n"
      "<FIRST_NAME></FIRST_NAME></INDIVIDUAL>\n"
      "<INDIVIDUAL><DATAID>2</DATAID><REFERENCE_NUMBER>QDi.901</REFERENCE_NUMBER>"
      "<FIRST_NAME>AMIR</FIRST_NAME><SECOND_NAME>KHAN</SECOND_NAME>"
      "<INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><DATE>1970-13-45</DATE>"
      "</INDIVIDUAL_DATE_OF_BIRTH></INDIVIDUAL>\n"
      "</INDIVIDUALS></CONSOLIDATED_LIST>";
  auto list = ParseUnXml(xml, "un.xml");
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->entries.size(), 1U);
  EXPECT_EQ(list->entries[0].primary_name(), "AMIR KHAN");
  EXPECT_TRUE(list->entries[0].birth_dates.empty());  // the absurd date is ignored and reported
  EXPECT_EQ(list->rejected, 1U);
  bool dropped = false;
  bool date = false;
  for (const ParseIssue& i : list->issues) {
    dropped = dropped || (i.field == "FIRST_NAME" && i.element == "entry QDi.900" && i.line == 2);
    date = date || i.field == "INDIVIDUAL_DATE_OF_BIRTH/DATE";
  }
  EXPECT_TRUE(dropped);
  EXPECT_TRUE(date);
}

TEST(AlertsJson, ReadsPersonAndDocumentAlerts) {
  auto list = LoadWatchlist(kData + "/alerts.json");
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  EXPECT_EQ(list->id, "sis-test");
  ASSERT_EQ(list->entries.size(), 4U);
  const WatchlistEntry& arrest = list->entries[0];
  ASSERT_TRUE(arrest.alert.has_value());
  EXPECT_EQ(arrest.alert->category, AlertCategory::kArrest);
  EXPECT_EQ(arrest.alert->issuing_authority, "DE-BKA");  // the file's default
  EXPECT_EQ(FormatDate(arrest.alert->expiry), "2029-12-31");
  EXPECT_EQ(arrest.nationalities, std::vector<std::string>{"RU"});  // RUS -> RU
  EXPECT_EQ(arrest.names[1].script, "Cyrillic");
  EXPECT_TRUE(HasName(arrest, "Vanya", NameRole::kWeakAlias));
  EXPECT_EQ(arrest.documents[0].normalised, "751234567");
  const WatchlistEntry& stolen = list->entries[2];
  EXPECT_EQ(stolen.kind, EntryKind::kDocument);
  EXPECT_EQ(stolen.alert->category, AlertCategory::kStolenDocument);
  EXPECT_EQ(stolen.documents[0].normalised, "NXC3P1F47");
  EXPECT_EQ(list->entries[1].alert->issuing_authority, "FR-DGSI");
}

TEST(AlertsJson, BadAlertsAreReportedByFieldAndTheRestKept) {
  const std::string json =
      R"({"format":"issa-alerts/1","list":"x","issuing_authority":"A","alerts":[
    {"id":"1","category":"arrest","action":"a","person":{"names":["Ann Lee"]}},
    {"id":"2","category":"shoot-on-sight","action":"a","person":{"names":["B"]}},
    {"id":"3","category":"stolen-document","action":"a"},
    {"id":"4","category":"arrest","action":"a","person":{"names":["C"],"birth_dates":["1970-02-30"]}},
    {"id":"1","category":"arrest","action":"a","person":{"names":["D"]}},
    {"id":"6","category":"arrest","action":"a","expiry":"soon","person":{"names":["E"]}},
    {"id":"7","category":"arrest","action":"a","person":{"names":["F"],"nationalities":["Atlantis"]}},
    "not an object"]})";
  auto list = ParseAlertsJson(json, "alerts.json");
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->entries.size(), 1U);
  EXPECT_EQ(list->rejected, 7U);
  std::vector<std::string> fields;
  for (const ParseIssue& i : list->issues) fields.push_back(i.element + " " + i.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"alerts[1] category", "alerts[2] document",
                                              "alerts[3] person.birth_dates[0]", "alerts[4] id",
                                              "alerts[5] expiry",
                                              "alerts[6] person.nationalities[0]", "alerts[7] "}));
  EXPECT_FALSE(ParseAlertsJson("{\"format\":\"other\"}", "a.json").ok());
  EXPECT_FALSE(ParseAlertsJson("{\"format\":\"issa-alerts/1\",\"list\":\"x\"}", "a.json").ok());
  auto broken = ParseAlertsJson("{\"format\":", "broken.json");
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.status().message().find("broken.json"), std::string::npos);
}

TEST(LoadWatchlist, DetectsFormatsAndRefusesOthers) {
  EXPECT_FALSE(LoadWatchlist(kData + "/nope").ok());
  const std::string empty = ::testing::TempDir() + "/travel_empty_folder";
  std::filesystem::create_directories(empty);
  auto dir = LoadWatchlist(empty);  // a folder without a list
  ASSERT_FALSE(dir.ok());
  EXPECT_NE(dir.status().message().find(empty), std::string::npos);
  auto cons = LoadWatchlist(kData);  // the folder holding cons_prim.csv
  ASSERT_TRUE(cons.ok());
  EXPECT_EQ(cons->id, "ofac-cons");
  auto self = LoadWatchlist(kData + "/SOURCES.md");
  ASSERT_FALSE(self.ok());
  EXPECT_NE(self.status().message().find("unknown list format"), std::string::npos);
}

TEST(Diff, ReportsAddedChangedAndRemovedEntriesWithFields) {
  auto before = LoadWatchlist(kData + "/ofac_sdn");
  ASSERT_TRUE(before.ok());
  Watchlist after = *before;
  after.entries.erase(after.entries.begin());  // 36 removed
  for (WatchlistEntry& e : after.entries) {
    if (e.id == "2676") {
      e.names.push_back({"Abu Muhammad", NameRole::kStrongAlias, "Latin", false, false});
      e.birth_dates.push_back(PartialDate{1951, 0, 0});
    }
  }
  WatchlistEntry added;
  added.list = "ofac-sdn";
  added.id = "99999";
  added.names.push_back({"NEW ENTRY", NameRole::kPrimary, "Latin", false, false});
  after.entries.push_back(added);
  const ListDelta d = Diff(*before, after);
  EXPECT_EQ(d.added, std::vector<std::string>{"99999"});
  EXPECT_EQ(d.removed, std::vector<std::string>{"36"});
  ASSERT_EQ(d.changed.size(), 1U);
  EXPECT_EQ(d.changed[0].id, "2676");
  EXPECT_EQ(d.changed[0].fields, (std::vector<std::string>{"names", "birth_dates"}));
  EXPECT_TRUE(Diff(*before, *before).empty());
}

TEST(ToRecord, EveryEntryIsAValidNodeRecord) {
  auto registry = schema::Registry::LoadDir(ISSA_SCHEMA_DIR);
  ASSERT_TRUE(registry.ok()) << registry.status().ToString();
  size_t checked = 0;
  for (const char* path :
       {"/ofac_sdn", "/un_consolidated_excerpt.xml", "/alerts.json", "/cons_prim.csv"}) {
    auto list = LoadWatchlist(kData + path);
    ASSERT_TRUE(list.ok());
    for (const WatchlistEntry& e : list->entries) {
      const core::Record r = ToRecord(e);
      auto valid = (*registry)->ValidateProperties(r.type, r.properties_json);
      EXPECT_TRUE(valid.ok()) << e.list << " " << e.id << ": " << valid.status().ToString() << "\n"
                              << r.properties_json;
      const auto p = nlohmann::json::parse(r.properties_json);
      EXPECT_NE(p["notes"].get<std::string>().find("list " + e.list + " entry " + e.id),
                std::string::npos);
      ++checked;
    }
  }
  EXPECT_EQ(checked, 23U);
  auto list = LoadWatchlist(kData + "/alerts.json");
  const core::Record stolen = ToRecord(list->entries[2]);
  EXPECT_EQ(stolen.type, "Document");
  const auto p = nlohmann::json::parse(stolen.properties_json);
  EXPECT_EQ(p["status"], "stolen");
  EXPECT_EQ(p["number"], "NXC3P1F47");
  EXPECT_NE(p["notes"].get<std::string>().find("alert stolen-document"), std::string::npos);
}

TEST(CountryCode, NamesCodesAndListSpellings) {
  EXPECT_EQ(CountryCode("Iran (Islamic Republic of)"), "IR");
  EXPECT_EQ(CountryCode("Korea, North"), "KP");
  EXPECT_EQ(CountryCode("Democratic People's Republic of Korea"), "KP");
  EXPECT_EQ(CountryCode("GBR"), "GB");
  EXPECT_EQ(CountryCode("de"), "DE");
  EXPECT_EQ(CountryCode("Egypt"), "EG");
  EXPECT_EQ(CountryCode("Atlantis"), "");
}

}  // namespace
}  // namespace issa::travel
