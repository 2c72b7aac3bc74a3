// CheckCsafMandatory on the OASIS CSAF 2.0 test suite (tests/data/cyber/csaf): for every test it
// implements, each failure document is reported under that test id and no valid one is.
#include <filesystem>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "issa/core/file.h"
#include "issa/cyber/csaf.h"

namespace issa::cyber {
namespace {

const std::string kData = ISSA_CYBER_TEST_DATA;

const std::set<std::string> kImplemented = {
    "6.1.1",  "6.1.2",  "6.1.4",    "6.1.5",    "6.1.12",   "6.1.14",   "6.1.15",   "6.1.16",
    "6.1.17", "6.1.18", "6.1.19",   "6.1.20",   "6.1.21",   "6.1.22",   "6.1.23",   "6.1.26",
    "6.1.28", "6.1.30", "6.1.27.1", "6.1.27.2", "6.1.27.3", "6.1.27.4", "6.1.27.11"};

std::set<std::string> TestsFailed(const std::string& file) {
  auto text = core::ReadFile(kData + "/csaf/" + file);
  EXPECT_TRUE(text.ok()) << file;
  auto findings = CheckCsafMandatory(text.ok() ? *text : "");
  EXPECT_TRUE(findings.ok()) << file << ": " << findings.status().ToString();
  std::set<std::string> out;
  if (findings.ok()) {
    for (const auto& f : *findings) {
      EXPECT_FALSE(f.path.empty()) << file << " " << f.test;
      EXPECT_EQ(f.path.front(), '/') << f.path;
      out.insert(f.test);
    }
  }
  return out;
}

TEST(CsafCheckTest, OasisMandatoryTestSuite) {
  const auto suite = nlohmann::json::parse(*core::ReadFile(kData + "/csaf/testcases.json"));
  size_t failures = 0;
  size_t valids = 0;
  std::set<std::string> covered;
  for (const auto& test : suite["tests"]) {
    const std::string id = test["id"];
    if (test["group"] != "mandatory" || !kImplemented.contains(id)) continue;
    covered.insert(id);
    for (const auto& f : test.value("failures", nlohmann::json::array())) {
      const std::string file = f["name"];
      const auto failed = TestsFailed(file.substr(file.find("mandatory/")));
      EXPECT_TRUE(failed.contains(id)) << file << " should fail " << id;
      ++failures;
    }
    for (const auto& v : test.value("valid", nlohmann::json::array())) {
      const std::string file = v["name"];
      const auto failed = TestsFailed(file.substr(file.find("mandatory/")));
      EXPECT_FALSE(failed.contains(id)) << file << " should pass " << id;
      ++valids;
    }
  }
  EXPECT_EQ(covered, kImplemented);
  EXPECT_GT(failures, 30U);
  EXPECT_GT(valids, 20U);
}

TEST(CsafCheckTest, ExamplesPass) {
  for (const char* f : {"examples/rhsa-2019_1862.json", "examples/bsi-2022-0001.json"}) {
    EXPECT_EQ(TestsFailed(f), std::set<std::string>{}) << f;
  }
}

TEST(CsafCheckTest, FindingsNameTestAndPath) {
  auto text = *core::ReadFile(kData + "/csaf/examples/rhsa-2019_1862.json");
  auto doc = nlohmann::json::parse(text);
  doc["vulnerabilities"] = nlohmann::json::array({{{"cve", "CVE-2019-1000"}}});
  doc["document"]["references"] = nlohmann::json::array();
  auto findings = CheckCsafMandatory(doc.dump());
  ASSERT_TRUE(findings.ok());
  std::map<std::string, std::string> by_test;
  for (const auto& f : *findings) by_test[f.test] = f.path;
  EXPECT_EQ(by_test["6.1.27.3"], "/vulnerabilities");
  EXPECT_EQ(by_test["6.1.27.2"], "/document/references");
  EXPECT_EQ(CheckCsafMandatory("[1]").status().field(), "csaf");
  EXPECT_EQ(CheckCsafMandatory("{\"document\":").status().field(), "csaf");
  EXPECT_TRUE(CheckCsafMandatory(R"({"document":{"tracking":{"revision_history":[1,{}]}}})").ok());
}

}  // namespace
}  // namespace issa::cyber
