#include <memory>
#include <utility>

#include "issa/storage/store.h"
#include "issa/storage/testing/store_conformance.h"

namespace issa::storage::testing {
namespace {

Result<std::unique_ptr<Store>> OpenMemoryStore(HeadSigner signer) {
  return NewMemoryStore(MemoryStoreOptions{std::move(signer)});
}

INSTANTIATE_TEST_SUITE_P(Memory, StoreConformanceTest,
                         ::testing::Values(StoreFactory{"Memory", OpenMemoryStore}),
                         StoreFactoryName);

TEST(MemoryStoreTest, UnsignedWhenNoSigner) {
  auto store = NewMemoryStore(MemoryStoreOptions{});
  ASSERT_TRUE(
      store
          ->Write([](WriteTxn& txn) {
            return txn.AppendAudit(audit::Event{1, "u", "A", "x", "", "ok", "", ""}).status();
          })
          .ok());
  auto txn = store->BeginRead();
  ASSERT_TRUE(txn.ok());
  auto head = (*txn)->GetAuditHead();
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->seq, 1);
  EXPECT_TRUE(head->signature.empty());
}

}  // namespace
}  // namespace issa::storage::testing
