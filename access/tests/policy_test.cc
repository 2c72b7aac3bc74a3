#include "issa/access/policy.h"

#include <gtest/gtest.h>

namespace issa::access {
namespace {

using core::Classification;
using core::Distribution;

core::Record MakeRecord(Distribution d, Classification c = Classification::kLimited) {
  core::Record r;
  r.id = "r1";
  r.owner = "FR-PIU";
  r.handling.classification = c;
  r.handling.distribution = d;
  r.handling.purposes = static_cast<core::PurposeSet>(core::Purpose::kCrime);
  return r;
}

Viewer MakeViewer(std::string authority, Classification clearance = Classification::kRestricted) {
  Viewer v;
  v.principal.user_id = "u";
  v.principal.authority = std::move(authority);
  v.principal.clearance = clearance;
  v.principal.purposes = static_cast<core::PurposeSet>(core::Purpose::kCrime);
  return v;
}

TEST(PolicyTest, OwnerSeesOwnRecordsWithinClearance) {
  EXPECT_TRUE(MaySee(MakeViewer("FR-PIU"), MakeRecord(Distribution::kOwner)));
  EXPECT_FALSE(MaySee(MakeViewer("FR-PIU", Classification::kLimited),
                      MakeRecord(Distribution::kOwner, Classification::kConfidential)));
}

TEST(PolicyTest, Distribution) {
  const Viewer de = MakeViewer("DE-BKA");
  EXPECT_FALSE(MaySee(de, MakeRecord(Distribution::kOwner)));
  EXPECT_TRUE(MaySee(de, MakeRecord(Distribution::kAll)));
  core::Record named = MakeRecord(Distribution::kAuthorities);
  EXPECT_FALSE(MaySee(de, named));
  named.handling.authorities = {"DE-BKA"};
  EXPECT_TRUE(MaySee(de, named));
  core::Record grouped = MakeRecord(Distribution::kGroup);
  grouped.handling.group = "g1";
  EXPECT_FALSE(MaySee(de, grouped));
  Viewer member = de;
  member.active_groups = {"g0", "g1"};
  EXPECT_TRUE(MaySee(member, grouped));
  core::Record granted = MakeRecord(Distribution::kOwner);
  granted.grants = {"DE-BKA"};
  EXPECT_TRUE(MaySee(de, granted));
}

TEST(PolicyTest, PurposeAndClearanceBindOthers) {
  Viewer cert = MakeViewer("FR-CERT");
  cert.principal.purposes = static_cast<core::PurposeSet>(core::Purpose::kCyber);
  EXPECT_FALSE(MaySee(cert, MakeRecord(Distribution::kAll)));
  EXPECT_FALSE(MaySee(MakeViewer("DE-BKA", Classification::kLimited),
                      MakeRecord(Distribution::kAll, Classification::kRestricted)));
  Viewer anonymous;
  EXPECT_FALSE(MaySee(anonymous, MakeRecord(Distribution::kAll, Classification::kPublic)));
  Viewer system{Principal::System(), 0, {}};
  EXPECT_TRUE(MaySee(system, MakeRecord(Distribution::kOwner, Classification::kConfidential)));
}

TEST(PolicyTest, Roles) {
  EXPECT_FALSE(RoleAllows(core::Role::kViewer, Action::kWriteRecords));
  EXPECT_TRUE(RoleAllows(core::Role::kOfficer, Action::kDecideAccess));
  EXPECT_TRUE(RoleAllows(core::Role::kDpo, Action::kReadAuditAll));
  EXPECT_FALSE(RoleAllows(core::Role::kAdmin, Action::kReadAuditAll));
  EXPECT_FALSE(RoleAllows(core::Role::kOverseer, Action::kReadRecords));
}

}  // namespace
}  // namespace issa::access
