// Watchlist entries held as node records, read back (EntryFromRecord, the inverse of ToRecord):
// every entry of the real test lists, through the record form, is found again by screening.
#include "issa/travel/list_records.h"

#include <gtest/gtest.h>

#include "issa/travel/screening.h"

namespace issa::travel {
namespace {

const std::string kData = ISSA_TRAVEL_TEST_DATA;

TEST(ListRecords, ProvenanceIsTheStartOfTheNotes) {
  const auto p = ParseListProvenance("list un-sc entry QDi.430; programmes Al-Qaida");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->list, "un-sc");
  EXPECT_EQ(p->entry_id, "QDi.430");
  EXPECT_EQ(ParseListProvenance("list sis-de entry DE-2026-000101")->entry_id, "DE-2026-000101");
  EXPECT_FALSE(ParseListProvenance("seen in the list un-sc entry 1"));
  EXPECT_FALSE(ParseListProvenance("list un-sc"));
  EXPECT_FALSE(ParseListProvenance("list  entry 1"));
  EXPECT_FALSE(ParseListProvenance("list un-sc entry ;"));
  EXPECT_FALSE(ParseListProvenance(""));
}

TEST(ListRecords, EveryEntryOfTheTestListsRoundTripsAndIsScreenedAgain) {
  size_t checked = 0;
  for (const char* path :
       {"/ofac_sdn", "/un_consolidated_excerpt.xml", "/alerts.json", "/cons_prim.csv"}) {
    auto list = LoadWatchlist(kData + path);
    ASSERT_TRUE(list.ok()) << path;
    Watchlist back;
    back.id = list->id;
    for (const WatchlistEntry& e : list->entries) {
      core::Record r = ToRecord(e);
      const auto read = EntryFromRecord(r);
      ASSERT_TRUE(read) << e.list << " " << e.id << ": " << r.properties_json;
      EXPECT_EQ(read->list, e.list);
      EXPECT_EQ(read->id, e.id);
      EXPECT_EQ(read->kind, e.kind) << e.id;
      if (e.kind != EntryKind::kAircraft) {
        EXPECT_EQ(read->primary_name(), e.primary_name().substr(0, 300)) << e.id;
      }
      EXPECT_EQ(read->birth_dates, e.birth_dates) << e.id;
      if (e.alert) {
        ASSERT_TRUE(read->alert) << e.id;
        EXPECT_EQ(read->alert->category, e.alert->category);
        EXPECT_EQ(read->alert->expiry, e.alert->expiry);
        EXPECT_EQ(read->alert->issuing_authority, e.alert->issuing_authority);
      }
      back.entries.push_back(*read);
      ++checked;
    }
    // Screening the entries read back by their listed names finds each entry first or tied.
    Screener screener(ScreeningConfig{});
    ASSERT_TRUE(screener.Load(back).ok());
    for (const WatchlistEntry& e : back.entries) {
      if (e.kind != EntryKind::kPerson) continue;
      Subject s;
      s.name = e.primary_name();
      if (!e.birth_dates.empty()) s.birth_date = FormatDate(e.birth_dates.front());
      bool found = false;
      for (const auto& hit : screener.Screen(s)) found = found || hit.entry_id == e.id;
      EXPECT_TRUE(found) << e.list << " " << e.id << " " << s.name;
    }
  }
  EXPECT_EQ(checked, 23U);
}

TEST(ListRecords, RecordsThatAreNoListEntryAreNotRead) {
  core::Record r;
  r.type = "Person";
  r.properties_json = R"({"name":"Anna Schmidt","notes":"met at the border"})";
  EXPECT_FALSE(EntryFromRecord(r));
  r.properties_json = R"({"name":"Anna Schmidt","notes":"list sis-de entry 7"})";
  EXPECT_TRUE(EntryFromRecord(r));
  r.type = "Vehicle";
  EXPECT_FALSE(EntryFromRecord(r));
  r.type = "Person";
  r.properties_json = "not json";
  EXPECT_FALSE(EntryFromRecord(r));
}

}  // namespace
}  // namespace issa::travel
