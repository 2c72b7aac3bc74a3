#pragma once

#include <cstdint>
#include <vector>

namespace issa::matching::detail {

// Open-addressing multimap from 64-bit hashes to 32-bit values (linear probing, grows at 70 %
// load, no erase). Keeps the one-edit and phonetic-key tables compact: 16 bytes per pair.
// Thread-compatible.
class FlatMultiMap {
 public:
  void Insert(uint64_t key, uint32_t value) {
    if ((size_ + 1) * 10 > slots_.size() * 7) Grow();
    InsertNoGrow(key, value);
  }

  // Calls f(value) for every value inserted under `key`.
  template <typename F>
  void ForEach(uint64_t key, F&& f) const {
    if (slots_.empty()) return;
    const size_t mask = slots_.size() - 1;
    for (size_t i = Mix(key) & mask;; i = (i + 1) & mask) {
      const Slot& s = slots_[i];
      if (s.used == 0) return;
      if (s.key == key) f(s.value);
    }
  }

  size_t size() const { return size_; }
  size_t bytes() const { return slots_.capacity() * sizeof(Slot); }

 private:
  struct Slot {
    uint64_t key = 0;
    uint32_t value = 0;
    uint32_t used = 0;
  };

  static size_t Mix(uint64_t key) {
    key ^= key >> 33;
    key *= 0xff51afd7ed558ccdULL;
    key ^= key >> 33;
    return static_cast<size_t>(key);
  }

  void InsertNoGrow(uint64_t key, uint32_t value) {
    const size_t mask = slots_.size() - 1;
    size_t i = Mix(key) & mask;
    while (slots_[i].used != 0) i = (i + 1) & mask;
    slots_[i] = Slot{key, value, 1};
    ++size_;
  }

  void Grow() {
    std::vector<Slot> old;
    old.swap(slots_);
    slots_.assign(old.empty() ? 1024 : old.size() * 2, Slot{});
    size_ = 0;
    for (const Slot& s : old) {
      if (s.used != 0) InsertNoGrow(s.key, s.value);
    }
  }

  std::vector<Slot> slots_;
  size_t size_ = 0;
};

}  // namespace issa::matching::detail
