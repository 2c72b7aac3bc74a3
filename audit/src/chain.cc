#include "issa/audit/chain.h"

#include <array>
#include <charconv>
#include <cstring>
#include <mutex>

#include <fmt/format.h>
#include <sodium.h>

namespace issa::audit {
namespace {

void EnsureSodium() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) std::abort();  // no usable randomness: cannot run safely
  });
}

std::string ToHex(const uint8_t* data, size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), data, n);
  out.pop_back();
  return out;
}

bool FromHex(std::string_view hex, uint8_t* out, size_t n) {
  if (hex.size() != n * 2) return false;
  size_t len = 0;
  return sodium_hex2bin(out, n, hex.data(), hex.size(), nullptr, &len, nullptr) == 0 && len == n;
}

// Lower-case hex of a public value (a hash), one table lookup per nibble; secrets go through
// ToHex (sodium's constant-time encoder). Same output.
std::string PublicHex(const uint8_t* data, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(n * 2, '\0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 0xF];
  }
  return out;
}

// The decimal text of n (as std::to_string), without allocating.
std::string_view Decimal(int64_t n, std::array<char, 24>& buffer) {
  const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), n);
  (void)ec;  // 24 characters hold any int64_t
  return {buffer.data(), static_cast<size_t>(end - buffer.data())};
}

void Update(crypto_generichash_state& st, std::string_view field) {
  // Length-prefixed so that no two different entries share an encoding.
  uint8_t len[8];
  const uint64_t n = field.size();
  for (int i = 0; i < 8; ++i) len[i] = static_cast<uint8_t>(n >> (8 * i));
  crypto_generichash_update(&st, len, sizeof len);
  crypto_generichash_update(&st, reinterpret_cast<const uint8_t*>(field.data()), field.size());
}

}  // namespace

std::string ComputeHash(int64_t seq, const Event& e, std::string_view prev_hash) {
  EnsureSodium();
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, 32);
  Update(st, "issa-audit-v1");
  std::array<char, 24> buffer;
  Update(st, Decimal(seq, buffer));
  Update(st, Decimal(e.at, buffer));
  Update(st, e.user);
  Update(st, e.authority);
  Update(st, e.action);
  Update(st, e.target);
  Update(st, e.outcome);
  Update(st, e.detail);
  Update(st, e.target_owner);
  Update(st, prev_hash);
  uint8_t out[32];
  crypto_generichash_final(&st, out, sizeof out);
  return PublicHex(out, sizeof out);
}

Entry Seal(int64_t prev_seq, std::string_view prev_hash, Event event) {
  Entry e;
  e.seq = prev_seq + 1;
  e.prev_hash = std::string(prev_hash.empty() ? kGenesisHash : prev_hash);
  e.event = std::move(event);
  e.hash = ComputeHash(e.seq, e.event, e.prev_hash);
  return e;
}

std::string HeadMessage(int64_t seq, std::string_view hash) {
  return fmt::format("issa-audit-head-v1:{}:{}", seq, hash);
}

NodeKey NodeKey::Generate() {
  EnsureSodium();
  NodeKey k;
  crypto_sign_ed25519_keypair(k.public_.data(), k.secret_.data());
  return k;
}

Result<NodeKey> NodeKey::FromSecretHex(std::string_view hex) {
  EnsureSodium();
  NodeKey k;
  if (!FromHex(hex, k.secret_.data(), k.secret_.size())) {
    return DataLoss("node key is not 128 hex characters");
  }
  crypto_sign_ed25519_sk_to_pk(k.public_.data(), k.secret_.data());
  return k;
}

std::string NodeKey::SecretHex() const { return ToHex(secret_.data(), secret_.size()); }
std::string NodeKey::PublicHex() const { return ToHex(public_.data(), public_.size()); }

std::string NodeKey::Sign(std::string_view message) const {
  uint8_t sig[crypto_sign_ed25519_BYTES];
  crypto_sign_ed25519_detached(sig, nullptr, reinterpret_cast<const uint8_t*>(message.data()),
                               message.size(), secret_.data());
  return ToHex(sig, sizeof sig);
}

bool VerifySignature(std::string_view public_hex, std::string_view message,
                     std::string_view signature_hex) {
  EnsureSodium();
  uint8_t pk[crypto_sign_ed25519_PUBLICKEYBYTES];
  uint8_t sig[crypto_sign_ed25519_BYTES];
  if (!FromHex(public_hex, pk, sizeof pk) || !FromHex(signature_hex, sig, sizeof sig)) {
    return false;
  }
  return crypto_sign_ed25519_verify_detached(sig, reinterpret_cast<const uint8_t*>(message.data()),
                                             message.size(), pk) == 0;
}

VerifyReport VerifyChain(const std::function<bool(Entry&)>& next, const Head& head,
                         std::string_view public_hex) {
  VerifyReport report;
  const auto fail = [&](int64_t seq, std::string problem) {
    report.ok = false;
    report.first_bad_seq = seq;
    report.problem = std::move(problem);
    return report;
  };
  int64_t expected_seq = 1;
  std::string prev_hash(kGenesisHash);
  Entry e;
  while (next(e)) {
    if (e.seq != expected_seq) {
      return fail(expected_seq, fmt::format("expected entry {} but found entry {} (entry "
                                            "deleted, inserted or reordered)",
                                            expected_seq, e.seq));
    }
    if (e.prev_hash != prev_hash) {
      return fail(e.seq, "previous-hash link does not match the entry before it");
    }
    if (ComputeHash(e.seq, e.event, e.prev_hash) != e.hash) {
      return fail(e.seq, "content does not match its hash (entry edited)");
    }
    prev_hash = e.hash;
    ++report.entries;
    ++expected_seq;
  }
  const int64_t last = expected_seq - 1;
  if (head.seq != last) {
    return fail(last + 1 <= head.seq ? last + 1 : head.seq,
                fmt::format("signed head is at entry {} but the log ends at entry {} (entries "
                            "deleted or appended without signature)",
                            head.seq, last));
  }
  if (last > 0 && head.hash != prev_hash) {
    return fail(last, "signed head hash does not match the last entry");
  }
  if (last > 0 && !VerifySignature(public_hex, HeadMessage(head.seq, head.hash), head.signature)) {
    return fail(last, "signature of the chain head does not verify with the node's public key");
  }
  return report;
}

}  // namespace issa::audit
