#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "issa/core/model.h"
#include "issa/core/status.h"

// TLP 2.0 (FIRST) as STIX marking definitions (the OASIS ids of the TLP 2.0 extension, and
// the TLP 1.0 ids of the STIX 2.1 specification read as their 2.0 equivalents), and their
// mapping onto the node's handling. The store enforces the handling on every read path
// (access::MaySee), so a TLP:RED object is never returned, listed or counted for anyone but
// its named recipients. See docs/adr/0012-stix-taxii.md. Pure functions; thread-safe.
namespace issa::cyber {

enum class Tlp { kNone, kClear, kGreen, kAmber, kAmberStrict, kRed };

// The marking-definition id of a TLP 2.0 level ("marking-definition--94868c89-…" for CLEAR);
// empty for kNone.
std::string_view TlpMarkingId(Tlp tlp);
// The TLP level of a marking-definition id (TLP 2.0 ids, and TLP 1.0 WHITE/GREEN/AMBER/RED),
// or kNone for any other marking.
Tlp TlpOfMarking(std::string_view marking_id);
// The strictest TLP among the refs (RED > AMBER+STRICT > AMBER > GREEN > CLEAR), kNone if none.
Tlp StrictestTlp(std::span<const std::string> marking_refs);
std::string_view ToString(Tlp tlp);           // "TLP:AMBER+STRICT"
Result<Tlp> ParseTlp(std::string_view text);  // "clear", "TLP:GREEN", "amber+strict", …

// Where an object is shared: into its owner's collection (recipients optional) or into a
// sharing group's collection.
struct TlpTarget {
  std::string owner{};                    // the writing authority
  std::string group{};                    // a sharing group id, or empty
  std::vector<std::string> recipients{};  // named recipient authorities (x_issa_recipients)
};

// The node handling of an object of this TLP level (purposes cyber and crime):
//  - CLEAR: classification PUBLIC, distribution all (anyone, the public advisory feed too);
//  - GREEN: LIMITED, distribution all participants (the community);
//  - AMBER: LIMITED, the owner and its clients: the sharing group when shared into a group's
//    collection, else the named recipients (else the owner only);
//  - AMBER+STRICT: LIMITED, the recipient organisations only: the named recipients, else the
//    owner only; refused into a group collection (a group is more than one organisation's
//    clients); no hit notice;
//  - RED: RESTRICTED, the named recipients only (else the owner only); refused into a group
//    collection; no hit notice.
// An object without a TLP marking is handled as `fallback` (kAmber unless configured).
// InvalidArgument (field "object_marking_refs") for the refused combinations.
Result<core::Handling> HandlingForTlp(Tlp tlp, const TlpTarget& target, Tlp fallback = Tlp::kAmber);

// The TLP a node handling amounts to, reading it the strict way (what the handling allows, not
// what it was written from): RESTRICTED or above is RED; PUBLIC to all is CLEAR; all
// participants GREEN; named authorities or a sharing group AMBER (named authorities without hit
// notices AMBER+STRICT); the owner only AMBER+STRICT.
// So HandlingForTlp followed by TlpOfHandling never loosens a level.
Tlp TlpOfHandling(const core::Handling& handling);
// The bare label: "CLEAR", "AMBER+STRICT", …; "" for kNone.
std::string_view TlpLabel(Tlp tlp);

}  // namespace issa::cyber
