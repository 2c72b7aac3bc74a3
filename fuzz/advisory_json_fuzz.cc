// Fuzzes the reader of plain-language advisories (the JSON an author or translator submits) and
// the renderers of what it accepted: every input either parses or fails with the field named,
// and an accepted advisory renders to HTML and Atom without markup from the input, and its JSON
// form reads back.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "issa/cyber/advisory.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = issa::cyber::ParseAdvisoryJson(text);
  if (!parsed.ok()) {
    if (parsed.status().message().empty() || parsed.status().field().empty()) __builtin_trap();
    return 0;
  }
  const auto& a = parsed->advisory;
  if (a.texts.empty()) __builtin_trap();
  for (const auto& t : a.texts) {
    const std::string page = issa::cyber::RenderAdvisoryHtml(a, t.lang);
    if (page.find("<script") != std::string::npos) __builtin_trap();
  }
  issa::cyber::AtomFeedOptions options;
  options.base_url = "https://eisas.example.eu";
  const std::string feed = issa::cyber::RenderAtomFeed({a}, options);
  if (feed.find("<script") != std::string::npos) __builtin_trap();
  auto again = issa::cyber::ParseAdvisoryJson(issa::cyber::AdvisoryToJson(a));
  if (!again.ok() || again->advisory.texts.size() != a.texts.size()) __builtin_trap();
  return 0;
}
