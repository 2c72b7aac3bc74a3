// The TAXII 2.1 client's reading of server answers (`issa taxii pull`): the examples of the
// TAXII 2.1 specification (§4.1.1 discovery, §4.2.1 API root, §5.1.1 collections, §3.7 envelope,
// §3.6.1 error message) and malformed answers refused by property.
#include "issa/cyber/taxii_client.h"

#include <string>

#include <gtest/gtest.h>

namespace issa::cyber {
namespace {

TEST(TaxiiClientTest, Urls) {
  auto u = ParseTaxiiUrl("https://taxii.example.com/taxii2/");
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_EQ(u->scheme, "https");
  EXPECT_EQ(u->host, "taxii.example.com");
  EXPECT_EQ(u->port, 443);
  EXPECT_EQ(u->target, "/taxii2/");
  auto v = ParseTaxiiUrl("http://127.0.0.1:8080");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->port, 8080);
  EXPECT_EQ(v->target, "/");
  EXPECT_EQ(TaxiiUrlText(*v), "http://127.0.0.1:8080/");
  for (const char* bad : {"ftp://x/", "taxii.example.com/taxii2/", "http://:80/", "http://h:0/",
                          "http://h:70000/", "http://user:pw@h/", "http://h/a b", "http://h/#x"}) {
    auto r = ParseTaxiiUrl(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.status().field(), "url") << bad;
    }
  }
  // API root references: absolute, absolute path, relative to the discovery URL.
  const TaxiiUrl base = *ParseTaxiiUrl("http://h:9/taxii2/");
  EXPECT_EQ(TaxiiUrlText(*ResolveTaxiiUrl(base, "https://other/api1/")), "https://other/api1/");
  EXPECT_EQ(TaxiiUrlText(*ResolveTaxiiUrl(base, "/api2")), "http://h:9/api2/");
  EXPECT_EQ(TaxiiUrlText(*ResolveTaxiiUrl(base, "api3/")), "http://h:9/taxii2/api3/");
  EXPECT_EQ(TaxiiUrlText(*ResolveTaxiiUrl(base, "collections/c/objects/?limit=5")),
            "http://h:9/taxii2/collections/c/objects/?limit=5");
  EXPECT_FALSE(ResolveTaxiiUrl(base, "").ok());
}

TEST(TaxiiClientTest, MediaType) {
  EXPECT_TRUE(IsTaxiiMediaType("application/taxii+json;version=2.1"));
  EXPECT_TRUE(IsTaxiiMediaType("Application/TAXII+json ; version=2.1; charset=utf-8"));
  EXPECT_TRUE(IsTaxiiMediaType("application/taxii+json"));
  EXPECT_FALSE(IsTaxiiMediaType("application/taxii+json;version=2.0"));
  EXPECT_FALSE(IsTaxiiMediaType("application/json"));
  EXPECT_FALSE(IsTaxiiMediaType("text/html; charset=utf-8"));
  EXPECT_FALSE(IsTaxiiMediaType(""));
}

TEST(TaxiiClientTest, DiscoveryAndApiRoot) {
  auto d = ParseTaxiiDiscovery(
      R"({"title":"Some TAXII Server","description":"This TAXII Server contains a listing of...","contact":"string containing contact information","default":"https://example.com/api2/","api_roots":["https://example.com/api1/","https://example.com/api2/","https://example.net/trustgroup1/"]})");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->default_root, "https://example.com/api2/");
  EXPECT_EQ(d->api_roots.size(), 3u);
  EXPECT_EQ(ParseTaxiiDiscovery(R"({"api_roots":[]})").status().field(), "title");
  EXPECT_EQ(ParseTaxiiDiscovery(R"({"title":"t","api_roots":[1]})").status().field(), "api_roots");
  EXPECT_EQ(ParseTaxiiDiscovery("<html>").status().field(), "body");

  auto r = ParseTaxiiApiRoot(
      R"({"title":"Malware Research Group","description":"A trust group setup for malware researchers","versions":["application/taxii+json;version=2.1"],"max_content_length":104857600})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->max_content_length, 104857600u);
  EXPECT_EQ(
      ParseTaxiiApiRoot(R"({"title":"old","versions":["application/taxii+json;version=2.0"]})")
          .status()
          .field(),
      "versions");
  EXPECT_EQ(
      ParseTaxiiApiRoot(
          R"({"title":"t","versions":["application/taxii+json;version=2.1"],"max_content_length":-1})")
          .status()
          .field(),
      "max_content_length");
}

TEST(TaxiiClientTest, Collections) {
  auto c = ParseTaxiiCollections(
      R"({"collections":[{"id":"91a7b528-80eb-42ed-a74d-c6fbd5a26116","title":"High Value Indicator Collection","description":"This data collection contains high value IOCs","can_read":true,"can_write":false,"media_types":["application/stix+json;version=2.1"]},{"id":"52892447-4d7e-4f70-b94d-d7f22742ff63","title":"Indicators from the past 24-hours","can_read":true,"can_write":false}]})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(c->size(), 2u);
  EXPECT_EQ((*c)[1].id, "52892447-4d7e-4f70-b94d-d7f22742ff63");
  EXPECT_TRUE((*c)[0].can_read);
  EXPECT_FALSE((*c)[0].can_write);
  EXPECT_TRUE(ParseTaxiiCollections("{}")->empty());
  EXPECT_EQ(
      ParseTaxiiCollections(R"({"collections":[{"id":"a","can_read":"yes","can_write":false}]})")
          .status()
          .field(),
      "collections[0].can_read");
  EXPECT_EQ(
      ParseTaxiiCollections(R"({"collections":[{"id":"../x","can_read":true,"can_write":true}]})")
          .status()
          .field(),
      "collections[0].id");
}

TEST(TaxiiClientTest, EnvelopeAndError) {
  auto e = ParseTaxiiEnvelope(
      R"({"more":true,"next":"d68e1b7f","objects":[{"type":"indicator","spec_version":"2.1","id":"indicator--cd981c25-8042-4166-8945-51178443bdac","created":"2014-05-08T09:00:00.000Z","modified":"2014-05-08T09:00:00.000Z","name":"File hash for Poison Ivy variant","pattern":"[file:hashes.'SHA-256' = 'ef537f25c895bfa782526529a9b63d97aa631564d5d789c2b765448c8635fb6c']","pattern_type":"stix","valid_from":"2014-05-08T09:00:00.000000Z"}]})");
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_TRUE(e->more);
  EXPECT_EQ(e->next, "d68e1b7f");
  ASSERT_EQ(e->objects.size(), 1u);
  EXPECT_EQ(e->ids[0], "indicator--cd981c25-8042-4166-8945-51178443bdac");
  EXPECT_NE(e->objects[0].find("Poison Ivy"), std::string::npos);
  EXPECT_TRUE(ParseTaxiiEnvelope("{}")->objects.empty());  // an empty page
  EXPECT_EQ(ParseTaxiiEnvelope(R"({"more":true})").status().field(), "next");
  EXPECT_EQ(ParseTaxiiEnvelope(R"({"objects":[{"id":"a"},3]})").status().field(), "objects[1]");
  EXPECT_EQ(ParseTaxiiEnvelope(R"({"more":"no"})").status().field(), "more");

  // 10^5 nested arrays inside an object: refused while read, no stack exhaustion; 500 levels
  // (under the 512 limit) still read.
  const auto nested = [](int levels) {
    return R"({"objects":[{"id":"a","x":)" + std::string(levels, '[') + std::string(levels, ']') +
           "}]}";
  };
  const auto deep = ParseTaxiiEnvelope(nested(100000));
  EXPECT_EQ(deep.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(deep.status().field(), "body");
  EXPECT_NE(deep.status().message().find("nested deeper than 512"), std::string::npos);
  EXPECT_TRUE(ParseTaxiiEnvelope(nested(500)).ok());
  EXPECT_FALSE(ParseTaxiiError(R"({"title":"t","d":)" + std::string(100000, '[')).has_value());

  auto err = ParseTaxiiError(
      R"({"title":"Error condition XYZ","description":"This error is caused when the application tries to access data...","error_id":"1234","error_code":"581234","http_status":"409"})");
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->title, "Error condition XYZ");
  EXPECT_EQ(err->error_code, "581234");
  EXPECT_FALSE(ParseTaxiiError("<html>Unauthorized</html>").has_value());
  EXPECT_FALSE(ParseTaxiiError(R"({"objects":[]})").has_value());
}

}  // namespace
}  // namespace issa::cyber
