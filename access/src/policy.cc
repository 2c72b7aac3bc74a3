#include "issa/access/policy.h"

#include <algorithm>

namespace issa::access {
namespace {

bool Contains(std::span<const std::string> list, std::string_view v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

}  // namespace

Principal Principal::System() {
  Principal p;
  p.user_id = "system";
  p.authority = "";
  p.role = core::Role::kAdmin;
  p.clearance = core::Classification::kConfidential;
  p.purposes = core::kAllPurposes;
  p.system = true;
  return p;
}

Principal Principal::Public() {
  Principal p;
  p.user_id = "public";
  p.role = core::Role::kViewer;
  p.clearance = core::Classification::kPublic;
  p.public_reader = true;
  return p;
}

bool MaySee(const Viewer& viewer, std::string_view owner, core::Classification classification,
            core::Distribution distribution, std::span<const std::string> authorities,
            std::string_view group, core::PurposeSet purposes,
            std::span<const std::string> grants) {
  const Principal& p = viewer.principal;
  if (p.IsSystem()) return true;
  if (p.IsPublic()) {
    return classification == core::Classification::kPublic &&
           distribution == core::Distribution::kAll;
  }
  if (p.authority.empty()) return false;
  if (static_cast<int>(p.clearance) < static_cast<int>(classification)) return false;
  if (owner == p.authority) return true;
  if ((purposes & p.purposes) == 0) return false;
  if (Contains(grants, p.authority)) return true;
  switch (distribution) {
    case core::Distribution::kOwner:
      return false;
    case core::Distribution::kAuthorities:
      return Contains(authorities, p.authority);
    case core::Distribution::kGroup:
      return !group.empty() &&
             std::binary_search(viewer.active_groups.begin(), viewer.active_groups.end(), group);
    case core::Distribution::kAll:
      return true;
  }
  return false;
}

bool MaySee(const Viewer& viewer, const core::Record& r) {
  return MaySee(viewer, r.owner, r.handling.classification, r.handling.distribution,
                r.handling.authorities, r.handling.group, r.handling.purposes, r.grants);
}

bool RoleAllows(core::Role role, Action action) {
  using core::Role;
  switch (action) {
    case Action::kReadRecords:
      return role == Role::kViewer || role == Role::kAnalyst || role == Role::kOfficer ||
             role == Role::kAdmin || role == Role::kDpo;
    case Action::kWriteRecords:
      return role == Role::kAnalyst || role == Role::kOfficer || role == Role::kAdmin;
    case Action::kRequestAccess:
      return role == Role::kAnalyst || role == Role::kOfficer;
    case Action::kDecideAccess:
      return role == Role::kOfficer || role == Role::kAdmin;
    case Action::kManageGroups:
      return role == Role::kOfficer || role == Role::kAdmin;
    case Action::kManageNode:
      return role == Role::kAdmin;
    case Action::kReadAuditOwn:
      return role == Role::kAdmin || role == Role::kDpo || role == Role::kOverseer;
    case Action::kReadAuditAll:
      return role == Role::kDpo;
    case Action::kExport:
      return role == Role::kAnalyst || role == Role::kOfficer || role == Role::kAdmin;
    case Action::kReleasePublic:
      return role == Role::kOfficer || role == Role::kAdmin;
  }
  return false;
}

std::string_view ToString(Action action) {
  switch (action) {
    case Action::kReadRecords:
      return "read records";
    case Action::kWriteRecords:
      return "write records";
    case Action::kRequestAccess:
      return "request access";
    case Action::kDecideAccess:
      return "decide access requests";
    case Action::kManageGroups:
      return "manage sharing groups";
    case Action::kManageNode:
      return "manage the node";
    case Action::kReadAuditOwn:
      return "read the audit log";
    case Action::kReadAuditAll:
      return "read the whole audit log";
    case Action::kExport:
      return "export";
    case Action::kReleasePublic:
      return "release records to the public";
  }
  return "unknown";
}

bool MayReadVesselPicture(const Principal& principal) {
  if (principal.IsSystem()) return true;
  if (!RoleAllows(principal.role, Action::kReadRecords)) return false;
  return (principal.purposes & static_cast<core::PurposeSet>(core::Purpose::kBorder)) != 0;
}

}  // namespace issa::access
