#pragma once

// `issa stay` (and, with the PIU service, the travel commands): options registered on the
// application before parsing, run after it.

#include <optional>
#include <string>

#include <CLI/CLI.hpp>

namespace issa::cli {

struct StayArgs {
  std::string entries;  // one stay per line: ENTRY,EXIT[,STATE[,BORDER[,long-stay]]]
  std::string on;       // the day checked (YYYY-MM-DD); today when empty
};

// Reads the stays and prints the 90/180-day check as one JSON line. Returns the exit code.
int Stay(const StayArgs& args);

class PiuCommands {
 public:
  explicit PiuCommands(CLI::App& app);
  // The exit code when one of these commands was parsed, nullopt otherwise.
  std::optional<int> Run();

 private:
  CLI::App* stay_ = nullptr;
  StayArgs stay_args_;
};

}  // namespace issa::cli
