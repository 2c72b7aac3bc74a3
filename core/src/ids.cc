#include "issa/core/ids.h"

#include <array>
#include <cstdint>
#include <mutex>
#include <random>

namespace issa::core {
namespace {

std::mt19937_64& ThreadRng() {
  thread_local std::mt19937_64 rng([] {
    std::random_device rd;
    std::seed_seq seq{rd(), rd(), rd(), rd(), rd(), rd(), rd(), rd()};
    return std::mt19937_64(seq);
  }());
  return rng;
}

}  // namespace

std::string NewUuidV7(Timestamp now_ms) {
  // Monotonic within this process (RFC 9562, method 1): ids made in the same millisecond, or
  // after the clock went back, take the last millisecond and a 12-bit counter + 1, so that id
  // order is creation order.
  static std::mutex mu;
  static uint64_t last_ms = 0;
  static uint32_t last_seq = 0;
  uint64_t ms = static_cast<uint64_t>(now_ms);
  uint32_t seq = 0;
  {
    std::lock_guard lock(mu);
    if (ms <= last_ms) {
      ms = last_ms;
      seq = last_seq + 1;
      if (seq > 0x0FFF) {
        ++ms;
        seq = static_cast<uint32_t>(ThreadRng()() & 0x07FF);
      }
    } else {
      seq = static_cast<uint32_t>(ThreadRng()() & 0x07FF);  // top bit clear: room to count
    }
    last_ms = ms;
    last_seq = seq;
  }
  std::array<uint8_t, 16> b{};
  for (int i = 0; i < 6; ++i) b[i] = static_cast<uint8_t>(ms >> (8 * (5 - i)));
  const uint64_t r2 = ThreadRng()();
  for (int i = 8; i < 16; ++i) b[i] = static_cast<uint8_t>(r2 >> (8 * (i - 8)));
  b[6] = static_cast<uint8_t>(0x70 | ((seq >> 8) & 0x0F));
  b[7] = static_cast<uint8_t>(seq & 0xFF);
  b[8] = static_cast<uint8_t>(0x80 | (b[8] & 0x3F));
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[b[i] >> 4]);
    out.push_back(kHex[b[i] & 0xF]);
  }
  return out;
}

bool IsUuid(std::string_view id) {
  if (id.size() != 36) return false;
  for (size_t i = 0; i < id.size(); ++i) {
    const char c = id[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

}  // namespace issa::core
