#pragma once

// Pre-determined risk criteria (Directive (EU) 2016/681, Art. 6(3)(b) and 6(4)): a small
// declarative rule language over the facts of a PNR, compiled once and evaluated on every PNR.
// Each hit names the rule (id, version) and the facts that matched, so an analyst can see why.
// No criterion learns: a rule changes only when a person writes a new version of it.
//
// Rule JSON (docs/travel.md "Rule language", docs/adr/0010-risk-criteria-language.md):
//   {"id":"R-CASH-1","version":2,"author":"fr-piu.analyst","valid_from":"2026-01-01",
//    "valid_to":"2026-12-31","title":"…","description":"…",
//    "when":{"all":[{"fact":"payment_form","op":"contains","value":"cash"},
//                   {"fact":"booking_to_departure_hours","op":"lt","value":48},
//                   {"any":[{"fact":"one_way","op":"eq","value":true},
//                           {"not":{"fact":"legs","op":"le","value":1}}]}]}}
//
// Compilation refuses (InvalidArgument naming the rule and the term) any rule that refers to
// race, ethnic origin, political opinions, religion, trade-union membership, health or sex life
// or sexual orientation, in a fact, a value, the title or the description (Art. 6(4)): e.g.
// special-meal codes (MOML, KSML, HNML), assistance codes (WCHR, MEDA), religion keywords.
//
// Thread-safety: a compiled RuleSet is immutable; Evaluate may run concurrently.

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "issa/core/status.h"
#include "issa/travel/passenger_data.h"

namespace issa::travel {

struct CompiledCondition;  // opaque

struct RiskRule {
  std::string id;
  int64_t version = 1;
  std::string author;
  LocalDateTime valid_from;  // date only; no date = always
  LocalDateTime valid_to;    // date only, inclusive; no date = open
  std::string title;
  std::string description;
  std::string source;  // the rule JSON as compiled (canonical), for the RiskRule record
  std::shared_ptr<const CompiledCondition> condition;  // shared: copies of a rule set share it

  bool ValidOn(int32_t day) const;
};

// The facts of one traveller of one PNR that rules can test (docs/travel.md lists them).
struct PnrFacts {
  std::string passenger_key;
  std::map<std::string, std::vector<std::string>, std::less<>> text;  // string and set facts
  std::map<std::string, double, std::less<>> number;                  // numbers, booleans (0/1)
};

// Where an airport is: IATA airport code -> ISO 3166-1 alpha-2 country, kept by the PIU.
using AirportCountries = std::map<std::string, std::string, std::less<>>;
// "LHR,GB" lines; '#' comments. InvalidArgument naming the line.
Result<AirportCountries> ParseAirportCountries(std::string_view csv);

struct EvaluationInput {
  // Passengers the screening found on a list or alert (passenger keys): the
  // `listed_companion` fact is true for a traveller whose PNR holds another of them.
  const std::set<std::string, std::less<>>* listed_passengers = nullptr;
  const AirportCountries* airport_countries = nullptr;
  int32_t evaluation_day = LocalDateTime::kNone;  // rules valid on this day; kNone = all
};

// The facts of each traveller of a PNR. `flight` is the message's flight (PNRGOV header TVL).
std::vector<PnrFacts> BookingFacts(const Booking& booking, const FlightLeg& flight,
                                   const EvaluationInput& input);

struct FactMatch {
  std::string fact;
  std::string op;
  std::string expected;  // JSON of the rule's value
  std::string actual;    // the fact's value, as text
};

struct RuleHit {
  std::string rule_id;
  int64_t version = 0;
  std::string title;
  std::string passenger_key;
  std::string record_locator;
  std::vector<FactMatch> facts;  // the conditions that held (the whole true branch)
};

class RuleSet {
 public:
  // One rule object or an array of them. Ids must be unique per version.
  static Result<RuleSet> Compile(std::string_view json);
  static Result<RiskRule> CompileRule(std::string_view json);

  const std::vector<RiskRule>& rules() const { return rules_; }

  std::vector<RuleHit> Evaluate(const PnrFacts& facts, std::string_view record_locator,
                                const EvaluationInput& input) const;
  // Every traveller of every PNR of the message.
  std::vector<RuleHit> Evaluate(const PnrMessage& message, const EvaluationInput& input) const;

 private:
  std::vector<RiskRule> rules_;
};

// The RiskRule record properties (data/schemas/RiskRule.json) of a compiled rule.
std::string RiskRuleRecordProperties(const RiskRule& rule);
// One hit as JSON: {"rule_id","version","title","passenger_key","record_locator","facts":[…]}.
std::string RuleHitJson(const RuleHit& hit);

}  // namespace issa::travel
