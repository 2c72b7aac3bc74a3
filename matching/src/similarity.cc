#include "similarity.h"

#include <algorithm>
#include <array>
#include <functional>

#include "normalise.h"

namespace issa::matching::detail {
namespace {

constexpr size_t kMaxCompare = 48;
// Deleting the h of gh, dh or th (DeleteCost): the cheapest edit between two parts of which
// neither is vowelless; any other costs at least 4.
constexpr int kDigraphDeleteCost = 3;

inline bool DigraphH(const char* s, size_t i) {
  return s[i] == 'h' && i > 0 && (s[i - 1] == 'g' || s[i - 1] == 'd' || s[i - 1] == 't');
}

bool HasDigraph(const char* s, size_t n) {
  for (size_t i = 1; i < n; ++i) {
    if (DigraphH(s, i)) return true;
  }
  return false;
}

bool IsVowel(char c) {
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

// Pairs often confused between transliteration systems.
bool Confusable(char x, char y) {
  if (x > y) std::swap(x, y);
  switch (x) {
    case 'b':
      return y == 'p';
    case 'c':
      return y == 'k' || y == 'q';
    case 'k':
      return y == 'q';
    case 's':
      return y == 'z';
    case 'v':
      return y == 'w';
    case 'f':
      return y == 'v';
    case 'd':
      return y == 't';  // د/ض/ذ and ت/ط/ث of Arabic and Persian: Hamid ~ Hamit, Qadhafi ~ Ghathafi
    case 'g':
      return y == 'k' || y == 'q';  // ق is q, g or gh (Gaddafi, Bagheri)
    case 'i':
      return y == 'j';
    case 'j':
      return y == 'y';
    default:
      return false;
  }
}

// Comparison form: "x" -> "ks" (with expand_x), truncated to kMaxCompare characters. Returns
// the length.
size_t CompareForm(std::string_view in, std::array<char, kMaxCompare>& out, bool expand_x) {
  size_t n = 0;
  for (char c : in) {
    if (c == 'x' && expand_x) {
      if (n + 2 > kMaxCompare) break;
      out[n++] = 'k';
      out[n++] = 's';
    } else {
      if (n + 1 > kMaxCompare) break;
      out[n++] = c;
    }
  }
  return n;
}

// Cost of removing s[i] (the other string lacks it). `cheap_vowels`: the other side is vowelless.
inline int DeleteCost(const char* s, size_t n, size_t i, bool cheap_vowels) {
  const char c = s[i];
  if (cheap_vowels && IsVowel(c)) return 1;
  if ((i > 0 && s[i - 1] == c) || (i + 1 < n && s[i + 1] == c)) return 4;
  // The h of gh, dh and th: Latin writes some Arabic and Persian letters with a digraph or one
  // letter (غ and ق gh, q or g; ذ dh or d; ث th or t: Ghannadi ~ Qannadi, Bagheri ~ Baqeri).
  if (DigraphH(s, i)) return kDigraphDeleteCost;
  if (IsVowel(c) || c == 'h') return 6;
  return kCostUnit;
}

// Cost of substituting x (from the side flagged `x_vowelless`) by y.
int SubstituteCost(char x, char y, bool x_vowelless, bool y_vowelless) {
  if (x == y) return 0;
  if (x_vowelless &&
      ((x == 'w' && (y == 'o' || y == 'u')) || (x == 'y' && (y == 'i' || y == 'e')))) {
    return 2;
  }
  if (y_vowelless &&
      ((y == 'w' && (x == 'o' || x == 'u')) || (y == 'y' && (x == 'i' || x == 'e')))) {
    return 2;
  }
  if (IsVowel(x) && IsVowel(y)) return 5;
  if (Confusable(x, y)) return 6;
  return kCostUnit;
}

std::string Skeleton(std::string_view text, bool drop_v) {
  std::string out;
  out.reserve(text.size());
  auto push = [&out](char c) {
    if (out.empty() || out.back() != c) out.push_back(c);
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == 'p' && i + 1 < text.size() && text[i + 1] == 'h') {
      if (!drop_v) push('v');
      ++i;
      continue;
    }
    // "h" only marks a digraph after these: sh, ch, kh, th, gh, dh, zh.
    if (c == 'h' && i > 0) {
      const char prev = text[i - 1];
      if (prev == 's' || prev == 'c' || prev == 'k' || prev == 't' || prev == 'g' || prev == 'd' ||
          prev == 'z') {
        continue;
      }
    }
    switch (c) {
      case 'x':
        push('k');
        c = 's';
        break;
      case 'c':
      case 'q':
      case 'g':
        c = 'k';
        break;
      case 'z':
        c = 's';
        break;
      case 'w':
      case 'f':
        c = 'v';
        break;
      case 'p':
        c = 'b';
        break;
      case 'j':
        c = 'y';
        break;
      default:
        break;
    }
    if (IsVowel(c)) continue;
    if (drop_v && c == 'v') continue;
    push(c);
  }
  if (out.empty()) return std::string(text);
  return out;
}

}  // namespace

int EditBudget(size_t length) {
  if (length <= 2) return 0;
  if (length == 3) return 4;
  if (length <= 5) return 10;
  if (length <= 8) return 15;
  if (length <= 11) return 20;
  return 25;
}

int WeightedDistance(std::string_view a_in, std::string_view b_in, int vowelless, int limit,
                     bool expand_x) {
  std::array<char, kMaxCompare> a{};
  std::array<char, kMaxCompare> b{};
  const size_t n = CompareForm(a_in, a, expand_x);
  const size_t m = CompareForm(b_in, b, expand_x);
  const bool a_vl = vowelless == 1;
  const bool b_vl = vowelless == 2;
  // Lower bounds: the length difference (each edit costs at least 1 against a vowelless side),
  // and without one the letters of one side missing from the other, each an edit of at least 4
  // — or 3, deleting the h of a digraph, which is looked for only when that decides.
  const size_t diff = n > m ? n - m : m - n;
  if (a_vl || b_vl) {
    if (static_cast<int>(diff) > limit) return limit + 1;
  } else {
    std::array<int, 36> count{};
    auto slot = [](char c) {
      return c >= 'a' && c <= 'z' ? c - 'a' : (c >= '0' && c <= '9' ? 26 + c - '0' : 0);
    };
    for (size_t i = 0; i < n; ++i) ++count[static_cast<size_t>(slot(a[i]))];
    for (size_t j = 0; j < m; ++j) --count[static_cast<size_t>(slot(b[j]))];
    int only_a = 0;
    int only_b = 0;
    for (int c : count) {
      if (c > 0) only_a += c;
      if (c < 0) only_b -= c;
    }
    const int edits = std::max(only_a, only_b);  // at least the length difference
    if (edits * 4 > limit && (edits * kDigraphDeleteCost > limit ||
                              (!HasDigraph(a.data(), n) && !HasDigraph(b.data(), m)))) {
      return limit + 1;
    }
  }

  std::array<int, kMaxCompare + 1> prev2{};
  std::array<int, kMaxCompare + 1> prev{};
  std::array<int, kMaxCompare + 1> cur{};
  std::array<int, kMaxCompare> del_b{};
  for (size_t j = 0; j < m; ++j) del_b[j] = DeleteCost(b.data(), m, j, a_vl);
  prev[0] = 0;
  for (size_t j = 1; j <= m; ++j) prev[j] = prev[j - 1] + del_b[j - 1];
  for (size_t i = 1; i <= n; ++i) {
    const int del_a = DeleteCost(a.data(), n, i - 1, b_vl);
    cur[0] = prev[0] + del_a;
    int row_min = cur[0];
    for (size_t j = 1; j <= m; ++j) {
      int best = prev[j] + del_a;
      best = std::min(best, cur[j - 1] + del_b[j - 1]);
      best = std::min(best, prev[j - 1] + SubstituteCost(a[i - 1], b[j - 1], a_vl, b_vl));
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && a[i - 1] != a[i - 2]) {
        best = std::min(best, prev2[j - 2] + 9);
      }
      cur[j] = best;
      row_min = std::min(row_min, best);
    }
    if (row_min > limit) return limit + 1;
    prev2 = prev;
    prev = cur;
  }
  return std::min(prev[m], limit + 1);
}

float UnitSimilarity(std::string_view a, uint8_t a_flags, std::string_view b, uint8_t b_flags,
                     const SimilarityParams& params) {
  if (a == b) return 1.0F;
  if (a.empty() || b.empty()) return 0.0F;
  if (((a_flags | b_flags) & kNumeric) != 0) return 0.0F;
  const bool a_initial = (a_flags & kInitial) != 0;
  const bool b_initial = (b_flags & kInitial) != 0;
  if (a_initial || b_initial) {
    if (a_initial && b_initial) return 0.0F;
    if (((a_flags | b_flags) & kParticle) != 0) return 0.0F;  // "A." is not "Abu"
    return a[0] == b[0] ? params.initial : 0.0F;
  }
  const bool a_vl = (a_flags & kVowelless) != 0;
  const bool b_vl = (b_flags & kVowelless) != 0;
  const int vowelless = a_vl == b_vl ? 0 : (a_vl ? 1 : 2);
  size_t length = 0;
  for (std::string_view s : {a, b}) {
    size_t l = s.size();
    for (char c : s) l += c == 'x' ? 1 : 0;
    length = std::max(length, std::min(l, kMaxCompare));
  }
  const int budget = EditBudget(length);
  int cost = WeightedDistance(a, b, vowelless, budget);
  if (cost > 0 &&
      (a.find('x') != std::string_view::npos || b.find('x') != std::string_view::npos)) {
    cost = std::min(cost, WeightedDistance(a, b, vowelless, budget, /*expand_x=*/false));
  }
  if (cost > budget) return 0.0F;
  float sim = 1.0F - static_cast<float>(cost) / static_cast<float>(kCostUnit) /
                         static_cast<float>(length + 2);
  if (vowelless != 0) sim = std::min(sim, params.vowelless_cap);
  return sim;
}

std::string PhoneticKey(std::string_view text) { return Skeleton(text, false); }

std::string VowellessKey(std::string_view text) { return Skeleton(text, true); }

uint64_t HashText(std::string_view text) { return std::hash<std::string_view>{}(text); }

void DeleteHashes(std::string_view text, std::vector<uint64_t>& out) {
  out.clear();
  if (text.size() < 4 || text.size() > 24) return;
  std::array<char, 24> buf{};
  for (size_t i = 0; i < text.size(); ++i) {
    if (i > 0 && text[i] == text[i - 1]) continue;  // same string as deleting i - 1
    size_t n = 0;
    for (size_t j = 0; j < text.size(); ++j) {
      if (j != i) buf[n++] = text[j];
    }
    out.push_back(HashText(std::string_view(buf.data(), n)));
  }
}

}  // namespace issa::matching::detail
