#include "issa/cyber/confidence.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace issa::cyber {

std::string_view SightingKindName(SightingKind kind) {
  switch (kind) {
    case SightingKind::kSighting:
      return "sighting";
    case SightingKind::kFalsePositive:
      return "false-positive";
    case SightingKind::kExpiry:
      return "expiry";
  }
  return "sighting";
}

ConfidenceModel ConfidenceModel::Default() {
  ConfidenceModel m;
  m.half_life_days.fill(180);
  auto set = [&](ObservableType t, double days) {
    m.half_life_days[static_cast<size_t>(t)] = days;
  };
  set(ObservableType::kIpv4, 14);
  set(ObservableType::kIpv6, 14);
  set(ObservableType::kUrl, 30);
  set(ObservableType::kDomain, 60);
  set(ObservableType::kHostname, 60);
  set(ObservableType::kEmail, 90);
  for (auto t : {ObservableType::kMd5, ObservableType::kSha1, ObservableType::kSha256,
                 ObservableType::kSha512, ObservableType::kSsdeep})
    set(t, 365);
  return m;
}

Result<ConfidenceModel> ParseConfidenceModel(std::string_view json) {
  const auto doc = nlohmann::json::parse(json, nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    return InvalidArgument("confidence model is not a JSON object");
  auto model = ConfidenceModel::Default();
  auto number = [&](const char* key, double& out) -> Status {
    if (!doc.contains(key)) return Status::Ok();
    if (!doc[key].is_number() || doc[key].get<double>() < 0)
      return InvalidArgument("must be a number >= 0", key);
    out = doc[key].get<double>();
    return Status::Ok();
  };
  ISSA_RETURN_IF_ERROR(number("base", model.base));
  ISSA_RETURN_IF_ERROR(number("sighting_boost", model.sighting_boost));
  ISSA_RETURN_IF_ERROR(number("false_positive_penalty", model.false_positive_penalty));
  ISSA_RETURN_IF_ERROR(
      number("false_positive_half_life_factor", model.false_positive_half_life_factor));
  if (doc.contains("half_life_days")) {
    const auto& h = doc["half_life_days"];
    if (!h.is_object()) return InvalidArgument("must be an object", "half_life_days");
    for (const auto& [name, value] : h.items()) {
      const auto field = fmt::format("half_life_days.{}", name);
      const auto type = ParseObservableType(name);
      if (!type) return InvalidArgument(fmt::format("unknown observable type '{}'", name), field);
      if (!value.is_number() || value.get<double>() <= 0)
        return InvalidArgument("must be a number > 0", field);
      model.half_life_days[static_cast<size_t>(*type)] = value.get<double>();
    }
  }
  return model;
}

double ConfidenceScore(const ConfidenceModel& model, ObservableType type, core::Timestamp created,
                       int initial, const std::vector<IndicatorSighting>& sightings,
                       core::Timestamp now) {
  const double half_life_ms = model.half_life_days[static_cast<size_t>(type)] * core::kMsPerDay;
  auto decay = [](double age_ms, double half) {
    return age_ms <= 0 ? 1.0 : std::exp2(-age_ms / half);
  };
  double score = (initial >= 0 ? initial : model.base) *
                 decay(static_cast<double>(now - created), half_life_ms);
  for (const auto& s : sightings) {
    if (s.seen_at > now) continue;
    const double age = static_cast<double>(now - s.seen_at);
    const double count = std::min<std::uint32_t>(std::max<std::uint32_t>(s.count, 1), 10);
    switch (s.kind) {
      case SightingKind::kExpiry:
        return 0;
      case SightingKind::kSighting:
        score += model.sighting_boost * count * decay(age, half_life_ms);
        break;
      case SightingKind::kFalsePositive:
        score -= model.false_positive_penalty * count *
                 decay(age, half_life_ms * model.false_positive_half_life_factor);
        break;
    }
  }
  return std::clamp(score, 0.0, 100.0);
}

}  // namespace issa::cyber
