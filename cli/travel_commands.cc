#include "travel_commands.h"

#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "issa/travel/passenger_data.h"
#include "issa/travel/screening.h"
#include "issa/travel/watchlist.h"

namespace issa::cli {
namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;
namespace travel = issa::travel;

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
constexpr int kExitRejected = 4;

int Fail(const Status& s) {
  std::fprintf(stderr, "issa screen: %s\n", s.ToString().c_str());
  return s.code() == StatusCode::kInvalidArgument ? kExitUsage : kExitFailure;
}

double Round3(double v) { return std::round(v * 1000.0) / 1000.0; }

// A person of a PNR or API message as a screening subject: the name as travelled, the rest from
// the first travel document (SSR DOCS or PAXLST DOC/NAT/DTM).
travel::Subject SubjectOfTraveller(std::string_view given_names, std::string_view surname,
                                   const std::vector<travel::TravelDocument>& documents) {
  travel::Subject s;
  const std::string given = travel::GivenNamesWithoutTitle(given_names);
  s.name = given.empty() ? std::string(surname) : fmt::format("{} {}", given, surname);
  if (documents.empty()) return s;
  const travel::TravelDocument& d = documents.front();
  if (s.name.empty() || s.name == " ") {
    s.name = d.given_names.empty() ? d.surname : fmt::format("{} {}", d.given_names, d.surname);
  }
  s.birth_date = d.birth_date.IsoDate();
  s.nationality = d.nationality;
  if (d.gender == "M" || d.gender == "MI") s.gender = "male";
  if (d.gender == "F" || d.gender == "FI") s.gender = "female";
  s.document = d.number;
  s.document_country = d.issuing_country;
  return s;
}

// The passengers and crew of a PNRGOV/PAXLST interchange, keyed by their message key
// ("<record locator>/<n>" or "<message reference>/<n>"). Envelope counts are checked leniently
// (carriers' files often carry stale UNT/UNZ counts): a mismatch is a warning. A rejected message
// is reported on stderr and counted; the others are screened.
struct EdifactSubjects {
  std::vector<std::pair<std::string, travel::Subject>> subjects;
  size_t rejected_messages = 0;
};
Result<EdifactSubjects> ReadEdifactSubjects(const std::string& path, std::string_view text) {
  travel::edifact::ParseOptions options;
  options.strict_envelope = false;
  ISSA_ASSIGN_OR_RETURN(const travel::ParseBatch batch, travel::ParseTravelMessages(text, options));
  EdifactSubjects out;
  for (const Status& e : batch.errors) {
    std::fprintf(stderr, "issa screen: %s: %s\n", path.c_str(), e.ToString().c_str());
  }
  for (const travel::ParsedMessage& m : batch.messages) {
    if (!m.status.ok()) {
      std::fprintf(stderr, "issa screen: %s: %s message %s rejected: %s\n", path.c_str(),
                   m.type.c_str(), m.reference.c_str(), m.status.ToString().c_str());
      ++out.rejected_messages;
      continue;
    }
    if (m.pnr) {
      for (const travel::Booking& b : m.pnr->bookings) {
        for (const travel::Traveller& t : b.travellers) {
          out.subjects.emplace_back(t.key,
                                    SubjectOfTraveller(t.given_names, t.surname, t.documents));
        }
      }
    }
    if (m.api) {
      for (const travel::ApiPerson& p : m.api->persons) {
        travel::Subject s = SubjectOfTraveller(p.given_names, p.surname, p.documents);
        if (s.birth_date.empty()) s.birth_date = p.birth_date.IsoDate();
        if (s.nationality.empty()) s.nationality = p.nationality;
        if (p.role == travel::PersonRole::kCrew || p.role == travel::PersonRole::kInTransitCrew) {
          s.role = travel::Role::kCrew;
        }
        out.subjects.emplace_back(p.key, std::move(s));
      }
    }
  }
  return out;
}

// Reads one passenger; the error names the field.
Result<travel::Subject> ReadSubject(const Json& j, Json& id) {
  if (!j.is_object()) return InvalidArgument("not a JSON object");
  travel::Subject s;
  id = j.contains("id") ? j["id"] : Json();
  if (!id.is_string() && !id.is_number_integer())
    return InvalidArgument("missing or not a string/integer", "id");
  auto text = [&](const char* key, std::string& out) -> Status {
    const auto it = j.find(key);
    if (it == j.end() || it->is_null()) return Status::Ok();
    if (!it->is_string()) return InvalidArgument("must be a string", key);
    out = it->get<std::string>();
    return Status::Ok();
  };
  ISSA_RETURN_IF_ERROR(text("name", s.name));
  ISSA_RETURN_IF_ERROR(text("dob", s.birth_date));
  ISSA_RETURN_IF_ERROR(text("nationality", s.nationality));
  ISSA_RETURN_IF_ERROR(text("gender", s.gender));
  ISSA_RETURN_IF_ERROR(text("document", s.document));
  ISSA_RETURN_IF_ERROR(text("document_country", s.document_country));
  ISSA_RETURN_IF_ERROR(text("vessel_name", s.vessel_name));
  ISSA_RETURN_IF_ERROR(text("vessel_imo", s.vessel_imo));
  ISSA_RETURN_IF_ERROR(text("vessel_mmsi", s.vessel_mmsi));
  ISSA_RETURN_IF_ERROR(text("aircraft_registration", s.aircraft_registration));
  std::string role;
  ISSA_RETURN_IF_ERROR(text("role", role));
  if (role == "crew") {
    s.role = travel::Role::kCrew;
  } else if (!role.empty() && role != "passenger") {
    return InvalidArgument("must be passenger or crew", "role");
  }
  if (!s.birth_date.empty() && !travel::ParseIsoDate(s.birth_date)) {
    return InvalidArgument("not a date (YYYY, YYYY-MM or YYYY-MM-DD)", "dob");
  }
  if (!s.nationality.empty() && travel::CountryCode(s.nationality).empty()) {
    return InvalidArgument("unknown country", "nationality");
  }
  if (s.name.find_first_not_of(" \t") == std::string::npos && s.document.empty() &&
      s.vessel_imo.empty() && s.vessel_mmsi.empty() && s.aircraft_registration.empty()) {
    return InvalidArgument("empty (and no document or vessel/aircraft identifier)", "name");
  }
  return s;
}

}  // namespace

CLI::App* AddScreenCommand(CLI::App& app, ScreenArgs& args) {
  auto* screen = app.add_subcommand(
      "screen",
      "Screen passengers and crew (NDJSON: id, name, dob, nationality, document) against "
      "watchlists and alerts; one NDJSON line per passenger with its candidates");
  screen
      ->add_option("--lists", args.lists,
                   "List files or folders: OFAC CSV (sdn.csv or its folder with alt/add, "
                   "cons_prim.csv), UN consolidated XML, alert JSON; detected from content")
      ->required();
  screen
      ->add_option("--input", args.input,
                   "Passengers as NDJSON, or a PNRGOV/PAXLST interchange (UNA/UNB) ('-': stdin)")
      ->required();
  screen->add_option(
      "--top", args.top,
      "Candidates per passenger at most (default 10), each followed by its linked designations");
  screen->add_option("--threshold", args.threshold,
                     "Report candidates scoring at least this (default: the configured alert "
                     "threshold, 0.80); 0 with --top K lists the K best");
  screen->add_option("--config", args.config, "TOML file with a [screening] table");
  screen->add_option("--output", args.output, "Write the results here (default: stdout)");
  return screen;
}

int TravelScreen(const ScreenArgs& args) {
  travel::ScreeningConfig config;
  if (!args.config.empty()) {
    std::ifstream in(args.config);
    if (!in) return Fail(InvalidArgument(fmt::format("cannot read {}", args.config), "config"));
    std::stringstream buf;
    buf << in.rdbuf();
    auto parsed = travel::ParseScreeningConfig(buf.str(), args.config);
    if (!parsed.ok()) return Fail(parsed.status());
    config = std::move(*parsed);
  }
  if (!config.as_of.known()) {
    // Alerts past their expiry date are not screened against: today unless configured.
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    config.as_of = travel::PartialDate{static_cast<uint16_t>(utc.tm_year + 1900),
                                       static_cast<uint8_t>(utc.tm_mon + 1),
                                       static_cast<uint8_t>(utc.tm_mday)};
  }
  if (args.threshold && (*args.threshold < 0 || *args.threshold > 1)) {
    return Fail(InvalidArgument("must be in [0, 1]", "threshold"));
  }
  if (args.top && *args.top == 0) return Fail(InvalidArgument("must be at least 1", "top"));
  const double threshold = args.threshold.value_or(config.alert_threshold);
  const size_t top = args.top.value_or(config.top_k);
  travel::Screener screener(config, std::min(threshold, config.alert_threshold));
  for (const std::string& path : args.lists) {
    auto list = travel::LoadWatchlist(path);
    if (!list.ok()) return Fail(list.status());
    for (const travel::ParseIssue& issue : list->issues) {
      std::fprintf(stderr, "issa screen: %s\n", issue.ToString().c_str());
    }
    auto loaded = screener.Load(*list);
    if (!loaded.ok()) return Fail(loaded.status());
    std::fprintf(stderr, "issa screen: %s: list %s (%s), %zu entries, %zu rejected\n", path.c_str(),
                 list->id.c_str(), list->format.c_str(), list->entries.size(), list->rejected);
  }

  std::ifstream file;
  std::istream* in = &std::cin;
  if (!args.input.empty() && args.input != "-") {
    file.open(args.input, std::ios::binary);
    if (!file) return Fail(InvalidArgument(fmt::format("cannot read {}", args.input), "input"));
    in = &file;
  }
  std::ofstream out_file;
  std::ostream* out = &std::cout;
  if (!args.output.empty()) {
    out_file.open(args.output, std::ios::binary | std::ios::trunc);
    if (!out_file)
      return Fail(InvalidArgument(fmt::format("cannot write {}", args.output), "output"));
    out = &out_file;
  }
  size_t screened = 0;
  size_t rejected = 0;
  size_t alerted = 0;
  const auto screen_one = [&](const Json& id, const travel::Subject& subject) {
    const auto hits = screener.Screen(subject, top, threshold);
    OrderedJson candidates = OrderedJson::array();
    for (const travel::ScreeningHit& h : hits) {
      OrderedJson c = {
          {"list", h.list},           {"entry_id", h.entry_id},
          {"name", h.name},           {"kind", std::string(travel::EntryKindName(h.kind))},
          {"score", Round3(h.score)}, {"features", h.features}};
      if (!h.linked_from.empty()) c["linked_from"] = h.linked_from;
      if (h.alert) {
        c["alert"] = {{"category", std::string(travel::AlertCategoryName(h.alert->category))},
                      {"action", h.alert->action},
                      {"issuing_authority", h.alert->issuing_authority}};
      }
      candidates.push_back(std::move(c));
    }
    if (!hits.empty() && hits.front().score >= config.alert_threshold) ++alerted;
    OrderedJson line_out;
    line_out["id"] = id;
    line_out["candidates"] = std::move(candidates);
    *out << line_out.dump(-1, ' ', false, OrderedJson::error_handler_t::replace) << '\n';
    ++screened;
  };

  // PNRGOV/PAXLST interchanges: every passenger and crew member of every message.
  const int first = in->peek();
  if (first == 'U') {
    std::string text((std::istreambuf_iterator<char>(*in)), std::istreambuf_iterator<char>());
    if (text.rfind("UNA", 0) == 0 || text.rfind("UNB", 0) == 0) {
      auto persons = ReadEdifactSubjects(args.input, text);
      if (!persons.ok()) return Fail(persons.status());
      for (const auto& [key, subject] : persons->subjects) screen_one(Json(key), subject);
      out->flush();
      std::fprintf(stderr, "issa screen: %zu screened, %zu with an alert, %zu rejected messages\n",
                   screened, alerted, persons->rejected_messages);
      return persons->rejected_messages > 0 ? kExitRejected : 0;
    }
    return Fail(InvalidArgument(
        fmt::format("{}: neither NDJSON nor a PNRGOV/PAXLST interchange (UNA/UNB)", args.input),
        "input"));
  }

  std::string line;
  size_t line_no = 0;
  while (std::getline(*in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    Json j;
    try {
      j = Json::parse(line);
    } catch (const Json::parse_error& e) {
      std::fprintf(stderr, "issa screen: %s:%zu: malformed JSON: %s\n", args.input.c_str(), line_no,
                   e.what());
      ++rejected;
      continue;
    }
    Json id;
    auto subject = ReadSubject(j, id);
    if (!subject.ok()) {
      std::fprintf(stderr, "issa screen: %s:%zu: %s\n", args.input.c_str(), line_no,
                   subject.status().ToString().c_str());
      ++rejected;
      continue;
    }
    screen_one(id, *subject);
  }
  out->flush();
  std::fprintf(stderr, "issa screen: %zu screened, %zu with an alert, %zu rejected lines\n",
               screened, alerted, rejected);
  return rejected > 0 ? kExitRejected : 0;
}

}  // namespace issa::cli
