// The public read path: records released by their owner (TLP:CLEAR, and everything they are
// derived from too), read by a public viewer that can see nothing else.
#include <gtest/gtest.h>

#include "node_fixture.h"

namespace issa::node {
namespace {

constexpr const char* kClear =
    R"({"classification":"PUBLIC","distribution":"all","purposes":["cyber"]})";
constexpr const char* kAmber =
    R"({"classification":"LIMITED","distribution":"owner","purposes":["cyber"]})";

std::string Report(const std::string& title, const std::string& handling,
                   const std::string& derived_from = "") {
  std::string links;
  if (!derived_from.empty()) {
    links = R"(,"links":[{"rel":"derived_from","target":")" + derived_from + R"("}])";
  }
  return R"({"type":"Report","properties":{"title":")" + title + R"("},"handling":)" + handling +
         links + "}";
}

class PublicReleaseTest : public testing::NodeFixture {};

TEST_F(PublicReleaseTest, ReleasesClearRecordsDerivedFromClearOnes) {
  const auto cert = As("NL-CERT");
  const std::string source = Create(cert, Report("Phishing wave", kClear));
  const std::string advisory = Create(cert, Report("Advice on the phishing wave", kClear, source));
  // Not public before the release.
  EXPECT_EQ(node_->GetPublicRecord("Report", advisory).status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(node_->ReleaseToPublic(cert, advisory).ok());
  EXPECT_TRUE(Logged("record.release", "ok", advisory));

  auto got = node_->GetPublicRecord("Report", advisory);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->id, advisory);
  EXPECT_TRUE(got->created_by.empty());  // no user ids for the public
  EXPECT_EQ(node_->GetPublicRecord("Incident", advisory).status().code(), StatusCode::kNotFound);
  // The source is CLEAR but was not released: the public does not see it.
  EXPECT_EQ(node_->GetPublicRecord("Report", source).status().code(), StatusCode::kNotFound);
  auto page = node_->ListPublicRecords("Report", "", 100);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->records.size(), 1U);
  EXPECT_EQ(page->records[0].id, advisory);
}

TEST_F(PublicReleaseTest, RefusesWhatIsNotClear) {
  const auto cert = As("NL-CERT");
  const std::string amber = Create(cert, Report("Intrusion at a ministry", kAmber));
  const std::string derived = Create(cert, Report("Advice", kClear, amber));
  const Status s = node_->ReleaseToPublic(cert, derived);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find(amber), std::string::npos) << s.message();
  EXPECT_TRUE(Logged("record.release", "refused", derived));
  EXPECT_EQ(node_->GetPublicRecord("Report", derived).status().code(), StatusCode::kNotFound);

  const Status own = node_->ReleaseToPublic(cert, amber);
  EXPECT_EQ(own.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(own.message().find("not TLP:CLEAR"), std::string::npos);
  EXPECT_TRUE(node_->ListPublicRecords("Report", "", 100)->records.empty());
}

TEST_F(PublicReleaseTest, OnlyOfficersOfTheOwnerRelease) {
  const auto cert = As("NL-CERT");
  const std::string id = Create(cert, Report("Advice", kClear));
  EXPECT_EQ(node_->ReleaseToPublic(As("NL-CERT", core::Role::kAnalyst), id).code(),
            StatusCode::kPermissionDenied);
  EXPECT_TRUE(Logged("access.denied", "denied", id));
  // Police without the cyber purpose do not see the record at all; an agency that sees it is
  // still not its owner.
  EXPECT_EQ(node_->ReleaseToPublic(As("DE-BKA"), id).code(), StatusCode::kNotFound);
  EXPECT_EQ(node_->ReleaseToPublic(As("EU-EUROPOL"), id).code(), StatusCode::kPermissionDenied);
  EXPECT_TRUE(Logged("record.release", "denied", id));
  EXPECT_EQ(node_->ReleaseToPublic(cert, "0190aaaa-0000-7000-8000-000000000000").code(),
            StatusCode::kNotFound);
  EXPECT_EQ(node_->GetPublicRecord("Report", id).status().code(), StatusCode::kNotFound);
}

TEST_F(PublicReleaseTest, ANewVersionNeedsANewReleaseAndWithdrawEndsIt) {
  const auto cert = As("NL-CERT");
  const std::string id = Create(cert, Report("Advice", kClear));
  ASSERT_TRUE(node_->ReleaseToPublic(cert, id).ok());
  ASSERT_TRUE(node_->PatchRecord(cert, id, R"({"properties":{"title":"Advice, revised"}})").ok());
  // The public keeps reading the released version until the new one is released.
  auto released = node_->GetPublicRecord("Report", id);
  ASSERT_TRUE(released.ok()) << released.status().ToString();
  EXPECT_EQ(released->version, 1);
  EXPECT_NE(released->properties_json.find(R"("Advice")"), std::string::npos);
  auto listed = node_->ListPublicRecords("Report", "", 100);
  ASSERT_EQ(listed->records.size(), 1U);
  EXPECT_EQ(listed->records[0].version, 1);
  ASSERT_TRUE(node_->ReleaseToPublic(cert, id).ok());
  released = node_->GetPublicRecord("Report", id);
  ASSERT_TRUE(released.ok());
  EXPECT_EQ(released->version, 2);
  EXPECT_NE(released->properties_json.find("Advice, revised"), std::string::npos);
  // Withdrawal ends it.
  ASSERT_TRUE(node_->WithdrawFromPublic(cert, id).ok());
  EXPECT_TRUE(Logged("record.withdraw", "ok", id));
  EXPECT_EQ(node_->GetPublicRecord("Report", id).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(node_->ListPublicRecords("Report", "", 100)->records.empty());
}

TEST_F(PublicReleaseTest, NarrowingTheHandlingHidesEveryReleasedVersion) {
  const auto cert = As("NL-CERT");
  const std::string id = Create(cert, Report("Advice", kClear));
  ASSERT_TRUE(node_->ReleaseToPublic(cert, id).ok());
  ASSERT_TRUE(node_->PatchRecord(cert, id, std::string(R"({"handling":)") + kAmber + "}").ok());
  // Version 1 was released and CLEAR, but the record is no longer: nothing is public.
  EXPECT_EQ(node_->GetPublicRecord("Report", id).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(node_->ListPublicRecords("Report", "", 100)->records.empty());
}

TEST_F(PublicReleaseTest, ThePublicViewerSeesNothingElse) {
  const auto cert = As("NL-CERT");
  const std::string id = Create(cert, Report("Advice", kClear));
  ASSERT_TRUE(node_->ReleaseToPublic(cert, id).ok());
  const Context anyone{access::Principal::Public(), "", "public"};
  EXPECT_EQ(node_->ListRecords(anyone, storage::RecordQuery{}).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(node_->GetRecord(anyone, id).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(node_->ReleaseToPublic(anyone, id).code(), StatusCode::kPermissionDenied);
  access::Viewer viewer{access::Principal::Public(), 0, {}};
  core::Record r;
  r.owner = "NL-CERT";
  r.handling.classification = core::Classification::kPublic;
  r.handling.distribution = core::Distribution::kAll;
  EXPECT_TRUE(access::MaySee(viewer, r));
  r.handling.distribution = core::Distribution::kAuthorities;
  r.handling.authorities = {"NL-CERT"};
  EXPECT_FALSE(access::MaySee(viewer, r));
  r.handling.distribution = core::Distribution::kAll;
  r.handling.classification = core::Classification::kLimited;
  EXPECT_FALSE(access::MaySee(viewer, r));
  EXPECT_EQ(node_->ListPublicRecords("Report", "", 0).status().field(), "limit");
  EXPECT_EQ(node_->ListPublicRecords("Nope", "", 10).status().field(), "type");
}

}  // namespace
}  // namespace issa::node
