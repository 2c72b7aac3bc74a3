#include "issa/matching/names.h"

#include <algorithm>
#include <array>

#include "name_score.h"
#include "normalise.h"
#include "similarity.h"

namespace issa::matching {
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

PreparedName PrepareName(std::string_view name, NameKind kind) {
  const TokenisedName t = detail::TokeniseName(name, ClassOf(kind));
  PreparedName p;
  p.kind = kind;
  p.regular = t.regular;
  for (const detail::NameUnit& u : t.units) p.units.push_back({u.text, u.flags, u.cover});
  return p;
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

double PartSimilarity(std::string_view a, std::string_view b, const MatchConfig& config) {
  const TokenisedName ta = detail::TokeniseName(a, NameClass::kPerson);
  const TokenisedName tb = detail::TokeniseName(b, NameClass::kPerson);
  if (ta.regular != 1 || tb.regular != 1) return 0;
  return detail::UnitSimilarity(ta.units[0].text, ta.units[0].flags, tb.units[0].text,
                                tb.units[0].flags, Params(config));
}

}  // namespace issa::matching
