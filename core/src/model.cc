#include "issa/core/model.h"

#include <algorithm>
#include <array>
#include <utility>

#include <fmt/format.h>

namespace issa::core {
namespace {

template <typename E, size_t N>
Result<E> ParseEnum(std::string_view s, const std::array<std::pair<std::string_view, E>, N>& table,
                    std::string_view what) {
  for (const auto& [name, value] : table) {
    if (name == s) return value;
  }
  std::string allowed;
  for (const auto& [name, value] : table) {
    if (!allowed.empty()) allowed += ", ";
    allowed += name;
  }
  return InvalidArgument(
      fmt::format("unknown {} '{}' (one of: {})", what, s.substr(0, 40), allowed));
}

template <typename E, size_t N>
std::string_view NameOf(E v, const std::array<std::pair<std::string_view, E>, N>& table) {
  for (const auto& [name, value] : table) {
    if (value == v) return name;
  }
  return "unknown";
}

constexpr std::array<std::pair<std::string_view, AuthorityKind>, 9> kKinds{{
    {"border", AuthorityKind::kBorder},
    {"police", AuthorityKind::kPolice},
    {"customs", AuthorityKind::kCustoms},
    {"piu", AuthorityKind::kPiu},
    {"cert", AuthorityKind::kCert},
    {"civil-protection", AuthorityKind::kCivilProtection},
    {"fiu", AuthorityKind::kFiu},
    {"aro", AuthorityKind::kAro},
    {"eu-agency", AuthorityKind::kEuAgency},
}};
constexpr std::array<std::pair<std::string_view, Classification>, 4> kClassifications{{
    {"PUBLIC", Classification::kPublic},
    {"LIMITED", Classification::kLimited},
    {"RESTRICTED", Classification::kRestricted},
    {"CONFIDENTIAL", Classification::kConfidential},
}};
constexpr std::array<std::pair<std::string_view, Distribution>, 4> kDistributions{{
    {"owner", Distribution::kOwner},
    {"authorities", Distribution::kAuthorities},
    {"group", Distribution::kGroup},
    {"all", Distribution::kAll},
}};
constexpr std::array<std::pair<std::string_view, Purpose>, 5> kPurposes{{
    {"border", Purpose::kBorder},
    {"crime", Purpose::kCrime},
    {"terrorism", Purpose::kTerrorism},
    {"cyber", Purpose::kCyber},
    {"crisis", Purpose::kCrisis},
}};
constexpr std::array<std::pair<std::string_view, GroupKind>, 2> kGroupKinds{{
    {"sharing-group", GroupKind::kSharingGroup},
    {"jit", GroupKind::kJointInvestigationTeam},
}};
constexpr std::array<std::pair<std::string_view, AccessRequestStatus>, 3> kRequestStatuses{{
    {"pending", AccessRequestStatus::kPending},
    {"granted", AccessRequestStatus::kGranted},
    {"refused", AccessRequestStatus::kRefused},
}};
constexpr std::array<std::pair<std::string_view, Role>, 6> kRoles{{
    {"viewer", Role::kViewer},
    {"analyst", Role::kAnalyst},
    {"officer", Role::kOfficer},
    {"admin", Role::kAdmin},
    {"dpo", Role::kDpo},
    {"overseer", Role::kOverseer},
}};

}  // namespace

std::string_view ToString(AuthorityKind k) { return NameOf(k, kKinds); }
std::string_view ToString(Classification c) { return NameOf(c, kClassifications); }
std::string_view ToString(Distribution d) { return NameOf(d, kDistributions); }
std::string_view ToString(Purpose p) { return NameOf(p, kPurposes); }
std::string_view ToString(GroupKind k) { return NameOf(k, kGroupKinds); }
std::string_view ToString(AccessRequestStatus s) { return NameOf(s, kRequestStatuses); }
std::string_view ToString(Role r) { return NameOf(r, kRoles); }

Result<AuthorityKind> ParseAuthorityKind(std::string_view s) {
  return ParseEnum(s, kKinds, "authority kind");
}
Result<Classification> ParseClassification(std::string_view s) {
  return ParseEnum(s, kClassifications, "classification");
}
Result<Distribution> ParseDistribution(std::string_view s) {
  return ParseEnum(s, kDistributions, "distribution");
}
Result<Purpose> ParsePurpose(std::string_view s) { return ParseEnum(s, kPurposes, "purpose"); }
Result<GroupKind> ParseGroupKind(std::string_view s) {
  return ParseEnum(s, kGroupKinds, "group kind");
}
Result<Role> ParseRole(std::string_view s) { return ParseEnum(s, kRoles, "role"); }

std::vector<std::string> PurposeNames(PurposeSet set) {
  std::vector<std::string> out;
  for (const auto& [name, value] : kPurposes) {
    if ((set & static_cast<PurposeSet>(value)) != 0) out.emplace_back(name);
  }
  return out;
}

PurposeSet DefaultPurposes(const std::vector<AuthorityKind>& kinds) {
  PurposeSet set = 0;
  const auto add = [&](Purpose p) { set |= static_cast<PurposeSet>(p); };
  for (const AuthorityKind k : kinds) {
    switch (k) {
      case AuthorityKind::kBorder:
        add(Purpose::kBorder);
        add(Purpose::kCrime);
        break;
      case AuthorityKind::kPolice:
        add(Purpose::kCrime);
        add(Purpose::kTerrorism);
        break;
      case AuthorityKind::kCustoms:
        add(Purpose::kCrime);
        add(Purpose::kBorder);
        break;
      case AuthorityKind::kPiu:
        add(Purpose::kCrime);
        add(Purpose::kTerrorism);
        break;
      case AuthorityKind::kCert:
        add(Purpose::kCyber);
        break;
      case AuthorityKind::kCivilProtection:
        add(Purpose::kCrisis);
        break;
      case AuthorityKind::kFiu:
        add(Purpose::kCrime);
        add(Purpose::kTerrorism);
        break;
      case AuthorityKind::kAro:
        add(Purpose::kCrime);
        break;
      case AuthorityKind::kEuAgency:
        set = kAllPurposes;
        break;
    }
  }
  return set;
}

bool IsValidAuthorityId(std::string_view id) {
  if (id.size() < 2 || id.size() > 32) return false;
  return std::all_of(
             id.begin(), id.end(),
             [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'; }) &&
         id.front() != '-';
}

bool IsValidCountry(std::string_view code) {
  if (code == "EU") return true;
  return code.size() == 2 && code[0] >= 'A' && code[0] <= 'Z' && code[1] >= 'A' && code[1] <= 'Z';
}

}  // namespace issa::core
