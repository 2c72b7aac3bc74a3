// Fuzzes the record codec: the JSON form of records (create and patch), GeoJSON geometry and
// the properties validator, on arbitrary bytes. Must never crash; errors must name a field.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "issa/schema/registry.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto registry = issa::schema::Registry::LoadBuiltin();
  if (!registry.ok()) std::abort();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto draft = issa::schema::ParseRecord(**registry, text);
  if (!draft.ok() && draft.status().field().empty()) std::abort();
  if (draft.ok()) {
    issa::core::Record r;
    r.id = "0193a000-0000-7000-8000-000000000001";
    r.type = draft->type;
    r.properties_json = draft->properties_json;
    r.geometry_json = draft->geometry_json;
    r.handling = draft->handling;
    (void)issa::schema::RecordToJson(r, true);
    (void)issa::schema::ApplyPatch(**registry, r, text);
  }
  (void)issa::schema::GeometryBBox(text);
  (void)issa::schema::FindInvalidUtf8(text);
  return 0;
}
