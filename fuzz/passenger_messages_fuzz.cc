// Fuzzes the PNRGOV and PAXLST parsers end to end (one source, two targets with their own seed
// corpora): a failed message carries no content and no deletion counts; a parsed one maps to
// record bodies whose links point to earlier bodies, renders as JSON, and goes through the risk
// criteria.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "issa/travel/passenger_data.h"
#include "issa/travel/passenger_records.h"
#include "issa/travel/risk_criteria.h"

namespace {

const issa::travel::RuleSet& Rules() {
  static const issa::travel::RuleSet rules = *issa::travel::RuleSet::Compile(R"([
    {"id":"F1","version":1,"author":"fuzz","title":"cash one-way",
     "when":{"all":[{"fact":"payment_form","op":"contains","value":"cash"},
                    {"fact":"one_way","op":"eq","value":true}]}},
    {"id":"F2","version":1,"author":"fuzz","title":"late booking or companion",
     "when":{"any":[{"fact":"booking_to_departure_hours","op":"lt","value":72},
                    {"fact":"listed_companion","op":"eq","value":true},
                    {"not":{"fact":"route_legs","op":"matches","value":"*-*"}}]}}])");
  return rules;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace travel = issa::travel;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const bool strict : {true, false}) {
    issa::travel::edifact::ParseOptions options;
    options.strict_envelope = strict;
    auto batch = travel::ParseTravelMessages(text, options);
    if (!batch.ok()) continue;
    for (const auto& m : batch->messages) {
      if (!m.status.ok()) {
        if (m.pnr || m.api || !m.deletions.empty()) __builtin_trap();
        if (!travel::MessageRecords(m).empty()) __builtin_trap();
        continue;
      }
      if (!m.pnr && !m.api) __builtin_trap();
      const auto records = travel::MessageRecords(m);
      for (size_t i = 0; i < records.size(); ++i) {
        for (const auto& l : records[i].links) {
          if (l.target >= i) __builtin_trap();
        }
      }
      travel::MessageJsonOptions json_options;
      json_options.records = true;
      if (travel::ParsedMessageJson(m, json_options).empty()) __builtin_trap();
      if (m.pnr) {
        std::set<std::string, std::less<>> listed;
        for (const auto& b : m.pnr->bookings) {
          if (!b.travellers.empty()) listed.insert(b.travellers.front().key);
        }
        travel::EvaluationInput input;
        input.listed_passengers = &listed;
        for (const auto& hit : Rules().Evaluate(*m.pnr, input)) {
          if (hit.facts.empty()) __builtin_trap();
        }
      }
    }
  }
  return 0;
}
