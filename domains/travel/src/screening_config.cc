#include <fmt/format.h>
#include <toml++/toml.h>

#include "issa/travel/screening.h"

namespace issa::travel {
namespace {

Status Bad(std::string_view file, std::string_view key, std::string_view message) {
  return InvalidArgument(fmt::format("{}: {}: {}", file, key, message));
}

}  // namespace

Result<ScreeningConfig> ParseScreeningConfig(std::string_view text, std::string_view file) {
  toml::table doc;
  try {
    doc = toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    return InvalidArgument(fmt::format("{}:{}: {}", file, e.source().begin.line, e.description()));
  }
  ScreeningConfig c;
  const toml::table* s = doc["screening"].as_table();
  if (s == nullptr) return c;
  auto number = [&](const toml::table& t, std::string_view prefix, std::string_view key,
                    double& out, double lo, double hi) -> Status {
    const toml::node* n = t.get(key);
    if (n == nullptr) return Status::Ok();
    const auto v = n->value<double>();
    if (!v) return Bad(file, fmt::format("{}{}", prefix, key), "must be a number");
    if (*v < lo || *v > hi)
      return Bad(file, fmt::format("{}{}", prefix, key),
                 fmt::format("must be in [{}, {}]", lo, hi));
    out = *v;
    return Status::Ok();
  };
  for (const auto& [k, v] : *s) {
    const std::string key(k.str());
    if (key != "alert_threshold" && key != "top_k" && key != "weak_alias_penalty" &&
        key != "rank_token_weight" && key != "rank_idf_power" && key != "short_name_penalty" &&
        key != "as_of" && key != "cross_script_weight" && key != "cross_script_rank_weight" &&
        key != "link_designations" && key != "abbreviation_weight" && key != "weights") {
      return Bad(file, "screening." + key, "unknown key");
    }
  }
  ISSA_RETURN_IF_ERROR(number(*s, "screening.", "alert_threshold", c.alert_threshold, 0, 1));
  ISSA_RETURN_IF_ERROR(number(*s, "screening.", "weak_alias_penalty", c.weak_alias_penalty, 0, 1));
  ISSA_RETURN_IF_ERROR(number(*s, "screening.", "rank_token_weight", c.rank_token_weight, 0, 1));
  ISSA_RETURN_IF_ERROR(number(*s, "screening.", "rank_idf_power", c.rank_idf_power, 0.5, 4));
  ISSA_RETURN_IF_ERROR(number(*s, "screening.", "short_name_penalty", c.short_name_penalty, 0, 1));
  ISSA_RETURN_IF_ERROR(
      number(*s, "screening.", "cross_script_weight", c.cross_script_weight, 0, 1));
  ISSA_RETURN_IF_ERROR(
      number(*s, "screening.", "cross_script_rank_weight", c.cross_script_rank_weight, 0, 1));
  ISSA_RETURN_IF_ERROR(
      number(*s, "screening.", "abbreviation_weight", c.abbreviation_weight, 0, 1));
  if (const toml::node* n = s->get("top_k")) {
    const auto v = n->value<int64_t>();
    if (!v || *v < 1 || *v > 1000)
      return Bad(file, "screening.top_k", "must be an integer in [1, 1000]");
    c.top_k = static_cast<size_t>(*v);
  }
  if (const toml::node* n = s->get("link_designations")) {
    const toml::value<bool>* v = n->as_boolean();
    if (v == nullptr) return Bad(file, "screening.link_designations", "must be true or false");
    c.link_designations = v->get();
  }
  if (const toml::node* n = s->get("as_of")) {
    const auto v = n->value<std::string>();
    const auto d = v ? ParseIsoDate(*v) : std::nullopt;
    if (!d || d->day == 0) return Bad(file, "screening.as_of", "must be a date YYYY-MM-DD");
    c.as_of = *d;
  }
  if (const toml::table* w = (*s)["weights"].as_table()) {
    matching::MatchConfig& m = c.match;
    const std::pair<const char*, double*> kWeights[] = {
        {"token_cutoff", &m.token_cutoff},
        {"initial_similarity", &m.initial_similarity},
        {"vowelless_similarity", &m.vowelless_similarity},
        {"extra_part_weight", &m.extra_part_weight},
        {"name_rarity_weight", &m.name_rarity_weight},
        {"name_floor", &m.name_floor},
        {"person_name_weight", &m.person_name_weight},
        {"organisation_name_weight", &m.organisation_name_weight},
        {"vessel_name_weight", &m.vessel_name_weight},
        {"document_number_weight", &m.document_number_weight},
        {"imo_weight", &m.imo_weight},
        {"mmsi_weight", &m.mmsi_weight},
        {"aircraft_registration_weight", &m.aircraft_registration_weight},
        {"birth_date_bonus", &m.birth_date_bonus},
        {"birth_date_swapped_bonus", &m.birth_date_swapped_bonus},
        {"birth_date_partial_bonus", &m.birth_date_partial_bonus},
        {"birth_date_day_penalty", &m.birth_date_day_penalty},
        {"birth_date_year_penalty", &m.birth_date_year_penalty},
        {"nationality_bonus", &m.nationality_bonus},
        {"nationality_penalty", &m.nationality_penalty},
        {"gender_penalty", &m.gender_penalty},
        {"common_name_penalty", &m.common_name_penalty},
    };
    for (const auto& [k, v] : *w) {
      const std::string key(k.str());
      bool known = false;
      for (const auto& [name, target] : kWeights) {
        if (key != name) continue;
        known = true;
        ISSA_RETURN_IF_ERROR(number(*w, "screening.weights.", key, *target, 0, 2));
      }
      if (!known) return Bad(file, "screening.weights." + key, "unknown weight");
    }
  }
  return c;
}

}  // namespace issa::travel
