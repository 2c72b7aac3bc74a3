#include "issa/cyber/tlp.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace issa::cyber {
namespace {

struct MarkingId {
  std::string_view id;
  Tlp tlp;
};

// TLP 2.0 (extension-definition--60a3c5c5-…) and TLP 1.0 (STIX 2.1 §7.2.1.4) marking ids.
constexpr MarkingId kMarkings[] = {
    {"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487", Tlp::kClear},
    {"marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb", Tlp::kGreen},
    {"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421", Tlp::kAmber},
    {"marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003", Tlp::kAmberStrict},
    {"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", Tlp::kRed},
    {"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", Tlp::kClear},  // 1.0 WHITE
    {"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", Tlp::kGreen},
    {"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", Tlp::kAmber},
    {"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", Tlp::kRed},
};

int Rank(Tlp t) { return static_cast<int>(t); }

// Threat intelligence serves CERTs (cyber) and the cybercrime centre and police cyber units
// (crime).
constexpr core::PurposeSet kCyber = static_cast<core::PurposeSet>(core::Purpose::kCyber) |
                                    static_cast<core::PurposeSet>(core::Purpose::kCrime);

}  // namespace

std::string_view TlpMarkingId(Tlp tlp) {
  if (tlp == Tlp::kNone) return {};
  for (const MarkingId& m : kMarkings) {
    if (m.tlp == tlp) return m.id;
  }
  return {};
}

Tlp TlpOfMarking(std::string_view marking_id) {
  for (const MarkingId& m : kMarkings) {
    if (m.id == marking_id) return m.tlp;
  }
  return Tlp::kNone;
}

Tlp StrictestTlp(std::span<const std::string> marking_refs) {
  Tlp out = Tlp::kNone;
  for (const std::string& ref : marking_refs) {
    const Tlp t = TlpOfMarking(ref);
    if (Rank(t) > Rank(out)) out = t;
  }
  return out;
}

std::string_view ToString(Tlp tlp) {
  switch (tlp) {
    case Tlp::kNone:
      return "none";
    case Tlp::kClear:
      return "TLP:CLEAR";
    case Tlp::kGreen:
      return "TLP:GREEN";
    case Tlp::kAmber:
      return "TLP:AMBER";
    case Tlp::kAmberStrict:
      return "TLP:AMBER+STRICT";
    case Tlp::kRed:
      return "TLP:RED";
  }
  return "none";
}

Result<Tlp> ParseTlp(std::string_view text) {
  std::string s(text);
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (s.starts_with("tlp:")) s = s.substr(4);
  if (s == "clear" || s == "white") return Tlp::kClear;
  if (s == "green") return Tlp::kGreen;
  if (s == "amber") return Tlp::kAmber;
  if (s == "amber+strict") return Tlp::kAmberStrict;
  if (s == "red") return Tlp::kRed;
  return InvalidArgument(
      fmt::format("unknown TLP level '{}' (clear, green, amber, amber+strict, red)",
                  text.substr(0, 40)),
      "tlp");
}

Result<core::Handling> HandlingForTlp(Tlp tlp, const TlpTarget& target, Tlp fallback) {
  if (tlp == Tlp::kNone) tlp = fallback == Tlp::kNone ? Tlp::kAmber : fallback;
  core::Handling h;
  h.purposes = kCyber;
  h.classification = core::Classification::kLimited;
  std::vector<std::string> recipients;
  for (const std::string& r : target.recipients) {
    if (r != target.owner &&
        std::find(recipients.begin(), recipients.end(), r) == recipients.end()) {
      recipients.push_back(r);
    }
  }
  const auto named = [&] {
    if (recipients.empty()) {
      h.distribution = core::Distribution::kOwner;
    } else {
      h.distribution = core::Distribution::kAuthorities;
      h.authorities = recipients;
    }
  };
  if (!target.group.empty()) {
    if (tlp == Tlp::kRed || tlp == Tlp::kAmberStrict) {
      return InvalidArgument(
          fmt::format("{} is for named recipients only: share it into the owner's collection "
                      "with x_issa_recipients, not into a sharing group",
                      ToString(tlp)),
          "object_marking_refs");
    }
    // CLEAR and GREEN may be shared further than the group; inside the group's collection they
    // stay with the group.
    if (tlp == Tlp::kClear) h.classification = core::Classification::kPublic;
    h.distribution = core::Distribution::kGroup;
    h.group = target.group;
    return h;
  }
  switch (tlp) {
    case Tlp::kClear:
      h.classification = core::Classification::kPublic;
      h.distribution = core::Distribution::kAll;
      break;
    case Tlp::kGreen:
      h.distribution = core::Distribution::kAll;
      break;
    case Tlp::kAmber:
      named();
      break;
    case Tlp::kAmberStrict:
      named();
      h.hit_notice = false;
      break;
    case Tlp::kRed:
      h.classification = core::Classification::kRestricted;
      named();
      h.hit_notice = false;
      break;
    case Tlp::kNone:
      break;
  }
  return h;
}

Tlp TlpOfHandling(const core::Handling& handling) {
  if (static_cast<int>(handling.classification) >=
      static_cast<int>(core::Classification::kRestricted)) {
    return Tlp::kRed;
  }
  switch (handling.distribution) {
    case core::Distribution::kAll:
      return handling.classification == core::Classification::kPublic ? Tlp::kClear : Tlp::kGreen;
    case core::Distribution::kAuthorities:
      // Named recipients without hit notices: what AMBER+STRICT writes.
      return handling.hit_notice ? Tlp::kAmber : Tlp::kAmberStrict;
    case core::Distribution::kGroup:
      return Tlp::kAmber;
    case core::Distribution::kOwner:
      return Tlp::kAmberStrict;
  }
  return Tlp::kRed;
}

std::string_view TlpLabel(Tlp tlp) {
  const std::string_view text = ToString(tlp);
  return tlp == Tlp::kNone ? std::string_view() : text.substr(4);  // after "TLP:"
}

}  // namespace issa::cyber
