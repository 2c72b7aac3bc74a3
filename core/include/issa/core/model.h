#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "issa/core/geo.h"
#include "issa/core/status.h"
#include "issa/core/time.h"

// The node's core model: authorities, users, records with their handling, sharing groups,
// cross-match hits and access requests. Plain value types; thread-compatible.
namespace issa::core {

// ---- Authorities -------------------------------------------------------------------------------

enum class AuthorityKind : uint8_t {
  kBorder,
  kPolice,
  kCustoms,
  kPiu,
  kCert,
  kCivilProtection,
  kFiu,
  kAro,
  kEuAgency,
};

struct Authority {
  std::string id;       // e.g. "IT-NCC"
  std::string country;  // ISO 3166 alpha-2, or "EU" for agencies
  std::vector<AuthorityKind> kinds;
  std::string name;
  Timestamp created_at = 0;
};

// ---- Handling ----------------------------------------------------------------------------------

// EU classification levels in increasing order (the node handles up to CONFIDENTIAL).
enum class Classification : uint8_t {
  kPublic = 0,
  kLimited = 1,
  kRestricted = 2,
  kConfidential = 3
};

enum class Distribution : uint8_t {
  kOwner,        // the owner authority only
  kAuthorities,  // the owner and the named authorities
  kGroup,        // the owner and the members of one sharing group while it is valid
  kAll,          // every participant
};

// Processing purposes (purpose limitation). A bit set.
enum class Purpose : uint8_t {
  kBorder = 1,
  kCrime = 2,
  kTerrorism = 4,
  kCyber = 8,
  kCrisis = 16,
};
using PurposeSet = uint8_t;
constexpr PurposeSet kAllPurposes = 31;

struct Handling {
  Classification classification = Classification::kLimited;
  Distribution distribution = Distribution::kOwner;
  std::vector<std::string> authorities;  // with kAuthorities
  std::string group;                     // with kGroup
  PurposeSet purposes = 0;               // at least one
  std::optional<Timestamp> delete_after;
  std::optional<Timestamp> depersonalise_after;
  // Whether a cross-match may tell the other side that this record exists (hit/no-hit). When
  // false the record is still matched, but only its owner is told.
  bool hit_notice = true;
};

// ---- Records -----------------------------------------------------------------------------------

struct Link {
  std::string rel;     // e.g. "crew_of", "holder_of", "related"
  std::string target;  // record id
};

// One version of a typed record. Properties and geometry are kept as canonical compact JSON
// (validated against the type's schema before they reach the store).
struct Record {
  std::string id;           // UUIDv7, globally unique
  std::string type;         // a type of the schema registry, e.g. "Person"
  std::string owner;        // owner authority id
  std::string origin_node;  // node that wrote this version
  int64_t version = 1;
  Timestamp created_at = 0;  // of version 1
  Timestamp updated_at = 0;  // of this version
  std::optional<Timestamp> valid_from;
  std::optional<Timestamp> valid_to;
  std::string properties_json = "{}";
  std::string geometry_json;  // empty when there is no geometry
  std::optional<BBox> bbox;   // of the geometry
  std::vector<Link> links;
  Handling handling;
  std::string created_by;  // user id who wrote this version
  bool depersonalised = false;
  // Text indexed for search (names, identifiers), derived by the record service.
  std::string search_text;
  // The record's key: an external identifier looked up exactly (storage::RecordQuery::key), the
  // value of the property its schema names with "x-key" (StixObject: stix_id); derived by the
  // record service, empty when the type has none.
  std::string key;
  // Authorities given access after a granted access request (not versioned; audited).
  std::vector<std::string> grants;
};

// ---- Sharing groups ----------------------------------------------------------------------------

enum class GroupKind : uint8_t { kSharingGroup, kJointInvestigationTeam };

// A set of authorities sharing records while the group is valid. After valid_to, access through
// the group stops with no one acting.
struct SharingGroup {
  std::string id;
  std::string name;
  GroupKind kind = GroupKind::kSharingGroup;
  std::vector<std::string> members;  // authority ids
  Timestamp valid_from = 0;
  std::optional<Timestamp> valid_to;
  std::string created_by;
  std::string owner;  // authority that created it
  Timestamp created_at = 0;

  bool ActiveAt(Timestamp t) const { return t >= valid_from && (!valid_to || t < *valid_to); }
};

// ---- Cross-matching ----------------------------------------------------------------------------

// A match between two records of different owners. Each side sees only what it may: the other
// side's authority, type, score and matched features, not its content.
struct Hit {
  std::string id;
  std::string record_a;  // the newer record (the one whose write found the match)
  std::string owner_a;
  std::string record_b;
  std::string owner_b;
  std::string type;  // type of record_b
  std::string type_a;
  double score = 0;
  std::vector<std::string> features;  // e.g. "name", "birth_date~swapped", "document_number"
  bool notify_a = true;               // owner_a is told (record_b has hit_notice)
  bool notify_b = true;               // owner_b is told (record_a has hit_notice)
  Timestamp created_at = 0;
};

enum class AccessRequestStatus : uint8_t { kPending, kGranted, kRefused };

struct AccessRequest {
  std::string id;
  std::string hit_id;
  std::string record_id;     // the record asked for (hidden from the requester until granted)
  std::string owner;         // its owner, who decides
  std::string requester;     // requesting authority
  std::string requested_by;  // user id
  std::string justification;
  AccessRequestStatus status = AccessRequestStatus::kPending;
  std::string decided_by;
  std::string reason;
  Timestamp created_at = 0;
  std::optional<Timestamp> decided_at;
};

// ---- Users and tokens --------------------------------------------------------------------------

enum class Role : uint8_t { kViewer, kAnalyst, kOfficer, kAdmin, kDpo, kOverseer };

struct User {
  std::string id;
  std::string authority;
  Role role = Role::kViewer;
  Classification clearance = Classification::kLimited;
  PurposeSet purposes = 0;  // purposes this user may process data for
  std::string name;
  Timestamp created_at = 0;
};

// An API token, stored only as its hash.
struct Token {
  std::string hash;  // hex of the keyed hash of the secret
  std::string user_id;
  Timestamp created_at = 0;
  std::optional<Timestamp> expires_at;
  bool revoked = false;
};

// ---- Names -------------------------------------------------------------------------------------

std::string_view ToString(AuthorityKind k);
std::string_view ToString(Classification c);
std::string_view ToString(Distribution d);
std::string_view ToString(Purpose p);
std::string_view ToString(GroupKind k);
std::string_view ToString(AccessRequestStatus s);
std::string_view ToString(Role r);

Result<AuthorityKind> ParseAuthorityKind(std::string_view s);
Result<Classification> ParseClassification(std::string_view s);
Result<Distribution> ParseDistribution(std::string_view s);
Result<Purpose> ParsePurpose(std::string_view s);
Result<GroupKind> ParseGroupKind(std::string_view s);
Result<Role> ParseRole(std::string_view s);

std::vector<std::string> PurposeNames(PurposeSet set);
// The purposes an authority of these kinds processes data for by default.
PurposeSet DefaultPurposes(const std::vector<AuthorityKind>& kinds);

bool IsValidAuthorityId(std::string_view id);  // [A-Z0-9][A-Z0-9-]{1,31}
bool IsValidCountry(std::string_view code);    // ISO 3166-1 alpha-2 or "EU"

}  // namespace issa::core
