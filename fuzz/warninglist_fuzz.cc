// Fuzzes the MISP warning-list loader (list.json) and matching against the loaded lists.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "issa/cyber/warninglist.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  issa::cyber::WarningLists lists;
  if (lists.AddList(text, "fuzz").ok()) {
    (void)lists.Compile();
    using issa::cyber::ObservableType;
    for (const auto& [type, value] :
         {std::pair{ObservableType::kIpv4, "10.1.2.3"},
          std::pair{ObservableType::kDomain, "www.example.com"},
          std::pair{ObservableType::kUrl, "http://a.example/x"},
          std::pair{ObservableType::kEmail, "abuse@example.org"},
          std::pair{ObservableType::kMd5, "d41d8cd98f00b204e9800998ecf8427e"}})
      (void)lists.Match(*issa::cyber::MakeObservable(type, value));
  }
  return 0;
}
