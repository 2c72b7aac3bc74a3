#pragma once

// `issa screen ...`: argument struct and the call behind it (issue 5, item 9).

#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace issa::cli {

struct ScreenArgs {
  std::vector<std::string> lists;   // list files or folders (format detected from content)
  std::string input;                // NDJSON passengers; "-" or empty: stdin
  std::optional<size_t> top;        // candidates per passenger (default: configured top_k)
  std::optional<double> threshold;  // default: the configured alert threshold
  std::string config;               // TOML with a [screening] table; defaults when empty
  std::string output;               // NDJSON output; stdout when empty
};

// Adds the `screen` subcommand to `app`, filling `args`.
CLI::App* AddScreenCommand(CLI::App& app, ScreenArgs& args);

// Loads the lists, screens every passenger of the input and writes one NDJSON line per passenger:
// {"id":...,"candidates":[{"list","entry_id","name","score","features",...}]}. List problems and
// rejected input lines go to stderr. Returns the process exit code (4 when input lines were
// rejected, 2 on a bad list or argument).
int TravelScreen(const ScreenArgs& args);

}  // namespace issa::cli
