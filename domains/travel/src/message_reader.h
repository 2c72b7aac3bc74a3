#pragma once

// What the PNRGOV and PAXLST parsers share: one message of an interchange, its errors and its
// Annex I deletion counts.

#include <string>
#include <string_view>

#include "issa/travel/edifact.h"
#include "issa/travel/passenger_data.h"

#include "travel_text.h"

namespace issa::travel::detail {

class MessageReader {
 protected:
  MessageReader(const edifact::Interchange& ic, const edifact::Message& m,
                DeletionCounts& deletions)
      : ic_(ic), m_(m), deletions_(deletions) {}

  Status Fail(const edifact::Segment& s, size_t element, std::string_view what) const {
    return edifact::SegmentError(m_, s, element, what);
  }
  void Delete(std::string_view kind) { CountDeletion(deletions_, kind); }
  std::string T(const edifact::Segment& s, size_t e, size_t c = 0) const {
    return ic_.Text(s, e, c);
  }

  const edifact::Interchange& ic_;
  const edifact::Message& m_;
  DeletionCounts& deletions_;
};

}  // namespace issa::travel::detail
