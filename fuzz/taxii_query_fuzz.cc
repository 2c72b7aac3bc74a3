// Fuzzes the TAXII 2.1 query parser (filters, limit, added_after, next) and the cursor decoder
// on arbitrary bytes. Must never crash; errors name the parameter; no forged cursor verifies.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "issa/cyber/taxii_query.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::vector<std::string> kAll = {
      "limit",          "added_after",        "next", "match[id]", "match[type]",
      "match[version]", "match[spec_version]"};
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto q = issa::cyber::ParseTaxiiQuery(text, kAll);
  if (!q.ok() && q.status().field().empty()) std::abort();
  if (q.ok()) (void)issa::cyber::FilterDigest(*q);
  const std::string key = "fuzzing cursor key of 32 bytes..";
  const auto c = issa::cyber::DecodeCursor(text, key);
  if (c.ok()) {
    // Only a cursor this key made verifies; re-encoding it gives the same text.
    if (issa::cyber::EncodeCursor(*c, key) != text) std::abort();
  } else if (c.status().field() != "next") {
    std::abort();
  }
  return 0;
}
