#include "issa/cyber/warninglist.h"

#include <gtest/gtest.h>

namespace issa::cyber {
namespace {

Observable Obs(ObservableType t, std::string v) { return *MakeObservable(t, v); }

TEST(WarningLists, LoadsRealMispListsAndMatchesEachType) {
  WarningLists lists;
  const auto problems = lists.LoadDirectory(std::string(ISSA_CYBER_TEST_DATA) + "/warninglists");
  EXPECT_TRUE(problems.empty()) << problems.front().status.ToString();
  EXPECT_TRUE(lists.Compile().empty());
  EXPECT_EQ(lists.ListCount(), 7u);
  // cidr (rfc1918), IPv6 link-local
  EXPECT_EQ(lists.Match(Obs(ObservableType::kIpv4, "192.168.10.1")).size(), 1u);
  EXPECT_TRUE(lists.Match(Obs(ObservableType::kIpv4, "8.8.8.8")).empty());
  EXPECT_EQ(lists.Match(Obs(ObservableType::kIpv6, "fe80::1")).size(), 1u);
  // hostname: the name and its subdomains, URL hosts too
  EXPECT_EQ(lists.Match(Obs(ObservableType::kHostname, "hit-botnet.opendns.com")).size(), 1u);
  EXPECT_EQ(lists.Match(Obs(ObservableType::kUrl, "http://x.hit-block.opendns.com/a")).size(), 1u);
  EXPECT_TRUE(lists.Match(Obs(ObservableType::kHostname, "opendns.com")).empty());
  // string (empty-file hashes), restricted by matching_attributes to hash types
  EXPECT_EQ(lists.Match(Obs(ObservableType::kMd5, "D41D8CD98F00B204E9800998ECF8427E")),
            std::vector<std::string>{"List of known hashes for empty files"});
  // regex with /i flag (common contact e-mails)
  EXPECT_EQ(lists.Match(Obs(ObservableType::kEmail, "ABUSE@example.org")).size(), 1u);
  EXPECT_TRUE(lists.Match(Obs(ObservableType::kEmail, "alice@example.org")).empty());
  // substring (sandbox domains) only for its attribute types
  EXPECT_EQ(lists.Match(Obs(ObservableType::kUrl, "https://analyze.intezer.com/x")).size(), 1u);
  EXPECT_TRUE(lists.Match(Obs(ObservableType::kFilename, "analyze.intezer.com")).empty());
}

TEST(WarningLists, BadListsAreRejectedWholeWithTheField) {
  WarningLists lists;
  auto s = lists.AddList(R"({"name":"x","type":"cidr","list":["10.0.0.0/8","10.0.0.0/99"]})", "x");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.field(), "list[1]");
  EXPECT_EQ(lists.ListCount(), 0u);
  EXPECT_EQ(lists.AddList("not json", "y").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(lists.AddList(R"({"name":"x","type":"bloom","list":[]})", "z").field(), "type");
  EXPECT_EQ(lists.AddList(R"({"name":"x","type":"string"})", "z").field(), "list");
  // A regex Hyperscan cannot compile (back-reference) is dropped and reported by Compile.
  ASSERT_TRUE(
      lists.AddList(R"({"name":"r","type":"regex","list":["/(a)\\1/","/evil[0-9]+/"]})", "r").ok());
  const auto problems = lists.Compile();
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].status.field(), "list[0]");
  EXPECT_EQ(lists.Match(Obs(ObservableType::kText, "evil42")).size(), 1u);
}

}  // namespace
}  // namespace issa::cyber
