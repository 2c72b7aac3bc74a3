#include "pnr_commands.h"

#include <cstdio>

#include "issa/core/file.h"
#include "issa/core/status.h"
#include "issa/travel/passenger_data.h"
#include "issa/travel/passenger_records.h"

namespace issa::cli {
namespace {

void PrintLine(const std::string& line) {
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
}

}  // namespace

int PnrParse(const PnrParseArgs& args) {
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
      PrintLine(travel::ParsedMessageJson(m, json_options));
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
