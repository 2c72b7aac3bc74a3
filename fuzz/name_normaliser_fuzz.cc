// Fuzzes name normalisation (ICU transliteration of arbitrary bytes, invalid UTF-8 included) and
// the matcher: the input is used as a name, as raw properties JSON and as a query.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "issa/core/model.h"
#include "issa/matching/matcher.h"

namespace {

// The bytes as a JSON string literal: quotes, backslashes and control characters escaped, other
// bytes kept (invalid UTF-8 then exercises the InvalidArgument path).
std::string JsonString(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", static_cast<unsigned>(c));
      out += buf;
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
  return out;
}

issa::core::Record MakeRecord(std::string id, std::string type, std::string properties) {
  issa::core::Record r;
  r.id = std::move(id);
  r.type = std::move(type);
  r.owner = "FUZZ";
  r.properties_json = std::move(properties);
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string normal = issa::matching::NormaliseName(text);
  if (issa::matching::NormaliseName(normal) != normal) __builtin_trap();  // idempotent on ASCII

  static constexpr const char* kTypes[] = {"Person", "Document", "Organisation",
                                           "Vessel", "Account",  "Aircraft"};
  const char* type = kTypes[size == 0 ? 0 : data[0] % 6];
  issa::matching::Matcher matcher{issa::matching::MatchConfig{}};
  (void)matcher.Upsert(MakeRecord(
      "seed-1", "Person",
      R"({"name":"Vladimir Putin","aliases":["Владимир Путин"],"birth_date":"1952-10-07",)"
      R"("document_numbers":["AB1234567"]})"));
  (void)matcher.Upsert(
      MakeRecord("seed-2", "Document", R"({"number":"AB1234567","holder_name":"محمد علي"})"));
  (void)matcher.Upsert(MakeRecord("seed-3", "Vessel", R"({"name":"Ocean Star","imo":"9074729"})"));
  (void)matcher.Upsert(MakeRecord("seed-4", "Organisation", R"({"name":"Acme Trading Ltd"})"));

  const std::string name = JsonString(text);
  const std::string as_name = std::string("{\"name\":") + name + ",\"aliases\":[" + name +
                              "],\"holder_name\":" + name + ",\"number\":" + name +
                              ",\"imo\":" + name + ",\"iban\":" + name + ",\"birth_date\":" + name +
                              ",\"registration\":" + name + "}";
  const issa::core::Record by_name = MakeRecord("fuzz-1", type, as_name);
  const issa::core::Record raw = MakeRecord("fuzz-2", type, std::string(text));
  (void)matcher.Find(by_name, 10);
  (void)matcher.Find(raw, 10);
  (void)matcher.Upsert(by_name);
  (void)matcher.Upsert(raw);
  (void)matcher.Find(MakeRecord("q", "Person", R"({"name":"Vladimir Putin"})"), 10);
  (void)matcher.FindExhaustive(by_name, 10);
  (void)matcher.Compare(by_name, raw);
  matcher.Remove("fuzz-1");
  matcher.Remove("fuzz-2");
  if (matcher.size() != 4) __builtin_trap();
  return 0;
}
