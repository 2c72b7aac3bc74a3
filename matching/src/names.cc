#include "issa/matching/names.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "name_score.h"
#include "normalise.h"
#include "similarity.h"

namespace issa::matching {

static_assert(PreparedName::kParticle == detail::kParticle);
static_assert(PreparedName::kInitial == detail::kInitial);
static_assert(PreparedName::kVowelless == detail::kVowelless);
static_assert(PreparedName::kAlternative == detail::kAlternative);
static_assert(PreparedName::kNumber == detail::kNumeric);

namespace {

using detail::NameClass;
using detail::ScoreUnit;
using detail::TokenisedName;

constexpr size_t kMax = 16;

size_t FillUnits(const TokenisedName& n, std::array<ScoreUnit, kMax>& out) {
  const size_t count = std::min(n.units.size(), kMax);
  const size_t regular = std::min<size_t>(n.regular, count);
  for (size_t k = 0; k < count; ++k) {
    const detail::NameUnit& u = n.units[k];
    ScoreUnit& su = out[k];
    su.cover = u.cover;
    su.regular = k < regular;
    su.core = (u.flags & detail::kParticle) == 0;
    if (su.regular) {
      su.weight = detail::PartWeight(u.flags, u.text.size());
    } else {
      su.weight = 0;
      for (size_t r = 0; r < regular; ++r) {
        if ((u.cover & (1U << r)) != 0) su.weight += out[r].weight;
      }
    }
  }
  return count;
}

detail::SimilarityParams Params(const MatchConfig& config) {
  detail::SimilarityParams p;
  p.initial = static_cast<float>(config.initial_similarity);
  p.vowelless_cap = static_cast<float>(config.vowelless_similarity);
  return p;
}

NameClass ClassOf(NameKind kind) {
  return kind == NameKind::kPerson         ? NameClass::kPerson
         : kind == NameKind::kOrganisation ? NameClass::kOrganisation
                                           : NameClass::kVessel;
}

TokenisedName FromPrepared(const PreparedName& p) {
  TokenisedName t;
  t.regular = p.regular;
  for (const PreparedName::Unit& u : p.units) t.units.push_back({u.text, u.flags, u.cover});
  return t;
}

NameComparison Compare(const TokenisedName& a, const TokenisedName& b, NameKind kind,
                       const MatchConfig& config);

}  // namespace

namespace {

PreparedName Prepare(std::string_view name, NameKind kind, bool as_written) {
  const TokenisedName t = detail::TokeniseName(name, ClassOf(kind), as_written);
  PreparedName p;
  p.kind = kind;
  p.regular = t.regular;
  for (const detail::NameUnit& u : t.units) p.units.push_back({u.text, u.flags, u.cover});
  return p;
}

}  // namespace

PreparedName PrepareName(std::string_view name, NameKind kind) {
  return Prepare(name, kind, /*as_written=*/false);
}

PreparedName PrepareNameAsWritten(std::string_view name, NameKind kind) {
  return Prepare(name, kind, /*as_written=*/true);
}

NameComparison CompareNames(const PreparedName& query, const PreparedName& candidate,
                            const MatchConfig& config) {
  return Compare(FromPrepared(query), FromPrepared(candidate), query.kind, config);
}

NameComparison CompareNames(std::string_view query, std::string_view candidate, NameKind kind,
                            const MatchConfig& config) {
  return Compare(detail::TokeniseName(query, ClassOf(kind)),
                 detail::TokeniseName(candidate, ClassOf(kind)), kind, config);
}

namespace {

NameComparison Compare(const TokenisedName& a, const TokenisedName& b, NameKind kind,
                       const MatchConfig& config) {
  if (a.units.empty() || b.units.empty()) return {};
  std::array<ScoreUnit, kMax> ua{};
  std::array<ScoreUnit, kMax> ub{};
  const size_t na = FillUnits(a, ua);
  const size_t nb = FillUnits(b, ub);
  const detail::SimilarityParams params = Params(config);
  std::array<float, kMax * kMax> sims{};
  for (size_t i = 0; i < na; ++i) {
    for (size_t j = 0; j < nb; ++j) {
      sims[i * nb + j] = detail::UnitSimilarity(a.units[i].text, a.units[i].flags, b.units[j].text,
                                                b.units[j].flags, params);
    }
  }
  const detail::NameScore s = detail::ScoreName(
      ua.data(), na, ub.data(), nb, sims.data(), static_cast<float>(config.token_cutoff),
      static_cast<float>(config.extra_part_weight), kind != NameKind::kPerson);
  return {s.score, s.exact, s.partial};
}

}  // namespace

std::string NameSkeleton(const PreparedName& name) {
  std::string out;
  for (size_t i = 0; i < name.regular && i < name.units.size(); ++i) {
    if (!out.empty() && out.back() != ' ') out.push_back(' ');
    std::string_view text = name.units[i].text;
    if (text == "al" || text == "el" || text == "ul") continue;
    if ((name.units[i].flags & detail::kVowelless) != 0 && text.size() >= 4 &&
        (text.substr(0, 2) == "al" || text.substr(0, 2) == "el")) {
      text.remove_prefix(2);
    }
    for (size_t k = 0; k < text.size(); ++k) {
      char c = text[k];
      const char next = k + 1 < text.size() ? text[k + 1] : '\0';
      switch (c) {
        case 'a':
        case 'e':
        case 'i':
        case 'o':
        case 'u':
        case 'y':
        case 'w':
        case 'h':
        case 'v':
          continue;
        case 'c':
          // "ch" (the Maghreb's and French "sh"), otherwise a k.
          if (next == 'h') {
            c = 's';
            ++k;
          } else {
            c = 'k';
          }
          break;
        case 'd':
          // "dj" (French) and "dzh" (Russian BGN) are j, folded into k.
          if (next == 'j') {
            c = 'k';
            ++k;
          } else if (next == 'z' && k + 2 < text.size() && text[k + 2] == 'h') {
            c = 'k';
            k += 2;
          }
          break;
        case 'g':
        case 'j':
        case 'q':
          c = 'k';
          break;
        case 'z':
          c = 's';
          break;
        case 'x':
          c = 's';
          break;
        case 'p':
          c = 'b';
          break;
        default:
          break;
      }
      if (c >= '0' && c <= '9') continue;
      if (!out.empty() && out.back() == c) continue;
      out.push_back(c);
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

namespace {

// 1 - edit distance / the longer length; d, t and s stand for letters that the
// transliterations of Arabic and Persian spell either way (ض d/z, ظ z/dh, ذ dh/z, ث th/s,
// ط t): swapping them costs half.
double SkeletonRatio(std::string_view a, std::string_view b) {
  const size_t n = a.size();
  const size_t m = b.size();
  if (n == 0 || m == 0) return 0;
  std::array<float, 65> row{};
  if (m >= row.size()) return a == b ? 1.0 : 0.0;
  auto dental = [](char c) { return c == 'd' || c == 't' || c == 's'; };
  for (size_t j = 0; j <= m; ++j) row[j] = static_cast<float>(j);
  for (size_t i = 1; i <= n; ++i) {
    float diagonal = row[0];
    row[0] = static_cast<float>(i);
    for (size_t j = 1; j <= m; ++j) {
      const float up = row[j];
      const char x = a[i - 1];
      const char y = b[j - 1];
      const float cost = x == y ? 0.0F : (dental(x) && dental(y) ? 0.5F : 1.0F);
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
      diagonal = up;
    }
  }
  return 1.0 - static_cast<double>(row[m]) / static_cast<double>(std::max(n, m));
}

std::vector<std::string_view> SkeletonParts(std::string_view s) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start < s.size()) {
    size_t end = s.find(' ', start);
    if (end == std::string_view::npos) end = s.size();
    if (end > start) out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// Share of `from`'s letters found in `to`: each part weighs its length times the ratio of the
// most similar part of `to`.
double Coverage(const std::vector<std::string_view>& from,
                const std::vector<std::string_view>& to) {
  double sum = 0;
  double total = 0;
  for (std::string_view f : from) {
    double best = 0;
    for (std::string_view t : to) best = std::max(best, SkeletonRatio(f, t));
    sum += best * static_cast<double>(f.size());
    total += static_cast<double>(f.size());
  }
  return total > 0 ? sum / total : 0.0;
}

}  // namespace

double SkeletonSimilarity(std::string_view a, std::string_view b) {
  std::string whole_a;
  std::string whole_b;
  for (char c : a) {
    if (c != ' ') whole_a.push_back(c);
  }
  for (char c : b) {
    if (c != ' ') whole_b.push_back(c);
  }
  if (whole_a.size() < 2 || whole_b.size() < 2) return 0;
  const double whole = SkeletonRatio(whole_a, whole_b);
  const std::vector<std::string_view> pa = SkeletonParts(a);
  const std::vector<std::string_view> pb = SkeletonParts(b);
  if (pa.size() < 2 && pb.size() < 2) return whole;
  return std::max(whole, (Coverage(pa, pb) + Coverage(pb, pa)) / 2);
}

double PartSimilarity(std::string_view a, std::string_view b, const MatchConfig& config) {
  const TokenisedName ta = detail::TokeniseName(a, NameClass::kPerson);
  const TokenisedName tb = detail::TokeniseName(b, NameClass::kPerson);
  if (ta.regular != 1 || tb.regular != 1) return 0;
  return detail::UnitSimilarity(ta.units[0].text, ta.units[0].flags, tb.units[0].text,
                                tb.units[0].flags, Params(config));
}

}  // namespace issa::matching
