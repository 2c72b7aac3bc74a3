// Fuzzes the risk-criteria compiler: any input compiles or fails with a message naming where;
// what compiles evaluates on a fixed PNR and stores as a RiskRule record whose definition
// compiles back to the same rule.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "issa/travel/passenger_data.h"
#include "issa/travel/risk_criteria.h"

namespace {

const issa::travel::PnrMessage& Pnr() {
  static const issa::travel::PnrMessage pnr = [] {
    auto batch = issa::travel::ParseTravelMessages(
        "UNH+1+PNRGOV:13:1:IA'MSG+:22'ORG+DL'TVL+121210:0915+LHR+JFK+DL+324'SRC'"
        "RCI+DL:ABC123::011210:1000'TIF+DOE+JOHN:A:1'FOP+CA::100.00'TIF+ROE+JANE:A:2'"
        "TVL+121210:0915::1230+LHR+JFK+DL+324:B'TVL+151210:0900::1100+JFK+YVR+DL+330:B'"
        "UNT+12+1'");
    if (!batch.ok() || !batch->messages.at(0).pnr) __builtin_trap();  // the fixture itself
    return *batch->messages.at(0).pnr;
  }();
  return pnr;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace travel = issa::travel;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto rules = travel::RuleSet::Compile(text);
  if (!rules.ok()) {
    if (rules.status().message().empty()) __builtin_trap();
    return 0;
  }
  travel::EvaluationInput input;
  for (const auto& hit : rules->Evaluate(Pnr(), input)) {
    if (hit.rule_id.empty()) __builtin_trap();
  }
  for (const auto& r : rules->rules()) {
    auto again = travel::RuleSet::CompileRule(r.source);
    if (!again.ok() || again->source != r.source) __builtin_trap();
    if (travel::RiskRuleRecordProperties(r).empty()) __builtin_trap();
  }
  return 0;
}
