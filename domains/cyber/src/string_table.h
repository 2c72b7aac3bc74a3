#pragma once

// Compact building blocks of the correlation index: an append-only string arena (stable
// string_views, no per-string allocation) and an open-addressing hash table of 32-bit indexes
// whose keys live elsewhere (8 bytes a slot: index + 32-bit hash tag).

#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

namespace issa::cyber::detail {

class Arena {
 public:
  std::string_view Store(std::string_view s) {
    if (s.size() > kBlockSize) {
      big_.push_back(std::make_unique<char[]>(s.size()));
      std::memcpy(big_.back().get(), s.data(), s.size());
      bytes_ += s.size();
      return {big_.back().get(), s.size()};
    }
    if (blocks_.empty() || used_ + s.size() > kBlockSize) {
      blocks_.push_back(std::make_unique<char[]>(kBlockSize));
      used_ = 0;
      bytes_ += kBlockSize;
    }
    char* at = blocks_.back().get() + used_;
    if (!s.empty()) std::memcpy(at, s.data(), s.size());
    used_ += s.size();
    return {at, s.size()};
  }
  size_t Bytes() const { return bytes_; }

 private:
  static constexpr size_t kBlockSize = 1 << 20;
  std::vector<std::unique_ptr<char[]>> blocks_;
  std::vector<std::unique_ptr<char[]>> big_;
  size_t used_ = 0;
  size_t bytes_ = 0;
};

class StringTable {
 public:
  static constexpr std::uint32_t kNone = 0xffffffffu;

  static std::uint32_t Tag(std::string_view key) {
    const auto h = std::hash<std::string_view>{}(key);
    return static_cast<std::uint32_t>(h ^ (h >> 32));
  }

  // `key_of(index)` returns the key stored for an index.
  template <class KeyOf>
  std::uint32_t Find(std::string_view key, KeyOf&& key_of) const {
    if (slots_.empty()) return kNone;
    const auto tag = Tag(key);
    const size_t mask = slots_.size() - 1;
    for (size_t i = tag & mask;; i = (i + 1) & mask) {
      const auto& slot = slots_[i];
      if (slot.index == kEmpty) return kNone;
      if (slot.index != kTombstone && slot.tag == tag && key_of(slot.index) == key)
        return slot.index;
    }
  }

  void Insert(std::string_view key, std::uint32_t index) {
    if ((used_ + 1) * 10 > slots_.size() * 7) Grow();
    const auto tag = Tag(key);
    Place(tag, index);
    ++used_;
  }

  template <class KeyOf>
  bool Erase(std::string_view key, KeyOf&& key_of) {
    if (slots_.empty()) return false;
    const auto tag = Tag(key);
    const size_t mask = slots_.size() - 1;
    for (size_t i = tag & mask;; i = (i + 1) & mask) {
      auto& slot = slots_[i];
      if (slot.index == kEmpty) return false;
      if (slot.index != kTombstone && slot.tag == tag && key_of(slot.index) == key) {
        slot.index = kTombstone;
        return true;
      }
    }
  }

  size_t Bytes() const { return slots_.capacity() * sizeof(Slot); }

 private:
  static constexpr std::uint32_t kEmpty = 0xffffffffu;
  static constexpr std::uint32_t kTombstone = 0xfffffffeu;
  struct Slot {
    std::uint32_t index = kEmpty;
    std::uint32_t tag = 0;
  };

  void Place(std::uint32_t tag, std::uint32_t index) {
    const size_t mask = slots_.size() - 1;
    for (size_t i = tag & mask;; i = (i + 1) & mask) {
      if (slots_[i].index == kEmpty || slots_[i].index == kTombstone) {
        slots_[i] = {index, tag};
        return;
      }
    }
  }

  void Grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 1024 : old.size() * 2, Slot{});
    used_ = 0;
    for (const auto& s : old)
      if (s.index != kEmpty && s.index != kTombstone) {
        Place(s.tag, s.index);
        ++used_;
      }
  }

  std::vector<Slot> slots_;
  size_t used_ = 0;  // live slots and tombstones
};

}  // namespace issa::cyber::detail
