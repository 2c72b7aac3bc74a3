// Fuzzes the native alert JSON reader: every input either fails with a message, or yields
// alerts with an id, a category and an action, and issues that name their element and field.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "issa/travel/watchlist.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto list = issa::travel::ParseAlertsJson(text, "fuzz.json");
  if (!list.ok()) {
    if (list.status().message().empty()) __builtin_trap();
    return 0;
  }
  for (const auto& e : list->entries) {
    if (e.id.empty() || !e.alert || e.alert->action.empty()) __builtin_trap();
    if (e.kind == issa::travel::EntryKind::kDocument && e.documents.empty()) __builtin_trap();
    (void)issa::travel::ToRecord(e);
  }
  for (const auto& i : list->issues) {
    if (i.element.empty() || i.message.empty()) __builtin_trap();
  }
  if (list->rejected != list->issues.size()) __builtin_trap();
  return 0;
}
