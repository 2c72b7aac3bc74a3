#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "issa/core/status.h"
#include "issa/core/time.h"

// The tamper-evident audit chain. Each entry carries the BLAKE2b-256 hash of its canonical
// encoding and of the previous entry's hash; the chain head is signed with the node's Ed25519
// key. Any edit, deletion, insertion or reordering breaks the chain at the first bad entry.
// See docs/formats/audit-chain.md.
namespace issa::audit {

// What happened. Values are short identifiers; `detail` is free text (e.g. a query).
struct Event {
  core::Timestamp at = 0;
  std::string user;       // user id, "system" or "anonymous"
  std::string authority;  // the acting authority ("" for the node itself)
  std::string action;     // e.g. "record.create", "record.read", "login.failed", "access.denied"
  std::string target;     // e.g. a record id
  std::string outcome;    // "ok", "denied", "invalid", "not_found", "error"
  std::string detail;
  std::string target_owner;  // authority owning the target, so that it sees accesses to its data
};

struct Entry {
  int64_t seq = 0;  // 1, 2, 3, ... without gaps
  Event event;
  std::string prev_hash;  // hex; 64 zeros for seq 1
  std::string hash;       // hex
};

constexpr std::string_view kGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

// Hex of BLAKE2b-256 over the canonical encoding of (seq, event, prev_hash).
std::string ComputeHash(int64_t seq, const Event& event, std::string_view prev_hash);

// Seals an event as the entry after (prev_seq, prev_hash).
Entry Seal(int64_t prev_seq, std::string_view prev_hash, Event event);

// The signed head of the chain: the last entry's seq and hash.
struct Head {
  int64_t seq = 0;
  std::string hash;
  std::string signature;  // hex Ed25519 signature over HeadMessage(seq, hash)
};
std::string HeadMessage(int64_t seq, std::string_view hash);

// The node's signing key. Thread-safe (immutable after construction).
class NodeKey {
 public:
  // A new random key pair.
  static NodeKey Generate();
  // From the hex secret key (64 bytes) as written by SecretHex().
  static Result<NodeKey> FromSecretHex(std::string_view hex);

  std::string SecretHex() const;
  std::string PublicHex() const;
  std::string Sign(std::string_view message) const;  // hex signature

 private:
  std::array<uint8_t, 64> secret_{};
  std::array<uint8_t, 32> public_{};
};

bool VerifySignature(std::string_view public_hex, std::string_view message,
                     std::string_view signature_hex);

// Result of verifying a chain.
struct VerifyReport {
  bool ok = true;
  int64_t entries = 0;
  std::optional<int64_t> first_bad_seq;  // the first entry that does not verify
  std::string problem;                   // human-readable reason
};

// Verifies entries delivered in storage order by `next` (which returns false at the end) against
// the signed head. Stops at the first bad entry.
VerifyReport VerifyChain(const std::function<bool(Entry&)>& next, const Head& head,
                         std::string_view public_hex);

}  // namespace issa::audit
