#include "issa/maritime/cise.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "issa/core/model.h"
#include "issa/core/time.h"

namespace issa::maritime {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;

const CiseCodec& Codec() {
  static const std::unique_ptr<CiseCodec> codec = [] {
    auto c = CiseCodec::Create();
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return std::move(c).value();
  }();
  return *codec;
}

std::string ReadSample(const std::string& name) {
  const std::string path = std::string(ISSA_MARITIME_TEST_DATA) + "/cise/" + name;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

core::Handling BorderHandling(core::Classification c = core::Classification::kLimited) {
  core::Handling h;
  h.classification = c;
  h.distribution = core::Distribution::kAll;
  h.purposes = static_cast<core::PurposeSet>(core::Purpose::kBorder);
  return h;
}

core::Record MakeRecord(std::string id, std::string type, std::string properties,
                        std::string geometry = {}) {
  core::Record r;
  r.id = std::move(id);
  r.type = std::move(type);
  r.owner = "IT-NCC";
  r.properties_json = std::move(properties);
  r.geometry_json = std::move(geometry);
  r.handling = BorderHandling();
  return r;
}

CiseExportOptions ExportOptions() {
  CiseExportOptions o;
  o.message_id = "0193a6b2-0000-7000-8000-000000000001";
  o.created_at = 1'795'000'000'000;
  o.sender.service_id = "it.ncc-node01.vessel.push.provider";
  o.recipient = CiseService{"gr.ncc-node01.vessel.push.consumer", ""};
  return o;
}

CiseImportOptions ImportOptions(core::Classification c = core::Classification::kLimited) {
  CiseImportOptions o;
  o.handling = BorderHandling(c);
  return o;
}

// A well-formed Push carrying `entities` in its XmlEntityPayload.
std::string PushWith(const std::string& entities, const std::string& priority = "Low") {
  return R"(<?xml version="1.0" encoding="UTF-8"?>
<ns4:Push xmlns:ns4="http://www.cise.eu/servicemodel/v1/message/">
  <CreationDateTime>2026-11-23T08:00:00Z</CreationDateTime>
  <MessageID>m-1</MessageID>
  <Priority>)" +
         priority +
         R"(</Priority>
  <Sender><ServiceID>de.node.vessel.push.provider</ServiceID></Sender>
  <Payload xsi:type="ns4:XmlEntityPayload" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
    <InformationSecurityLevel>NonClassified</InformationSecurityLevel>
    <InformationSensitivity>Green</InformationSensitivity>
    <Purpose>BorderMonitoring</Purpose>
)" + entities +
         R"(
  </Payload>
</ns4:Push>
)";
}

Json Parse(const CiseImportedRecord& r) { return Json::parse(r.record_json); }

// ---- Round trip ---------------------------------------------------------------------------------

TEST(CiseTest, RoundTripKeepsPropertiesGeometryAndValidates) {
  std::vector<core::Record> records;
  records.push_back(MakeRecord("0193a6b2-0000-7000-8000-0000000000a1", "Vessel",
                               R"({"name":"AURORA STAR","imo":"9321483","mmsi":"047123456",)"
                               R"("call_sign":"5VAS2","flag":"IT","vessel_type":"FishingVessel",)"
                               R"("length_m":24.5,"notes":"wooden hull & blue <stripe>"})",
                               R"({"type":"Point","coordinates":[12.61,35.52]})"));
  records.push_back(MakeRecord(
      "0193a6b2-0000-7000-8000-0000000000a2", "Event",
      R"({"title":"Overcrowded boat south of Lampedusa","category":"IrregularBorderEntry",)"
      R"("description":"About 60 persons on a 10 m wooden boat.",)"
      R"("occurred_at":"2026-11-22T03:40:00Z","ended_at":"2026-11-22T05:10:30.250Z",)"
      R"("impact_level":"high","confidence":"confirmed"})",
      R"({"type":"Point","coordinates":[12.55,35.3]})"));
  // An event without geometry of its own, linked to a Location record (a polygon).
  core::Record sar = MakeRecord(
      "0193a6b2-0000-7000-8000-0000000000a3", "Event",
      R"({"title":"Search and rescue north of Lesvos","category":"search-and-rescue",)"
      R"("impact_level":"medium","confidence":"low","occurred_at":"2026-11-21T22:10:00Z"})");
  sar.links.push_back({"occurred_at", "0193a6b2-0000-7000-8000-0000000000b1"});
  records.push_back(sar);
  records.push_back(MakeRecord("0193a6b2-0000-7000-8000-0000000000b1", "Location",
                               R"({"name":"North of Lesvos","kind":"area"})",
                               R"({"type":"Polygon","coordinates":[[[26.1,39.4],[26.5,39.4],)"
                               R"([26.5,39.6],[26.1,39.6],[26.1,39.4]]]})"));

  auto exported = Codec().Export(records, ExportOptions());
  ASSERT_TRUE(exported.ok()) << exported.status().ToString();
  EXPECT_EQ(exported->vessels, 1u);
  EXPECT_EQ(exported->incidents, 2u);
  EXPECT_TRUE(exported->notes.empty());
  const std::string& xml = exported->xml;
  EXPECT_THAT(xml, HasSubstr("<MessageID>0193a6b2-0000-7000-8000-000000000001</MessageID>"));
  EXPECT_THAT(xml, HasSubstr("<ServiceType>VesselService</ServiceType>"));
  EXPECT_THAT(xml, HasSubstr("<IMONumber>9321483</IMONumber>"));
  EXPECT_THAT(xml, HasSubstr("<IrregularMigrationIncidentType>IrregularBorderEntry<"));
  EXPECT_THAT(xml, HasSubstr("<MaritimeSafetyIncident>"));
  EXPECT_THAT(xml, HasSubstr("<WKT>POLYGON ((26.1 39.4, 26.5 39.4,"));
  EXPECT_THAT(xml, HasSubstr("<Severity>Severe</Severity>"));
  EXPECT_THAT(xml, HasSubstr("wooden hull &amp; blue &lt;stripe&gt;"));
  EXPECT_TRUE(Codec().Validate(xml).ok()) << Codec().Validate(xml).ToString();

  auto imported = Codec().Import(xml, ImportOptions());
  ASSERT_TRUE(imported.ok()) << imported.status().ToString();
  EXPECT_EQ(imported->message_type, "Push");
  EXPECT_EQ(imported->message_id, "0193a6b2-0000-7000-8000-000000000001");
  EXPECT_EQ(imported->sender_service_id, "it.ncc-node01.vessel.push.provider");
  EXPECT_EQ(imported->unsupported_total, 0u);
  EXPECT_TRUE(imported->notes.empty()) << imported->notes.front();
  ASSERT_EQ(imported->records.size(), 3u);

  const Json vessel = Parse(imported->records[0]);
  EXPECT_EQ(imported->records[0].entity, "Vessel");
  EXPECT_EQ(imported->records[0].cise_uuid, "0193a6b2-0000-7000-8000-0000000000a1");
  EXPECT_EQ(vessel["type"], "Vessel");
  EXPECT_EQ(vessel["properties"], Json::parse(records[0].properties_json));
  EXPECT_EQ(vessel["geometry"], Json::parse(records[0].geometry_json));

  const Json event = Parse(imported->records[1]);
  EXPECT_EQ(imported->records[1].entity, "IrregularMigrationIncident");
  EXPECT_EQ(event["type"], "Event");
  Json want = Json::parse(records[1].properties_json);
  Json got = event["properties"];
  for (const char* t : {"occurred_at", "ended_at"}) {
    EXPECT_EQ(*core::ParseTimestamp(got[t].get<std::string>()),
              *core::ParseTimestamp(want[t].get<std::string>()))
        << t;
    got.erase(t);
    want.erase(t);
  }
  EXPECT_EQ(got, want);
  EXPECT_EQ(event["geometry"], Json::parse(records[1].geometry_json));

  const Json sar_in = Parse(imported->records[2]);
  EXPECT_EQ(imported->records[2].entity, "MaritimeSafetyIncident");
  EXPECT_EQ(sar_in["properties"]["category"], "search-and-rescue");
  EXPECT_EQ(sar_in["properties"]["impact_level"], "medium");
  EXPECT_EQ(sar_in["properties"]["confidence"], "low");
  EXPECT_EQ(sar_in["geometry"], Json::parse(records[3].geometry_json));
  EXPECT_EQ(sar_in["handling"]["classification"], "LIMITED");
  EXPECT_EQ(sar_in["handling"]["purposes"], Json::array({"border"}));
}

TEST(CiseTest, HandlingMapsToThePayloadLabelAndBack) {
  std::vector<core::Record> records;
  records.push_back(MakeRecord("v1", "Vessel", R"({"name":"A"})"));
  records.push_back(MakeRecord("v2", "Vessel", R"({"name":"B"})"));
  records[1].handling.classification = core::Classification::kRestricted;
  records[1].handling.distribution = core::Distribution::kAuthorities;
  records[1].handling.authorities = {"GR-NCC"};
  records[1].handling.delete_after = 1'800'000'000'000;
  auto exported = Codec().Export(records, ExportOptions());
  ASSERT_TRUE(exported.ok()) << exported.status().ToString();
  EXPECT_THAT(exported->xml,
              HasSubstr("<InformationSecurityLevel>EURestricted</InformationSecurityLevel>"));
  EXPECT_THAT(exported->xml, HasSubstr("<InformationSensitivity>Amber</InformationSensitivity>"));
  EXPECT_THAT(exported->xml, HasSubstr("<Purpose>BorderMonitoring</Purpose>"));
  EXPECT_THAT(exported->xml,
              HasSubstr("<RetentionPeriod>" + core::FormatTimestamp(1'800'000'000'000) +
                        "</RetentionPeriod>"));

  // Imported with LIMITED handling: raised to RESTRICTED, deletion brought forward.
  auto options = ImportOptions(core::Classification::kLimited);
  options.handling.delete_after = 1'900'000'000'000;
  auto imported = Codec().Import(exported->xml, options);
  ASSERT_TRUE(imported.ok()) << imported.status().ToString();
  ASSERT_EQ(imported->records.size(), 2u);
  for (const auto& r : imported->records) {
    const Json j = Parse(r);
    EXPECT_EQ(j["handling"]["classification"], "RESTRICTED");
    EXPECT_EQ(j["handling"]["delete_after"], core::FormatTimestamp(1'800'000'000'000));
    EXPECT_EQ(j["handling"]["distribution"], "all");
  }
  EXPECT_EQ(imported->label.security_level, "EURestricted");
  // Caller handling above the message level is kept.
  auto confidential =
      Codec().Import(exported->xml, ImportOptions(core::Classification::kConfidential));
  ASSERT_TRUE(confidential.ok());
  EXPECT_EQ(Parse(confidential->records[0])["handling"]["classification"], "CONFIDENTIAL");
}

TEST(CiseTest, LabelMappingTable) {
  core::Handling h = BorderHandling(core::Classification::kPublic);
  EXPECT_EQ(CiseLabelFor(h).security_level, "NonClassified");
  EXPECT_EQ(CiseLabelFor(h).sensitivity, "White");
  h.classification = core::Classification::kLimited;
  EXPECT_EQ(CiseLabelFor(h).sensitivity, "Green");
  h.distribution = core::Distribution::kGroup;
  EXPECT_EQ(CiseLabelFor(h).sensitivity, "Amber");
  h.distribution = core::Distribution::kOwner;
  EXPECT_EQ(CiseLabelFor(h).sensitivity, "Red");
  h.classification = core::Classification::kConfidential;
  EXPECT_EQ(CiseLabelFor(h).security_level, "EUConfidential");
  h.purposes = static_cast<core::PurposeSet>(core::Purpose::kCrime);
  EXPECT_EQ(CiseLabelFor(h).purpose, "LawEnforcementMonitoring");
  h.purposes = static_cast<core::PurposeSet>(core::Purpose::kTerrorism) |
               static_cast<core::PurposeSet>(core::Purpose::kCrime);
  EXPECT_EQ(CiseLabelFor(h).purpose, "CounterTerrorism");

  EXPECT_EQ(*ClassificationForCise("NonClassified", "White"), core::Classification::kPublic);
  EXPECT_EQ(*ClassificationForCise("NonClassified", "Green"), core::Classification::kLimited);
  EXPECT_EQ(*ClassificationForCise("NonSpecified", "Amber"), core::Classification::kLimited);
  EXPECT_EQ(*ClassificationForCise("EURestricted", "Amber"), core::Classification::kRestricted);
  EXPECT_EQ(*ClassificationForCise("EUConfidential", "Red"), core::Classification::kConfidential);
  EXPECT_EQ(ClassificationForCise("EUSecret", "Red").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ClassificationForCise("Secret", "Red").status().code(), StatusCode::kInvalidArgument);
}

// ---- Real samples (JRC CISE Sim) ----------------------------------------------------------------

TEST(CiseTest, ImportsTheVesselSample) {
  auto r = Codec().Import(ReadSample("Vessel.xml"), ImportOptions());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->message_type, "Push");
  EXPECT_EQ(r->message_id, "2657a510-5469-429f-ad00-7c96daa7c7a2");
  EXPECT_EQ(r->sender_service_id, "de.sim1-node01.vessel.push.provider");
  EXPECT_EQ(r->label.security_level, "NonClassified");
  EXPECT_EQ(r->label.sensitivity, "Green");
  ASSERT_EQ(r->records.size(), 3u);
  const Json first = Parse(r->records[0]);
  EXPECT_EQ(r->records[0].cise_uuid, "111");
  EXPECT_EQ(first["type"], "Vessel");
  EXPECT_EQ(first["properties"],
            Json::parse(R"({"name":"ABEILLELANGUEDOC","imo":"7710525","mmsi":"228002000",)"
                        R"("vessel_type":"FishingVessel"})"));
  EXPECT_EQ(first["geometry"], Json::parse(R"({"type":"Point","coordinates":[15.62,42.3242]})"));
  EXPECT_EQ(first["handling"]["classification"], "LIMITED");
  EXPECT_EQ(Parse(r->records[2])["properties"]["vessel_type"], "NuclearShip");
}

TEST(CiseTest, ImportsTheIncidentSample) {
  auto r = Codec().Import(ReadSample("Incident.xml"), ImportOptions());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->records.size(), 1u);
  const Json e = Parse(r->records[0]);
  EXPECT_EQ(e["type"], "Event");
  EXPECT_EQ(e["properties"]["category"], "incident");
  EXPECT_EQ(e["properties"]["title"], "Incident 08c5ca8c-34e0-4b4d-a6e5-d896tyuaecae");
  EXPECT_TRUE(e["geometry"].is_null());
}

TEST(CiseTest, ImportsTheTemplateMessages) {
  // Push, PullResponse and PullRequest templates each carry one Vessel (IMO 7710525).
  for (const char* name :
       {"PushTemplate.xml", "Pull_responseTemplate.xml", "Incident_mockTemplate.xml"}) {
    auto r = Codec().Import(ReadSample(name), ImportOptions());
    ASSERT_TRUE(r.ok()) << name << ": " << r.status().ToString();
    ASSERT_EQ(r->records.size(), 1u) << name;
    EXPECT_EQ(Parse(r->records[0])["properties"]["imo"], "7710525") << name;
  }
  auto lsa = Codec().Import(ReadSample("PushTemplateEULSA1.xml"), ImportOptions());
  ASSERT_TRUE(lsa.ok()) << lsa.status().ToString();
  ASSERT_EQ(lsa->records.size(), 3u);
  EXPECT_EQ(Parse(lsa->records[1])["properties"]["name"], "MARY BST");
  EXPECT_EQ(lsa->label.purpose, "SAR");
  // Messages without entities validate and import nothing.
  for (const char* name :
       {"AcknowledgementTemplate.xml", "FeedbackTemplate.xml", "Pull_requestTemplate.xml"}) {
    EXPECT_TRUE(Codec().Validate(ReadSample(name)).ok())
        << name << ": " << Codec().Validate(ReadSample(name)).ToString();
  }
}

TEST(CiseTest, CountsUnsupportedEntities) {
  auto r = Codec().Import(ReadSample("VesselDocument.xml"), ImportOptions());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->records.empty());
  EXPECT_GE(r->unsupported_total, 1u);
  EXPECT_EQ(r->unsupported.at("VesselDocument"), r->unsupported_total);

  auto mixed = Codec().Import(
      PushWith("<Vessel><Name>ONE</Name></Vessel><Anomaly><AnomalyType>CargoLeaking</AnomalyType>"
               "</Anomaly><Anomaly/>"),
      ImportOptions());
  ASSERT_TRUE(mixed.ok()) << mixed.status().ToString();
  EXPECT_EQ(mixed->records.size(), 1u);
  EXPECT_EQ(mixed->unsupported.at("Anomaly"), 2u);
  EXPECT_EQ(mixed->unsupported_total, 2u);
}

TEST(CiseTest, RefusesTheSimulatorsNegativeSamples) {
  // SOAP-wrapped: not a CISE message root.
  auto soap = Codec().Import(ReadSample("foo.xml"), ImportOptions());
  ASSERT_FALSE(soap.ok());
  EXPECT_EQ(soap.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(soap.status().message(), HasSubstr("not a CISE message"));
  // Deliberately malformed simulator messages fail the envelope XSD.
  for (const auto& [name, field] :
       {std::pair{"COM_01_Vessel_a.xml", "Feedback"},
        std::pair{"COM_01_Vessel_b.xml", "PullResponse/Payload/RetentionPeriod"}}) {
    const Status s = Codec().Validate(ReadSample(name));
    ASSERT_FALSE(s.ok()) << name;
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(s.message(), HasSubstr("not valid against the CISE XSDs")) << s.message();
    EXPECT_THAT(s.message(), HasSubstr("line ")) << s.message();
    EXPECT_EQ(s.field(), field) << s.message();
  }
}

// ---- Invalid input ------------------------------------------------------------------------------

TEST(CiseTest, EnvelopeErrorNamesTheElementAndPosition) {
  const Status s = Codec().Validate(PushWith("<Vessel><Name>X</Name></Vessel>", "Urgent"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.field(), "Push/Priority");
  EXPECT_THAT(s.message(), HasSubstr("Urgent"));
  EXPECT_THAT(s.message(), HasSubstr("(line 5, column"));  // the line of <Priority>

  // A required envelope element missing.
  std::string no_id = PushWith("");
  no_id.replace(no_id.find("<MessageID>m-1</MessageID>"), 26, "");
  const Status missing = Codec().Validate(no_id);
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.message(), HasSubstr("MessageID"));
}

TEST(CiseTest, EntityFailingTheEntityXsdIsRefused) {
  // The envelope is fine; the second Vessel's MMSI is not an xs:long.
  const std::string xml = PushWith(
      "<Vessel><Name>OK</Name></Vessel>\n<Vessel><Name>BAD</Name><MMSI>12ab</MMSI></Vessel>");
  const Status s = Codec().Validate(xml);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.field(), "Push/Payload/Vessel[2]/MMSI");
  EXPECT_THAT(s.message(), HasSubstr("12ab"));
  EXPECT_THAT(s.message(), HasSubstr("(line 12, column"));  // the second Vessel's line
  auto imported = Codec().Import(xml, ImportOptions());
  ASSERT_FALSE(imported.ok());
  EXPECT_EQ(imported.status().field(), "Push/Payload/Vessel[2]/MMSI");

  // Elements out of the XSD's order, and an entity the data model does not have.
  EXPECT_FALSE(Codec().Validate(PushWith("<Vessel><MMSI>1</MMSI><Name>A</Name></Vessel>")).ok());
  const Status unknown = Codec().Validate(PushWith("<Submarine/>"));
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.field(), "Push/Payload/Submarine");
}

TEST(CiseTest, BadCoordinatesNameTheField) {
  auto r = Codec().Import(PushWith("<Vessel><Name>A</Name><LocationRel><Location><Geometry>"
                                   "<Latitude>95.5</Latitude><Longitude>10</Longitude>"
                                   "</Geometry></Location></LocationRel></Vessel>"),
                          ImportOptions());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().field(), "Push/Payload/Vessel/LocationRel/Location/Geometry/Latitude");
  EXPECT_THAT(r.status().message(), HasSubstr("95.5"));
}

TEST(CiseTest, ValuesTheNodeCannotHoldAreNotedNotFatal) {
  auto r = Codec().Import(
      PushWith("<Vessel><Name>A</Name><Nationality>Italy</Nationality><IMONumber>123</IMONumber>"
               "<MMSI>2470001</MMSI></Vessel><Vessel><IMONumber>42</IMONumber></Vessel>"),
      ImportOptions());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->records.size(), 1u);  // the second has no identity the node can hold
  const Json v = Parse(r->records[0]);
  EXPECT_EQ(v["properties"], Json::parse(R"({"name":"A","mmsi":"002470001"})"));
  ASSERT_EQ(r->notes.size(), 4u);
  EXPECT_THAT(r->notes[0], HasSubstr("Push/Payload/Vessel/IMONumber"));
  EXPECT_THAT(r->notes[1], HasSubstr("Push/Payload/Vessel/Nationality"));
  EXPECT_THAT(r->notes[3], HasSubstr("Push/Payload/Vessel[2]"));
}

TEST(CiseTest, RefusesDtdsAndExternalEntities) {
  const std::string xxe =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE p [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n" +
      PushWith("<Vessel><Name>&x;</Name></Vessel>").substr(39);
  auto r = Codec().Import(xxe, ImportOptions());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("DOCTYPE"));
  // A schemaLocation hint is not followed: validation uses the built-in XSDs only.
  std::string hinted = PushWith("<Vessel><Name>A</Name></Vessel>");
  hinted.replace(hinted.find("<ns4:Push "), 10,
                 "<ns4:Push xsi:schemaLocation=\"http://www.cise.eu/servicemodel/v1/message/ "
                 "http://127.0.0.1:1/evil.xsd\" "
                 "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" ");
  EXPECT_TRUE(Codec().Validate(hinted).ok()) << Codec().Validate(hinted).ToString();
}

TEST(CiseTest, MalformedXmlGivesLineAndColumn) {
  const Status s = Codec().Validate("<ns4:Push xmlns:ns4=\"x\">\n  <MessageID>1</Message>\n");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("malformed XML"));
  EXPECT_THAT(s.message(), HasSubstr("line 2"));
  EXPECT_FALSE(Codec().Validate("").ok());
  EXPECT_FALSE(Codec().Validate("not xml at all").ok());
  EXPECT_FALSE(Codec().Validate(std::string(200, '<')).ok());
  // Deep nesting is refused before it can exhaust the stack.
  std::string deep;
  for (int i = 0; i < 5000; ++i) deep += "<a>";
  for (int i = 0; i < 5000; ++i) deep += "</a>";
  const Status too_deep = Codec().Validate(deep);
  ASSERT_FALSE(too_deep.ok());
  EXPECT_THAT(too_deep.message(), HasSubstr("nested deeper than 128"));
}

TEST(CiseTest, LongIdentifiersGiveATitleCutOnACharacter) {
  // No Abstract: the title is built from the element and the UUID, cut to 300 characters
  // without splitting the multi-byte characters.
  std::string uuid;
  for (int i = 0; i < 400; ++i) uuid += "\u00e9";  // é, two bytes each
  auto r = Codec().Import(
      PushWith("<Incident><Identifier><UUID>" + uuid + "</UUID></Identifier></Incident>"),
      ImportOptions());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->records.size(), 1u);
  const std::string title = Parse(r->records[0])["properties"]["title"];
  EXPECT_EQ(title.size(), 9 + 291 * 2u);  // "Incident " + 291 characters of two bytes
  EXPECT_EQ(title.substr(0, 11), "Incident \u00e9");
}

TEST(CiseTest, SecretPayloadsAreRefused) {
  std::string xml = PushWith("<Vessel><Name>A</Name></Vessel>");
  xml.replace(xml.find("NonClassified"), 13, "EUSecret");
  auto r = Codec().Import(xml, ImportOptions());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().field(), "Push/Payload/InformationSecurityLevel");
}

// ---- Export errors ------------------------------------------------------------------------------

TEST(CiseTest, ExportRefusesWhatCiseCannotCarry) {
  std::vector<core::Record> person = {MakeRecord("p1", "Person", R"({"name":"X"})")};
  auto r = Codec().Export(person, ExportOptions());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().field(), "records[0].type");

  std::vector<core::Record> line = {MakeRecord(
      "v1", "Vessel", R"({"name":"X"})", R"({"type":"LineString","coordinates":[[1,2],[3,4]]})")};
  r = Codec().Export(line, ExportOptions());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().field(), "records[0].geometry.type");

  std::vector<core::Record> bad_imo = {MakeRecord("v1", "Vessel", R"({"imo":"12"})")};
  r = Codec().Export(bad_imo, ExportOptions());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().field(), "records[0].properties.imo");

  std::vector<core::Record> control = {
      MakeRecord("v1", "Vessel", R"({"name":"X","notes":"bell \u0007 here"})")};
  r = Codec().Export(control, ExportOptions());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().field(), "records[0].properties.notes");

  auto no_sender = ExportOptions();
  no_sender.sender.service_id.clear();
  EXPECT_EQ(Codec().Export(line, no_sender).status().field(), "sender.service_id");

  // A free-text vessel type without a CISE ShipType is left out with a note.
  std::vector<core::Record> reefer = {
      MakeRecord("v1", "Vessel", R"({"name":"X","vessel_type":"reefer"})")};
  auto noted = Codec().Export(reefer, ExportOptions());
  ASSERT_TRUE(noted.ok()) << noted.status().ToString();
  ASSERT_EQ(noted->notes.size(), 1u);
  EXPECT_THAT(noted->notes[0], HasSubstr("records[0].properties.vessel_type"));
  EXPECT_THAT(noted->xml, ::testing::Not(HasSubstr("ShipType")));
}

// ---- Process-level behaviour --------------------------------------------------------------------

TEST(CiseTest, ValidatesFromAnyWorkingDirectoryAndConcurrently) {
  const auto cwd = std::filesystem::current_path();
  ASSERT_EQ(chdir("/"), 0);
  auto second = CiseCodec::Create();
  std::filesystem::current_path(cwd);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  const std::string sample = ReadSample("Vessel.xml");
  EXPECT_TRUE((*second)->Validate(sample).ok());

  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        auto r = Codec().Import(sample, ImportOptions());
        ok[t] += r.ok() && r->records.size() == 3 ? 1 : 0;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok, std::vector<int>(4, 5));
}

}  // namespace
}  // namespace issa::maritime
