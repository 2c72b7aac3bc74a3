// issa: the node's command line. Argument parsing and calls only; no business logic.
//
// Exit codes: 0 success; 1 failure (the message says why); 2 usage error; 3 the audit chain does
// not verify; 4 an import rejected some records (the others were imported).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <boost/asio.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include "issa/core/geo.h"
#include "issa/core/model.h"
#include "issa/maritime/ais.h"
#include "issa/maritime/ais_json.h"
#include "issa/node/node.h"
#include "issa/server/data_dir.h"

#include "cti_commands.h"
#include "cyber_commands.h"
#include "maritime_commands.h"
#include "piu_commands.h"
#include "pnr_commands.h"
#include "travel_commands.h"

namespace {

using issa::Status;
namespace server = issa::server;

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
constexpr int kExitTampered = 3;
constexpr int kExitRejected = 4;

int Fail(const Status& s) {
  std::fprintf(stderr, "issa: %s\n", s.ToString().c_str());
  return s.code() == issa::StatusCode::kInvalidArgument ? kExitUsage : kExitFailure;
}

std::unique_ptr<server::OpenedNode> OpenOrExit(const std::string& dir) {
  auto opened = server::OpenDataDir(dir);
  if (!opened.ok()) std::exit(Fail(opened.status()));
  return std::move(opened).value();
}

issa::node::Context TokenContext(issa::node::Node& node, std::string token) {
  if (token.empty()) {
    const char* env = std::getenv("ISSA_TOKEN");
    if (env != nullptr) token = env;
  }
  if (token.empty()) {
    std::fprintf(stderr, "issa: a token is needed: --token T or ISSA_TOKEN\n");
    std::exit(kExitUsage);
  }
  auto p = node.Authenticate(token, "cli");
  if (!p.ok()) std::exit(Fail(p.status()));
  return issa::node::Context{*p, "", "cli"};
}

void PrintDemoBanner(uint16_t port, const std::vector<server::DemoToken>& tokens,
                     const std::string& dir) {
  std::printf(
      "ISSA demo node\n  URL:       http://127.0.0.1:%u/\n  API:       "
      "http://127.0.0.1:%u/api/v1/openapi.json\n  data:      %s\n\nDemo tokens "
      "(Authorization: Bearer <token>):\n",
      port, port, dir.c_str());
  for (const auto& t : tokens) {
    std::printf("  %-11s %-8s %-13s %s\n", t.authority.c_str(), t.role.c_str(), t.clearance.c_str(),
                t.token.c_str());
  }
  if (!tokens.empty()) {
    std::printf("\nTry:\n  curl -s -H 'Authorization: Bearer %s' http://127.0.0.1:%u/api/v1/hits\n",
                tokens[2].token.c_str(), port);
  }
  std::printf("\nPress Ctrl-C to stop.\n");
  std::fflush(stdout);
}

// Where `issa ais decode` reads from.
struct AisInput {
  std::string file;           // a path, "-" for stdin, or empty
  std::string tcp;            // HOST:PORT to connect to (reads until the peer closes)
  std::string udp;            // [ADDRESS:]PORT to listen on (datagrams, until stopped)
  uint64_t max_messages = 0;  // stop after this many messages (0: no limit)
};

// Splits "HOST:PORT" (the host may be empty, or a bracketed IPv6 address).
bool SplitHostPort(const std::string& text, std::string& host, uint16_t& port) {
  const size_t colon = text.rfind(':');
  std::string port_text = colon == std::string::npos ? text : text.substr(colon + 1);
  host = colon == std::string::npos ? std::string() : text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (port_text.empty() || port_text.size() > 5 ||
      port_text.find_first_not_of("0123456789") != std::string::npos) {
    return false;
  }
  const unsigned long value = std::stoul(port_text);
  if (value > 65535) return false;
  port = static_cast<uint16_t>(value);
  return true;
}

// issa ais decode: NMEA AIS from a file, stdin, a TCP server or UDP datagrams to gpsd-style JSON
// lines on stdout, with the counts by reason on stderr. Returns the exit code.
int AisDecode(const AisInput& input, bool unscaled) {
  namespace net = boost::asio;
  issa::maritime::AisDecoder decoder;
  issa::maritime::GpsdJsonOptions options;
  options.scaled = !unscaled;
  std::string out;
  out.reserve(1 << 17);
  uint64_t emitted = 0;
  const bool live = input.file.empty();  // network input: write each chunk's messages at once
  auto on_message = [&](const issa::maritime::AisMessage& m) {
    if (input.max_messages != 0 && emitted >= input.max_messages) return;
    ++emitted;
    issa::maritime::AppendGpsdJson(m, options, out);
    out.push_back('\n');
    if (out.size() >= (1 << 16)) {
      std::fwrite(out.data(), 1, out.size(), stdout);
      out.clear();
    }
  };
  const auto flush = [&] {
    std::fwrite(out.data(), 1, out.size(), stdout);
    out.clear();
    std::fflush(stdout);
  };
  const auto done = [&] { return input.max_messages != 0 && emitted >= input.max_messages; };
  std::vector<char> buf(1 << 16);
  std::string failure;
  if (!input.file.empty()) {
    std::FILE* in = stdin;
    if (input.file != "-") {
      in = std::fopen(input.file.c_str(), "rb");
      if (in == nullptr) {
        std::fprintf(stderr, "issa: cannot read %s\n", input.file.c_str());
        return kExitFailure;
      }
    }
    size_t n = 0;
    while (!done() && (n = std::fread(buf.data(), 1, buf.size(), in)) > 0) {
      decoder.Feed(std::string_view(buf.data(), n), on_message);
    }
    if (std::ferror(in) != 0) failure = "read error on " + input.file;
    if (in != stdin) std::fclose(in);
  } else {
    std::string host;
    uint16_t port = 0;
    const std::string& where = input.tcp.empty() ? input.udp : input.tcp;
    if (!SplitHostPort(where, host, port)) {
      std::fprintf(stderr, "issa: %s: expected [HOST:]PORT\n", where.c_str());
      return kExitUsage;
    }
    try {
      net::io_context io;
      if (!input.tcp.empty()) {
        net::ip::tcp::socket socket(io);
        net::ip::tcp::resolver resolver(io);
        net::connect(socket,
                     resolver.resolve(host.empty() ? "127.0.0.1" : host, std::to_string(port)));
        boost::system::error_code ec;
        while (!done()) {
          const size_t n = socket.read_some(net::buffer(buf), ec);
          if (n > 0) decoder.Feed(std::string_view(buf.data(), n), on_message);
          if (live) flush();
          if (ec == net::error::eof) break;
          if (ec) {
            failure = "tcp " + input.tcp + ": " + ec.message();
            break;
          }
        }
      } else {
        const net::ip::address address = net::ip::make_address(host.empty() ? "0.0.0.0" : host);
        net::ip::udp::socket socket(io, net::ip::udp::endpoint(address, port));
        std::fprintf(stderr, "ais: listening on udp %s:%u\n", address.to_string().c_str(),
                     static_cast<unsigned>(socket.local_endpoint().port()));
        net::ip::udp::endpoint sender;
        while (!done()) {
          const size_t n = socket.receive_from(net::buffer(buf), sender);
          decoder.Feed(std::string_view(buf.data(), n), on_message);
          // A datagram holds whole sentences; one without a final line end ends its line.
          if (n > 0 && buf[n - 1] != '\n') decoder.Feed("\n", on_message);
          flush();
        }
      }
    } catch (const std::exception& e) {
      std::fprintf(stderr, "issa: %s: %s\n", where.c_str(), e.what());
      return kExitFailure;
    }
  }
  if (!done()) decoder.Finish(on_message);
  flush();
  const auto& st = decoder.stats();
  std::fprintf(stderr,
               "ais: %llu lines, %llu AIS sentences, %llu messages, %llu other sentences, %llu "
               "blank, %llu errors\n",
               static_cast<unsigned long long>(st.lines),
               static_cast<unsigned long long>(st.ais_sentences),
               static_cast<unsigned long long>(st.messages),
               static_cast<unsigned long long>(st.other_sentences),
               static_cast<unsigned long long>(st.blank_lines),
               static_cast<unsigned long long>(st.TotalErrors()));
  for (size_t i = 0; i < st.errors.size(); ++i) {
    if (st.errors[i] == 0) continue;
    const auto name = issa::maritime::AisErrorName(static_cast<issa::maritime::AisError>(i));
    std::fprintf(stderr, "ais: error %.*s %llu\n", static_cast<int>(name.size()), name.data(),
                 static_cast<unsigned long long>(st.errors[i]));
  }
  for (size_t i = 0; i < st.warnings.size(); ++i) {
    if (st.warnings[i] == 0) continue;
    const auto name = issa::maritime::AisWarningName(static_cast<issa::maritime::AisWarning>(i));
    std::fprintf(stderr, "ais: warning %.*s %llu\n", static_cast<int>(name.size()), name.data(),
                 static_cast<unsigned long long>(st.warnings[i]));
  }
  if (!failure.empty()) {
    std::fprintf(stderr, "issa: %s\n", failure.c_str());
    return kExitFailure;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"issa: a node of the Internal Security Strategy information-sharing platform"};
  app.require_subcommand(1);
  app.footer(
      "Exit codes: 0 success, 1 failure, 2 usage error, 3 audit chain does not verify, 4 import "
      "rejected some records.");

  std::string data_dir;
  uint16_t port = 8080;
  std::string address = "127.0.0.1";
  std::string web_root;
  int threads = 2;

  // init
  auto* init = app.add_subcommand("init", "Create a node's data folder (keys, store, schemas)");
  std::string node_id = "issa-node";
  init->add_option("--data-dir", data_dir, "Data folder")->required();
  init->add_option("--node-id", node_id, "This node's id")->capture_default_str();

  // serve
  auto* serve = app.add_subcommand("serve", "Serve the node's HTTP API");
  serve->add_option("--data-dir", data_dir, "Data folder")->required();
  serve->add_option("--port", port, "TCP port (0 = any free port)")->capture_default_str();
  serve->add_option("--address", address, "Address to listen on")->capture_default_str();
  serve->add_option("--threads", threads, "I/O threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  serve->add_option("--web-root", web_root, "Folder of the web console to serve at /");
  std::string ais_replay;
  double replay_speed = 1;
  std::string picture_authority;
  std::string maritime_config;
  const auto add_feed_options = [&](CLI::App* cmd) {
    cmd->add_option("--ais-replay", ais_replay,
                    "Recorded AIS log (NMEA) played as the live vessel feed, started over at "
                    "its end");
    cmd->add_option("--replay-speed", replay_speed, "Times real time")
        ->capture_default_str()
        ->check(CLI::Range(0.1, 1000.0));
    cmd->add_option("--picture-authority", picture_authority,
                    "Authority owning the vessel picture's anomaly events");
    cmd->add_option("--maritime-config", maritime_config,
                    "Maritime configuration of the vessel picture (TOML)");
  };
  add_feed_options(serve);
  std::string warning_lists_dir;
  std::string confidence_model;
  serve->add_option("--warning-lists", warning_lists_dir,
                    "Folder of MISP warning lists (*/list.json): listed values are not correlated");
  serve->add_option("--confidence-model", confidence_model,
                    "Indicator confidence model (JSON: base, sighting_boost, half_life_days, ...)");

  // demo
  auto* demo = app.add_subcommand("demo", "Start a demo node with seeded data");
  demo->add_option("--data-dir", data_dir, "Data folder (default: a new temporary folder)");
  demo->add_option("--port", port, "TCP port (0 = any free port)")->capture_default_str();
  demo->add_option("--web-root", web_root, "Folder of the web console to serve at /");
  add_feed_options(demo);

  // authority add
  auto* authority = app.add_subcommand("authority", "Manage participating authorities");
  authority->require_subcommand(1);
  auto* authority_add = authority->add_subcommand("add", "Add an authority");
  std::string authority_id;
  std::string country;
  std::vector<std::string> kinds;
  std::string name;
  authority_add->add_option("--data-dir", data_dir, "Data folder")->required();
  authority_add->add_option("--id", authority_id, "Authority id, e.g. IT-NCC")->required();
  authority_add->add_option("--country", country, "ISO 3166 alpha-2 code, or EU")->required();
  authority_add
      ->add_option("--kind", kinds,
                   "border, police, customs, piu, cert, civil-protection, fiu, aro, eu-agency")
      ->required()
      ->delimiter(',');
  authority_add->add_option("--name", name, "Full name");
  auto* authority_list = authority->add_subcommand("list", "List authorities");
  authority_list->add_option("--data-dir", data_dir, "Data folder")->required();

  // token create
  auto* token = app.add_subcommand("token", "Manage API tokens");
  token->require_subcommand(1);
  auto* token_create = token->add_subcommand(
      "create", "Create a user and its API token; prints the token alone on stdout");
  std::string role = "viewer";
  std::string clearance = "LIMITED";
  token_create->add_option("--data-dir", data_dir, "Data folder")->required();
  token_create->add_option("--authority", authority_id, "Authority id")->required();
  token_create->add_option("--role", role, "viewer, analyst, officer, admin, dpo, overseer")
      ->required();
  token_create->add_option("--clearance", clearance, "PUBLIC, LIMITED, RESTRICTED, CONFIDENTIAL")
      ->capture_default_str();
  token_create->add_option("--name", name, "The user's name");

  // import
  auto* import = app.add_subcommand(
      "import", "Import records (NDJSON in the record JSON form, or a GeoJSON FeatureCollection)");
  std::string file;
  std::string geojson_type;
  std::string geojson_handling;
  import->add_option("--data-dir", data_dir, "Data folder")->required();
  import->add_option("--authority", authority_id, "Owner authority of the records")->required();
  import->add_option("--type", geojson_type, "GeoJSON only: record type of the features");
  import->add_option("--handling", geojson_handling,
                     "GeoJSON only: handling JSON, e.g. "
                     "'{\"classification\":\"LIMITED\",\"purposes\":[\"border\"]}'");
  import->add_option("FILE", file, "File to import (- for standard input)")->required();

  // export and search
  std::string token_text;
  std::string type;
  std::string owner;
  std::string query_text;
  std::string bbox;
  std::string output;
  int limit = 20;
  auto* export_cmd = app.add_subcommand("export", "Export the records a token may see as NDJSON");
  export_cmd->add_option("--data-dir", data_dir, "Data folder")->required();
  export_cmd->add_option("--token", token_text, "API token (or ISSA_TOKEN)");
  export_cmd->add_option("--type", type, "Record type");
  export_cmd->add_option("--owner", owner, "Owner authority");
  export_cmd->add_option("--q", query_text, "Words to search for");
  export_cmd->add_option("--bbox", bbox, "minlon,minlat,maxlon,maxlat");
  export_cmd->add_option("-o,--output", output, "Output file (default: standard output)");
  auto* search = app.add_subcommand("search", "Search the records a token may see");
  search->add_option("--data-dir", data_dir, "Data folder")->required();
  search->add_option("--token", token_text, "API token (or ISSA_TOKEN)");
  search->add_option("--type", type, "Record type");
  search->add_option("--owner", owner, "Owner authority");
  search->add_option("--q", query_text, "Words to search for");
  search->add_option("--bbox", bbox, "minlon,minlat,maxlon,maxlat");
  search->add_option("--limit", limit, "At most this many records")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));

  // audit verify
  auto* audit = app.add_subcommand("audit", "The audit chain");
  audit->require_subcommand(1);
  auto* verify = audit->add_subcommand(
      "verify", "Verify the hash chain and its signed head; exit 3 naming the first bad entry");
  verify->add_option("--data-dir", data_dir, "Data folder")->required();

  // retention run
  auto* retention = app.add_subcommand("retention", "Retention of records");
  retention->require_subcommand(1);
  auto* retention_run = retention->add_subcommand(
      "run", "Delete and depersonalise records whose retention dates have passed");
  retention_run->add_option("--data-dir", data_dir, "Data folder")->required();

  // ais
  auto* ais = app.add_subcommand("ais", "AIS (NMEA 0183 !xxVDM/!xxVDO) tools");
  ais->require_subcommand(1);
  auto* ais_decode = ais->add_subcommand(
      "decode",
      "Decode AIS sentences to one gpsd-style JSON object per message (stdout); counts of "
      "malformed input by reason on stderr. Exit 0 even when lines were malformed; 1 when the "
      "input cannot be read.");
  AisInput ais_input;
  bool ais_unscaled = false;
  auto* ais_file = ais_decode->add_option("FILE", ais_input.file, "NMEA log, or - for stdin");
  auto* ais_tcp = ais_decode->add_option("--tcp", ais_input.tcp,
                                         "Connect to HOST:PORT and read until it closes");
  auto* ais_udp = ais_decode->add_option("--udp", ais_input.udp,
                                         "Listen for datagrams on [ADDRESS:]PORT (0.0.0.0 "
                                         "when no address; port 0 picks one, printed on stderr)");
  ais_file->excludes(ais_tcp)->excludes(ais_udp);
  ais_tcp->excludes(ais_udp);
  ais_decode->add_option("--max-messages", ais_input.max_messages,
                         "Stop after this many messages (0: no limit)");
  ais_decode->add_flag("--unscaled,-u", ais_unscaled,
                       "Raw field values, like gpsdecode -u (default: scaled, like gpsdecode)");

  // maritime
  issa::cli::ScreenArgs screen_args;
  auto* screen = issa::cli::AddScreenCommand(app, screen_args);

  auto* maritime = app.add_subcommand("maritime", "Border surveillance (EUROSUR) tools");
  maritime->require_subcommand(1);
  auto* replay = maritime->add_subcommand(
      "replay",
      "Replay recorded AIS logs through the tracker and its anomaly rules, deterministically and "
      "as fast as possible: one NDJSON line per anomaly event, then a summary line");
  issa::cli::ReplayArgs replay_args;
  replay
      ->add_option("FILE", replay_args.files,
                   "AIS logs (NMEA 0183); radar or satellite detections (.csv, .json, .ndjson)")
      ->required();
  replay->add_option("--events", replay_args.events, "Write the events here (default: stdout)");
  replay->add_option("--config", replay_args.config,
                     "Maritime configuration (TOML: thresholds, gap zones, zones, coastlines, "
                     "ports; see data/maritime/example.toml)");
  replay->add_option("--sensor", replay_args.sensor,
                     "sar, optical or radar: the sensor of detections whose file does not say");

  auto* cise = maritime->add_subcommand("cise", "CISE 1.5.3 exchange of vessels and incidents");
  cise->require_subcommand(1);
  std::string cise_token;
  issa::cli::CiseExportArgs cise_export_args;
  auto* cise_export = cise->add_subcommand(
      "export", "Write records the token may see (Vessel, Event) as a validated CISE Push message");
  cise_export->add_option("--data-dir", data_dir, "Data folder")->required();
  cise_export->add_option("--token", cise_token, "API token (or ISSA_TOKEN)");
  cise_export->add_option("--id", cise_export_args.ids, "Record id (repeatable)")->required();
  cise_export->add_option("--sender", cise_export_args.sender_service, "This node's CISE ServiceID")
      ->required();
  cise_export->add_option("--output,-o", cise_export_args.output, "Message file (default stdout)");
  issa::cli::CiseImportArgs cise_import_args;
  auto* cise_import = cise->add_subcommand(
      "import", "Validate a CISE message and create its vessels and incidents as records");
  cise_import->add_option("FILE", cise_import_args.file, "CISE message (XML)")->required();
  cise_import->add_option("--data-dir", data_dir, "Data folder")->required();
  cise_import->add_option("--token", cise_token, "API token (or ISSA_TOKEN)");
  cise_import
      ->add_option("--classification", cise_import_args.classification,
                   "At least this classification (raised to the message's level)")
      ->capture_default_str();
  cise_import->add_option("--distribution", cise_import_args.distribution, "owner or all")
      ->capture_default_str();
  cise_import->add_option("--purpose", cise_import_args.purposes, "Purposes (repeatable)")
      ->capture_default_str();

  // pnr (issue 5): look at PNRGOV / PAXLST messages
  auto* pnr = app.add_subcommand("pnr", "Passenger data (PNRGOV, PAXLST) tools");
  pnr->require_subcommand(1);
  issa::cli::PnrParseArgs pnr_parse_args;
  auto* pnr_parse = pnr->add_subcommand(
      "parse",
      "Parse PNRGOV and PAXLST messages: one NDJSON line per message with its records, the "
      "Annex I deletion counts, or its error");
  pnr_parse
      ->add_option("FILE", pnr_parse_args.files,
                   "EDIFACT interchanges, or the JSON form (one message per line)")
      ->required();
  pnr_parse->add_flag("--json", pnr_parse_args.json, "Also print the parsed form of each message");
  pnr_parse->add_flag("--lenient", pnr_parse_args.lenient,
                      "Stale UNT/UNE/UNZ counts and references are warnings, not errors");
  pnr_parse->add_option("--rules", pnr_parse_args.rules,
                        "Risk criteria (JSON, see docs/travel.md): add their hits per PNR");
  pnr_parse->add_option("--airports", pnr_parse_args.airports,
                        "AIRPORT,CC lines: the countries of airports for the rules");
  issa::cli::PiuCommands piu_commands(app);
  auto cyber_commands = issa::cli::AddCyberCommands(app);
  // cyber (issue 6): STIX bundles as reference knowledge
  auto* cyber = app.add_subcommand("cyber", "Cyber threat intelligence (STIX 2.1, TAXII 2.1)");
  std::string cyber_token;
  issa::cli::CyberImportArgs cyber_import_args;
  auto* cyber_import = cyber->add_subcommand(
      "import", "Import STIX 2.1 bundles (e.g. MITRE ATT&CK) through the node, audited");
  cyber_import->add_option("BUNDLE", cyber_import_args.files, "STIX bundle files")->required();
  cyber_import->add_option("--data-dir", data_dir, "Data folder")->required();
  cyber_import->add_option("--token", cyber_token, "API token (or ISSA_TOKEN)");
  cyber_import
      ->add_option("--tlp", cyber_import_args.tlp,
                   "TLP for objects without a marking: clear, green, amber, amber+strict, red")
      ->capture_default_str();
  cyber_import->add_option("--group", cyber_import_args.group,
                           "Import into this sharing group's collection");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitUsage;
  }

  if (pnr_parse->parsed()) return issa::cli::PnrParse(pnr_parse_args);

  if (auto code = piu_commands.Run()) return *code;
  if (auto code = issa::cli::RunCyberCommands(*cyber_commands)) return *code;
  if (init->parsed()) {
    const Status s = server::InitDataDir(data_dir, node_id);
    if (!s.ok()) return Fail(s);
    std::printf("initialised node %s in %s\n", node_id.c_str(), data_dir.c_str());
    return 0;
  }
  if (serve->parsed()) {
    auto opened = OpenOrExit(data_dir);
    server::ServeOptions so;
    so.address = address;
    so.port = port;
    so.threads = threads;
    so.web_root = web_root;
    so.ais_replay = ais_replay;
    so.replay_speed = replay_speed;
    so.maritime_config = maritime_config;
    so.picture_authority = picture_authority;
    so.warning_lists_dir = warning_lists_dir;
    so.confidence_model = confidence_model;
    so.on_listening = [&](uint16_t p) {
      std::printf("issa node %s listening on http://%s:%u/\n", opened->node_id.c_str(),
                  address.c_str(), p);
      std::fflush(stdout);
    };
    const Status s = server::Serve(*opened, so);
    return s.ok() ? 0 : Fail(s);
  }
  if (demo->parsed()) {
    if (data_dir.empty()) {
      char tmpl[] = "/tmp/issa-demo-XXXXXX";
      if (::mkdtemp(tmpl) == nullptr)
        return Fail(issa::Internal("cannot create a temporary folder"));
      data_dir = std::string(tmpl) + "/data";
    }
    std::vector<server::DemoToken> tokens;
    const bool fresh = !std::filesystem::exists(std::filesystem::path(data_dir) / "node.key");
    if (fresh) {
      const Status s = server::InitDataDir(data_dir, "issa-demo");
      if (!s.ok()) return Fail(s);
    }
    auto opened = OpenOrExit(data_dir);
    if (fresh) {
      auto seeded = server::SeedDemo(*opened->node);
      if (!seeded.ok()) {
        opened.reset();
        std::filesystem::remove_all(data_dir);  // never leave a half-seeded demo behind
        return Fail(seeded.status());
      }
      tokens = std::move(seeded).value();
      std::ofstream(std::filesystem::path(data_dir) / "demo-tokens.txt") << [&] {
        std::string s;
        for (const auto& t : tokens)
          s += fmt::format("{} {} {} {}\n", t.authority, t.role, t.clearance, t.token);
        return s;
      }();
    } else {
      std::ifstream in(std::filesystem::path(data_dir) / "demo-tokens.txt");
      server::DemoToken t;
      while (in >> t.authority >> t.role >> t.clearance >> t.token) tokens.push_back(t);
    }
    server::ServeOptions so;
    so.port = port;
    so.web_root = web_root;
    so.ais_replay = ais_replay;
    so.replay_speed = replay_speed;
    so.maritime_config = maritime_config;
    so.picture_authority = picture_authority.empty() ? "IT-NCC" : picture_authority;
    so.on_listening = [&](uint16_t p) { PrintDemoBanner(p, tokens, data_dir); };
    const Status s = server::Serve(*opened, so);
    return s.ok() ? 0 : Fail(s);
  }
  if (authority_add->parsed()) {
    auto opened = OpenOrExit(data_dir);
    issa::core::Authority a;
    a.id = authority_id;
    a.country = country;
    a.name = name;
    for (const auto& k : kinds) {
      auto kind = issa::core::ParseAuthorityKind(k);
      if (!kind.ok()) return Fail(kind.status().WithFieldPrefix("kind"));
      a.kinds.push_back(*kind);
    }
    auto added = opened->node->AddAuthority(server::SystemContext(), a);
    if (!added.ok()) return Fail(added.status());
    std::printf("%s\n", issa::node::AuthorityJson(*added).c_str());
    return 0;
  }
  if (authority_list->parsed()) {
    auto opened = OpenOrExit(data_dir);
    auto list = opened->node->ListAuthorities(server::SystemContext());
    if (!list.ok()) return Fail(list.status());
    for (const auto& a : *list) std::printf("%s\n", issa::node::AuthorityJson(a).c_str());
    return 0;
  }
  if (token_create->parsed()) {
    auto r = issa::core::ParseRole(role);
    if (!r.ok()) return Fail(issa::InvalidArgument(r.status().message(), "role"));
    auto c = issa::core::ParseClassification(clearance);
    if (!c.ok()) return Fail(issa::InvalidArgument(c.status().message(), "clearance"));
    auto opened = OpenOrExit(data_dir);
    auto created = opened->node->CreateToken(server::SystemContext(), authority_id, *r, *c, name);
    if (!created.ok()) return Fail(created.status());
    std::printf("%s\n", created->token.c_str());
    return 0;
  }
  if (import->parsed()) {
    auto opened = OpenOrExit(data_dir);
    auto ctx = server::OperatorContext(*opened->node, authority_id);
    if (!ctx.ok()) return Fail(ctx.status());
    std::ifstream file_in;
    std::istream* in = &std::cin;
    uint64_t total = 0;
    if (file != "-") {
      file_in.open(file, std::ios::binary);
      if (!file_in) return Fail(issa::InvalidArgument(fmt::format("cannot read {}", file), "FILE"));
      std::error_code ec;
      total = std::filesystem::file_size(file, ec);
      in = &file_in;
    }
    issa::node::ImportOptions io;
    io.geojson_type = geojson_type;
    io.geojson_handling_json = geojson_handling;
    const bool tty = ::isatty(STDERR_FILENO) != 0;
    if (tty) {
      io.progress = [&](uint64_t bytes, const issa::node::ImportStats& st) {
        const double pct =
            total > 0 ? 100.0 * static_cast<double>(bytes) / static_cast<double>(total) : 0;
        const int filled = static_cast<int>(pct / 100.0 * 30);
        std::fprintf(
            stderr, "\r[%-30s] %5.1f%%  %llu imported, %llu rejected",
            std::string(static_cast<size_t>(std::max(0, std::min(30, filled))), '#').c_str(), pct,
            static_cast<unsigned long long>(st.imported),
            static_cast<unsigned long long>(st.rejected));
      };
    }
    auto stats = opened->node->Import(*ctx, *in, io);
    if (tty) std::fprintf(stderr, "\n");
    if (!stats.ok()) return Fail(stats.status());
    for (const auto& e : stats->errors) std::fprintf(stderr, "rejected %s\n", e.c_str());
    std::printf("%llu lines, %llu imported, %llu rejected\n",
                static_cast<unsigned long long>(stats->lines),
                static_cast<unsigned long long>(stats->imported),
                static_cast<unsigned long long>(stats->rejected));
    return stats->rejected > 0 ? kExitRejected : 0;
  }
  if (export_cmd->parsed() || search->parsed()) {
    auto opened = OpenOrExit(data_dir);
    const auto ctx = TokenContext(*opened->node, token_text);
    issa::storage::RecordQuery q;
    if (!type.empty()) q.type = type;
    if (!owner.empty()) q.owner = owner;
    q.text = query_text;
    if (!bbox.empty()) {
      auto b = issa::core::ParseBBox(bbox);
      if (!b.ok()) return Fail(b.status());
      q.bbox = *b;
    }
    if (search->parsed()) {
      q.limit = limit;
      auto page = opened->node->ListRecords(ctx, q);
      if (!page.ok()) return Fail(page.status());
      for (const auto& r : page->records) {
        std::printf("%s\n", opened->node->RenderRecord(ctx, r).c_str());
      }
      return 0;
    }
    std::ofstream out_file;
    std::FILE* out = stdout;
    if (!output.empty()) {
      out = std::fopen(output.c_str(), "w");
      if (out == nullptr) return Fail(issa::InvalidArgument("cannot write", "output"));
    }
    const Status s = opened->node->Export(ctx, q, [&](const issa::core::Record& r) {
      std::fprintf(out, "%s\n", opened->node->RenderRecord(ctx, r).c_str());
    });
    if (out != stdout) std::fclose(out);
    return s.ok() ? 0 : Fail(s);
  }
  if (verify->parsed()) {
    auto report = server::VerifyAuditChain(data_dir);
    if (!report.ok()) return Fail(report.status());
    if (!report->ok) {
      std::printf("audit chain BROKEN at entry %lld: %s (%lld entries verified before it)\n",
                  static_cast<long long>(report->first_bad_seq.value_or(0)),
                  report->problem.c_str(), static_cast<long long>(report->entries));
      return kExitTampered;
    }
    std::printf("audit chain OK: %lld entries, head signed by the node key\n",
                static_cast<long long>(report->entries));
    return 0;
  }
  if (ais_decode->parsed()) {
    if (ais_input.file.empty() && ais_input.tcp.empty() && ais_input.udp.empty()) {
      std::fprintf(stderr, "issa ais decode: give FILE, - (stdin), --tcp or --udp\n");
      return kExitUsage;
    }
    return AisDecode(ais_input, ais_unscaled);
  }
  if (replay->parsed()) return issa::cli::MaritimeReplay(replay_args);
  if (screen->parsed()) return issa::cli::TravelScreen(screen_args);
  if (cise_export->parsed() || cise_import->parsed()) {
    auto opened = OpenOrExit(data_dir);
    const auto ctx = TokenContext(*opened->node, cise_token);
    return cise_export->parsed()
               ? issa::cli::MaritimeCiseExport(*opened->node, ctx, cise_export_args)
               : issa::cli::MaritimeCiseImport(*opened->node, ctx, cise_import_args);
  }
  if (cyber_import->parsed()) {
    auto opened = OpenOrExit(data_dir);
    const auto ctx = TokenContext(*opened->node, cyber_token);
    cyber_import_args.cursor_key = opened->key.Sign("issa:taxii-cursor-key:v1");
    return issa::cli::CyberImport(*opened->node, ctx, cyber_import_args);
  }
  if (retention_run->parsed()) {
    auto opened = OpenOrExit(data_dir);
    auto report = opened->node->RunRetention(server::SystemContext());
    if (!report.ok()) return Fail(report.status());
    std::printf("%llu deleted, %llu depersonalised (%llu masked)\n",
                static_cast<unsigned long long>(report->deleted),
                static_cast<unsigned long long>(report->depersonalised),
                static_cast<unsigned long long>(report->masked));
    return 0;
  }
  return kExitUsage;
}
