#include "name_score.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "normalise.h"

namespace issa::matching::detail {

float PartWeight(uint8_t flags, size_t length) {
  if ((flags & kParticle) != 0) return 0.3F;
  if ((flags & kInitial) != 0) return 0.5F;
  if ((flags & kNumeric) != 0) return 1.0F;
  if (length <= 2) return 0.6F;
  if (length == 3) return 0.8F;
  return 1.0F;
}

NameScore ScoreName(const ScoreUnit* q, size_t q_count, const ScoreUnit* c, size_t c_count,
                    const float* sim, float cutoff, float extra_part_weight,
                    bool single_part_names) {
  struct Pair {
    float sim;
    float weight;
    uint8_t i;
    uint8_t j;
  };
  constexpr size_t kMax = 16;
  q_count = std::min(q_count, kMax);
  c_count = std::min(c_count, kMax);
  std::array<Pair, kMax * kMax> pairs{};
  size_t n = 0;
  for (size_t i = 0; i < q_count; ++i) {
    for (size_t j = 0; j < c_count; ++j) {
      const float s = sim[i * c_count + j];
      if (s >= cutoff) {
        pairs[n++] = Pair{s, (q[i].weight + c[j].weight) / 2, static_cast<uint8_t>(i),
                          static_cast<uint8_t>(j)};
      }
    }
  }
  NameScore out;
  if (n == 0) return out;
  std::sort(pairs.begin(), pairs.begin() + static_cast<std::ptrdiff_t>(n),
            [](const Pair& a, const Pair& b) {
              if (a.sim != b.sim) return a.sim > b.sim;
              if (a.weight != b.weight) return a.weight > b.weight;
              if (a.i != b.i) return a.i < b.i;
              return a.j < b.j;
            });
  uint32_t q_cover = 0;
  uint32_t c_cover = 0;
  float matched = 0;
  float weight = 0;
  int core_pairs = 0;
  bool all_equal = true;
  for (size_t k = 0; k < n; ++k) {
    const Pair& p = pairs[k];
    if ((q[p.i].cover & q_cover) != 0 || (c[p.j].cover & c_cover) != 0) continue;
    q_cover |= q[p.i].cover;
    c_cover |= c[p.j].cover;
    matched += p.sim * p.weight;
    weight += p.weight;
    if (q[p.i].core && c[p.j].core) ++core_pairs;
    if (p.sim < 1.0F) all_equal = false;
  }
  float q_left = 0;
  float c_left = 0;
  int q_core = 0;
  int c_core = 0;
  for (size_t i = 0; i < q_count; ++i) {
    if (!q[i].regular) continue;
    if (q[i].core) ++q_core;
    if ((q[i].cover & q_cover) == 0) q_left += q[i].weight;
  }
  for (size_t j = 0; j < c_count; ++j) {
    if (!c[j].regular) continue;
    if (c[j].core) ++c_core;
    if ((c[j].cover & c_cover) == 0) c_left += c[j].weight;
  }
  const bool enough =
      core_pairs >= 2 || (core_pairs >= 1 && q_core == 1 && c_core == 1) ||
      (single_part_names && core_pairs >= 1 && core_pairs >= std::min(q_core, c_core));
  const float lambda = enough ? extra_part_weight : 1.0F;
  const float denominator = weight + std::min(q_left, c_left) + lambda * std::fabs(q_left - c_left);
  out.score = denominator > 0 ? std::clamp(matched / denominator, 0.0F, 1.0F) : 0.0F;
  const bool complete = q_left == 0 && c_left == 0;
  out.exact = all_equal && complete;
  out.partial = all_equal && !complete;
  return out;
}

}  // namespace issa::matching::detail
