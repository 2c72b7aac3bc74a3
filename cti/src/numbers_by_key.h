#pragma once

// A multimap from string keys to 32-bit numbers whose keys the caller keeps (the correlator's
// STIX id -> observable numbers; one STIX id may be held by several authorities' records). One
// flat array of (number, 32-bit hash tag) slots with linear probing: a lookup or an insert
// touches one cache line in the common case, where std::unordered_multimap chases a bucket and
// a node, divides by a prime and compares keys. Erased slots become tombstones, dropped when the
// array is rebuilt. Not thread-safe. Private to the module.

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "issa/core/status.h"

namespace issa::cti::detail {

class NumbersByKey {
 public:
  static constexpr std::uint32_t kNone = 0xffffffffU;

  // Calls `visit(number)` for every number inserted under `key`; `key_of(number)` returns the
  // key a number was inserted under.
  template <class KeyOf, class Visit>
  void ForEach(std::string_view key, KeyOf&& key_of, Visit&& visit) const {
    ForEachUntil(key, key_of, [&](std::uint32_t n) {
      visit(n);
      return true;
    });
  }

  // A number inserted under `key`, or kNone (for a key with one number at most).
  template <class KeyOf>
  std::uint32_t Find(std::string_view key, KeyOf&& key_of) const {
    std::uint32_t found = kNone;
    ForEachUntil(key, key_of, [&](std::uint32_t n) {
      found = n;
      return false;
    });
    return found;
  }

  // Adds `number` under `key` (no check for a number already there).
  void Insert(std::string_view key, std::uint32_t number) {
    ISSA_CHECK(number < kErased);  // the two highest numbers mark free slots
    if ((live_ + erased_ + 1) * 4 > slots_.size() * 3) Rebuild();
    Place({number, Tag(key)});
    ++live_;
  }

  // Removes `number` from `key`; false if it was not there.
  bool Erase(std::string_view key, std::uint32_t number) {
    if (slots_.empty()) return false;
    const std::uint32_t tag = Tag(key);
    for (size_t i = tag & mask_; slots_[i].number != kEmpty; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (s.number == number && s.tag == tag) {
        s.number = kErased;
        --live_;
        ++erased_;
        return true;
      }
    }
    return false;
  }

 private:
  // ForEach until `visit` returns false.
  template <class KeyOf, class Visit>
  void ForEachUntil(std::string_view key, KeyOf&& key_of, Visit&& visit) const {
    if (slots_.empty()) return;
    const std::uint32_t tag = Tag(key);
    for (size_t i = tag & mask_; slots_[i].number != kEmpty; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.number != kErased && s.tag == tag && key_of(s.number) == key && !visit(s.number)) {
        return;
      }
    }
  }

  // A free slot: never used (kEmpty) or erased (kErased).
  static constexpr std::uint32_t kErased = 0xfffffffeU;
  static constexpr std::uint32_t kEmpty = kErased + 1;
  struct Slot {
    std::uint32_t number = kEmpty;  // or kErased
    std::uint32_t tag = 0;          // the key's hash folded to 32 bits
  };

  static_assert(sizeof(size_t) == 8, "Tag folds a 64-bit hash");
  static std::uint32_t Tag(std::string_view key) {
    const size_t h = std::hash<std::string_view>{}(key);
    return static_cast<std::uint32_t>(h ^ (h >> 32));
  }

  void Place(Slot slot) {
    size_t i = slot.tag & mask_;
    while (slots_[i].number != kEmpty) i = (i + 1) & mask_;
    slots_[i] = slot;
  }

  // Twice the size when at least half the slots are live, else the same size without the
  // tombstones.
  void Rebuild() {
    std::vector<Slot> old;
    old.swap(slots_);
    const size_t size =
        old.empty() ? 1024 : (live_ * 2 >= old.size() ? old.size() * 2 : old.size());
    slots_.assign(size, Slot{});
    mask_ = size - 1;
    erased_ = 0;
    for (const Slot& s : old) {
      if (s.number != kEmpty && s.number != kErased) Place(s);
    }
  }

  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t live_ = 0;
  size_t erased_ = 0;
};

}  // namespace issa::cti::detail
