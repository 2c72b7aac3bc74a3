#include "cti_commands.h"

#include <cstdio>
#include <fstream>

#include <nlohmann/json.hpp>

#include "issa/cti/service.h"
#include "issa/cyber/tlp.h"

namespace issa::cli {

int CyberImport(node::Node& node, const node::Context& ctx, const CyberImportArgs& args) {
  Result<cyber::Tlp> tlp = cyber::ParseTlp(args.tlp);
  if (!tlp.ok()) {
    std::fprintf(stderr, "issa: --tlp: %s\n", tlp.status().message().c_str());
    return 2;
  }
  cti::CtiOptions options;
  options.cursor_key = args.cursor_key;
  auto service = cti::CtiService::Open(node, options);
  if (!service.ok()) {
    std::fprintf(stderr, "issa: %s\n", service.status().ToString().c_str());
    return 1;
  }
  int exit_code = 0;
  for (const std::string& file : args.files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "issa: cannot read %s\n", file.c_str());
      return 1;
    }
    Result<cti::ImportReport> report = (*service)->Import(ctx, in, *tlp, args.group);
    if (!report.ok()) {
      std::fprintf(stderr, "issa: %s: %s\n", file.c_str(), report.status().ToString().c_str());
      return report.status().code() == StatusCode::kInvalidArgument ? 4 : 1;
    }
    const nlohmann::json status = nlohmann::json::parse(report->status_json);
    size_t shown = 0;
    for (const auto& f : status["failures"]) {
      if (++shown > 50) break;
      std::fprintf(stderr, "%s: %s: %s\n", file.c_str(), f.value("id", "").c_str(),
                   f.value("message", "").c_str());
    }
    nlohmann::json line{{"file", file},
                        {"objects", report->total},
                        {"imported", report->succeeded},
                        {"failed", report->failed},
                        {"status", status["id"]}};
    std::printf("%s\n", line.dump().c_str());
    if (report->failed > 0) exit_code = 4;
  }
  return exit_code;
}

}  // namespace issa::cli
