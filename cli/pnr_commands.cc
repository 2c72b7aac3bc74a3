#include "pnr_commands.h"

#include <cstdio>
#include <optional>

#include "issa/core/file.h"
#include "issa/core/status.h"
#include "issa/travel/passenger_data.h"
#include "issa/travel/passenger_records.h"
#include "issa/travel/risk_criteria.h"

namespace issa::cli {
namespace {

void PrintLine(const std::string& line) {
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
}

}  // namespace

int PnrParse(const PnrParseArgs& args) {
  std::optional<travel::RuleSet> rules;
  travel::AirportCountries airports;
  travel::EvaluationInput input;
  if (!args.rules.empty()) {
    auto text = core::ReadFile(args.rules);
    auto compiled =
        text.ok() ? travel::RuleSet::Compile(*text) : Result<travel::RuleSet>(text.status());
    if (!compiled.ok()) {
      std::fprintf(stderr, "issa: %s: %s\n", args.rules.c_str(),
                   compiled.status().ToString().c_str());
      return 2;
    }
    rules = std::move(*compiled);
  }
  if (!args.airports.empty()) {
    auto text = core::ReadFile(args.airports);
    auto table = text.ok() ? travel::ParseAirportCountries(*text)
                           : Result<travel::AirportCountries>(text.status());
    if (!table.ok()) {
      std::fprintf(stderr, "issa: %s: %s\n", args.airports.c_str(),
                   table.status().ToString().c_str());
      return 2;
    }
    airports = std::move(*table);
    input.airport_countries = &airports;
  }
  travel::edifact::ParseOptions options;
  options.strict_envelope = !args.lenient;
  travel::MessageJsonOptions json_options;
  json_options.content = args.json;
  json_options.records = true;
  bool rejected = false;
  bool failed = false;
  for (const std::string& path : args.files) {
    auto text = core::ReadFile(path);
    if (!text.ok()) {
      std::fprintf(stderr, "issa: %s: %s\n", path.c_str(), text.status().ToString().c_str());
      failed = true;
      continue;
    }
    // The JSON form (NDJSON, one message per line) or EDIFACT.
    const size_t first = text->find_first_not_of(" \t\r\n");
    auto batch = first != std::string::npos && (*text)[first] == '{'
                     ? Result<travel::ParseBatch>(travel::ParsePassengerJson(*text))
                     : travel::ParseTravelMessages(*text, options);
    if (!batch.ok()) {
      PrintLine(travel::InterchangeErrorJson(batch.status(), path));
      failed = true;
      continue;
    }
    json_options.file = path;
    for (const auto& m : batch->messages) {
      if (!m.status.ok()) rejected = true;
      std::string line = travel::ParsedMessageJson(m, json_options);
      if (rules && m.pnr) {
        // Append "risk_hits" to the object (the line ends with '}').
        std::string hits = ",\"risk_hits\":[";
        bool first_hit = true;
        for (const auto& hit : rules->Evaluate(*m.pnr, input)) {
          hits += (first_hit ? "" : ",") + travel::RuleHitJson(hit);
          first_hit = false;
        }
        line.insert(line.size() - 1, hits + "]");
      }
      PrintLine(line);
    }
    for (const auto& e : batch->errors) {
      rejected = true;
      PrintLine(travel::InterchangeErrorJson(e, path));
    }
  }
  std::fflush(stdout);
  if (failed) return 1;
  return rejected ? 4 : 0;
}

}  // namespace issa::cli
