#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace issa::cyber::detail {

// A deterministic id from a name, in UUID layout with version 8 (vendor-specific, RFC 9562): the
// same name always gives the same id (relationship, sighting and bundle ids derived from content).
inline std::string NameUuid(std::string_view name) {
  std::uint64_t a = 0xcbf29ce484222325ULL, b = 0x84222325cbf29ce4ULL;
  for (const char c : name) {
    a = (a ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
    b = (b ^ static_cast<unsigned char>(c)) * 0x1000193ULL + (a >> 29);
  }
  a ^= a >> 31;
  b ^= b >> 29;
  return fmt::format("{:08x}-{:04x}-8{:03x}-{:04x}-{:012x}", a >> 32, (a >> 16) & 0xffff, a & 0xfff,
                     0x8000 | (b >> 48 & 0x3fff), b & 0xffffffffffffULL);
}

}  // namespace issa::cyber::detail
