#pragma once

#include <string_view>
#include <vector>

#include "issa/audit/chain.h"
#include "issa/storage/store.h"

namespace issa::storage::testing {

// Verifies the whole audit chain of `store` (entries in chain order against the signed head).
inline audit::VerifyReport VerifyStoreAudit(Store& store, std::string_view public_hex) {
  audit::VerifyReport failed;
  failed.ok = false;
  auto txn = store.BeginRead();
  if (!txn.ok()) {
    failed.problem = txn.status().ToString();
    return failed;
  }
  auto head = (*txn)->GetAuditHead();
  if (!head.ok()) {
    failed.problem = head.status().ToString();
    return failed;
  }
  std::vector<audit::Entry> entries;
  AuditQuery all;
  all.limit = 0;
  const Status scanned = (*txn)->ScanAudit(all, [&](const audit::Entry& e) {
    entries.push_back(e);
    return true;
  });
  if (!scanned.ok()) {
    failed.problem = scanned.ToString();
    return failed;
  }
  size_t i = 0;
  return audit::VerifyChain(
      [&](audit::Entry& e) {
        if (i == entries.size()) return false;
        e = entries[i++];
        return true;
      },
      *head, public_hex);
}

}  // namespace issa::storage::testing
