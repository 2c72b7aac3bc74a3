#pragma once

// The spatial index of the SQLite store: an in-memory R-tree (Boost.Geometry) over the boxes of
// the current record rows, derived from the records table (columns min_lon … max_lat, read
// through the partial index records_box) when the store opens and kept in step by the writer.
// docs/adr/ "in-memory spatial index" explains why it replaced SQLite's R*Tree module.
//
// The index answers "which rows may intersect this box" with a superset: every box that any
// open read snapshot holds is in it, plus possibly boxes of rows not (yet, or no longer) in that
// snapshot. Readers check the exact box of each row they read, so extra candidates only cost a
// row lookup. To keep the superset true:
//  - the writer inserts a call's new boxes before its transaction commits (Insert), and takes
//    back the boxes of calls that did not commit (Erase);
//  - boxes that a commit replaced or deleted are retired (Retire) and leave the index only when
//    no snapshot opened before that commit is still open (OpenSnapshot/CloseSnapshot);
//  - writes by other processes are detected with a generation counter stored in the database
//    (see sqlite_txn.h): a snapshot newer than the index does not use it.
//
// Thread-safe: queries take a shared lock, changes an exclusive one.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <vector>

#include "issa/core/model.h"

namespace issa::storage_sqlite {

// A row's box as the index holds it: float coordinates rounded outwards from the stored doubles
// (so the float box contains the exact one), and the row id.
struct IndexedBox {
  float min_lon = 0;
  float min_lat = 0;
  float max_lon = 0;
  float max_lat = 0;
  int64_t rid = 0;

  static IndexedBox Of(const core::BBox& box, int64_t rid);
  friend bool operator==(const IndexedBox&, const IndexedBox&) = default;
  friend auto operator<=>(const IndexedBox&, const IndexedBox&) = default;
};

class BoxIndex {
 public:
  BoxIndex();
  ~BoxIndex();
  BoxIndex(const BoxIndex&) = delete;
  BoxIndex& operator=(const BoxIndex&) = delete;

  // Replaces the contents by `boxes` (bulk-loaded, packed) that reflect database generation
  // `generation`. Only while no snapshot is open (at open).
  void Load(std::vector<IndexedBox> boxes, int64_t generation);

  // The row ids of every box that intersects `box` (edges included), unsorted, possibly with
  // duplicates.
  std::vector<int64_t> Candidates(const core::BBox& box) const;

  // Adds boxes (multiset: the same box and row may be held more than once).
  void Insert(std::span<const IndexedBox> boxes);
  // Removes one copy of each box now (uncommitted inserts being taken back).
  void Erase(std::span<const IndexedBox> boxes);
  // After a commit that replaced or deleted `boxes`: they leave the index once every snapshot
  // opened before this call is closed. Also removes what earlier retirements may now remove.
  void Retire(std::vector<IndexedBox> boxes);

  // Every box held and not waiting to be retired, sorted (to compare with the database after
  // another process wrote). Only on the thread that changes the index (the writer).
  std::vector<IndexedBox> Contents();

  // The database generation whose boxes the index holds (at least).
  int64_t generation() const;
  void set_generation(int64_t generation);

  // A read snapshot is about to start; returns a token for CloseSnapshot. Call before the
  // snapshot's first read.
  uint64_t OpenSnapshot();
  void CloseSnapshot(uint64_t token);

  size_t size() const;

 private:
  struct Tree;
  mutable std::shared_mutex tree_mu_;
  std::unique_ptr<Tree> tree_;  // guarded by tree_mu_
  int64_t generation_ = 0;      // guarded by tree_mu_

  std::mutex epoch_mu_;
  uint64_t epoch_ = 0;                                    // guarded by epoch_mu_
  std::map<uint64_t, int> open_snapshots_;                // epoch -> count; epoch_mu_
  std::vector<std::pair<uint64_t, IndexedBox>> retired_;  // epoch_mu_; (retired at, box)
};

}  // namespace issa::storage_sqlite
