#include "name_index.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstdlib>

namespace issa::matching::detail {
namespace {

constexpr uint8_t kWordFlags = kParticle | kInitial | kNumeric | kVowelless;
constexpr char kVowellessMarker = '\1';

std::string WordKey(std::string_view text, bool vowelless) {
  std::string key(text);
  if (vowelless) key.push_back(kVowellessMarker);
  return key;
}

uint32_t Bit(size_t i) { return 1U << i; }

int LetterIndex(char c) { return c >= 'a' && c <= 'z' ? c - 'a' : -1; }

template <typename T>
void GrowTo(std::vector<T>& v, size_t n) {
  if (v.size() < n) v.resize(n + n / 4 + 16, T{});
}

}  // namespace

// ---- Scratch ----------------------------------------------------------------------------------

void Scratch::Reserve(size_t word_count, size_t entry_count, size_t slot_count) {
  GrowTo(word_stamp, word_count);
  GrowTo(word_row, word_count);
  GrowTo(entry_stamp, entry_count);
  GrowTo(slot_stamp, slot_count);
}

uint32_t Scratch::NextWordEpoch() {
  if (++word_epoch == 0) {
    std::fill(word_stamp.begin(), word_stamp.end(), 0);
    word_epoch = 1;
  }
  rows.clear();
  row_mask.clear();
  row_tested.clear();
  row_word.clear();
  return word_epoch;
}

uint32_t Scratch::NextEntryEpoch() {
  if (++entry_epoch == 0) {
    std::fill(entry_stamp.begin(), entry_stamp.end(), 0);
    entry_epoch = 1;
  }
  return entry_epoch;
}

uint32_t Scratch::NextSlotEpoch() {
  if (++slot_epoch == 0) {
    std::fill(slot_stamp.begin(), slot_stamp.end(), 0);
    slot_epoch = 1;
  }
  return slot_epoch;
}

// ---- NameQuery --------------------------------------------------------------------------------

void NameQuery::Build(const std::vector<TokenisedName>& in, bool has_primary) {
  units.clear();
  names.clear();
  has_initials = false;
  initials_by_letter.fill(0);
  units_by_letter.fill(0);
  for (size_t ni = 0; ni < in.size(); ++ni) {
    const TokenisedName& tn = in[ni];
    const size_t count = std::min(tn.units.size(), kMaxUnits);
    if (units.size() + count > kMaxQueryUnits) break;
    Name name;
    name.alias = !(has_primary && ni == 0);
    name.count = static_cast<uint8_t>(count);
    name.regular = std::min<uint8_t>(tn.regular, static_cast<uint8_t>(count));
    for (size_t k = 0; k < count; ++k) {
      const NameUnit& nu = tn.units[k];
      size_t idx = units.size();
      for (size_t u = 0; u < units.size(); ++u) {
        if (units[u].text == nu.text && (units[u].flags & kVowelless) == (nu.flags & kVowelless)) {
          idx = u;
          break;
        }
      }
      if (idx == units.size()) {
        Unit unit;
        unit.text = nu.text;
        unit.flags = nu.flags;
        unit.count_as = static_cast<uint8_t>(idx);
        unit.blockable = (nu.flags & (kParticle | kInitial)) == 0 &&
                         (nu.text.size() >= 2 || (nu.flags & kNumeric) != 0);
        if ((nu.flags & kAlternative) != 0 && nu.cover != 0) {
          const int head = 15 - std::countl_zero(nu.cover);
          if (static_cast<size_t>(head) < k) unit.count_as = name.unit[static_cast<size_t>(head)];
        }
        units.push_back(std::move(unit));
      }
      name.unit[k] = static_cast<uint8_t>(idx);
      ScoreUnit& su = name.score[k];
      su.cover = nu.cover;
      su.regular = k < name.regular;
      su.core = (nu.flags & kParticle) == 0;
      if (su.regular) {
        su.weight = PartWeight(nu.flags, nu.text.size());
        if (su.core) ++name.core;
      } else {
        su.weight = 0;
        for (size_t r = 0; r < name.regular; ++r) {
          if ((nu.cover & Bit(r)) != 0) su.weight += name.score[r].weight;
        }
      }
      if (su.core) name.mask |= Bit(units[idx].count_as);
    }
    names.push_back(name);
  }
  for (size_t u = 0; u < units.size(); ++u) {
    const Unit& unit = units[u];
    const int letter = LetterIndex(unit.text[0]);
    if (letter < 0 || (unit.flags & kParticle) != 0) continue;
    if ((unit.flags & kInitial) != 0) {
      has_initials = true;
      initials_by_letter[static_cast<size_t>(letter)] |= Bit(u);
    } else {
      units_by_letter[static_cast<size_t>(letter)] |= Bit(unit.count_as);
    }
  }
}

// ---- NameIndex: writes ------------------------------------------------------------------------

std::string_view NameIndex::WordText(uint32_t w) const {
  std::string_view key = *word_text_[w];
  if (!key.empty() && key.back() == kVowellessMarker) key.remove_suffix(1);
  return key;
}

uint32_t NameIndex::FindWord(std::string_view text, bool vowelless) const {
  if (!vowelless) {
    const auto it = word_ids_.find(text);
    return it == word_ids_.end() ? kNone : it->second;
  }
  const auto it = word_ids_.find(WordKey(text, true));
  return it == word_ids_.end() ? kNone : it->second;
}

uint32_t NameIndex::Intern(const NameUnit& unit) {
  const bool vowelless = (unit.flags & kVowelless) != 0;
  if (const uint32_t known = FindWord(unit.text, vowelless); known != kNone) return known;
  const auto it =
      word_ids_.try_emplace(WordKey(unit.text, vowelless), static_cast<uint32_t>(word_ids_.size()))
          .first;
  const uint32_t w = it->second;
  word_text_.push_back(&it->first);
  word_len_.push_back(static_cast<uint8_t>(std::min<size_t>(unit.text.size(), 255)));
  word_flags_.push_back(unit.flags & kWordFlags);
  word_first_.push_back(unit.text[0]);
  postings_.emplace_back();
  const bool searchable = (unit.flags & (kParticle | kInitial)) == 0;
  if (searchable) {
    std::vector<uint64_t> hashes;
    DeleteHashes(unit.text, hashes);
    for (uint64_t h : hashes) deletes_.Insert(h, w);
    keys_.Insert(HashText(PhoneticKey(unit.text)), w);
    vowelless_keys_.Insert(HashText(VowellessKey(unit.text)), w);
  }
  return w;
}

void NameIndex::Touch() {
  static std::atomic<uint64_t> next{1};
  generation_ = next.fetch_add(1, std::memory_order_relaxed);
}

uint32_t NameIndex::Add(uint32_t slot, const TokenisedName& name, bool alias, uint32_t next,
                        uint16_t birth_year) {
  Touch();
  uint32_t id = free_entries_;
  if (id != kNone) {
    free_entries_ = entries_[id].next;
  } else {
    id = static_cast<uint32_t>(entries_.size());
    entries_.emplace_back();
  }
  ++live_entries_;
  Entry& e = entries_[id];
  e = Entry{};
  e.slot = slot;
  e.next = next;
  e.flags = kEntryLive | (alias ? kEntryAlias : 0);
  e.count = static_cast<uint8_t>(std::min(name.units.size(), kMaxUnits));
  e.regular = std::min<uint8_t>(name.regular, e.count);
  bool has_initial = false;
  uint32_t letters = 0;
  for (size_t k = 0; k < e.count; ++k) {
    const NameUnit& u = name.units[k];
    e.word[k] = Intern(u);
    e.cover[k] = u.cover;
    if (k < e.regular) {
      if ((u.flags & kParticle) == 0) ++e.core;
      if ((u.flags & kInitial) != 0) has_initial = true;
    }
    const int letter = LetterIndex(u.text[0]);
    if (letter >= 0) letters |= Bit(static_cast<size_t>(letter));
  }
  const uint32_t kind = (e.core <= 1 || has_initial) ? 0 : (e.core == 2 ? 1 : 2);
  const uint32_t summary = letters | (kind << 26) | (YearCode(birth_year) << 28);
  for (size_t k = 0; k < e.count; ++k) {
    std::vector<Posting>& p = postings_[e.word[k]];
    if (p.empty() || p.back().entry != id) p.push_back(Posting{id, summary});
  }
  return id;
}

void NameIndex::RemoveChain(uint32_t first) {
  Touch();
  for (uint32_t id = first; id != kNone;) {
    Entry& e = entries_[id];
    const uint32_t next = e.next;
    for (size_t k = 0; k < e.count; ++k) {
      std::vector<Posting>& p = postings_[e.word[k]];
      const auto it =
          std::find_if(p.begin(), p.end(), [id](const Posting& x) { return x.entry == id; });
      if (it != p.end()) {
        *it = p.back();
        p.pop_back();
      }
    }
    e.flags = 0;
    e.slot = kNone;
    --live_entries_;
    e.next = free_entries_;
    free_entries_ = id;
    id = next;
  }
}

// ---- NameIndex: queries -----------------------------------------------------------------------

uint32_t NameIndex::RowOf(uint32_t w, Scratch& s) const {
  if (s.word_stamp[w] == s.word_epoch) return s.word_row[w];
  const auto row = static_cast<uint32_t>(s.row_mask.size());
  s.word_stamp[w] = s.word_epoch;
  s.word_row[w] = row;
  s.rows.resize(s.rows.size() + kMaxQueryUnits, 0.0F);
  s.row_mask.push_back(0);
  s.row_tested.push_back(0);
  s.row_word.push_back(w);
  return row;
}

void NameIndex::Consider(const NameQuery& query, size_t u, uint32_t w,
                         const SimilarityParams& params, float cutoff, Scratch& s,
                         std::vector<std::pair<uint32_t, float>>* record) const {
  if (w == kNone) return;
  const uint32_t row = RowOf(w, s);
  if ((s.row_tested[row] & Bit(u)) != 0) return;
  s.row_tested[row] |= Bit(u);
  const NameQuery::Unit& unit = query.units[u];
  const float sim = UnitSimilarity(unit.text, unit.flags, WordText(w), word_flags_[w], params);
  if (record != nullptr) record->emplace_back(w, sim < cutoff ? -1.0F : sim);
  if (sim < cutoff) return;
  s.rows[row * kMaxQueryUnits + u] = sim;
  if ((unit.flags & kParticle) == 0) s.row_mask[row] |= Bit(unit.count_as);
}

void NameIndex::Replay(const NameQuery& query, size_t u, uint32_t w, float sim, Scratch& s) const {
  const uint32_t row = RowOf(w, s);
  if ((s.row_tested[row] & Bit(u)) != 0) return;
  s.row_tested[row] |= Bit(u);
  if (sim < 0) return;
  s.rows[row * kMaxQueryUnits + u] = sim;
  const NameQuery::Unit& unit = query.units[u];
  if ((unit.flags & kParticle) == 0) s.row_mask[row] |= Bit(unit.count_as);
}

void NameIndex::Prepare(const NameQuery& query, const SimilarityParams& params, float cutoff,
                        Scratch& s) const {
  s.Reserve(word_text_.size(), entries_.size(), 0);
  s.NextWordEpoch();
  Scratch::UnitCache& cache = s.unit_caches[generation_ % s.unit_caches.size()];
  if (cache.generation != generation_ || cache.cutoff != cutoff || cache.units.size() > 50000) {
    cache.units.clear();
    cache.generation = generation_;
    cache.cutoff = cutoff;
  }
  std::string key;
  for (size_t u = 0; u < query.units.size(); ++u) {
    const NameQuery::Unit& unit = query.units[u];
    const std::string_view text = unit.text;
    key.assign(text);
    key.push_back('\0');
    key.push_back(static_cast<char>(unit.flags));
    key.push_back(unit.blockable ? '1' : '0');
    if (const auto hit = cache.units.find(key); params.cache_lookups && hit != cache.units.end()) {
      ++s.unit_cache_hits;
      for (const auto& [w, sim] : hit->second) Replay(query, u, w, sim, s);
      continue;
    }
    ++s.unit_cache_misses;
    std::vector<std::pair<uint32_t, float>> seen;
    auto consider = [&](uint32_t w) { Consider(query, u, w, params, cutoff, s, &seen); };
    consider(FindWord(text, false));
    consider(FindWord(text, true));
    if (unit.blockable && (unit.flags & kNumeric) == 0) {
      const bool vowelless = (unit.flags & kVowelless) != 0;
      // One edit: the word is the text plus a letter, minus a letter, or both differ by one.
      if (text.size() >= 3) deletes_.ForEach(HashText(text), consider);
      if (text.size() >= 4 && text.size() <= 24) {
        s.deletions.clear();
        for (size_t i = 0; i < text.size(); ++i) {
          if (i > 0 && text[i] == text[i - 1]) continue;
          std::string d(text.substr(0, i));
          d.append(text.substr(i + 1));
          s.deletions.push_back(std::move(d));
        }
        for (const std::string& d : s.deletions) {
          consider(FindWord(d, false));
          consider(FindWord(d, true));
          deletes_.ForEach(HashText(d), consider);
        }
      }
      // Transliteration variants.
      keys_.ForEach(HashText(PhoneticKey(text)), consider);
      vowelless_keys_.ForEach(HashText(VowellessKey(text)), [&](uint32_t w) {
        if (vowelless || (word_flags_[w] & kVowelless) != 0) consider(w);
      });
    }
    cache.units.emplace(key, std::move(seen));
  }
}

void NameIndex::Collect(const NameQuery& query, Scratch& s, const CollectOptions& options,
                        const SimilarityParams& params, float cutoff,
                        std::vector<uint32_t>& out) const {
  const bool single_part_names = options.single_part_names;
  s.Reserve(word_text_.size(), entries_.size(), 0);
  const size_t row_count = s.row_word.size();
  const size_t unit_count = query.units.size();

  // Blockable query parts each table row (word) matches, the postings behind each part, and the
  // first letters of the words each part (count-as) matches.
  std::array<uint64_t, kMaxQueryUnits> group_postings{};
  std::array<uint32_t, kMaxQueryUnits> letters{};
  uint32_t used = 0;
  for (size_t r = 0; r < row_count; ++r) {
    const float* row = &s.rows[r * kMaxQueryUnits];
    const uint32_t w = s.row_word[r];
    const int letter = LetterIndex(word_first_[w]);
    for (size_t u = 0; u < unit_count; ++u) {
      const NameQuery::Unit& unit = query.units[u];
      if (row[u] <= 0 || (unit.flags & kParticle) != 0) continue;
      if (letter >= 0) letters[unit.count_as] |= Bit(static_cast<size_t>(letter));
      if (!unit.blockable) continue;
      group_postings[unit.count_as] += postings_[w].size();
      used |= Bit(unit.count_as);
    }
  }
  if (used == 0) return;
  for (size_t u = 0; u < unit_count; ++u) {
    const NameQuery::Unit& unit = query.units[u];
    const int letter = LetterIndex(unit.text[0]);
    if ((unit.flags & kInitial) != 0 && letter >= 0) {
      letters[u] |= Bit(static_cast<size_t>(letter));
    }
  }

  // Which groups must contribute all their entries ("full"); the others only contribute entries
  // that can match on a single part ("loose": one core part, or an initial). A score can reach
  // the threshold only with two parts paired, or one when both names have a single core part
  // (organisations and vessels: when the shorter name has one). So for a name with two or more
  // blockable parts, any candidate matches one of them other than its largest group.
  // Rare groups (smallest first, within the fallback budget): their entries are compared part
  // by part with the rest of the name, so that a part spelled beyond the reach of the one-edit
  // and phonetic lookups is still paired.
  uint32_t rare_bits = 0;
  {
    std::array<std::pair<uint64_t, uint32_t>, kMaxQueryUnits> by_size{};
    size_t n = 0;
    for (uint32_t rest = used; rest != 0; rest &= rest - 1) {
      const auto g = static_cast<size_t>(std::countr_zero(rest));
      by_size[n++] = {group_postings[g], static_cast<uint32_t>(g)};
    }
    std::sort(by_size.begin(), by_size.begin() + static_cast<std::ptrdiff_t>(n));
    uint64_t budget = options.fallback_postings;
    for (size_t i = 0; i < n && by_size[i].first <= budget; ++i) {
      budget -= by_size[i].first;
      rare_bits |= Bit(by_size[i].second);
    }
  }

  uint32_t full_bits = 0;
  // Per group, the query units to compare one by one with its entries' parts.
  std::array<uint32_t, kMaxQueryUnits> verify_units{};
  // Per group, the first letters another part of the same name can match: an entry that has
  // none of them (and needs two parts) is skipped from its posting summary alone.
  std::array<uint32_t, kMaxQueryUnits> second_letters{};
  for (const NameQuery::Name& name : query.names) {
    uint32_t all_bits = 0;
    for (size_t k = 0; k < name.count; ++k) {
      const NameQuery::Unit& unit = query.units[name.unit[k]];
      if (unit.blockable) all_bits |= Bit(unit.count_as);
    }
    const uint32_t bits = all_bits & used;
    if (bits == 0) continue;
    const bool single = name.core <= 1 && !single_part_names;  // only single-part entries match
    for (uint32_t rest = bits; rest != 0; rest &= rest - 1) {
      const auto g = static_cast<size_t>(std::countr_zero(rest));
      if (single || (rare_bits & Bit(g)) != 0) {
        second_letters[g] = kLetterBits;
      } else {
        for (size_t k = 0; k < name.count; ++k) {
          const NameQuery::Unit& unit = query.units[name.unit[k]];
          if (unit.count_as != g && (unit.flags & kParticle) == 0) {
            second_letters[g] |= letters[unit.count_as];
          }
        }
      }
      if (!single && (rare_bits & Bit(g)) != 0) {
        full_bits |= Bit(g);
        for (size_t k = 0; k < name.count; ++k) {
          const uint8_t u = name.unit[k];
          if (query.units[u].blockable && query.units[u].count_as != g) {
            verify_units[g] |= Bit(u);
          }
        }
      }
    }
    if (single) continue;
    if (all_bits == bits && std::popcount(bits) == 1) {
      full_bits |= bits;  // the other core parts are initials (or organisation/vessel names)
      continue;
    }
    // Two parts must pair: one of them is outside the largest group.
    uint32_t largest = 0;
    uint64_t largest_postings = 0;
    for (uint32_t rest = bits; rest != 0; rest &= rest - 1) {
      const auto g = static_cast<size_t>(std::countr_zero(rest));
      if (group_postings[g] >= largest_postings) {
        largest = Bit(g);
        largest_postings = group_postings[g];
      }
    }
    full_bits |= bits & ~largest;
  }

  const uint32_t epoch = s.NextEntryEpoch();
  const uint32_t year = YearCode(options.birth_year);
  s.entries.clear();
  s.fallback.clear();
  for (size_t r = 0; r < row_count; ++r) {
    const float* row = &s.rows[r * kMaxQueryUnits];
    uint32_t bits = 0;
    for (size_t u = 0; u < unit_count; ++u) {
      const NameQuery::Unit& unit = query.units[u];
      if (unit.blockable && row[u] > 0) bits |= Bit(unit.count_as);
    }
    if (bits == 0) continue;
    const bool full = (bits & full_bits) != 0;
    uint32_t second = 0;
    uint32_t verify = 0;
    for (uint32_t rest = bits; rest != 0; rest &= rest - 1) {
      const auto g = static_cast<size_t>(std::countr_zero(rest));
      second |= second_letters[g];
      verify |= verify_units[g];
    }
    for (const Posting& p : postings_[s.row_word[r]]) {
      const uint32_t entry_year = p.summary >> 28;
      if (year != 0 && entry_year != 0 && entry_year != year) continue;
      const bool loose = ((p.summary >> 26) & 3) == 0;
      if (!loose && (!full || (p.summary & second) == 0)) continue;
      if (verify != 0) s.fallback.emplace_back(p.entry, verify);
      if (s.entry_stamp[p.entry] == epoch) continue;
      s.entry_stamp[p.entry] = epoch;
      s.entries.push_back(p.entry);
    }
  }
  for (const auto& [id, units] : s.fallback) {
    const Entry& e = entries_[id];
    for (size_t k = 0; k < e.count; ++k) {
      for (uint32_t rest = units; rest != 0; rest &= rest - 1) {
        Consider(query, static_cast<size_t>(std::countr_zero(rest)), e.word[k], params, cutoff, s);
      }
    }
  }

  // Verification: how many parts pair at most (query parts matched, bounded by the candidate
  // parts they match), against what the score needs.
  s.ranked.clear();
  std::array<uint32_t, kMaxUnits> unit_mask{};
  for (uint32_t id : s.entries) {
    const Entry& e = entries_[id];
    uint32_t mask = 0;
    uint16_t core_positions = 0;
    for (size_t k = 0; k < e.count; ++k) {
      const uint32_t w = e.word[k];
      const uint8_t flags = word_flags_[w];
      uint32_t m = s.word_stamp[w] == s.word_epoch ? s.row_mask[s.word_row[w]] : 0;
      if (k < e.regular) {
        if ((flags & kParticle) == 0)
          core_positions = static_cast<uint16_t>(core_positions | e.cover[k]);
        const int letter = LetterIndex(word_first_[w]);
        if (letter >= 0) {
          if ((flags & kInitial) != 0) {
            m |= query.units_by_letter[static_cast<size_t>(letter)];
          } else if (query.has_initials && (flags & kParticle) == 0) {
            m |= query.initials_by_letter[static_cast<size_t>(letter)];
          }
        }
      }
      unit_mask[k] = m;
      mask |= m;
    }
    if (mask == 0) continue;
    const int e_core = std::max(1, static_cast<int>(e.core));
    int best = 0;
    for (const NameQuery::Name& name : query.names) {
      const int q_core = std::max(1, static_cast<int>(name.core));
      int need = 2;
      if (single_part_names) {
        need = std::min({2, q_core, e_core});
      } else if (q_core == 1 || e_core == 1) {
        if (q_core != e_core) continue;  // one core part against several: cannot reach
        need = 1;
      }
      uint16_t covered = 0;
      for (size_t k = 0; k < e.count; ++k) {
        if ((unit_mask[k] & name.mask) != 0) covered = static_cast<uint16_t>(covered | e.cover[k]);
      }
      const int matched = std::min(std::popcount(mask & name.mask),
                                   std::popcount(static_cast<unsigned>(covered & core_positions)));
      if (matched >= need) best = std::max(best, matched);
    }
    if (best == 0) continue;
    if (s.slot_stamp[e.slot] == s.slot_epoch) continue;
    s.slot_stamp[e.slot] = s.slot_epoch;
    s.ranked.emplace_back(static_cast<uint32_t>(best), e.slot);
  }
  if (s.ranked.size() > options.max_slots) {
    std::nth_element(s.ranked.begin(),
                     s.ranked.begin() + static_cast<std::ptrdiff_t>(options.max_slots),
                     s.ranked.end(), [](const auto& a, const auto& b) { return a > b; });
    s.ranked.resize(options.max_slots);
  }
  for (const auto& [rank, slot] : s.ranked) out.push_back(slot);
}

void NameIndex::FillScoreUnits(const Entry& e, std::array<ScoreUnit, kMaxUnits>& out) const {
  for (size_t k = 0; k < e.count; ++k) {
    const uint32_t w = e.word[k];
    ScoreUnit& su = out[k];
    su.cover = e.cover[k];
    su.regular = k < e.regular;
    su.core = (word_flags_[w] & kParticle) == 0;
    if (su.regular) {
      su.weight = PartWeight(word_flags_[w], word_len_[w]);
    } else {
      su.weight = 0;
      for (size_t r = 0; r < e.regular; ++r) {
        if ((e.cover[k] & Bit(r)) != 0) su.weight += out[r].weight;
      }
    }
  }
}

float NameIndex::Rarity(uint32_t w, float strength) const {
  const auto n = static_cast<float>(std::max<size_t>(live_entries_, 2));
  const auto df = static_cast<float>(std::max<size_t>(postings_[w].size(), 1));
  // 1 for a part borne by at most ~3 names, falling with log(df) to 1 - 0.7 × strength for a
  // part in 1 of 200 names and beyond ("bank", "trading", "mohammed").
  const float idf = std::log(n / df);
  const float high = std::log(n / 3.0F);
  const float low = std::log(200.0F);
  const float t = high > low ? std::clamp((high - idf) / (high - low), 0.0F, 1.0F) : 0.0F;
  return 1.0F - 0.7F * strength * t;
}

// Re-weights regular units by `factor` and recomputes the alternatives' weights (sums of the
// regular parts they cover).
static void ScaleUnits(ScoreUnit* units, size_t count, size_t regular, const float* factor) {
  for (size_t k = 0; k < count && k < regular; ++k) units[k].weight *= factor[k];
  for (size_t k = regular; k < count; ++k) {
    units[k].weight = 0;
    for (size_t r = 0; r < regular; ++r) {
      if ((units[k].cover & Bit(r)) != 0) units[k].weight += units[r].weight;
    }
  }
}

NameMatch NameIndex::Best(const NameQuery& query, Scratch& s, uint32_t first, bool direct,
                          const SimilarityParams& params, float cutoff, float extra_part_weight,
                          bool single_part_names) const {
  NameMatch best;
  std::array<ScoreUnit, kMaxUnits> units{};
  std::array<ScoreUnit, kMaxUnits> query_units{};
  std::array<float, kMaxUnits * kMaxUnits> sims{};
  std::array<float, kMaxUnits> factor{};
  std::array<float, kMaxUnits> query_factor{};
  const bool rarity = params.rarity > 0;
  for (uint32_t id = first; id != kNone; id = entries_[id].next) {
    const Entry& e = entries_[id];
    FillScoreUnits(e, units);
    if (rarity) {
      for (size_t j = 0; j < e.count; ++j) factor[j] = Rarity(e.word[j], params.rarity);
      ScaleUnits(units.data(), e.count, e.regular, factor.data());
    }
    for (const NameQuery::Name& name : query.names) {
      for (size_t i = 0; i < name.count; ++i) {
        const size_t u = name.unit[i];
        const NameQuery::Unit& qu = query.units[u];
        for (size_t j = 0; j < e.count; ++j) {
          const uint32_t w = e.word[j];
          float sim = 0;
          if (direct || ((qu.flags | word_flags_[w]) & kInitial) != 0) {
            sim = UnitSimilarity(qu.text, qu.flags, WordText(w), word_flags_[w], params);
          } else {
            Consider(query, u, w, params, cutoff, s);  // no-op when already compared
            sim = s.rows[s.word_row[w] * kMaxQueryUnits + u];
          }
          sims[i * e.count + j] = sim;
        }
      }
      const ScoreUnit* q_units = name.score.data();
      if (rarity) {
        // A query part weighs as rare as the stored part it resembles most (unpaired: rare).
        for (size_t i = 0; i < name.count; ++i) {
          query_factor[i] = 1.0F;
          float top = cutoff;
          for (size_t j = 0; j < e.count && j < e.regular; ++j) {
            if (sims[i * e.count + j] >= top) {
              top = sims[i * e.count + j];
              query_factor[i] = factor[j];
            }
          }
        }
        std::copy(name.score.begin(), name.score.begin() + name.count, query_units.begin());
        ScaleUnits(query_units.data(), name.count, name.regular, query_factor.data());
        q_units = query_units.data();
      }
      const NameScore r = ScoreName(q_units, name.count, units.data(), e.count, sims.data(), cutoff,
                                    extra_part_weight, single_part_names);
      if (r.score > best.score || (r.score == best.score && r.exact && !best.exact)) {
        best.score = r.score;
        best.exact = r.exact;
        best.partial = r.partial;
        best.alias = name.alias || (e.flags & kEntryAlias) != 0;
        best.entry = id;
      }
    }
  }
  return best;
}

double NameIndex::ExpectedBearers(uint32_t id) const {
  constexpr size_t kExactCountLimit = 512;  // postings scanned at most for the exact count
  const Entry& e = entries_[id];
  const auto live = static_cast<double>(live_entries_);
  double independent = live;
  uint32_t rarest = kNone;
  for (size_t k = 0; k < e.regular; ++k) {
    const uint32_t w = e.word[k];
    if ((word_flags_[w] & (kParticle | kInitial)) != 0) continue;
    independent *= static_cast<double>(postings_[w].size()) / live;
    if (rarest == kNone || postings_[w].size() < postings_[rarest].size()) rarest = w;
  }
  if (rarest == kNone) return independent;
  if (postings_[rarest].size() > kExactCountLimit) return independent;
  // Few names hold the rarest part: count those holding every core part (parts do not combine
  // independently: the 12 Mohamed Alis of a small index are 12, not 0.5).
  size_t exact = 0;
  for (const Posting& p : postings_[rarest]) {
    const Entry& other = entries_[p.entry];
    bool all = true;
    for (size_t k = 0; all && k < e.regular; ++k) {
      const uint32_t w = e.word[k];
      if ((word_flags_[w] & (kParticle | kInitial)) != 0) continue;
      all = std::find(other.word.begin(), other.word.begin() + other.count, w) !=
            other.word.begin() + other.count;
    }
    exact += all ? 1 : 0;
  }
  return std::max(independent, static_cast<double>(exact));
}

size_t NameIndex::MemoryBytes() const {
  size_t bytes = entries_.capacity() * sizeof(Entry) + deletes_.bytes() + keys_.bytes() +
                 vowelless_keys_.bytes();
  for (const auto& p : postings_) bytes += p.capacity() * sizeof(Posting) + sizeof(p);
  bytes += word_ids_.size() * 64 + word_text_.capacity() * 8 + word_len_.capacity() * 3;
  return bytes;
}

}  // namespace issa::matching::detail
