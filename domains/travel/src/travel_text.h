#pragma once

// Free-text fields inside PNRGOV: SSR codes, SSR DOCS/DOCA/DOCO texts, contact remarks.

#include <string>
#include <string_view>

#include "issa/core/status.h"
#include "issa/travel/passenger_data.h"

namespace issa::travel::detail {

std::string_view TrimBlanks(std::string_view s);

// Adds one deletion of `kind` (Annex I filtering).
void CountDeletion(DeletionCounts& counts, std::string_view kind);

// A segment that carries no Annex I element: deleted on receipt and counted as `kind`.
struct DeletedSegment {
  std::string_view tag;
  std::string_view kind;
};
// The kind of `tag` in `table`, or empty.
template <typename Table>
std::string_view DeletionKind(const Table& table, std::string_view tag) {
  for (const DeletedSegment& d : table) {
    if (d.tag == tag) return d.kind;
  }
  return {};
}

// What Annex I makes of an SSR code.
enum class SsrKind {
  kDocs,           // API: travel document (Annex I, 18)
  kDoca,           // API: address
  kDoco,           // API: other document (visa)
  kSeat,           // seat (14)
  kTicket,         // ticket number (13)
  kFrequentFlyer,  // (8)
  kContact,        // (5)
  kRemark,         // kept as a general remark: minors (12), travellers together (17), baggage (16)
  kMeal,           // deleted: meal codes reveal religion or health
  kHealth,         // deleted: assistance and medical codes
  kOther,          // deleted: not an Annex I element
};
SsrKind ClassifySsr(std::string_view code);

// "/P/GBR/123456789/GBR/12JUL64/M/23AUG19/SMITHJR/JONATHON/ROBERT" (DOCS) or
// "place of birth/V/number/place of issue/issue date/country" (DOCO). InvalidArgument on an
// absurd date.
Status ParseDocText(std::string_view text, bool doco, int reference_year, TravelDocument& out);
// "/R/USA/street/city/region/postal code".
Address ParseDocaText(std::string_view text);

enum class ContactKind { kPhone, kEmail, kThirdParty };
struct Contact {
  ContactKind kind = ContactKind::kPhone;
  std::string value;
};
// "CTCE NAME//EXAMPLE.COM", "CTCM 123", "AM CTCH 81 8336", "CTC M 123", "EK CTC M 5432". The
// IATA e-mail escapes are decoded (// = @, .. = _, ./ = -). False when not a contact.
bool ParseContact(std::string_view text, Contact& out);

}  // namespace issa::travel::detail
