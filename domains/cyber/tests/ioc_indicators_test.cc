#include "issa/cyber/ioc_indicators.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace issa::cyber {
namespace {

constexpr core::Timestamp kNow = 1'795'428'000'000;  // 2026-11-23T10:00:00Z

TEST(StixScanIndicators, ActiveEqualityComparisonsAndRegex) {
  const auto bundle = R"({"type":"bundle","id":"bundle--1","objects":[
    {"type":"indicator","id":"indicator--a","pattern_type":"stix","valid_from":"2020-01-01T00:00:00Z",
     "pattern":"[domain-name:value = 'evil.example' AND domain-name:resolves_to_refs[*].value = '198.51.100.1']"},
    {"type":"indicator","id":"indicator--b","pattern":"[file:hashes.'SHA-256' = 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855'] OR [url:value MATCHES '^http://x[0-9]+\\\\.example/']"},
    {"type":"indicator","id":"indicator--bad-escape","pattern":"[url:value MATCHES '^http://y\\.example/']"},
    {"type":"indicator","id":"indicator--in","pattern":"[ipv4-addr:value IN ('192.0.2.7', '192.0.2.8')] AND [ipv4-addr:value != '192.0.2.9']"},
    {"type":"indicator","id":"indicator--expired","pattern":"[ipv4-addr:value = '192.0.2.1']","valid_until":"2021-01-01T00:00:00Z"},
    {"type":"indicator","id":"indicator--revoked","pattern":"[ipv4-addr:value = '192.0.2.2']","revoked":true},
    {"type":"indicator","id":"indicator--qualified","pattern":"[ipv4-addr:value = '192.0.2.3'] REPEATS 5 TIMES"},
    {"type":"indicator","id":"indicator--process","pattern":"[process:name = 'evil.exe']"},
    {"type":"indicator","id":"indicator--yara","pattern":"rule x {}","pattern_type":"yara"},
    {"type":"malware","id":"malware--x","name":"x"}]})";
  std::vector<ScanProblem> problems;
  auto indicators = StixScanIndicators(bundle, kNow, problems);
  ASSERT_TRUE(indicators.ok());
  ASSERT_EQ(indicators->size(), 6u);
  EXPECT_EQ((*indicators)[0].type, ObservableType::kDomain);
  EXPECT_EQ((*indicators)[1].type, ObservableType::kIpv4);
  EXPECT_EQ((*indicators)[2].type, ObservableType::kSha256);
  EXPECT_EQ((*indicators)[3].match, IndicatorMatch::kRegex);
  EXPECT_EQ((*indicators)[3].value, "^http://x[0-9]+\\.example/");
  // IN: each value of the set; an inequality is not scanned.
  EXPECT_EQ((*indicators)[4].value, "192.0.2.7");
  EXPECT_EQ((*indicators)[5].value, "192.0.2.8");
  // The patterning grammar (pattern.h) decides: '\.' is no STIX string escape.
  ASSERT_EQ(problems.size(), 5u);
  EXPECT_EQ(problems[0].indicator_id, "indicator--bad-escape");
  EXPECT_EQ(problems[0].status.field(), "pattern");
  EXPECT_EQ(problems[0].status.message().rfind("at 19:", 0), 0u) << problems[0].status.message();
  EXPECT_EQ(problems[1].indicator_id, "indicator--in");
  EXPECT_NE(problems[1].status.message().find("'ipv4-addr:value !='"), std::string::npos)
      << problems[1].status.message();
  EXPECT_EQ(problems[2].indicator_id, "indicator--qualified");
  EXPECT_EQ(problems[3].indicator_id, "indicator--process");
  EXPECT_EQ(problems[4].indicator_id, "indicator--yara");
  EXPECT_EQ(problems[4].status.field(), "pattern_type");
  EXPECT_FALSE(StixScanIndicators("{", kNow, problems).ok());
  EXPECT_FALSE(StixScanIndicators(R"({"type":"bundle"})", kNow, problems).ok());
}

TEST(LoadScanIndicators, TellsMispFromStix) {
  std::vector<ScanProblem> problems;
  auto misp =
      LoadScanIndicators(R"({"Event":{"uuid":"aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee","Attribute":[
    {"uuid":"5f1a0b1c-0000-4000-8000-000000000001","type":"domain|ip","value":"evil.example|198.51.100.9","to_ids":true},
    {"uuid":"5f1a0b1c-0000-4000-8000-000000000002","type":"comment","value":"x","to_ids":true},
    {"uuid":"5f1a0b1c-0000-4000-8000-000000000003","type":"md5","value":"d41d8cd98f00b204e9800998ecf8427e","to_ids":false}]}})",
                         kNow, problems);
  ASSERT_TRUE(misp.ok());
  ASSERT_EQ(misp->size(), 2u);
  EXPECT_EQ((*misp)[1].type, ObservableType::kIpv4);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].indicator_id, "5f1a0b1c-0000-4000-8000-000000000002");
}

TEST(SightingStixJson, PostableSighting) {
  IocSighting s{"5a3c3045-61dc-495c-ae8a-471e02de0b81",
                "meteost.com",
                "proxy.log",
                3,
                9,
                2,
                1700000000123,
                std::nullopt};
  const auto json = SightingStixJson(s, "identity--0b5c8f4a-1f2e-4b7a-9a11-222222222222", kNow);
  EXPECT_NE(json.find(R"("sighting_of_ref":"indicator--5a3c3045-61dc-495c-ae8a-471e02de0b81")"),
            std::string::npos);
  EXPECT_NE(json.find(R"("first_seen":"2023-11-14T22:13:20.123Z")"), std::string::npos);
  EXPECT_NE(json.find(R"("last_seen":"2026-11-23T10:00:00.000Z")"), std::string::npos);
  EXPECT_NE(json.find(R"("count":2)"), std::string::npos);
  EXPECT_NE(json.find(R"("x_issa_lines":[3,9])"), std::string::npos);
  // The id is a version 5 UUID, as the STIX id pattern asks.
  const auto id = nlohmann::json::parse(json)["id"].get<std::string>();
  ASSERT_EQ(id.size(), std::string("sighting--").size() + 36) << id;
  EXPECT_EQ(id[10 + 14], '5') << id;
  EXPECT_EQ(json, SightingStixJson(s, "identity--0b5c8f4a-1f2e-4b7a-9a11-222222222222",
                                   kNow));  // same id
}

}  // namespace
}  // namespace issa::cyber
