// Fuzzes the IOC scanner's log tokeniser and scan loop on arbitrary bytes (binary lines, invalid
// UTF-8, NUL bytes), with atomic, CIDR, substring and regex indicators loaded.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "issa/cyber/ioc_scan.h"

namespace {

const issa::cyber::IocScanner& Scanner() {
  static const auto* scanner = [] {
    auto* s = new issa::cyber::IocScanner();
    using issa::cyber::IndicatorMatch;
    using issa::cyber::ObservableType;
    (void)s->Add({"d", ObservableType::kDomain, "evil.example"});
    (void)s->Add({"n", ObservableType::kIpv4, "10.0.0.0/8"});
    (void)s->Add({"6", ObservableType::kIpv6, "2001:db8::/32"});
    (void)s->Add({"u", ObservableType::kUrl, "http://evil.example/a"});
    (void)s->Add({"e", ObservableType::kEmail, "x@evil.example"});
    (void)s->Add({"h", ObservableType::kMd5, "d41d8cd98f00b204e9800998ecf8427e"});
    (void)s->Add({"s", ObservableType::kText, "cmd.exe", IndicatorMatch::kSubstring});
    (void)s->Add({"r", ObservableType::kText, "pay[0-9]+\\.php", IndicatorMatch::kRegex});
    (void)s->Compile();
    return s;
  }();
  return *scanner;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  issa::cyber::ExtractLogObservables(text, [](issa::cyber::ObservableType, std::string_view) {});
  std::vector<issa::cyber::IocSighting> sightings;
  (void)Scanner().ScanText(text, "fuzz.log", sightings);
  for (const auto& s : sightings) (void)issa::cyber::SightingNdjson(s);
  return 0;
}
