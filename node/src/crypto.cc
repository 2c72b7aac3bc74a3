#include <mutex>

#include <sodium.h>

#include "node_impl.h"

namespace issa::node {
namespace {

void EnsureSodium() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) std::abort();  // no randomness: cannot issue tokens safely
  });
}

std::string Hex(const unsigned char* p, size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), p, n);
  out.pop_back();
  return out;
}

}  // namespace

std::string NewTokenSecret() {
  EnsureSodium();
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  return "issa_" + Hex(bytes, sizeof bytes);
}

std::string HashToken(std::string_view token) {
  EnsureSodium();
  unsigned char out[32];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), reinterpret_cast<const unsigned char*>("issa-token-v1"), 13);
  return Hex(out, sizeof out);
}

std::string HitIdFor(std::string_view a, std::string_view b) {
  EnsureSodium();
  if (b < a) std::swap(a, b);
  const std::string pair = std::string(a) + "|" + std::string(b);
  unsigned char h[16];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(pair.data()), pair.size(),
                     nullptr, 0);
  h[6] = static_cast<unsigned char>(0x80 | (h[6] & 0x0F));  // version 8: custom (RFC 9562)
  h[8] = static_cast<unsigned char>(0x80 | (h[8] & 0x3F));
  std::string hex = Hex(h, sizeof h);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

}  // namespace issa::node
