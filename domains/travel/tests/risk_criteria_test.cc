#include "issa/travel/risk_criteria.h"

#include <fstream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "issa/schema/registry.h"

#include "travel_test_util.h"

namespace issa::travel {
namespace {

using testing::ReadSample;

PnrMessage Sample(const std::string& file) {
  edifact::ParseOptions o;
  o.strict_envelope = false;
  auto batch = ParseTravelMessages(ReadSample(file), o);
  EXPECT_TRUE(batch.ok());
  EXPECT_TRUE(batch->messages.at(0).pnr.has_value()) << batch->messages[0].status.ToString();
  return *batch->messages.at(0).pnr;
}

std::string Rule(const std::string& when, const std::string& extra = "") {
  return R"({"id":"R-1","version":1,"author":"analyst","title":"test rule")" + extra +
         R"(,"when":)" + when + "}";
}

RuleSet Compile(const std::string& text) {
  auto set = RuleSet::Compile(text);
  EXPECT_TRUE(set.ok()) << set.status().ToString();
  return set.ok() ? *set : RuleSet();
}

TEST(RiskCriteriaTest, CashOneWayShortBookingOnARealPnr) {
  // pnrWithDoco: booked 2018-04-11 12:20, WDH-ADD-FRA-IAD departing 2018-05-11 14:20, paid cash.
  const PnrMessage pnr = Sample("pnrgov/gtas-parsers__pnrWithDoco.txt");
  const RuleSet rules = Compile(Rule(R"({"all":[
      {"fact":"payment_form","op":"contains","value":"cash"},
      {"fact":"one_way","op":"eq","value":true},
      {"fact":"booking_to_departure_hours","op":"lt","value":1000},
      {"fact":"transit","op":"in","value":["ADD","DOH"]}]})"));
  const auto hits = rules.Evaluate(pnr, {});
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].rule_id, "R-1");
  EXPECT_EQ(hits[0].passenger_key, "06A9FD/1");
  EXPECT_EQ(hits[0].record_locator, "06A9FD");
  ASSERT_EQ(hits[0].facts.size(), 4u);
  EXPECT_EQ(hits[0].facts[0].fact, "payment_form");
  EXPECT_EQ(hits[0].facts[0].actual, "CASH");
  EXPECT_EQ(hits[0].facts[2].fact, "booking_to_departure_hours");
  EXPECT_EQ(hits[0].facts[2].actual, "722");  // 30 days and 2 hours
  EXPECT_EQ(hits[0].facts[3].actual, R"(["ADD","FRA"])");
  // The same rule with a 48-hour window does not hit.
  const RuleSet strict = Compile(Rule(R"({"all":[
      {"fact":"payment_form","op":"contains","value":"cash"},
      {"fact":"booking_to_departure_hours","op":"lt","value":48}]})"));
  EXPECT_TRUE(strict.Evaluate(pnr, {}).empty());
}

TEST(RiskCriteriaTest, ListedCompanionHook) {
  const PnrMessage pnr = Sample("pnrgov/gtas-parsers__pnrMessage.txt");  // MFN4TI/1 and /2
  const RuleSet rules = Compile(Rule(R"({"fact":"listed_companion","op":"eq","value":true})"));
  EXPECT_TRUE(rules.Evaluate(pnr, {}).empty());
  const std::set<std::string, std::less<>> listed = {"MFN4TI/2"};
  EvaluationInput input;
  input.listed_passengers = &listed;
  const auto hits = rules.Evaluate(pnr, input);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].passenger_key, "MFN4TI/1");
}

TEST(RiskCriteriaTest, RoutesCountriesAndNegation) {
  const PnrMessage pnr = Sample("pnrgov/gtas-parsers__pnrWithDoco.txt");
  auto table = ParseAirportCountries("# PIU airport table\nWDH,NA\nADD,ET\nFRA,DE\nIAD,US\n");
  ASSERT_TRUE(table.ok());
  EvaluationInput input;
  input.airport_countries = &*table;
  const RuleSet rules = Compile(Rule(R"({"all":[
      {"fact":"origin_country","op":"eq","value":"NA"},
      {"fact":"transit_countries","op":"in","value":["ET"]},
      {"fact":"route_legs","op":"matches","value":"*-IAD"},
      {"fact":"legs","op":"between","value":[2,4]},
      {"not":{"fact":"frequent_flyer","op":"eq","value":false}}]})"));
  const auto hits = rules.Evaluate(pnr, input);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].facts.back().op, "not eq");
  // Without the table the country facts are unknown, so the rule cannot hold.
  EXPECT_TRUE(rules.Evaluate(pnr, {}).empty());
  EXPECT_FALSE(ParseAirportCountries("LHR;GB").ok());
}

TEST(RiskCriteriaTest, VersionsAndValidity) {
  const PnrMessage pnr = Sample("pnrgov/gtas-parsers__pnrWithDoco.txt");
  const RuleSet rules = Compile(
      "[" +
      Rule(R"({"fact":"legs","op":"ge","value":1})",
           R"(,"valid_from":"2018-01-01","valid_to":"2018-12-31")") +
      "," +
      R"({"id":"R-1","version":2,"author":"analyst","title":"v2","valid_from":"2019-01-01","when":{"fact":"legs","op":"ge","value":1}})" +
      "]");
  ASSERT_EQ(rules.rules().size(), 2u);
  EvaluationInput input;
  input.evaluation_day = *DaysFromCivil(2018, 5, 1);
  auto hits = rules.Evaluate(pnr, input);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].version, 1);
  input.evaluation_day = *DaysFromCivil(2020, 5, 1);
  hits = rules.Evaluate(pnr, input);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].version, 2);
  // The same id and version twice is refused.
  const std::string r = Rule(R"({"fact":"legs","op":"ge","value":1})");
  auto dup = RuleSet::Compile("[" + r + "," + r + "]");
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.status().field(), "rules[1].version");
}

TEST(RiskCriteriaTest, ProtectedCategoriesAreRefusedAtCompileTime) {
  struct Case {
    std::string rule;
    std::string term;
    std::string category;
  };
  const Case cases[] = {
      {Rule(R"({"fact":"remarks","op":"contains","value":"KSML"})"), "KSML", "religion"},
      {Rule(R"({"fact":"remarks","op":"contains","value":"moml"})"), "MOML", "religion"},
      {Rule(R"({"fact":"remarks","op":"contains","value":"HNML"})"), "HNML", "religion"},
      {Rule(R"({"fact":"remarks","op":"in","value":["VIP","WCHR"]})"), "WCHR", "health"},
      {Rule(R"({"fact":"remarks","op":"contains","value":"VGML"})"), "VGML", "religion"},
      {Rule(R"({"fact":"remarks","op":"contains","value":"wheelchair"})"), "WHEELCHAIR", "health"},
      {Rule(R"({"fact":"legs","op":"ge","value":1})", R"(,"description":"Muslim pilgrims")"),
       "MUSLIM", "religion"},
      {Rule(R"({"fact":"legs","op":"ge","value":1})", R"(,"description":"trade-union delegates")"),
       "TRADE UNION", "trade-union membership"},
      {Rule(R"({"fact":"religion","op":"eq","value":"x"})"), "RELIGION", "religion"},
      {Rule(R"({"fact":"remarks","op":"contains","value":"ethnic"})"), "ETHNIC", "race"},
      {Rule(R"({"fact":"remarks","op":"contains","value":"political asylum"})"), "POLITICAL",
       "political opinions"},
      {Rule(R"({"fact":"remarks","op":"contains","value":"gay"})"), "GAY", "sex life"},
  };
  for (const auto& c : cases) {
    auto set = RuleSet::Compile(c.rule);
    ASSERT_FALSE(set.ok()) << c.rule;
    const std::string& msg = set.status().message();
    EXPECT_NE(msg.find("rule \"R-1\""), std::string::npos) << msg;
    EXPECT_NE(msg.find("\"" + c.term + "\""), std::string::npos) << msg;
    EXPECT_NE(msg.find(c.category), std::string::npos) << msg;
    EXPECT_NE(msg.find("Art. 6(4)"), std::string::npos) << msg;
  }
  // Ordinary words that contain no protected term compile.
  EXPECT_TRUE(RuleSet::Compile(Rule(R"({"fact":"remarks","op":"contains","value":"VIP"})",
                                    R"(,"description":"party of travellers, European Union")"))
                  .ok());
}

TEST(RiskCriteriaTest, CompileErrorsNameTheRuleAndPlace) {
  auto unknown = RuleSet::Compile(Rule(R"({"fact":"shoe_size","op":"eq","value":1})"));
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().field(), "rules[0].when.fact");
  EXPECT_NE(unknown.status().message().find("unknown fact \"shoe_size\""), std::string::npos);
  auto type = RuleSet::Compile(Rule(R"({"all":[{"fact":"legs","op":"contains","value":"x"}]})"));
  ASSERT_FALSE(type.ok());
  EXPECT_EQ(type.status().field(), "rules[0].when.all[0].value");
  EXPECT_FALSE(
      RuleSet::Compile(
          R"({"id":"R","version":1,"title":"t","when":{"fact":"legs","op":"ge","value":1}})")
          .ok());  // no author
  EXPECT_FALSE(RuleSet::Compile(
                   Rule(R"({"fact":"legs","op":"ge","value":1})", R"(,"valid_from":"2026-02-30")"))
                   .ok());
  EXPECT_FALSE(
      RuleSet::Compile(Rule(R"({"fact":"departure_date","op":"lt","value":"tomorrow"})")).ok());
  EXPECT_FALSE(RuleSet::Compile("{not json").ok());
  EXPECT_FALSE(RuleSet::Compile(Rule(R"({"learn":true})")).ok());
}

TEST(RiskCriteriaTest, ExampleRulesCompileAndStoreAsRecords) {
  std::ifstream in(std::string(ISSA_TRAVEL_EXAMPLE_DIR) + "/example-rules.json");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto rules = RuleSet::Compile(text);
  ASSERT_TRUE(rules.ok()) << rules.status().ToString();
  ASSERT_EQ(rules->rules().size(), 3u);
  auto registry = schema::Registry::LoadBuiltin();
  ASSERT_TRUE(registry.ok());
  for (const auto& r : rules->rules()) {
    const std::string props = RiskRuleRecordProperties(r);
    auto valid = (*registry)->ValidateProperties("RiskRule", props);
    EXPECT_TRUE(valid.ok()) << valid.status().ToString() << props;
    // The stored definition compiles back to the same rule.
    auto again =
        RuleSet::CompileRule(nlohmann::json::parse(props)["definition"].get<std::string>());
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->source, r.source);
  }
}

}  // namespace
}  // namespace issa::travel
