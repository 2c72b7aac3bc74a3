#pragma once

// Sightings (sighting, false positive, expiry) from any authority feed an indicator's confidence
// score, which decays over time:
//
//   score(now) = base * D(now - created)
//              + sum over sightings        sighting_boost * D(now - seen)
//              - sum over false positives  false_positive_penalty * D_fp(now - seen)
//   clamped to [0, 100]; 0 from the first expiry at or before `now` on.
//
// D(dt) = 2^(-dt / half_life(type)): a half-life per observable type (IP addresses churn in days,
// file hashes stay true for years); D_fp uses the half-life times false_positive_half_life_factor
// (a false positive is remembered longer than a sighting). Sightings after `now` are ignored, so
// a score is reproducible for any clock (injected, see core::Clock).
//
// Pure; thread-safe.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "issa/core/status.h"
#include "issa/core/time.h"
#include "issa/cyber/observable.h"

namespace issa::cyber {

enum class SightingKind : std::uint8_t { kSighting, kFalsePositive, kExpiry };
std::string_view SightingKindName(SightingKind kind);

struct IndicatorSighting {
  std::string authority;  // who saw it
  SightingKind kind = SightingKind::kSighting;
  core::Timestamp seen_at = 0;
  std::uint32_t count = 1;  // sightings folded into one report (each counts, up to 10)
};

struct ConfidenceModel {
  double base = 50;  // when the indicator carries no confidence of its own
  double sighting_boost = 10;
  double false_positive_penalty = 40;
  double false_positive_half_life_factor = 4;
  std::array<double, kObservableTypeCount> half_life_days{};

  // IPv4/IPv6 14 days, URL 30, domain/hostname 60, e-mail 90, hashes 365, others 180.
  static ConfidenceModel Default();
};

// Overrides from JSON: {"base": 60, "sighting_boost": 5, "false_positive_penalty": 30,
// "false_positive_half_life_factor": 2, "half_life_days": {"ipv4": 7, "domain": 30}}.
// Errors: kInvalidArgument naming the field (unknown type, negative or non-number values).
Result<ConfidenceModel> ParseConfidenceModel(std::string_view json);

// The score in [0, 100] at `now`. `initial` is the indicator's own confidence (STIX
// `confidence`), replacing model.base when given (>= 0).
double ConfidenceScore(const ConfidenceModel& model, ObservableType type, core::Timestamp created,
                       int initial, const std::vector<IndicatorSighting>& sightings,
                       core::Timestamp now);

}  // namespace issa::cyber
