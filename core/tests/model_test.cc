#include "issa/core/model.h"

#include <gtest/gtest.h>

namespace issa::core {
namespace {

TEST(ModelTest, EnumsRoundTrip) {
  EXPECT_EQ(*ParseClassification("RESTRICTED"), Classification::kRestricted);
  EXPECT_EQ(ToString(Classification::kConfidential), "CONFIDENTIAL");
  EXPECT_EQ(*ParseDistribution("group"), Distribution::kGroup);
  EXPECT_EQ(*ParseRole("dpo"), Role::kDpo);
  EXPECT_EQ(*ParseAuthorityKind("civil-protection"), AuthorityKind::kCivilProtection);
  const auto bad = ParseClassification("SECRET");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("CONFIDENTIAL"), std::string::npos);
}

TEST(ModelTest, Purposes) {
  EXPECT_EQ(DefaultPurposes({AuthorityKind::kEuAgency}), kAllPurposes);
  const PurposeSet cert = DefaultPurposes({AuthorityKind::kCert});
  EXPECT_EQ(PurposeNames(cert), std::vector<std::string>{"cyber"});
}

TEST(ModelTest, Identifiers) {
  EXPECT_TRUE(IsValidAuthorityId("IT-NCC"));
  EXPECT_FALSE(IsValidAuthorityId("it-ncc"));
  EXPECT_FALSE(IsValidAuthorityId("-X"));
  EXPECT_TRUE(IsValidCountry("EU"));
  EXPECT_FALSE(IsValidCountry("ITA"));
}

TEST(ModelTest, GroupValidity) {
  SharingGroup g;
  g.valid_from = 100;
  g.valid_to = 200;
  EXPECT_FALSE(g.ActiveAt(99));
  EXPECT_TRUE(g.ActiveAt(100));
  EXPECT_FALSE(g.ActiveAt(200));
}

}  // namespace
}  // namespace issa::core
