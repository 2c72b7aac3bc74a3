#include "issa/cyber/correlation.h"

#include <set>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "issa/cyber/warninglist.h"

namespace issa::cyber {
namespace {

ObservableEntry Entry(std::string id, std::string owner, ObservableType type, std::string value) {
  return {std::move(id), std::move(owner), "tlp:green", {{type, std::move(value)}}};
}

std::set<std::string> HitSet(const CorrelationPage& page) {
  std::set<std::string> out;
  for (const auto& h : page.hits)
    out.insert(fmt::format("{}:{}", CorrelationKindName(h.kind), h.member.id));
  return out;
}

TEST(CorrelationIndex, EqualValuesAcrossAuthoritiesFormOneGroup) {
  CorrelationIndex index;
  ASSERT_TRUE(index.Add(Entry("a", "cert-fr", ObservableType::kDomain, "Evil.Example")).ok());
  ASSERT_TRUE(index.Add(Entry("b", "cert-de", ObservableType::kHostname, "evil.example.")).ok());
  ASSERT_TRUE(index.Add(Entry("c", "cert-it", ObservableType::kDomain, "other.example")).ok());
  auto page = index.Correlations("a", 0, 10);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->hits.size(), 1u);
  EXPECT_EQ(page->hits[0].member.id, "b");
  EXPECT_EQ(page->hits[0].member.owner, "cert-de");
  EXPECT_EQ(page->hits[0].member.handling, "tlp:green");
  EXPECT_EQ(page->hits[0].kind, CorrelationKind::kSameValue);
  EXPECT_EQ(index.Stats().groups, 2u);
  EXPECT_EQ(index.Stats().memberships, 3u);
}

// Values already normalised by MakeObservable (the cti matcher's) are taken as they are and
// correlate with raw values normalised by the index.
TEST(CorrelationIndex, NormalisedValuesJoinRawOnes) {
  CorrelationIndex index;
  ASSERT_TRUE(index.Add(Entry("raw", "cert-fr", ObservableType::kDomain, "Evil.Example.")).ok());
  auto value = MakeObservable(ObservableType::kDomain, "EVIL.example");
  ASSERT_TRUE(value.ok());
  ObservableEntry e{"done", "cert-de", "tlp:green", {*value}, /*normalised=*/true};
  ASSERT_TRUE(index.Add(e).ok());
  auto page = index.Correlations("done", 0, 10);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->hits.size(), 1u);
  EXPECT_EQ(page->hits[0].member.id, "raw");
  EXPECT_EQ(page->hits[0].kind, CorrelationKind::kSameValue);
  EXPECT_EQ(index.Stats().groups, 1u);
}

// Lookups between inserts (the node correlates every write at once) find what was just added,
// whether it still sits in the unsorted tail of the range indexes or was merged into them.
TEST(CorrelationIndex, LookupsBetweenInsertsSeeEveryNetworkAndSubdomain) {
  CorrelationIndex index;
  ASSERT_TRUE(index.Add(Entry("net", "cert-fr", ObservableType::kIpv4, "10.1.0.0/16")).ok());
  ASSERT_TRUE(index.Add(Entry("dom", "cert-fr", ObservableType::kDomain, "example.org")).ok());
  for (int i = 0; i < 3000; ++i) {
    // Addresses in and out of the network, interleaved with names, in no sorted order.
    const int a = (i * 7919) % 3000;
    ASSERT_TRUE(index
                    .Add(Entry(fmt::format("ip{}", i), "cert-de", ObservableType::kIpv4,
                               fmt::format("10.{}.{}.{}", a % 2 == 0 ? 1 : 2, a / 256, a % 256)))
                    .ok());
    ASSERT_TRUE(
        index
            .Add(Entry(fmt::format("name{}", i), "cert-de", ObservableType::kDomain,
                       fmt::format("h{}.{}", a, a % 3 == 0 ? "example.org" : "example.net")))
            .ok());
    if (i % 499 != 0 && i != 2999) continue;
    const auto net = index.Correlations("net", 0, 10000);
    ASSERT_TRUE(net.ok());
    size_t want = 0;
    for (int j = 0; j <= i; ++j) want += ((j * 7919) % 3000) % 2 == 0 ? 1 : 0;
    EXPECT_EQ(net->hits.size(), want) << "after " << i + 1;
    const auto dom = index.Correlations("dom", 0, 10000);
    ASSERT_TRUE(dom.ok());
    size_t want_names = 0;
    for (int j = 0; j <= i; ++j) want_names += ((j * 7919) % 3000) % 3 == 0 ? 1 : 0;
    EXPECT_EQ(dom->hits.size(), want_names) << "after " << i + 1;
  }
}

TEST(CorrelationIndex, StorageIsLinearInGroupSize) {
  CorrelationIndex index;
  for (int i = 0; i < 2000; ++i)
    ASSERT_TRUE(
        index.Add(Entry(fmt::format("o{}", i), "x", ObservableType::kIpv4, "198.51.100.7")).ok());
  const auto stats = index.Stats();
  EXPECT_EQ(stats.groups, 1u);
  EXPECT_EQ(stats.memberships, 2000u);  // not 2000*1999/2 pairs
  auto page = index.Correlations("o0", 0, 5000);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->hits.size(), 1999u);
}

TEST(CorrelationIndex, IpWithinCidrBothWays) {
  CorrelationIndex index;
  ASSERT_TRUE(index.Add(Entry("net", "a", ObservableType::kIpv4, "203.0.113.0/24")).ok());
  ASSERT_TRUE(index.Add(Entry("wide", "a", ObservableType::kIpv4, "203.0.0.0/16")).ok());
  ASSERT_TRUE(index.Add(Entry("ip", "b", ObservableType::kIpv4, "203.0.113.77")).ok());
  ASSERT_TRUE(index.Add(Entry("far", "b", ObservableType::kIpv4, "198.51.100.1")).ok());
  ASSERT_TRUE(index.Add(Entry("v6net", "a", ObservableType::kIpv6, "2001:db8::/32")).ok());
  ASSERT_TRUE(index.Add(Entry("v6ip", "b", ObservableType::kIpv6, "2001:DB8::abcd")).ok());
  EXPECT_EQ(HitSet(*index.Correlations("ip", 0, 10)),
            (std::set<std::string>{"within-network:net", "within-network:wide"}));
  EXPECT_EQ(HitSet(*index.Correlations("wide", 0, 10)),
            (std::set<std::string>{"contains-address:net", "contains-address:ip"}));
  EXPECT_EQ(HitSet(*index.Correlations("v6net", 0, 10)),
            (std::set<std::string>{"contains-address:v6ip"}));
  EXPECT_TRUE(index.Correlations("far", 0, 10)->hits.empty());
}

TEST(CorrelationIndex, DomainsSubdomainsAndUrlHosts) {
  CorrelationIndex index;
  ASSERT_TRUE(index.Add(Entry("d", "a", ObservableType::kDomain, "example.net")).ok());
  ASSERT_TRUE(index.Add(Entry("h", "b", ObservableType::kHostname, "mail.cdn.example.net")).ok());
  ASSERT_TRUE(
      index.Add(Entry("u", "c", ObservableType::kUrl, "HTTP://Mail.CDN.example.net:80/x/../y"))
          .ok());
  ASSERT_TRUE(index.Add(Entry("n", "c", ObservableType::kDomain, "notexample.net")).ok());
  EXPECT_EQ(HitSet(*index.Correlations("d", 0, 10)), (std::set<std::string>{"parent-domain-of:h"}));
  EXPECT_EQ(HitSet(*index.Correlations("h", 0, 10)),
            (std::set<std::string>{"subdomain-of:d", "host-of-url:u"}));
  EXPECT_EQ(HitSet(*index.Correlations("u", 0, 10)), (std::set<std::string>{"url-host:h"}));
  auto by_value =
      index.CorrelationsOfValue({ObservableType::kUrl, "http://mail.cdn.example.net/y"}, 0, 10);
  ASSERT_TRUE(by_value.ok());
  EXPECT_EQ(HitSet(*by_value), (std::set<std::string>{"same-value:u", "url-host:h"}));
}

TEST(CorrelationIndex, HashesOfOneFileLinkAcrossTypes) {
  CorrelationIndex index;
  ObservableEntry file{"file-1",
                       "a",
                       "tlp:amber",
                       {{ObservableType::kMd5, "44d88612fea8a8f36de82e1278abb02f"},
                        {ObservableType::kSha256,
                         "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f"}}};
  ASSERT_TRUE(index.Add(file).ok());
  ASSERT_TRUE(
      index.Add(Entry("md5-only", "b", ObservableType::kMd5, "44D88612FEA8A8F36DE82E1278ABB02F"))
          .ok());
  ASSERT_TRUE(index
                  .Add(Entry("sha-only", "c", ObservableType::kSha256,
                             "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f"))
                  .ok());
  // The MD5-only observable reaches the SHA-256-only one through the file.
  const auto hits = HitSet(*index.Correlations("md5-only", 0, 10));
  EXPECT_TRUE(hits.contains("same-value:file-1"));
  EXPECT_TRUE(hits.contains("same-file:sha-only"));
}

TEST(CorrelationIndex, PagingRemoveAndErrors) {
  CorrelationIndex index;
  for (int i = 0; i < 25; ++i)
    ASSERT_TRUE(index
                    .Add(Entry(fmt::format("o{}", i), "x", ObservableType::kSha1,
                               "da39a3ee5e6b4b0d3255bfef95601890afd80709"))
                    .ok());
  std::set<std::string> seen;
  std::size_t offset = 0;
  int pages = 0;
  while (true) {
    auto page = index.Correlations("o0", offset, 10);
    ASSERT_TRUE(page.ok());
    for (const auto& h : page->hits) seen.insert(std::string(h.member.id));
    ++pages;
    if (!page->next_offset) break;
    offset = *page->next_offset;
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen.size(), 24u);
  ASSERT_TRUE(index.Remove("o5").ok());
  EXPECT_EQ(index.Correlations("o0", 0, 100)->hits.size(), 23u);
  EXPECT_EQ(index.Remove("o5").code(), StatusCode::kNotFound);
  EXPECT_EQ(index.Add(Entry("o1", "x", ObservableType::kSha1, "x")).status().code(),
            StatusCode::kAlreadyExists);
  auto bad = index.Add(
      {"new", "x", "", {{ObservableType::kIpv4, "1.2.3.4"}, {ObservableType::kSha1, "zz"}}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().field(), "values[1].value");
  EXPECT_EQ(index.Correlations("new", 0, 1).status().code(),
            StatusCode::kNotFound);  // nothing partial
  ASSERT_TRUE(
      index.Add(Entry("o5", "x", ObservableType::kSha1, "da39a3ee5e6b4b0d3255bfef95601890afd80709"))
          .ok());
  EXPECT_EQ(index.Correlations("o0", 0, 100)->hits.size(), 24u);
}

// Numbers count additions from 0, are never reused, and name the member in every answer.
TEST(CorrelationIndex, NumbersNameObservablesUntilRemoved) {
  CorrelationIndex index;
  const std::string hash = "da39a3ee5e6b4b0d3255bfef95601890afd80709";
  for (std::uint32_t i = 0; i < 3; ++i) {
    Result<AddOutcome> added =
        index.Add(Entry(fmt::format("o{}", i), "x", ObservableType::kSha1, hash));
    ASSERT_TRUE(added.ok());
    EXPECT_EQ(added->number, i);
    EXPECT_EQ(index.NumberOf(fmt::format("o{}", i)), i);
  }
  EXPECT_FALSE(index.NumberOf("o3").has_value());
  ASSERT_TRUE(index.Remove("o1").ok());
  EXPECT_FALSE(index.NumberOf("o1").has_value());
  EXPECT_FALSE(index.MemberAt(1).has_value());
  EXPECT_FALSE(index.MemberAt(3).has_value());
  Result<AddOutcome> again = index.Add(Entry("o1", "y", ObservableType::kSha1, hash));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->number, 3u);  // not 1 again
  const std::optional<Member> m = index.MemberAt(3);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->id, "o1");
  EXPECT_EQ(m->owner, "y");
  Result<CorrelationPage> page = index.Correlations("o0", 0, 10);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->hits.size(), 2u);
  for (const CorrelationHit& h : page->hits) {
    EXPECT_EQ(h.member.number, *index.NumberOf(h.member.id)) << h.member.id;
  }
}

TEST(CorrelationIndex, GraphIsBoundedByDepthAndNodes) {
  CorrelationIndex index;
  ASSERT_TRUE(index.Add(Entry("u", "a", ObservableType::kUrl, "http://a.b.example.com/p")).ok());
  ASSERT_TRUE(index.Add(Entry("h", "a", ObservableType::kHostname, "a.b.example.com")).ok());
  ASSERT_TRUE(index.Add(Entry("p", "b", ObservableType::kDomain, "b.example.com")).ok());
  ASSERT_TRUE(index.Add(Entry("r", "c", ObservableType::kDomain, "example.com")).ok());
  auto depth1 = index.Graph("u", {.max_depth = 1});
  ASSERT_TRUE(depth1.ok());
  EXPECT_EQ(depth1->nodes.size(), 2u);  // the URL and its host
  EXPECT_EQ(depth1->edges.size(), 1u);
  auto depth3 = index.Graph("u", {.max_depth = 3});
  ASSERT_TRUE(depth3.ok());
  EXPECT_EQ(depth3->nodes.size(), 4u);
  EXPECT_FALSE(depth3->truncated);
  auto limited = index.Graph("u", {.max_depth = 3, .max_nodes = 2});
  ASSERT_TRUE(limited.ok());
  EXPECT_EQ(limited->nodes.size(), 2u);
  EXPECT_TRUE(limited->truncated);
  EXPECT_EQ(depth3->nodes[0].value, "http://a.b.example.com/p");
}

TEST(CorrelationIndex, WarningListedValuesAreFlaggedNotCorrelated) {
  WarningLists lists;
  ASSERT_TRUE(lists
                  .AddList(R"({"name":"RFC 1918","type":"cidr","list":["10.0.0.0/8"],
                                "matching_attributes":["ip-src","ip-dst"]})",
                           "rfc1918")
                  .ok());
  lists.Compile();
  CorrelationIndex index;
  index.SetWarningLists(&lists);
  auto first = index.Add(Entry("p1", "a", ObservableType::kIpv4, "10.1.2.3"));
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->warning_lists, std::vector<std::string>{"RFC 1918"});
  ASSERT_TRUE(index.Add(Entry("p2", "b", ObservableType::kIpv4, "10.1.2.3")).ok());
  EXPECT_TRUE(index.Correlations("p2", 0, 10)->hits.empty());
  EXPECT_EQ(index.Stats().groups, 0u);
  EXPECT_TRUE(index.Remove("p1").ok());
}

}  // namespace
}  // namespace issa::cyber
