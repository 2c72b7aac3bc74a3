// Fuzzes URL, domain and IP normalisation (RFC 3986, IDNA via ICU, RFC 5952) and checks that
// normalising a normalised URL changes nothing.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "issa/cyber/observable.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto url = issa::cyber::NormaliseUrl(text);
  if (url.ok()) {
    auto again = issa::cyber::NormaliseUrl(*url);
    if (!again.ok() || *again != *url) std::abort();  // normalisation is idempotent
    (void)issa::cyber::UrlHost(*url);
  }
  (void)issa::cyber::NormaliseDomainName(text);
  (void)issa::cyber::ParseIpNetwork(text);
  for (int t = 0; t < issa::cyber::kObservableTypeCount; ++t)
    (void)issa::cyber::NormaliseObservable(static_cast<issa::cyber::ObservableType>(t), text);
  return 0;
}
