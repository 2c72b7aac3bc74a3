#include "json_fast.h"

#include <cmath>
#include <cstdint>
#include <string>

#include <simdjson.h>

namespace issa::cyber::detail {
namespace {

using json = nlohmann::json;

// False when the value cannot be given the tree nlohmann would build (the caller then parses
// with nlohmann).
bool Convert(simdjson::dom::element e, json& out) {
  switch (e.type()) {
    case simdjson::dom::element_type::OBJECT: {
      out = json::object();
      json::object_t& members = *out.get_ptr<json::object_t*>();
      for (const simdjson::dom::key_value_pair kv : simdjson::dom::object(e)) {
        if (!Convert(kv.value, members[std::string(kv.key)])) return false;
      }
      return true;
    }
    case simdjson::dom::element_type::ARRAY: {
      const simdjson::dom::array a(e);
      out = json::array();
      json::array_t& elements = *out.get_ptr<json::array_t*>();
      elements.reserve(a.size());
      for (const simdjson::dom::element v : a) {
        elements.emplace_back();
        if (!Convert(v, elements.back())) return false;
      }
      return true;
    }
    case simdjson::dom::element_type::STRING:
      out = std::string(std::string_view(e));
      return true;
    case simdjson::dom::element_type::INT64: {
      // nlohmann: a number without '-' is unsigned, with '-' signed ("-0" is signed 0: it
      // prints as 0 either way).
      const int64_t v = int64_t(e);
      if (v >= 0) {
        out = static_cast<uint64_t>(v);
      } else {
        out = v;
      }
      return true;
    }
    case simdjson::dom::element_type::UINT64:
      out = uint64_t(e);
      return true;
    case simdjson::dom::element_type::DOUBLE: {
      const double d = double(e);
      // "-0" (no fraction) is an integer for nlohmann; simdjson may give -0.0.
      if (d == 0 && std::signbit(d)) return false;
      out = d;
      return true;
    }
    case simdjson::dom::element_type::BOOL:
      out = bool(e);
      return true;
    case simdjson::dom::element_type::NULL_VALUE:
      out = nullptr;
      return true;
  }
  return false;
}

}  // namespace

json ParseJsonFast(std::string_view text) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(text.data(), text.size()).get(root) == simdjson::SUCCESS) {
    json out;
    if (Convert(root, out)) return out;
  }
  return json::parse(text, nullptr, /*allow_exceptions=*/false);
}

}  // namespace issa::cyber::detail
