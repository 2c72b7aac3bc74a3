// Fuzzes the OFAC CSV reader: the input is split at the first two 0x1E bytes into the primary
// (sdn.csv), alias (alt.csv) and comments files. Every input either fails with a message or
// yields entries that each have an id and a name; issues name their file.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "issa/travel/watchlist.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  issa::travel::OfacFiles files;
  const size_t a = text.find('\x1e');
  files.primary = std::string(text.substr(0, a));
  if (a != std::string_view::npos) {
    text.remove_prefix(a + 1);
    const size_t b = text.find('\x1e');
    files.alt = std::string(text.substr(0, b));
    if (b != std::string_view::npos) files.comments = std::string(text.substr(b + 1));
  }
  const auto list = issa::travel::ParseOfacCsv(files);
  if (!list.ok()) {
    if (list.status().message().empty()) __builtin_trap();
    return 0;
  }
  for (const auto& e : list->entries) {
    if (e.id.empty() || e.names.empty() || e.primary_name().empty()) __builtin_trap();
    (void)issa::travel::ToRecord(e);
  }
  for (const auto& i : list->issues) {
    if (i.file.empty() || i.message.empty()) __builtin_trap();
  }
  return 0;
}
