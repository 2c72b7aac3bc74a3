// Fuzzes the CISE reader: parse, envelope and entity validation, and the mapping to record JSON.
// Checks that refusals are InvalidArgument with a message, that Import and Validate agree, that an
// accepted message gives well-formed record JSON, and that the counters add up.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include <nlohmann/json.hpp>

#include "issa/maritime/cise.h"

namespace {

const issa::maritime::CiseCodec& Codec() {
  static const std::unique_ptr<issa::maritime::CiseCodec> codec = [] {
    auto c = issa::maritime::CiseCodec::Create();
    if (!c.ok()) __builtin_trap();
    return std::move(c).value();
  }();
  return *codec;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  issa::maritime::CiseImportOptions options;
  options.handling.purposes = 1;
  options.max_entities = 200;
  const auto result = Codec().Import(text, options);
  const issa::Status validated = Codec().Validate(text);
  if (!result.ok()) {
    if (result.status().code() != issa::StatusCode::kInvalidArgument) __builtin_trap();
    if (result.status().message().empty()) __builtin_trap();
    return 0;
  }
  if (!validated.ok()) __builtin_trap();  // Import validates the same way
  uint64_t unsupported = 0;
  for (const auto& [name, n] : result->unsupported) unsupported += n;
  if (unsupported != result->unsupported_total) __builtin_trap();
  for (const auto& r : result->records) {
    const auto j = nlohmann::json::parse(r.record_json, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("type") || !j.contains("properties") ||
        !j.contains("handling")) {
      __builtin_trap();
    }
    const auto& g = j["geometry"];
    if (!g.is_null() && !(g.is_object() && g.contains("type"))) __builtin_trap();
  }
  return 0;
}
