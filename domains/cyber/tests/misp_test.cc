#include "issa/cyber/misp.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "issa/cyber/observable.h"
#include "issa/cyber/stix.h"

namespace issa::cyber {
namespace {

using Json = nlohmann::json;

std::string ReadData(const std::string& name) {
  std::ifstream in(std::string(ISSA_CYBER_TEST_DATA) + "/misp/" + name);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::map<std::string, Json> ById(const std::vector<std::string>& objects) {
  std::map<std::string, Json> out;
  for (const auto& o : objects) {
    auto j = Json::parse(o);
    out[j["id"]] = j;
  }
  return out;
}

// Converts each event of a misp-stix test collection ({"response": [...]}).
std::vector<std::string> ConvertCollection(const std::string& file,
                                           std::vector<MispProblem>& problems) {
  std::vector<std::string> out;
  const auto doc = Json::parse(ReadData(file));
  for (const auto& item : doc["response"]) {
    auto conversion = MispEventToStix(item.dump());
    EXPECT_TRUE(conversion.ok()) << conversion.status().ToString();
    if (!conversion.ok()) continue;
    out.insert(out.end(), conversion->objects.begin(), conversion->objects.end());
    problems.insert(problems.end(), conversion->problems.begin(), conversion->problems.end());
  }
  return out;
}

// Field-by-field comparison against misp-stix's golden output. Relationship ids are random
// UUIDv4 in misp-stix (compared by source/type/target instead); grouping labels carry the
// converter's own run labels ("Threat-Report", misp:tool=...), not event content.
void CompareWithGolden(const std::vector<std::string>& ours_text, const std::string& golden_file,
                       const std::set<std::string>& skip_ids, size_t expected_compared) {
  const auto ours = ById(ours_text);
  const auto golden = Json::parse(ReadData(golden_file));
  std::set<std::tuple<std::string, std::string, std::string>> our_relationships;
  for (const auto& [id, o] : ours)
    if (o["type"] == "relationship")
      our_relationships.insert(std::make_tuple(o["source_ref"].get<std::string>(),
                                               o["relationship_type"].get<std::string>(),
                                               o["target_ref"].get<std::string>()));
  size_t compared = 0;
  for (const auto& g : golden["objects"]) {
    const std::string id = g["id"];
    if (skip_ids.contains(id)) continue;
    if (g["type"] == "relationship") {
      EXPECT_TRUE(our_relationships.contains(std::make_tuple(
          g["source_ref"].get<std::string>(), g["relationship_type"].get<std::string>(),
          g["target_ref"].get<std::string>())))
          << id;
      ++compared;
      continue;
    }
    auto it = ours.find(id);
    if (it == ours.end()) {
      ADD_FAILURE() << "missing " << id;
      continue;
    }
    ++compared;
    for (const auto& [key, value] : g.items()) {
      if (g["type"] == "grouping" && key == "labels") continue;
      if (key == "object_refs") {
        std::vector<std::string> expected, actual;
        for (const auto& r : value)
          if (!r.get<std::string>().starts_with("relationship--") &&
              !skip_ids.contains(r.get<std::string>()))
            expected.push_back(r.get<std::string>());
        for (const auto& r : it->second[key])
          if (!r.get<std::string>().starts_with("relationship--") &&
              !skip_ids.contains(r.get<std::string>()))
            actual.push_back(r.get<std::string>());
        EXPECT_EQ(actual, expected) << id;
        continue;
      }
      ASSERT_TRUE(it->second.contains(key)) << id << " lacks " << key;
      EXPECT_EQ(it->second[key], value) << id << "." << key;
    }
  }
  EXPECT_EQ(compared, expected_compared);
}

TEST(MispToStix, EventsMatchMispStixGoldenFieldByField) {
  std::vector<MispProblem> problems;
  auto objects = ConvertCollection("test_events_collection_1.json", problems);
  auto more = ConvertCollection("test_events_collection_2.json", problems);
  objects.insert(objects.end(), more.begin(), more.end());
  EXPECT_TRUE(problems.empty());
  // misp-stix writes the shared identity once; we write it per event.
  CompareWithGolden(objects, "test_events_collection_stix21.json", {}, 20);
}

TEST(MispToStix, ObjectsMatchMispStixGolden) {
  // The collection holds bare objects: wrap them in an event without Orgc (no created_by_ref),
  // as misp-stix does for an object collection.
  Json event = {{"uuid", "11111111-2222-4333-8444-555555555555"},
                {"info", "objects"},
                {"timestamp", "1603642920"}};
  for (const auto* file : {"test_objects_collection_1.json", "test_objects_collection_2.json"}) {
    const auto doc = Json::parse(ReadData(file));
    for (const auto& item : doc["response"]) event["Object"].push_back(item["Object"]);
  }
  auto conversion = MispEventToStix(Json{{"Event", event}}.dump());
  ASSERT_TRUE(conversion.ok()) << conversion.status().ToString();
  // Not compared: the directory of the file object (misp-stix gives it a fresh UUIDv4) and the
  // credential object (misp-stix maps it to user-account; it travels here as x-misp-object).
  const std::set<std::string> skip = {"directory--34cb1a7c-55ec-412a-8684-ba4a88d83a45",
                                      "observed-data--5b1f9378-46d4-494b-a4c1-044e0a00020f",
                                      "user-account--5b1f9378-46d4-494b-a4c1-044e0a00020f",
                                      "file--5e384ae7-672c-4250-9cda-3b4da964451a"};
  CompareWithGolden(conversion->objects, "test_objects_collection_stix21.json", skip, 14);
  const auto ours = ById(conversion->objects);
  const auto& file = ours.at("file--5e384ae7-672c-4250-9cda-3b4da964451a");
  EXPECT_EQ(file["hashes"]["SHA-256"],
            "ec5aedf5ecc6bdadd4120932170d1b10f6cfa175cfda22951dfd882928ab279b");
  EXPECT_EQ(file["size"], 35);
  EXPECT_EQ(file["name"], "oui");
  EXPECT_TRUE(ours.contains("x-misp-object--5b1f9378-46d4-494b-a4c1-044e0a00020f"));
}

TEST(MispToStix, RealEventsRoundTrip) {
  for (const auto* file :
       {"pymisp-osint-ransomware-xorist-57c4445b.json", "pymisp-osint-sednit-existing_event.json",
        "misp-tests-event.json", "pymisp-misp_event.json"}) {
    SCOPED_TRACE(file);
    const auto text = ReadData(file);
    auto conversion = MispEventToStix(text);
    ASSERT_TRUE(conversion.ok()) << conversion.status().ToString();
    for (const auto& p : conversion->problems)
      ADD_FAILURE() << p.item_uuid << ": " << p.status.ToString();
    auto back = StixToMispEvent(StixBundle(conversion->objects));
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    const auto original =
        Json::parse(text).contains("Event") ? Json::parse(text)["Event"] : Json::parse(text);
    const auto event = Json::parse(*back)["Event"];
    EXPECT_EQ(event["uuid"], original["uuid"]);
    EXPECT_EQ(event["info"], original["info"]);
    EXPECT_EQ(event["date"], original["date"]);
    std::set<std::string> tags_before, tags_after;
    for (const auto& t : original.value("Tag", Json::array())) tags_before.insert(t["name"]);
    for (const auto& t : event["Tag"]) tags_after.insert(t["name"]);
    for (const auto& t : tags_before) EXPECT_TRUE(tags_after.contains(t)) << t;
    auto attribute_key = [](const Json& a) {
      auto to_ids = a["to_ids"].is_boolean() ? a["to_ids"].get<bool>() : a["to_ids"] == "1";
      // A registry key comes back with its hive written out, as STIX requires (HKLM\… →
      // HKEY_LOCAL_MACHINE\…): the same key.
      std::string value = a["value"].get<std::string>();
      if (a["type"] == "regkey") value = *NormaliseObservable(ObservableType::kRegistryKey, value);
      return a["uuid"].get<std::string>() + "|" + a["type"].get<std::string>() + "|" +
             a["category"].get<std::string>() + "|" + value + "|" + (to_ids ? "1" : "0");
    };
    std::set<std::string> before, after;
    for (const auto& a : original.value("Attribute", Json::array()))
      before.insert(attribute_key(a));
    for (const auto& a : event["Attribute"]) after.insert(attribute_key(a));
    EXPECT_EQ(after, before);
    // Objects: the same uuids and names, and the same (relation, value) pairs.
    std::set<std::string> objects_before, objects_after;
    for (const auto& o : original.value("Object", Json::array())) {
      for (const auto& a : o["Attribute"])
        objects_before.insert(o["uuid"].get<std::string>() + "|" + o["name"].get<std::string>() +
                              "|" + a["object_relation"].get<std::string>() + "=" +
                              a["value"].get<std::string>());
    }
    for (const auto& o : event["Object"])
      for (const auto& a : o["Attribute"])
        objects_after.insert(o["uuid"].get<std::string>() + "|" + o["name"].get<std::string>() +
                             "|" + a["object_relation"].get<std::string>() + "=" +
                             a["value"].get<std::string>());
    EXPECT_EQ(objects_after, objects_before);
  }
}

// An event with TLP tags and two sightings (one a false positive).
constexpr const char* kEventWithSightings =
    R"({"Event":{"uuid":"aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee","info":"x","timestamp":"1700000000",
    "Orgc":{"uuid":"0b5c8f4a-1f2e-4b7a-9a11-222222222222","name":"CERT-EU"},
    "Tag":[{"name":"tlp:amber+strict"}],
    "Attribute":[{"uuid":"5f1a0b1c-0000-4000-8000-000000000001","type":"ip-dst","category":"Network activity",
      "value":"198.51.100.7","to_ids":true,"timestamp":"1700000000","Tag":[{"name":"tlp:red"}],
      "Sighting":[{"type":"0","date_sighting":"1700000100","Organisation":{"uuid":"0b5c8f4a-1f2e-4b7a-9a11-333333333333"}},
                  {"type":"1","date_sighting":"1700000200"}]}]}})";

// What the import makes is valid STIX: every object of the real events, the derived
// relationships and sightings included, passes the STIX 2.1 schemas (ids of RFC 4122 versions).
TEST(MispToStix, EveryObjectPassesTheStixSchemas) {
  auto validator = StixValidator::Builtin();
  ASSERT_TRUE(validator.ok()) << validator.status().ToString();
  std::set<std::string> types;
  for (const auto* file :
       {"pymisp-osint-ransomware-xorist-57c4445b.json", "pymisp-osint-sednit-existing_event.json",
        "misp-tests-event.json", "pymisp-misp_event.json", ""}) {
    SCOPED_TRACE(file);
    auto conversion =
        MispEventToStix(*file == '\0' ? std::string(kEventWithSightings) : ReadData(file));
    ASSERT_TRUE(conversion.ok()) << conversion.status().ToString();
    for (const auto& object : conversion->objects) {
      const auto checked = (*validator)->Validate(object);
      EXPECT_TRUE(checked.ok()) << checked.status().ToString() << " in " << object.substr(0, 200);
      types.insert(Json::parse(object)["type"].get<std::string>());
    }
  }
  EXPECT_TRUE(types.contains("relationship"));
  EXPECT_TRUE(types.contains("sighting"));
}

TEST(MispToStix, TlpTagsBecomeMarkingsAndSightingsSightings) {
  auto conversion = MispEventToStix(kEventWithSightings);
  ASSERT_TRUE(conversion.ok());
  const auto objects = ById(conversion->objects);
  EXPECT_EQ(objects.at("grouping--aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee")["object_marking_refs"][0],
            "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003");
  const auto& indicator = objects.at("indicator--5f1a0b1c-0000-4000-8000-000000000001");
  EXPECT_EQ(indicator["object_marking_refs"][0],
            "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed");
  EXPECT_EQ(indicator["pattern"],
            "[network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_ref.value = "
            "'198.51.100.7']");
  int sightings = 0, false_positives = 0;
  for (const auto& [id, o] : objects) {
    if (o["type"] != "sighting") continue;
    EXPECT_EQ(o["sighting_of_ref"], "indicator--5f1a0b1c-0000-4000-8000-000000000001");
    (o["x_misp_sighting_type"] == "false-positive" ? false_positives : sightings)++;
  }
  EXPECT_EQ(sightings, 1);
  EXPECT_EQ(false_positives, 1);
  auto back = StixToMispEvent(StixBundle(conversion->objects));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(Json::parse(*back)["Event"]["Attribute"][0]["Sighting"].size(), 2u);
}

TEST(MispToStix, BadAttributeIsReportedAndTheEventKept) {
  const auto event =
      R"({"Event":{"uuid":"aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee","info":"x","timestamp":"1700000000",
    "Attribute":[{"uuid":"5f1a0b1c-0000-4000-8000-000000000001","type":"ip-src","category":"Network activity","value":"999.1.1.1","to_ids":true},
                 {"uuid":"not-a-uuid","type":"domain","value":"a.example"},
                 {"uuid":"5f1a0b1c-0000-4000-8000-000000000003","type":"domain","category":"Network activity","value":"ok.example","to_ids":true},
                 {"uuid":"5f1a0b1c-0000-4000-8000-000000000004","type":"domain"}]}})";
  auto conversion = MispEventToStix(event);
  ASSERT_TRUE(conversion.ok());
  ASSERT_EQ(conversion->problems.size(), 3u);
  EXPECT_EQ(conversion->problems[0].item_uuid, "5f1a0b1c-0000-4000-8000-000000000001");
  EXPECT_EQ(conversion->problems[0].status.field(), "Attribute[0].value");
  EXPECT_EQ(conversion->problems[0].event_uuid, "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee");
  EXPECT_EQ(conversion->problems[1].status.field(), "Attribute[1].uuid");
  EXPECT_EQ(conversion->problems[2].status.field(), "Attribute[3].value");
  EXPECT_TRUE(
      ById(conversion->objects).contains("indicator--5f1a0b1c-0000-4000-8000-000000000003"));
  EXPECT_EQ(MispEventToStix("{not json").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(MispEventToStix(R"({"Event":{"info":"no uuid"}})").status().field(), "Event.uuid");
  EXPECT_EQ(MispEventToStix("[1,2]").status().field(), "Event");
}

TEST(MispScanIndicators, ToIdsAttributesOfEventsAndObjects) {
  std::vector<MispProblem> problems;
  auto indicators =
      MispScanIndicators(ReadData("pymisp-osint-sednit-existing_event.json"), problems);
  ASSERT_TRUE(indicators.ok());
  EXPECT_GT(indicators->size(), 10u);
  std::set<ObservableType> types;
  for (const auto& i : *indicators) types.insert(i.type);
  EXPECT_TRUE(types.contains(ObservableType::kDomain));
  EXPECT_TRUE(types.contains(ObservableType::kSha1));
}

TEST(MispFeed, ManifestAndEventsIngestPerEvent) {
  const auto dir = std::filesystem::temp_directory_path() / "issa_misp_feed_test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::filesystem::copy_file(
      std::string(ISSA_CYBER_TEST_DATA) + "/misp/pymisp-osint-ransomware-xorist-57c4445b.json",
      dir / "57c4445b-c548-4654-af0b-4be3950d210f.json");
  std::ofstream(dir / "manifest.json") << R"({
    "57c4445b-c548-4654-af0b-4be3950d210f": {"info": "OSINT Xorist", "timestamp": "1475579595", "Tag": [{"name": "tlp:white"}]},
    "00000000-0000-4000-8000-000000000000": {"info": "missing file", "timestamp": 1475579595}})";
  auto feed = IngestMispFeed(dir.string());
  ASSERT_TRUE(feed.ok()) << feed.status().ToString();
  ASSERT_EQ(feed->events.size(), 1u);
  EXPECT_EQ(feed->events[0].event_uuid, "57c4445b-c548-4654-af0b-4be3950d210f");
  ASSERT_EQ(feed->problems.size(), 1u);
  EXPECT_EQ(feed->problems[0].event_uuid, "00000000-0000-4000-8000-000000000000");
  EXPECT_EQ(ParseMispFeedManifest(R"({"57c4445b-c548-4654-af0b-4be3950d210f": {"info": "x"}})")
                .status()
                .field(),
            "57c4445b-c548-4654-af0b-4be3950d210f.timestamp");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace issa::cyber
