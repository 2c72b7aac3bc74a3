// Fuzzes the TAXII 2.1 client's reading of server answers (`issa taxii pull`): discovery, API
// root, collections, objects envelope, error message, media type and URLs, on arbitrary bytes.
// Must never crash; every refusal names the property.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "issa/cyber/taxii_client.h"

namespace {

template <typename R>
void MustNameField(const R& r) {
  if (!r.ok() && r.status().field().empty()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace issa::cyber;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  MustNameField(ParseTaxiiDiscovery(text));
  MustNameField(ParseTaxiiApiRoot(text));
  MustNameField(ParseTaxiiCollections(text));
  const auto envelope = ParseTaxiiEnvelope(text);
  MustNameField(envelope);
  if (envelope.ok() && envelope->ids.size() != envelope->objects.size()) std::abort();
  if (envelope.ok() && envelope->more && envelope->next.empty()) std::abort();
  (void)ParseTaxiiError(text);
  (void)IsTaxiiMediaType(text);
  const auto url = ParseTaxiiUrl(text);
  MustNameField(url);
  TaxiiUrl base{"http", "127.0.0.1", 8080, "/taxii2/"};
  const auto resolved = ResolveTaxiiUrl(url.ok() ? *url : base, text);
  MustNameField(resolved);
  if (resolved.ok() && (resolved->target.empty() || resolved->target.front() != '/')) std::abort();
  return 0;
}
