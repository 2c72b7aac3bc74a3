#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

// Similarity of name parts: a weighted Damerau-Levenshtein distance (cheap vowel drift, doubled
// letters, confusable consonants, cheap vowels against vowelless transliterations) with an edit
// budget growing with length, plus the keys used to retrieve similar parts from the index.
namespace issa::matching::detail {

struct SimilarityParams {
  float initial = 0.75F;        // "j" ~ "john"
  float vowelless_cap = 0.85F;  // Arabic/Hebrew/Thai part vs Latin part
  // Strength of rarity weighting of name parts in indexed scoring (0: weights by length only);
  // see MatchConfig::name_rarity_weight.
  float rarity = 0.0F;
  // Replay a query part's lookups from the scratch's cache (MatchConfig::cache_name_lookups).
  bool cache_lookups = true;
};

// Costs are in tenths of an edit.
inline constexpr int kCostUnit = 10;

// Edit budget (tenths) for parts whose longer comparison form has `length` characters.
int EditBudget(size_t length);

// Weighted distance in tenths between lower-case ASCII parts, or limit + 1 when it exceeds
// `limit`. `vowelless` is 0, or 1/2 when `a`/`b` comes from a vowelless script (vowels may then
// be inserted into it almost freely). With `expand_x`, "x" counts as "ks".
int WeightedDistance(std::string_view a, std::string_view b, int vowelless, int limit,
                     bool expand_x = true);

// Similarity in [0, 1] of two name units with their flags (see normalise.h): 1 when equal,
// 1 - cost / (length + 2) within the budget, 0 beyond; initials and numbers compare specially.
float UnitSimilarity(std::string_view a, uint8_t a_flags, std::string_view b, uint8_t b_flags,
                     const SimilarityParams& params);

// Retrieval keys: consonant skeleton with c/q/g->k, z->s, w/f/ph->v, p->b, j->y, x->ks, h after a
// consonant dropped (sh, kh, th...), vowels dropped, doubles collapsed ("mohammed", "muhammad" ->
// "mhmd"; Arabic has no p, v or g: بوتين "bwtyn" and "putin" share "btn"). The vowelless key also
// drops v/w (Arabic waw, Hebrew vav stand for vowels).
std::string PhoneticKey(std::string_view text);
std::string VowellessKey(std::string_view text);

// 64-bit hash of a string (std::hash).
uint64_t HashText(std::string_view text);

// Hashes of every distinct string obtained by deleting one character (parts of 4..24 chars).
void DeleteHashes(std::string_view text, std::vector<uint64_t>& out);

}  // namespace issa::matching::detail
