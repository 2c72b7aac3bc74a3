#pragma once

#include <cstddef>
#include <cstdint>

// Scoring of one name against another from the similarities of their units.
namespace issa::matching::detail {

// One unit as the scorer sees it.
struct ScoreUnit {
  float weight = 1.0F;  // a regular part's weight; alternatives: the sum over the parts covered
  uint16_t cover = 0;   // regular parts covered
  bool core = true;     // not a particle
  bool regular = true;  // a part, not an alternative reading
};

struct NameScore {
  float score = 0;       // in [0, 1]
  bool exact = false;    // every part paired with an equal part
  bool partial = false;  // pairs all equal, but some parts unpaired (missing middle name...)
};

// Weight of a regular part from its flags (normalise.h) and length.
float PartWeight(uint8_t flags, size_t length);

// Pairs units greedily, best similarity first, each regular part used at most once (alternative
// readings cover several). With M = sum of sim * w over pairs (w = mean of the two units'
// weights), W = sum of w, U_q and U_c the weights of unpaired parts on each side:
//   score = M / (W + min(U_q, U_c) + lambda * |U_q - U_c|)
// Parts unpaired on both sides contradict (full weight); the surplus on one side is missing
// information: lambda = extra_part_weight once two core parts pair (or the only core part of
// each side), else 1 so that one shared part ("John" in John Smith / John Brown) stays weak.
// With `single_part_names` (organisations, vessels: "ACME Ltd") pairing every core part of the
// shorter name is enough. `sim` is row-major q_count x c_count; pairs below `cutoff` are
// ignored. At most 16 units each.
NameScore ScoreName(const ScoreUnit* q, size_t q_count, const ScoreUnit* c, size_t c_count,
                    const float* sim, float cutoff, float extra_part_weight,
                    bool single_part_names);

}  // namespace issa::matching::detail
