// Drives the real `issa screen` binary on the real list excerpts of tests/data/travel.
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>

#include "run_issa.h"

namespace {

namespace fs = std::filesystem;

using issa::cli::testing::Issa;
using issa::cli::testing::RunResult;

std::vector<nlohmann::json> Lines(const std::string& out) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

std::string WriteInput(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path) << text;
  return path;
}

const std::string kData = std::string(ISSA_TEST_DATA) + "/travel";
const std::string kLists = "--lists " + kData + "/ofac_sdn " + kData +
                           "/un_consolidated_excerpt.xml " + kData + "/alerts.json";

TEST(IssaScreen, OneLinePerPassengerWithCandidatesAtTheAlertThreshold) {
  const std::string input =
      WriteInput("pax.ndjson",
                 "{\"id\":\"p1\",\"name\":\"Ayman "
                 "al-Zawahiri\",\"dob\":\"1951-06-19\",\"nationality\":\"EGY\"}\n"
                 "{\"id\":2,\"name\":\"John Smith\"}\n"
                 "{\"id\":\"p3\",\"name\":\"Jan Jansen\",\"document\":\"NXC-3P1F47\"}\n"
                 "{\"id\":\"p4\",\"name\":\"صدام حسين التكريتي\"}\n");
  const RunResult r = Issa("screen " + kLists + " --input " + input);
  ASSERT_EQ(r.code, 0) << r.err;
  const auto lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 4U);
  EXPECT_EQ(r.out.substr(0, 12), "{\"id\":\"p1\",\"");  // id first, as the issue shows
  EXPECT_EQ(lines[0]["id"], "p1");
  ASSERT_EQ(lines[0]["candidates"].size(), 1U);
  const auto& c = lines[0]["candidates"][0];
  EXPECT_EQ(c["list"], "ofac-sdn");
  EXPECT_EQ(c["entry_id"], "2676");
  EXPECT_EQ(c["score"], 1.0);
  EXPECT_NE(c["name"].get<std::string>().find("ZAWAHIRI"), std::string::npos);
  const auto features = c["features"].get<std::vector<std::string>>();
  EXPECT_NE(std::find(features.begin(), features.end(), "birth_date"), features.end());
  EXPECT_EQ(lines[1]["id"], 2);
  EXPECT_TRUE(lines[1]["candidates"].empty());
  EXPECT_EQ(lines[2]["candidates"][0]["entry_id"], "NL-2026-000303");
  EXPECT_EQ(lines[2]["candidates"][0]["alert"]["category"], "stolen-document");
  EXPECT_EQ(lines[3]["candidates"][0]["entry_id"], "IQi.001");
  EXPECT_NE(r.err.find("list ofac-sdn (ofac-csv), 9 entries"), std::string::npos);
}

TEST(IssaScreen, ThresholdZeroListsTheKBest) {
  const std::string input = WriteInput("pax_top.ndjson", "{\"id\":\"a\",\"name\":\"Ahmad Ali\"}\n");
  const RunResult def = Issa("screen " + kLists + " --input " + input);
  ASSERT_EQ(def.code, 0) << def.err;
  const RunResult r = Issa("screen " + kLists + " --input " + input + " --threshold 0 --top 3");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 1U);
  const auto& c = lines[0]["candidates"];
  ASSERT_EQ(c.size(), 3U);
  EXPECT_GE(c[0]["score"].get<double>(), c[1]["score"].get<double>());
  EXPECT_GE(c[1]["score"].get<double>(), c[2]["score"].get<double>());
  EXPECT_LT(Lines(def.out)[0]["candidates"].size(), 3U);
}

// A second list naming the same person under another name, with the same passport: the
// passenger's hit on the first list brings the second list's entry, marked as linked.
TEST(IssaScreen, LinkedDesignationsFollowTheirCandidate) {
  const std::string other =
      WriteInput("alerts_fr.json",
                 R"({"format": "issa-alerts/1", "list": "sis-fr", "issuing_authority": "FR-DGSI",
          "alerts": [{"id": "FR-2026-000999", "category": "specific-check",
                      "action": "Specific check", "expiry": "2029-12-31",
                      "person": {"names": ["Jean Sidor"], "birth_dates": ["1975-03-14"],
                                 "documents": [{"type": "passport", "number": "751234567",
                                                "country": "RU"}]}}]})");
  const std::string input =
      WriteInput("pax_linked.ndjson",
                 "{\"id\":\"x\",\"name\":\"Ivan Petrovich Sidorov\",\"dob\":\"1975-03-14\"}\n");
  const RunResult r = Issa("screen " + kLists + " " + other + " --input " + input);
  ASSERT_EQ(r.code, 0) << r.err;
  const auto lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 1U);
  const auto& c = lines[0]["candidates"];
  ASSERT_EQ(c.size(), 2U) << r.out;
  EXPECT_EQ(c[0]["entry_id"], "DE-2026-000101");
  EXPECT_FALSE(c[0].contains("linked_from"));
  EXPECT_EQ(c[1]["list"], "sis-fr");
  EXPECT_EQ(c[1]["entry_id"], "FR-2026-000999");
  EXPECT_EQ(c[1]["linked_from"], "sis-test/DE-2026-000101");
  EXPECT_EQ(c[1]["score"], c[0]["score"]);
  EXPECT_EQ(c[1]["alert"]["category"], "specific-check");
}

TEST(IssaScreen, BadLinesAreReportedAndTheRestScreened) {
  const std::string input = WriteInput("pax_bad.ndjson",
                                       "{\"id\":\"ok\",\"name\":\"Lionel Dumont\"}\n"
                                       "not json\n"
                                       "{\"id\":\"d\",\"name\":\"X Y\",\"dob\":\"1971-02-30\"}\n"
                                       "{\"name\":\"No Id\"}\n"
                                       "{\"id\":\"e\",\"name\":\"\"}\n");
  const RunResult r = Issa("screen " + kLists + " --input " + input);
  EXPECT_EQ(r.code, 4);
  const auto lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 1U);
  EXPECT_EQ(lines[0]["candidates"][0]["entry_id"], "7831");
  EXPECT_NE(r.err.find(":2: malformed JSON"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(":3: InvalidArgument"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("(field dob)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("(field id)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("(field name)"), std::string::npos) << r.err;
}

TEST(IssaScreen, BadListsAndArgumentsAreUsageErrors) {
  const std::string input = WriteInput("pax1.ndjson", "{\"id\":1,\"name\":\"A B\"}\n");
  RunResult r = Issa("screen --lists " + kData + "/SOURCES.md --input " + input);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("SOURCES.md: unknown list format"), std::string::npos) << r.err;
  r = Issa("screen --lists /nonexistent --input " + input);
  EXPECT_NE(r.code, 0);
  r = Issa("screen " + kLists + " --input " + input + " --threshold 1.5");
  EXPECT_EQ(r.code, 2);
  const std::string edifact = WriteInput("pnr.edi", "UNA:+.? '\nUNB+IATA:1+X+Y+250101:1200+1'\n");
  r = Issa("screen " + kLists + " --input " + edifact);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("missing UNZ"), std::string::npos) << r.err;
}

// A real PNRGOV push (GTAS sample): every traveller is screened under its key, with the date of
// birth, nationality and document of its SSR DOCS. The stolen-document alert is on the first
// traveller's passport only.
TEST(IssaScreen, PnrgovInterchangeScreensEveryTraveller) {
  const std::string alerts = WriteInput("doc_alert.json", R"({"format":"issa-alerts/1",
    "list":"sis-test","issuing_authority":"NL-KMAR","alerts":[{"id":"GB-DOC-1",
    "category":"stolen-document","action":"Seize the document","expiry":"2030-01-01",
    "document":{"type":"passport","number":"123456789","country":"GB"}}]})");
  const RunResult r =
      Issa("screen --lists " + alerts + " --input " + kData + "/pnrgov/gtas-loader__pnr1.txt");
  EXPECT_EQ(r.code, 0) << r.err;
  const auto lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 2U) << r.out;
  EXPECT_EQ(lines[0]["id"], "MFN4TI/1");
  ASSERT_EQ(lines[0]["candidates"].size(), 1U);
  EXPECT_EQ(lines[0]["candidates"][0]["entry_id"], "GB-DOC-1");
  EXPECT_EQ(lines[0]["candidates"][0]["alert"]["category"], "stolen-document");
  EXPECT_EQ(lines[1]["id"], "MFN4TI/2");
  EXPECT_TRUE(lines[1]["candidates"].empty());
  EXPECT_NE(r.err.find("2 screened, 1 with an alert"), std::string::npos) << r.err;
}

// PAXLST (API data): every person of the manifest (NAD+FL passenger, NAD+FM crew) gets a line.
TEST(IssaScreen, PaxlstInterchangeScreensPassengersAndCrew) {
  const std::string path = kData + "/paxlst/gtas-loader__Test1.txt";
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  size_t persons = 0;
  for (size_t at = text.str().find("NAD+F"); at != std::string::npos;
       at = text.str().find("NAD+F", at + 1)) {
    ++persons;
  }
  ASSERT_GT(persons, 0U);
  const RunResult r = Issa("screen " + kLists + " --threshold 0 --top 1 --input " + path);
  EXPECT_EQ(r.code, 0) << r.err;
  const auto lines = Lines(r.out);
  EXPECT_EQ(lines.size(), persons) << r.out;
  for (const auto& line : lines) EXPECT_TRUE(line["id"].is_string());
}

}  // namespace
