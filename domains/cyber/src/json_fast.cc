#include "json_fast.h"

#include <cmath>
#include <cstdint>
#include <string>

#include <simdjson.h>

#include "issa/core/text.h"

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
        // Members in sorted order (the usual canonical text) go in at the end without a search;
        // a repeated key keeps the last value, as in nlohmann's parser.
        const size_t before = members.size();
        const auto at = members.emplace_hint(members.end(), kv.key, json());
        if (members.size() == before) at->second = json();
        if (!Convert(kv.value, at->second)) return false;
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

void Write(const json& v, std::string& out) {
  switch (v.type()) {
    case json::value_t::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, member] : *v.get_ptr<const json::object_t*>()) {
        if (!first) out += ',';
        first = false;
        core::AppendJsonString(out, key);
        out += ':';
        Write(member, out);
      }
      out += '}';
      return;
    }
    case json::value_t::array: {
      out += '[';
      bool first = true;
      for (const json& e : *v.get_ptr<const json::array_t*>()) {
        if (!first) out += ',';
        first = false;
        Write(e, out);
      }
      out += ']';
      return;
    }
    case json::value_t::string:
      core::AppendJsonString(out, *v.get_ptr<const std::string*>());
      return;
    case json::value_t::boolean:
      out += v.get<bool>() ? "true" : "false";
      return;
    case json::value_t::null:
      out += "null";
      return;
    case json::value_t::number_unsigned:
      out += std::to_string(v.get<uint64_t>());
      return;
    case json::value_t::number_integer:
      out += std::to_string(v.get<int64_t>());
      return;
    default:  // floats (nlohmann's shortest round-trip form), binary, discarded
      out += v.dump();
      return;
  }
}

}  // namespace

std::string CanonicalJson(const json& value) {
  std::string out;
  out.reserve(512);
  Write(value, out);
  return out;
}

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
