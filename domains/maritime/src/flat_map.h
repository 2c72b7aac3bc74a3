#pragma once

// An open-addressing hash map from 64-bit keys to 32-bit values for the tracker's hot path
// (MMSI index, encounter grid, vessel pairs): one flat array of slots, linear probing, deletion
// by backward shift (no tombstones), grown at 1/2 load. A lookup touches one cache line in the
// common case where std::unordered_map chases a bucket and a node. Private to the module.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace issa::maritime::detail {

class FlatMap {
 public:
  static constexpr uint32_t kNone = 0xffffffffU;

  // The value of `key`, or kNone.
  uint32_t Find(uint64_t key) const {
    if (slots_.empty()) return kNone;
    for (size_t i = Home(key);; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.value == kNone) return kNone;
      if (s.key == key) return s.value;
    }
  }
  // Sets `key` to `value` (not kNone).
  void Put(uint64_t key, uint32_t value) {
    if ((size_ + 1) * 2 > slots_.size()) Grow();
    for (size_t i = Home(key);; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (s.value == kNone) {
        s = Slot{key, value};
        ++size_;
        return;
      }
      if (s.key == key) {
        s.value = value;
        return;
      }
    }
  }
  // Removes `key` if present.
  void Erase(uint64_t key) {
    if (slots_.empty()) return;
    size_t i = Home(key);
    for (;; i = (i + 1) & mask_) {
      if (slots_[i].value == kNone) return;
      if (slots_[i].key == key) break;
    }
    // Backward shift: move later members of the probe run into the hole when allowed.
    for (size_t j = (i + 1) & mask_;; j = (j + 1) & mask_) {
      if (slots_[j].value == kNone) break;
      const size_t home = Home(slots_[j].key);
      // slots_[j] may move to i if its home is not in the cyclic range (i, j].
      const bool in_range = i <= j ? (home > i && home <= j) : (home > i || home <= j);
      if (!in_range) {
        slots_[i] = slots_[j];
        i = j;
      }
    }
    slots_[i].value = kNone;
    --size_;
  }
  // Erases every entry for which erase(key, value) returns true.
  template <typename Visit>
  void EraseIf(Visit&& erase) {
    std::vector<uint64_t> doomed;
    for (const Slot& s : slots_) {
      if (s.value != kNone && erase(s.key, s.value)) doomed.push_back(s.key);
    }
    for (const uint64_t k : doomed) Erase(k);
  }
  size_t size() const { return size_; }
  size_t MemoryBytes() const { return slots_.capacity() * sizeof(Slot); }

 private:
  struct Slot {
    uint64_t key = 0;
    uint32_t value = kNone;
  };
  size_t Home(uint64_t key) const {
    key ^= key >> 33;
    key *= 0xff51afd7ed558ccdULL;  // MurmurHash3's finaliser
    key ^= key >> 33;
    return static_cast<size_t>(key) & mask_;
  }
  void Grow() {
    std::vector<Slot> old;
    old.swap(slots_);
    slots_.assign(old.empty() ? 16 : old.size() * 2, Slot{});
    mask_ = slots_.size() - 1;
    size_ = 0;
    for (const Slot& s : old) {
      if (s.value != kNone) Put(s.key, s.value);
    }
  }

  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t size_ = 0;
};

}  // namespace issa::maritime::detail
