// Entry/exit records, visas, the overstayers list and registered travellers.
#include <algorithm>
#include <map>
#include <optional>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "issa/piu/service.h"
#include "issa/travel/stay.h"

#include "internal.h"

namespace issa::piu {
namespace {

using nlohmann::json;
using namespace detail;  // NOLINT(google-build-using-namespace): this module's own helpers

struct Crossing {
  std::string id;
  std::string direction;
  travel::Day on = 0;
  std::string member_state;
  travel::BorderKind border = travel::BorderKind::kAir;
  bool long_stay = false;
  std::string visa;
};

Result<Crossing> CrossingOf(const json& p) {
  Crossing c;
  c.direction = Str(p, "direction");
  if (c.direction != "entry" && c.direction != "exit") {
    return InvalidArgument("must be entry or exit", "direction");
  }
  ISSA_ASSIGN_OR_RETURN(c.on, travel::ParseDay(Str(p, "crossed_on"), "crossed_on"));
  c.member_state = Str(p, "member_state");
  if (c.member_state.empty()) return InvalidArgument("is required", "member_state");
  if (const std::string b = Str(p, "border_kind"); !b.empty()) {
    auto kind = travel::ParseBorderKind(b);
    if (!kind.ok()) return InvalidArgument(kind.status().message(), "border_kind");
    c.border = *kind;
  }
  ISSA_ASSIGN_OR_RETURN(c.long_stay, Bool(p, "long_stay", false));
  c.visa = Str(p, "visa");
  return c;
}

// Stays from crossings in date order: an entry opens a stay, the next exit closes it.
std::vector<travel::Stay> StaysOf(std::vector<Crossing> crossings) {
  std::stable_sort(crossings.begin(), crossings.end(),
                   [](const Crossing& a, const Crossing& b) { return a.on < b.on; });
  std::vector<travel::Stay> stays;
  for (const auto& c : crossings) {
    if (c.direction == "entry") {
      if (!stays.empty() && !stays.back().exit) stays.back().exit = c.on - 1;  // exit not recorded
      travel::Stay s;
      s.entry = c.on;
      s.member_state = c.member_state;
      s.border = c.border;
      s.long_stay = c.long_stay;
      stays.push_back(s);
    } else if (!stays.empty() && !stays.back().exit) {
      stays.back().exit = c.on;
    }
  }
  return stays;
}

json StayJson(const travel::StayCheck& c) { return json::parse(travel::StayCheckJson(c)); }

}  // namespace

Result<std::string> PiuService::AddVisa(const node::Context& ctx, std::string_view body) {
  ISSA_ASSIGN_OR_RETURN(json j, ParseBody(body));
  json props = j.contains("properties") && j["properties"].is_object() ? j["properties"] : j;
  props.erase("handling");
  ISSA_ASSIGN_OR_RETURN(const std::string key,
                        TravellerKey(Str(props, "nationality"), Str(props, "document_number")));
  props["traveller_key"] = key;
  for (const char* f : {"valid_from", "valid_until"}) {
    if (props.contains(f)) ISSA_RETURN_IF_ERROR(travel::ParseDay(Str(props, f), f).status());
  }
  ISSA_ASSIGN_OR_RETURN(
      const std::string id,
      node_.CreateRecord(
          ctx,
          Dump({{"type", "Visa"}, {"properties", props}, {"handling", HandlingOr(j, "border")}})));
  return Dump({{"id", id}, {"traveller_key", key}});
}

Result<std::string> PiuService::CheckCrossing(const node::Context& ctx, std::string_view body) {
  ISSA_ASSIGN_OR_RETURN(json j, ParseBody(body));
  ISSA_ASSIGN_OR_RETURN(const std::string key,
                        TravellerKey(Str(j, "nationality"), Str(j, "document_number")));
  ISSA_ASSIGN_OR_RETURN(const Crossing now, CrossingOf(j));

  ISSA_ASSIGN_OR_RETURN(const auto records, ListAll(node_, ctx, "BorderCrossing"));
  std::vector<Crossing> history;
  for (const auto& r : records) {
    const json p = Properties(r);
    if (Str(p, "traveller_key") != key) continue;
    auto c = CrossingOf(p);
    if (!c.ok()) continue;
    c->id = r.id;
    if (c->on > now.on) continue;  // the check is as of the crossing's day
    history.push_back(std::move(c).value());
  }
  json reasons = json::array();
  json out = {
      {"traveller_key", key}, {"direction", now.direction}, {"on", travel::FormatDay(now.on)}};
  std::vector<Crossing> with_now = history;
  with_now.push_back(now);
  std::vector<travel::Stay> stays = StaysOf(with_now);
  // An exit with no recorded entry: the check has nothing to count.
  auto stay = travel::CheckStay(stays, now.on);
  if (!stay.ok()) return stay.status();
  out["stay"] = StayJson(*stay);
  bool allowed = true;

  std::optional<travel::Day> visa_until;
  if (now.direction == "entry") {
    if (stay->days_used > travel::kMaxShortStayDays) {
      allowed = false;
      reasons.push_back("the 90 days in the 180-day period are used up");
    }
    ISSA_ASSIGN_OR_RETURN(const bool visa_required, Bool(j, "visa_required", true));
    if (visa_required && !now.long_stay) {
      ISSA_ASSIGN_OR_RETURN(const auto visas, ListAll(node_, ctx, "Visa"));
      json best = nullptr;
      for (const auto& v : visas) {
        const json p = Properties(v);
        if (Str(p, "traveller_key") != key || Str(p, "status") != "issued" ||
            Str(p, "visa_type") != "short-stay") {
          continue;
        }
        auto from = travel::ParseDay(Str(p, "valid_from"), "valid_from");
        auto until = travel::ParseDay(Str(p, "valid_until"), "valid_until");
        if (!from.ok() || !until.ok() || now.on < *from || now.on > *until) continue;
        const int64_t allowed_entries = p.value("entries", int64_t{0});
        int64_t used = 0;
        for (const auto& c : history) {
          if (c.direction == "entry" && c.on >= *from && c.on <= *until) ++used;
        }
        json vj = {{"id", v.id},
                   {"visa_number", Str(p, "visa_number")},
                   {"valid_until", Str(p, "valid_until")},
                   {"entries", allowed_entries == 0 ? json("multiple") : json(allowed_entries)},
                   {"entries_used", used}};
        if (allowed_entries != 0) vj["entries_left"] = std::max<int64_t>(0, allowed_entries - used);
        const bool entries_ok = allowed_entries == 0 || used < allowed_entries;
        vj["usable"] = entries_ok;
        if (best.is_null() || (entries_ok && !best.value("usable", false))) {
          best = vj;
          if (entries_ok) visa_until = *until;
        }
      }
      out["visa"] = best;
      if (best.is_null()) {
        allowed = false;
        reasons.push_back("no valid short-stay visa for the day of entry");
      } else if (!best.value("usable", false)) {
        allowed = false;
        reasons.push_back("the visa's entries are used up");
      }
    }
  } else {
    if (stay->overstay_days > 0) {
      reasons.push_back(fmt::format("overstay of {} days", stay->overstay_days));
    }
    out["overstay_days"] = stay->overstay_days;
  }
  if (stay->must_leave_by) {
    travel::Day leave = *stay->must_leave_by;
    if (visa_until) leave = std::min(leave, *visa_until);
    out["authorised_until"] = travel::FormatDay(leave);
  }

  // Only confirmed screening matches count; pending or dismissed ones are not used.
  ISSA_ASSIGN_OR_RETURN(const auto matches, ListAll(node_, ctx, "ScreeningMatch"));
  std::vector<std::string> subjects;
  for (const auto& c : history) subjects.push_back(c.id);
  json confirmed = json::array();
  size_t unconfirmed = 0;
  for (const auto& m : matches) {
    const json p = Properties(m);
    if (std::find(subjects.begin(), subjects.end(), Str(p, "subject")) == subjects.end()) continue;
    if (Str(p, "status") == "confirmed") {
      confirmed.push_back(
          {{"id", m.id}, {"list", Str(p, "list")}, {"entry_id", Str(p, "entry_id")}});
    } else if (Str(p, "status") == "pending") {
      ++unconfirmed;
    }
  }
  if (!confirmed.empty() && now.direction == "entry") {
    allowed = false;
    reasons.push_back("confirmed screening hit: refer to second-line check");
  }
  out["confirmed_hits"] = std::move(confirmed);
  out["pending_matches_not_used"] = unconfirmed;
  out["allowed"] = allowed;
  out["reasons"] = std::move(reasons);
  return Dump(out);
}

Result<std::string> PiuService::RecordCrossing(const node::Context& ctx, std::string_view body) {
  ISSA_ASSIGN_OR_RETURN(json j, ParseBody(body));
  ISSA_ASSIGN_OR_RETURN(const std::string check_text, CheckCrossing(ctx, body));
  json check = json::parse(check_text);
  json props = json::object();
  for (const char* f :
       {"direction", "crossed_on", "border_crossing_point", "member_state", "border_kind", "name",
        "birth_date", "nationality", "document_number", "long_stay"}) {
    if (j.contains(f)) props[f] = j[f];
  }
  props["traveller_key"] = check["traveller_key"];
  if (check.contains("visa") && check["visa"].is_object()) props["visa"] = check["visa"]["id"];
  ISSA_ASSIGN_OR_RETURN(const std::string id,
                        node_.CreateRecord(ctx, Dump({{"type", "BorderCrossing"},
                                                      {"properties", props},
                                                      {"handling", HandlingOr(j, "border")}})));
  return Dump({{"id", id}, {"check", std::move(check)}});
}

Result<std::string> PiuService::Overstayers(const node::Context& ctx, std::string_view on_text) {
  ISSA_ASSIGN_OR_RETURN(const travel::Day on, travel::ParseDay(on_text, "on"));
  ISSA_ASSIGN_OR_RETURN(const auto records, ListAll(node_, ctx, "BorderCrossing"));
  ISSA_ASSIGN_OR_RETURN(const auto visas, ListAll(node_, ctx, "Visa"));
  std::map<std::string, std::optional<travel::Day>> visa_until;
  for (const auto& v : visas) {
    auto until = travel::ParseDay(Str(Properties(v), "valid_until"), "valid_until");
    visa_until[v.id] = until.ok() ? std::optional<travel::Day>(*until) : std::nullopt;
  }
  std::map<std::string, std::vector<Crossing>> by_key;
  for (const auto& r : records) {
    const json p = Properties(r);
    auto c = CrossingOf(p);
    if (!c.ok() || c->on > on) continue;
    c->id = r.id;
    by_key[Str(p, "traveller_key")].push_back(std::move(c).value());
  }
  json out = json::array();
  for (auto& [key, crossings] : by_key) {
    std::stable_sort(crossings.begin(), crossings.end(),
                     [](const Crossing& a, const Crossing& b) { return a.on < b.on; });
    const Crossing& last = crossings.back();
    if (last.direction != "entry" || last.long_stay) continue;
    auto stay = travel::CheckStay(StaysOf(crossings), on);
    if (!stay.ok() || !stay->must_leave_by) continue;
    travel::Day until = *stay->must_leave_by;
    if (!last.visa.empty()) {
      const auto it = visa_until.find(last.visa);
      if (it != visa_until.end() && it->second) until = std::min(until, *it->second);
    }
    if (until >= on) continue;
    out.push_back({{"traveller_key", key},
                   {"entry", last.id},
                   {"entered_on", travel::FormatDay(last.on)},
                   {"member_state", last.member_state},
                   {"authorised_until", travel::FormatDay(until)},
                   {"days_over", on - until},
                   {"overstay_days_in_window", stay->overstay_days}});
  }
  return Dump({{"on", travel::FormatDay(on)}, {"overstayers", std::move(out)}});
}

Result<std::string> PiuService::RegisterTraveller(const node::Context& ctx, std::string_view body) {
  ISSA_ASSIGN_OR_RETURN(json j, ParseBody(body));
  json props = j.contains("properties") && j["properties"].is_object() ? j["properties"] : j;
  props.erase("handling");
  std::string first_doc;
  if (props.contains("document_numbers") && props["document_numbers"].is_array() &&
      !props["document_numbers"].empty() && props["document_numbers"][0].is_string()) {
    first_doc = props["document_numbers"][0].get<std::string>();
  }
  auto key = TravellerKey(Str(props, "nationality"), first_doc);
  if (!key.ok()) {
    return key.status().field() == "document_number"
               ? InvalidArgument(key.status().message(), "document_numbers[0]")
               : key.status();
  }
  props["traveller_key"] = *key;
  if (!props.contains("status")) props["status"] = "active";
  if (!props.contains("vetted_on"))
    props["vetted_on"] = travel::FormatDay(node_.clock().Now() / core::kMsPerDay);
  ISSA_ASSIGN_OR_RETURN(const std::string id,
                        node_.CreateRecord(ctx, Dump({{"type", "RegisteredTraveller"},
                                                      {"properties", props},
                                                      {"handling", HandlingOr(j, "border")}})));
  // From now on list records the authority may see re-screen its travellers when they change.
  (void)WatchNodeLists(ctx);
  return Dump({{"id", id}, {"traveller_key", *key}});
}

Result<std::string> PiuService::ListTravellers(const node::Context& ctx) {
  ISSA_ASSIGN_OR_RETURN(const auto records, ListAll(node_, ctx, "RegisteredTraveller"));
  const travel::Day today = node_.clock().Now() / core::kMsPerDay;
  json out = json::array();
  for (const auto& r : records) {
    json p = Properties(r);
    p["id"] = r.id;
    auto expires = travel::ParseDay(Str(p, "expires_on"), "expires_on");
    if (Str(p, "status") == "active" && expires.ok() && *expires < today) p["status"] = "expired";
    out.push_back(std::move(p));
  }
  return Dump({{"travellers", std::move(out)}});
}

}  // namespace issa::piu
