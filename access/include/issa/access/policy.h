#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "issa/core/model.h"

// Access decisions as pure functions. The store applies them on its read path (the only place
// records leave storage), so that handlers never filter. See docs/adr/0002-access-in-the-store.md.
namespace issa::access {

// Who is asking, resolved from a token. Thread-compatible value.
struct Principal {
  std::string user_id;
  std::string authority;
  core::Role role = core::Role::kViewer;
  core::Classification clearance = core::Classification::kPublic;
  core::PurposeSet purposes = 0;
  bool system = false;         // set only by System()
  bool public_reader = false;  // set only by Public()

  // The node itself (cross-matching, retention). Sees every record; never exposed to a caller.
  static Principal System();
  bool IsSystem() const { return system; }
  // Anyone, without a token: the node's public read path (records released to the public). Sees
  // only records classified PUBLIC with distribution all (TLP:CLEAR), has no role and no
  // authority; Authenticate never returns it.
  static Principal Public();
  bool IsPublic() const { return public_reader; }
};

// A principal at a moment, with the sharing groups its authority belongs to that are active then.
// The store builds it (ResolveViewer) so that group validity is checked where data is read.
struct Viewer {
  Principal principal;
  core::Timestamp now = 0;
  std::vector<std::string> active_groups;  // sorted
};

// Whether the viewer may see the record (any version of it):
//  - clearance >= classification, always (also for the owner);
//  - the owner authority sees its records;
//  - otherwise the distribution must include the viewer's authority (named, an active group it
//    is a member of, all participants, or a grant after an access request), and
//  - the record's purposes must meet the viewer's purposes (purpose limitation).
// The public (Principal::Public) sees only PUBLIC records with distribution all; the node adds
// the public-release flag on its public read path.
bool MaySee(const Viewer& viewer, const core::Record& record);

// The same decision on the columns a backend keeps, for backends that evaluate it row by row.
bool MaySee(const Viewer& viewer, std::string_view owner, core::Classification classification,
            core::Distribution distribution, std::span<const std::string> authorities,
            std::string_view group, core::PurposeSet purposes, std::span<const std::string> grants);

// Whether the principal may read the live vessel picture (AIS tracks: positions and MMSIs, the
// only personal data it holds): a role that reads records and the border purpose. Purpose
// limitation: a police or PIU user without the border purpose does not see it.
bool MayReadVesselPicture(const Principal& principal);

// Actions gated by role.
enum class Action {
  kReadRecords,    // read, list, search records
  kWriteRecords,   // create and update records of the own authority
  kRequestAccess,  // ask for the other side of a hit
  kDecideAccess,   // grant or refuse requests for the own authority's records
  kManageGroups,   // create sharing groups and JITs
  kManageNode,     // authorities, users, tokens
  kReadAuditOwn,   // audit entries of the own authority
  kReadAuditAll,   // all audit entries (dpo)
  kExport,         // bulk export
  kReleasePublic,  // release an own record to the public (EISAS advisories)
};

bool RoleAllows(core::Role role, Action action);
std::string_view ToString(Action action);

}  // namespace issa::access
