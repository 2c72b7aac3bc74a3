#pragma once

#include <functional>
#include <memory>
#include <string>

#include "issa/core/status.h"
#include "issa/storage/store.h"

// The embedded default backend: one SQLite database file in WAL mode. See
// docs/formats/storage-sqlite.md for tables, migrations, group commit and durability.
namespace issa::storage_sqlite {

struct SqliteOptions {
  // The database file; created (with its schema) when missing. ":memory:" is refused: readers
  // use their own connections and must see the same file.
  std::string path;
  // Signs the audit head at each commit that moved it; called on the writer thread only.
  // Empty: the head is stored unsigned.
  storage::HeadSigner signer;
  // false: synchronous=NORMAL: a commit survives a process crash (kill -9), and the last commits
  // may be lost on power loss. true: synchronous=FULL: a commit also survives power loss.
  bool synchronous_full = false;
  // Idle reader connections kept for BeginRead (>= 0). BeginRead never waits: when none is idle
  // it opens another connection, closed again when more than `readers` are idle.
  int readers = 4;
  // Most Write calls that share one physical commit (group commit), >= 1.
  int max_group_size = 256;
  // How long a connection waits for a lock held by another process before Unavailable.
  int busy_timeout_ms = 5000;
  // WAL size in pages at which a background thread copies the WAL into the database file
  // (a PASSIVE checkpoint: it never blocks the writer or readers), >= 1. When the WAL reaches
  // 4 times this size anyway, the writer checkpoints itself before taking more work, which
  // bounds the WAL as long as no reader holds an old snapshot.
  int checkpoint_pages = 1000;
  // Called on the writer thread after each successful commit with the number of Write calls it
  // committed (metrics, tests). Must not call the store.
  std::function<void(int writes)> on_commit;
  // Called on the checkpointer thread after each background checkpoint with the number of WAL
  // frames it copied into the database file (metrics, tests). Must not call the store.
  std::function<void(int frames)> on_checkpoint;
};

// Opens (creating if needed) the store at options.path and brings its schema to this build's
// version in one transaction.
//
// Errors: InvalidArgument for bad options; FailedPrecondition when the file holds a newer
// schema than this build knows, or is not an ISSA store; Unavailable when the file cannot be
// opened or is locked; DataLoss when it is corrupt.
//
// The returned Store is thread-safe. Write runs the function on a single writer thread that
// commits several queued calls at once, each in its own savepoint; Write returns after the
// COMMIT. A background thread checkpoints the WAL (see checkpoint_pages). BeginRead hands out
// pooled reader connections holding a snapshot. Every ReadTxn must be destroyed before the
// Store; the destructor completes queued writes, joins both threads and checkpoints the WAL.
Result<std::unique_ptr<storage::Store>> OpenSqliteStore(const SqliteOptions& options);

}  // namespace issa::storage_sqlite
