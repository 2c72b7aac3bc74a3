#include "issa/maritime/actor.h"

namespace issa::maritime {

bool MayRecord(const Actor& actor) {
  return actor.role == core::Role::kAnalyst || actor.role == core::Role::kOfficer;
}

bool MayDecide(const Actor& actor) { return actor.role == core::Role::kOfficer; }

Status ValidateActor(const Actor& actor) {
  if (!core::IsValidAuthorityId(actor.authority_id)) {
    return InvalidArgument("is not an authority id", "actor.authority_id");
  }
  if (!core::IsValidCountry(actor.member_state)) {
    return InvalidArgument("is not an ISO 3166-1 alpha-2 code or EU", "actor.member_state");
  }
  if (actor.agency && actor.member_state != "EU") {
    return InvalidArgument("the Agency's member state is EU", "actor.member_state");
  }
  if (actor.ncc && actor.member_state == "EU") {
    return InvalidArgument("an NCC belongs to a member state, not EU", "actor.member_state");
  }
  return Status::Ok();
}

}  // namespace issa::maritime
