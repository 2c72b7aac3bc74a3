#pragma once

// Who is acting in the EUROSUR workflows (border-section impact levels, event reports). The node
// fills an Actor from the authenticated user and its authority; the domain logic only reads it.

#include <string>

#include "issa/core/model.h"
#include "issa/core/status.h"

namespace issa::maritime {

// Plain value; thread-compatible.
struct Actor {
  std::string authority_id;  // e.g. "IT-NCC", "FRONTEX" (core::IsValidAuthorityId)
  std::string member_state;  // ISO 3166-1 alpha-2 of the authority, "EU" for Union bodies
  // The European Border and Coast Guard Agency (Frontex), the EU-level role of Reg. 2019/1896.
  bool agency = false;
  // The member state's National Coordination Centre, its single point of contact (Art. 21(2)).
  bool ncc = false;
  core::Role role = core::Role::kViewer;
};

// Whether the actor's role may record workflow steps (propose, report, update, ask): analysts and
// officers. Viewers, administrators, data-protection officers and overseers may not.
bool MayRecord(const Actor& actor);
// Whether the actor's role may take decisions (agree, refuse, attribute, close): officers only.
bool MayDecide(const Actor& actor);

// InvalidArgument naming "actor.authority_id" / "actor.member_state" when the actor is malformed
// (bad id or country, or an agency actor whose member state is not "EU").
Status ValidateActor(const Actor& actor);

}  // namespace issa::maritime
