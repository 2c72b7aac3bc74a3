#include "box_index.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <utility>

// g++ 12 at -O2 reports false -Warray-bounds and -Wmaybe-uninitialized inside Boost.Geometry's
// R-tree (its fixed-capacity node arrays); they are raised where the templates are
// instantiated, that is in this file, so they are turned off for this file only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Warray-bounds"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>

namespace issa::storage_sqlite {
namespace {

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;

using Point = bg::model::point<float, 2, bg::cs::cartesian>;
using Box = bg::model::box<Point>;

// The largest float <= x and the smallest float >= x.
float Down(double x) {
  float f = static_cast<float>(x);
  if (static_cast<double>(f) > x) f = std::nextafter(f, -std::numeric_limits<float>::infinity());
  return f;
}
float Up(double x) {
  float f = static_cast<float>(x);
  if (static_cast<double>(f) < x) f = std::nextafter(f, std::numeric_limits<float>::infinity());
  return f;
}

struct BoxOf {
  using result_type = Box;
  Box operator()(const IndexedBox& b) const {
    return Box(Point(b.min_lon, b.min_lat), Point(b.max_lon, b.max_lat));
  }
};

// Exact equality (Boost's default compares boxes with a tolerance).
struct SameBox {
  bool operator()(const IndexedBox& a, const IndexedBox& b) const { return a == b; }
};

}  // namespace

// An R-tree of at most 16 entries per node, quadratic split. Boost's R*-tree variant
// (bgi::rstar, forced reinsertion) answered box queries no faster here and cost about 6 % of
// the ingest rate with 30 % point geometry (docs/adr, "in-memory spatial index").
struct BoxIndex::Tree {
  bgi::rtree<IndexedBox, bgi::quadratic<16>, BoxOf, SameBox> rtree;
};

IndexedBox IndexedBox::Of(const core::BBox& box, int64_t rid) {
  return IndexedBox{Down(box.min_lon), Down(box.min_lat), Up(box.max_lon), Up(box.max_lat), rid};
}

BoxIndex::BoxIndex() : tree_(std::make_unique<Tree>()) {}
BoxIndex::~BoxIndex() = default;

void BoxIndex::Load(std::vector<IndexedBox> boxes, int64_t generation) {
  auto packed = std::make_unique<Tree>(Tree{{boxes.begin(), boxes.end()}});  // packing loader
  std::unique_lock<std::shared_mutex> lock(tree_mu_);
  tree_ = std::move(packed);
  generation_ = generation;
}

std::vector<int64_t> BoxIndex::Candidates(const core::BBox& box) const {
  const IndexedBox q = IndexedBox::Of(box, 0);
  const Box query(Point(q.min_lon, q.min_lat), Point(q.max_lon, q.max_lat));
  std::vector<int64_t> rids;
  std::shared_lock<std::shared_mutex> lock(tree_mu_);
  for (auto it = tree_->rtree.qbegin(bgi::intersects(query)); it != tree_->rtree.qend(); ++it) {
    rids.push_back(it->rid);
  }
  return rids;
}

void BoxIndex::Insert(std::span<const IndexedBox> boxes) {
  if (boxes.empty()) return;
  std::unique_lock<std::shared_mutex> lock(tree_mu_);
  for (const IndexedBox& b : boxes) tree_->rtree.insert(b);
}

void BoxIndex::Erase(std::span<const IndexedBox> boxes) {
  if (boxes.empty()) return;
  std::unique_lock<std::shared_mutex> lock(tree_mu_);
  for (const IndexedBox& b : boxes) tree_->rtree.remove(b);
}

void BoxIndex::Retire(std::vector<IndexedBox> boxes) {
  std::vector<IndexedBox> due;
  {
    std::lock_guard<std::mutex> lock(epoch_mu_);
    ++epoch_;
    for (const IndexedBox& b : boxes) retired_.emplace_back(epoch_, b);
    // A box retired at epoch E may go once every open snapshot was opened at epoch >= E.
    const uint64_t oldest_open = open_snapshots_.empty() ? std::numeric_limits<uint64_t>::max()
                                                         : open_snapshots_.begin()->first;
    const auto keep = std::partition(retired_.begin(), retired_.end(),
                                     [&](const auto& r) { return r.first > oldest_open; });
    for (auto it = keep; it != retired_.end(); ++it) due.push_back(it->second);
    retired_.erase(keep, retired_.end());
  }
  Erase(due);
}

std::vector<IndexedBox> BoxIndex::Contents() {
  std::vector<IndexedBox> held;
  {
    std::shared_lock<std::shared_mutex> lock(tree_mu_);
    held.assign(tree_->rtree.begin(), tree_->rtree.end());
  }
  std::vector<IndexedBox> retiring;
  {
    std::lock_guard<std::mutex> lock(epoch_mu_);
    for (const auto& r : retired_) retiring.push_back(r.second);
  }
  std::sort(held.begin(), held.end());
  std::sort(retiring.begin(), retiring.end());
  std::vector<IndexedBox> out;
  std::set_difference(held.begin(), held.end(), retiring.begin(), retiring.end(),
                      std::back_inserter(out));
  return out;
}

int64_t BoxIndex::generation() const {
  std::shared_lock<std::shared_mutex> lock(tree_mu_);
  return generation_;
}

void BoxIndex::set_generation(int64_t generation) {
  std::unique_lock<std::shared_mutex> lock(tree_mu_);
  generation_ = generation;
}

uint64_t BoxIndex::OpenSnapshot() {
  std::lock_guard<std::mutex> lock(epoch_mu_);
  ++open_snapshots_[epoch_];
  return epoch_;
}

void BoxIndex::CloseSnapshot(uint64_t token) {
  std::lock_guard<std::mutex> lock(epoch_mu_);
  const auto it = open_snapshots_.find(token);
  if (it != open_snapshots_.end() && --it->second == 0) open_snapshots_.erase(it);
}

size_t BoxIndex::size() const {
  std::shared_lock<std::shared_mutex> lock(tree_mu_);
  return tree_->rtree.size();
}

}  // namespace issa::storage_sqlite
