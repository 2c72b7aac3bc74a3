// Fuzzes STIX 2.1 object validation and bundle reading on arbitrary bytes: the JSON Schema
// evaluator, deterministic observable ids, ref checks and cycles. Must never crash; an object's
// error must name a property or say what is wrong.
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <string_view>

#include "issa/cyber/stix.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto validator = issa::cyber::StixValidator::Builtin();
  if (!validator.ok()) std::abort();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto object = (*validator)->Validate(text);
  if (!object.ok() && object.status().message().empty()) std::abort();
  if (object.ok() && object->json.empty()) std::abort();
  // The canonical text written directly is nlohmann's dump of the parsed value.
  if (object.ok() && object->json != object->value.dump()) std::abort();
  std::istringstream in{std::string(text)};
  issa::cyber::BundleLimits limits;
  limits.max_bytes = 1 << 20;
  limits.max_objects = 1000;
  (void)issa::cyber::ReadBundle(**validator, in, limits, [](issa::cyber::BundleItem& item) {
    if (!item.object.ok() && item.object.status().message().empty()) std::abort();
    return true;
  });
  return 0;
}
