// Fuzzes the AIS NMEA decoder: arbitrary bytes fed in two chunks (split at a byte chosen by the
// input), every message rendered as gpsd JSON. Checks the counters stay consistent.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "issa/maritime/ais.h"
#include "issa/maritime/ais_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  issa::maritime::AisDecoderOptions options;
  options.fragment_timeout_lines = 4;
  options.max_line_bytes = 512;
  issa::maritime::AisDecoder decoder(options);
  std::string out;
  uint64_t messages = 0;
  auto on_message = [&](const issa::maritime::AisMessage& m) {
    if (m.type < 1 || m.type > 27 || m.bit_count > issa::maritime::kMaxPayloadBits) {
      __builtin_trap();
    }
    out.clear();
    issa::maritime::AppendGpsdJson(m, {}, out);
    issa::maritime::GpsdJsonOptions raw;
    raw.scaled = false;
    issa::maritime::AppendGpsdJson(m, raw, out);
    if (out.empty() || out.front() != '{') __builtin_trap();
    ++messages;
  };
  const size_t cut = size == 0 ? 0 : data[0] % (size + 1);
  decoder.Feed(text.substr(0, cut), on_message);
  decoder.Feed(text.substr(cut), on_message);
  decoder.Finish(on_message);
  if (decoder.stats().messages != messages) __builtin_trap();
  return 0;
}
