#include "issa/audit/chain.h"

#include <vector>

#include <gtest/gtest.h>

namespace issa::audit {
namespace {

std::vector<Entry> MakeChain(int n) {
  std::vector<Entry> out;
  std::string prev(kGenesisHash);
  for (int i = 0; i < n; ++i) {
    Event e{1000 + i, "u1", "FR-PIU", "record.read", "r" + std::to_string(i), "ok", "", ""};
    out.push_back(Seal(i, prev, e));
    prev = out.back().hash;
  }
  return out;
}

VerifyReport Verify(const std::vector<Entry>& entries, const Head& head, const NodeKey& key) {
  size_t i = 0;
  return VerifyChain(
      [&](Entry& e) {
        if (i >= entries.size()) return false;
        e = entries[i++];
        return true;
      },
      head, key.PublicHex());
}

Head SignHead(const std::vector<Entry>& entries, const NodeKey& key) {
  Head h;
  h.seq = entries.back().seq;
  h.hash = entries.back().hash;
  h.signature = key.Sign(HeadMessage(h.seq, h.hash));
  return h;
}

// Known answers of the v1 encoding (docs/formats/audit-chain.md: BLAKE2b-256 over the
// length-prefixed fields, lower-case hex), computed outside ISSA (Python's hashlib.blake2b):
// the hash of a stored chain must never change with the implementation.
TEST(ChainTest, HashIsTheV1EncodingKnownAnswers) {
  const Event e{1'767'225'600'000, "u-1", "IT-NCC", "record.create",
                "rec-1",           "ok",  "Person", "IT-NCC"};
  EXPECT_EQ(ComputeHash(42, e, kGenesisHash),
            "13d6d904459519ca4aa2cf10805d5245b306fe0011731fd3faa7f222c44250ab");
  const Event empty{-1, "", "", "", "", "", "", ""};
  std::string prev;
  for (int i = 0; i < 32; ++i) prev += "ab";
  EXPECT_EQ(ComputeHash(-7, empty, prev),
            "8f3696bca8367f9e1589c313b021aaa281c421ade479116b79c00d961ff7cd81");
}

TEST(ChainTest, IntactChainVerifies) {
  const NodeKey key = NodeKey::Generate();
  const auto chain = MakeChain(10);
  const auto report = Verify(chain, SignHead(chain, key), key);
  EXPECT_TRUE(report.ok) << report.problem;
  EXPECT_EQ(report.entries, 10);
}

TEST(ChainTest, DetectsEditDeletionInsertionReordering) {
  const NodeKey key = NodeKey::Generate();
  const auto chain = MakeChain(10);
  const Head head = SignHead(chain, key);

  auto edited = chain;
  edited[4].event.detail = "changed";
  EXPECT_EQ(Verify(edited, head, key).first_bad_seq, 5);

  auto deleted = chain;
  deleted.erase(deleted.begin() + 3);
  EXPECT_EQ(Verify(deleted, head, key).first_bad_seq, 4);

  auto reordered = chain;
  std::swap(reordered[6], reordered[7]);
  EXPECT_EQ(Verify(reordered, head, key).first_bad_seq, 7);

  auto inserted = chain;
  Entry extra = inserted[2];
  extra.event.target = "injected";
  inserted.insert(inserted.begin() + 3, extra);
  EXPECT_EQ(Verify(inserted, head, key).first_bad_seq, 4);

  auto truncated = chain;
  truncated.pop_back();
  EXPECT_FALSE(Verify(truncated, head, key).ok);
}

TEST(ChainTest, DetectsRehashedChainWithoutKey) {
  const NodeKey key = NodeKey::Generate();
  auto chain = MakeChain(5);
  const Head head = SignHead(chain, key);
  // An attacker edits entry 2 and recomputes every hash after it: the signed head catches it.
  chain[1].event.user = "someone-else";
  std::string prev = chain[0].hash;
  for (size_t i = 1; i < chain.size(); ++i) {
    chain[i].prev_hash = prev;
    chain[i].hash = ComputeHash(chain[i].seq, chain[i].event, prev);
    prev = chain[i].hash;
  }
  const auto report = Verify(chain, head, key);
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_bad_seq, 5);
  // Re-signing with another key does not help either.
  const NodeKey other = NodeKey::Generate();
  EXPECT_FALSE(Verify(chain, SignHead(chain, other), key).ok);
}

TEST(ChainTest, KeyRoundTrip) {
  const NodeKey key = NodeKey::Generate();
  const auto again = NodeKey::FromSecretHex(key.SecretHex());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->PublicHex(), key.PublicHex());
  EXPECT_TRUE(VerifySignature(key.PublicHex(), "m", again->Sign("m")));
  EXPECT_FALSE(VerifySignature(key.PublicHex(), "n", again->Sign("m")));
  EXPECT_FALSE(NodeKey::FromSecretHex("zz").ok());
}

}  // namespace
}  // namespace issa::audit
