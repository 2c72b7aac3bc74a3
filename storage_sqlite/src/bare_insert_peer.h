#pragma once

// The benchmark peer for bench/ingest_bench.cc: the same rows inserted with plain SQLite into
// one bare table (rowid only: no index, no FTS, no R*Tree, no audit), in WAL mode with
// synchronous=NORMAL like the store, one prepared statement, one transaction per batch.
// Compiled into the benchmark only. Not thread-safe.

#include <memory>
#include <span>
#include <string>

#include "issa/core/model.h"
#include "issa/core/status.h"

namespace issa::storage_sqlite::bench {

class BareInsertPeer {
 public:
  // Creates the file and its table. Unavailable if it cannot be opened.
  static Result<std::unique_ptr<BareInsertPeer>> Open(const std::string& path);
  ~BareInsertPeer();
  BareInsertPeer(const BareInsertPeer&) = delete;
  BareInsertPeer& operator=(const BareInsertPeer&) = delete;

  // Inserts the records' columns in one transaction.
  Status InsertBatch(std::span<const core::Record> records);

 private:
  struct Impl;
  explicit BareInsertPeer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace issa::storage_sqlite::bench
