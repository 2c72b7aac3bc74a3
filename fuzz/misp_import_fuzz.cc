// Fuzzes the MISP importer: event JSON to STIX, the export back, the scan indicators and the feed
// manifest parser. Any input must give a value or an error, never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "issa/cyber/misp.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto conversion = issa::cyber::MispEventToStix(text);
  if (conversion.ok()) {
    auto back = issa::cyber::StixToMispEvent(issa::cyber::StixBundle(conversion->objects));
    (void)back;
  }
  std::vector<issa::cyber::MispProblem> problems;
  (void)issa::cyber::MispScanIndicators(text, problems);
  (void)issa::cyber::ParseMispFeedManifest(text);
  (void)issa::cyber::StixToMispEvent(text);
  return 0;
}
