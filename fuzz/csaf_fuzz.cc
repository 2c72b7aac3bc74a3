// Fuzzes the readers of outside cyber documents used by the EISAS alerts: the CSAF mandatory-test
// checker, the STIX indicator-set reader and the incident reader. Each either answers or fails
// with the field named; findings always carry a test id and a JSON pointer.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "issa/cyber/csaf.h"
#include "issa/cyber/incident.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto findings = issa::cyber::CheckCsafMandatory(text); findings.ok()) {
    for (const auto& f : *findings) {
      if (f.test.empty() || f.path.empty() || f.path[0] != '/') __builtin_trap();
    }
  } else if (findings.status().field().empty()) {
    __builtin_trap();
  }
  if (auto set = issa::cyber::ParseStixIndicatorSet(text); !set.ok()) {
    if (set.status().field().empty()) __builtin_trap();
  } else if (!set->tlp.empty() && !issa::cyber::TlpRank(set->tlp)) {
    __builtin_trap();
  }
  if (auto incident = issa::cyber::ParseIncident(text); !incident.ok()) {
    if (incident.status().field().empty()) __builtin_trap();
  }
  return 0;
}
