#include "piu_commands.h"

#include <cstdio>

#include "issa/core/file.h"
#include "issa/core/status.h"
#include "issa/core/time.h"
#include "issa/travel/stay.h"

#include "exit_status.h"

namespace issa::cli {

int Stay(const StayArgs& args) {
  auto text = core::ReadFile(args.entries, size_t{16} << 20);
  if (!text.ok()) return Report(text.status().WithFieldPrefix("entries"));
  auto stays = travel::ParseStays(*text);
  if (!stays.ok()) return Report(stays.status());
  travel::Day on = core::SystemClock().Now() / core::kMsPerDay;
  if (!args.on.empty()) {
    auto day = travel::ParseDay(args.on, "on");
    if (!day.ok()) return Report(day.status());
    on = *day;
  }
  auto check = travel::CheckStay(std::move(stays).value(), on);
  if (!check.ok()) return Report(check.status());
  std::printf("%s\n", travel::StayCheckJson(*check).c_str());
  return 0;
}

PiuCommands::PiuCommands(CLI::App& app) {
  stay_ = app.add_subcommand("stay", "Check the 90/180-day short-stay rule for a list of stays");
  stay_
      ->add_option("--entries", stay_args_.entries,
                   "File of stays, one per line: ENTRY,EXIT[,STATE[,air|sea|land[,long-stay]]] "
                   "(EXIT empty while present)")
      ->required();
  stay_->add_option("--on", stay_args_.on, "Day checked, YYYY-MM-DD (default today)");
}

std::optional<int> PiuCommands::Run() {
  if (stay_->parsed()) return Stay(stay_args_);
  return std::nullopt;
}

}  // namespace issa::cli
