#include "issa/cyber/observable.h"

#include <gtest/gtest.h>

namespace issa::cyber {
namespace {

std::string Url(std::string_view raw) {
  auto r = NormaliseUrl(raw);
  EXPECT_TRUE(r.ok()) << raw << ": " << r.status().ToString();
  return r.ok() ? *r : std::string();
}

TEST(NormaliseUrl, Rfc3986SchemeHostPortPercentAndDots) {
  // RFC 3986 6.2.2 example: these three are equivalent.
  EXPECT_EQ(Url("example://a/b/c/%7Bfoo%7D"), Url("eXAMPLE://a/./b/../b/%63/%7bfoo%7d"));
  EXPECT_EQ(Url("HTTP://www.Example.COM:80/a/./b/../c/%7euser"),
            "http://www.example.com/a/c/~user");
  EXPECT_EQ(Url("https://example.org:443"), "https://example.org/");
  EXPECT_EQ(Url("https://example.org:8443/x?q=%2f#frag"), "https://example.org:8443/x?q=%2F#frag");
  EXPECT_EQ(Url("www.evil.example/login.php"), "http://www.evil.example/login.php");
  EXPECT_EQ(Url("http://[2001:DB8:0:0::1]:8080/"), "http://[2001:db8::1]:8080/");
  EXPECT_EQ(Url("http://user@192.0.2.1/a b"), "http://user@192.0.2.1/a%20b");
}

TEST(NormaliseUrl, IdnaHostBecomesPunycode) {
  EXPECT_EQ(Url("http://bücher.example/"), "http://xn--bcher-kva.example/");
}

TEST(NormaliseUrl, BadInputNamesValue) {
  for (auto bad :
       {"", "http://", "http://host:99999/", "http://[::1/", "ht tp://x/", "http://a..b/"}) {
    auto r = NormaliseUrl(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.status().field(), "value") << bad;
    }
  }
}

TEST(ParseIpNetwork, CanonicalFormsAndContainment) {
  auto v6 = ParseIpNetwork("2001:0DB8:0000:0000:0001:0000:0000:0001");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->ToString(), "2001:db8::1:0:0:1");  // RFC 5952 4.2.3: first longest run
  EXPECT_EQ(ParseIpNetwork("2001:db8:0:1:1:1:1:1")->ToString(), "2001:db8:0:1:1:1:1:1");
  auto net = ParseIpNetwork("10.1.2.3/8");
  ASSERT_TRUE(net.ok());
  EXPECT_EQ(net->ToString(), "10.0.0.0/8");
  EXPECT_TRUE(net->Contains(*ParseIpNetwork("10.200.0.1")));
  EXPECT_FALSE(net->Contains(*ParseIpNetwork("11.0.0.1")));
  EXPECT_FALSE(ParseIpNetwork("10.0.0.0/33").ok());
  EXPECT_FALSE(ParseIpNetwork("300.1.1.1").ok());
  EXPECT_FALSE(ParseIpNetwork("::1/129").ok());
}

TEST(NormaliseObservable, PerType) {
  EXPECT_EQ(*NormaliseObservable(ObservableType::kDomain, " WWW.Example.ORG. "), "www.example.org");
  EXPECT_EQ(*NormaliseObservable(ObservableType::kMd5, "D41D8CD98F00B204E9800998ECF8427E"),
            "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_FALSE(NormaliseObservable(ObservableType::kSha256, "abc").ok());
  EXPECT_EQ(*NormaliseObservable(ObservableType::kEmail, "Abuse@Example.ORG"), "abuse@example.org");
  EXPECT_EQ(*NormaliseObservable(ObservableType::kAsn, "as64496"), "AS64496");
  EXPECT_FALSE(NormaliseObservable(ObservableType::kIpv4, "2001:db8::1").ok());
  EXPECT_FALSE(NormaliseObservable(ObservableType::kDomain, "").ok());
  EXPECT_EQ(ParseObservableType("sha256"), ObservableType::kSha256);
  EXPECT_EQ(ObservableTypeName(ObservableType::kRegistryKey), "registry-key");
  // Registry keys: the hive written out, the rest as written.
  EXPECT_EQ(*NormaliseObservable(ObservableType::kRegistryKey, R"( hklm\Software\Run )"),
            R"(HKEY_LOCAL_MACHINE\Software\Run)");
  EXPECT_EQ(*NormaliseObservable(ObservableType::kRegistryKey, R"(HKU\S-1-5-18)"),
            R"(HKEY_USERS\S-1-5-18)");
  EXPECT_EQ(*NormaliseObservable(ObservableType::kRegistryKey, "HKCU"), "HKEY_CURRENT_USER");
  EXPECT_EQ(*NormaliseObservable(ObservableType::kRegistryKey, R"(HKEY_CLASSES_ROOT\.exe)"),
            R"(HKEY_CLASSES_ROOT\.exe)");
  EXPECT_EQ(*NormaliseObservable(ObservableType::kRegistryKey, R"(HKLMX\a)"), R"(HKLMX\a)");
}

}  // namespace
}  // namespace issa::cyber
