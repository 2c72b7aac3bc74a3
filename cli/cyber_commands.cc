#include "cyber_commands.h"

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <set>
#include <sstream>
#include <utility>
#include <variant>

#include <fcntl.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sodium.h>
#include <sys/file.h>
#include <unistd.h>

#include "issa/core/file.h"
#include "issa/core/time.h"
#include "issa/cti/service.h"
#include "issa/cyber/ioc_indicators.h"
#include "issa/cyber/ioc_scan.h"
#include "issa/cyber/taxii_client.h"
#include "issa/cyber/warninglist.h"
#include "issa/server/data_dir.h"

#include "taxii_http.h"

namespace issa::cli {
namespace {

// The node's collection as the caller: the node, the caller's context, the CTI service.
struct CollectionSession {
  std::unique_ptr<server::OpenedNode> opened;
  node::Context ctx;
  std::unique_ptr<cti::CtiService> cti;
  std::string collection;  // TAXII collection id
};

// `collection` empty: the caller's authority collection.
Result<CollectionSession> OpenCollection(const std::string& data_dir, const std::string& caller,
                                         std::string_view collection) {
  if (data_dir.empty()) return InvalidArgument("--collection needs --data-dir", "data-dir");
  std::string token = caller;
  if (const char* env = std::getenv("ISSA_TOKEN"); token.empty() && env != nullptr) token = env;
  if (token.empty()) return InvalidArgument("a token is needed: --token T or ISSA_TOKEN", "token");
  CollectionSession s;
  ISSA_ASSIGN_OR_RETURN(s.opened, server::OpenDataDir(data_dir));
  ISSA_ASSIGN_OR_RETURN(auto principal, s.opened->node->Authenticate(token, "cli"));
  s.ctx = node::Context{std::move(principal), "", "cli"};
  cti::CtiOptions options;
  options.cursor_key = s.opened->key.Sign("issa:taxii-cursor-key:v1");
  ISSA_ASSIGN_OR_RETURN(s.cti, cti::CtiService::Open(*s.opened->node, options));
  const std::string own = "authority:" + s.ctx.principal.authority;
  const std::string_view c = collection.empty() ? std::string_view(own) : collection;
  s.collection = c.starts_with("authority:") ? cti::CtiService::AuthorityCollectionId(c.substr(10))
                 : c.starts_with("group:")   ? cti::CtiService::GroupCollectionId(c.substr(6))
                                             : std::string(c);
  return s;
}

std::string QueryEscape(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == '~')
      out.push_back(c);
    else
      out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
  }
  return out;
}

// The active indicators of the collection that the caller may read, page by page through the
// TAXII objects resource (each page an audited read of the node).
Result<std::vector<cyber::ScanIndicator>> CollectionIndicators(
    CollectionSession& s, core::Timestamp now, std::vector<cyber::ScanProblem>& problems) {
  const std::string filter = "match[type]=indicator&limit=1000";
  std::string query = filter;
  std::vector<cyber::ScanIndicator> out;
  for (;;) {
    ISSA_ASSIGN_OR_RETURN(auto page, s.cti->GetObjects(s.ctx, s.collection, query));
    const auto envelope = nlohmann::json::parse(page.json);
    if (envelope.contains("objects")) {
      ISSA_ASSIGN_OR_RETURN(auto indicators, cyber::StixScanIndicators(page.json, now, problems));
      for (auto& i : indicators) out.push_back(std::move(i));
    }
    if (!envelope.value("more", false) || !envelope.contains("next")) break;
    query = filter + "&next=" + QueryEscape(envelope["next"].get<std::string>());
  }
  return out;
}

// Posts the sightings to the collection as STIX sightings, 1,000 an envelope. Returns the
// number added; refusals are printed per object.
Result<size_t> PostSightings(CollectionSession& s, const std::vector<cyber::IocSighting>& sightings,
                             core::Timestamp now, size_t& refused) {
  const std::string identity = cyber::AuthorityIdentityId(s.ctx.principal.authority);
  size_t added = 0;
  for (size_t from = 0; from < sightings.size(); from += 1000) {
    std::string body = R"({"objects":[)";
    for (size_t i = from; i < std::min(sightings.size(), from + 1000); ++i) {
      if (i > from) body += ',';
      body += cyber::SightingStixJson(sightings[i], identity, now);
    }
    body += "]}";
    std::istringstream in(body);
    ISSA_ASSIGN_OR_RETURN(auto status_text, s.cti->AddObjects(s.ctx, s.collection, in));
    const auto status = nlohmann::json::parse(status_text);
    added += status.value("success_count", size_t{0});
    for (const auto& f : status.value("failures", nlohmann::json::array())) {
      ++refused;
      std::fprintf(stderr, "sighting %s refused: %s\n", f.value("id", "").c_str(),
                   f.value("message", "").c_str());
    }
  }
  return added;
}

}  // namespace

std::unique_ptr<CyberCommands> AddCyberCommands(CLI::App& app) {
  auto commands = std::make_unique<CyberCommands>();
  auto* ioc = app.add_subcommand("ioc", "Indicators of compromise");
  ioc->require_subcommand(1);
  auto* scan = ioc->add_subcommand(
      "scan",
      "Match text logs (web proxy, DNS, firewall, mail) against indicators; one NDJSON sighting "
      "per indicator and log");
  auto& a = commands->scan_args;
  scan->add_option("LOG", a.logs, "Log files")->required();
  scan->add_option("--indicators", a.indicators, "STIX 2.1 bundle or MISP event JSON (repeatable)");
  scan->add_option("--collection", a.collection,
                   "Scan for the active indicators of this TAXII collection of the node that the "
                   "caller may read: collection id, authority:ID or group:NAME");
  scan->add_option("--data-dir", a.data_dir, "The node's data folder (with --collection)");
  scan->add_option("--token", a.token, "API token (or ISSA_TOKEN; with --collection)");
  scan->add_option(
      "--warninglists", a.warninglists,
      "MISP warning lists folder (<dir>/<name>/list.json): listed values are not scanned");
  scan->add_option("--output,-o", a.output, "NDJSON output (default: stdout)");
  scan->add_flag("--post", a.post,
                 "Add the sightings to the collection as STIX sighting objects (needs "
                 "--collection)");
  commands->ioc_scan = scan;

  auto* taxii = app.add_subcommand("taxii", "TAXII 2.1 client");
  taxii->require_subcommand(1);
  auto* pull = taxii->add_subcommand(
      "pull",
      "Pull the objects of another node's (or any TAXII 2.1 server's) collections into a local "
      "collection, after where the last pull stopped");
  auto& p = commands->pull_args;
  pull->add_option("--url", p.url, "Discovery URL (http(s)://host/taxii2/) or an API root")
      ->required();
  pull->add_option("--token", p.token, "The server's bearer token (or ISSA_TAXII_TOKEN)");
  pull->add_option("--basic", p.basic, "USER:PASSWORD for HTTP Basic instead of a token");
  pull->add_option("--collection", p.collection, "The remote collection id");
  pull->add_flag("--all", p.all, "Every remote collection the caller may read");
  pull->add_option("--data-dir", p.data_dir, "The local node's data folder")->required();
  pull->add_option("--local-token", p.local_token, "The local caller's API token (or ISSA_TOKEN)");
  pull->add_option("--into", p.into,
                   "The local collection: id, authority:ID or group:NAME (default: the local "
                   "caller's authority collection)");
  pull->add_option("--added-after", p.added_after,
                   "Only objects the server added after this time (overrides the remembered "
                   "position)");
  pull->add_option("--limit", p.limit, "Objects per page (default 100)");
  pull->add_option("--timeout", p.timeout,
                   "Seconds each request to the server may take, from connecting to the last "
                   "byte of its answer (default 60)");
  commands->taxii_pull = pull;
  return commands;
}

std::optional<int> RunCyberCommands(const CyberCommands& commands) {
  if (commands.ioc_scan != nullptr && commands.ioc_scan->parsed())
    return IocScan(commands.scan_args);
  if (commands.taxii_pull != nullptr && commands.taxii_pull->parsed())
    return TaxiiPull(commands.pull_args);
  return std::nullopt;
}

int IocScan(const IocScanArgs& args) {
  if (args.post && args.collection.empty()) {
    std::fprintf(stderr, "issa ioc scan: --post needs --collection\n");
    return 2;
  }
  if (args.indicators.empty() && args.collection.empty()) {
    std::fprintf(stderr,
                 "issa ioc scan: give --indicators FILE (STIX bundle or MISP event) or "
                 "--collection C\n");
    return 2;
  }
  std::optional<CollectionSession> session;
  if (!args.collection.empty()) {
    auto opened = OpenCollection(args.data_dir, args.token, args.collection);
    if (!opened.ok()) {
      std::fprintf(stderr, "issa ioc scan: %s\n", opened.status().ToString().c_str());
      return opened.status().code() == StatusCode::kInvalidArgument ? 2 : 1;
    }
    session = std::move(opened).value();
  }
  cyber::WarningLists lists;
  if (!args.warninglists.empty()) {
    for (const auto& p : lists.LoadDirectory(args.warninglists))
      std::fprintf(stderr, "warning list %s: %s\n", p.source.c_str(), p.status.ToString().c_str());
    for (const auto& p : lists.Compile())
      std::fprintf(stderr, "warning list %s: %s\n", p.source.c_str(), p.status.ToString().c_str());
  }
  cyber::IocScanner scanner;
  size_t loaded = 0, warned = 0, rejected = 0;
  const auto now = core::SystemClock().Now();
  // The sources: each --indicators file, then the collection.
  std::vector<std::string> sources = args.indicators;
  if (session) sources.push_back("collection " + session->collection);
  for (size_t source = 0; source < sources.size(); ++source) {
    const auto& file = sources[source];
    std::vector<cyber::ScanProblem> problems;
    Result<std::vector<cyber::ScanIndicator>> indicators = std::vector<cyber::ScanIndicator>{};
    const bool from_file = source < args.indicators.size();
    if (from_file) {
      auto text = core::ReadFile(file);
      if (!text.ok()) {
        std::fprintf(stderr, "issa ioc scan: %s\n", text.status().ToString().c_str());
        return 2;
      }
      indicators = cyber::LoadScanIndicators(*text, now, problems);
    } else {
      indicators = CollectionIndicators(*session, now, problems);
    }
    if (!indicators.ok()) {
      std::fprintf(stderr, "issa ioc scan: %s: %s\n", file.c_str(),
                   indicators.status().ToString().c_str());
      // A file that is no indicator JSON is a usage error; the node's refusals are failures.
      return from_file || indicators.status().code() == StatusCode::kInvalidArgument ? 2 : 1;
    }
    for (const auto& p : problems)
      std::fprintf(stderr, "%s: indicator %s: %s\n", file.c_str(), p.indicator_id.c_str(),
                   p.status.ToString().c_str());
    for (const auto& indicator : *indicators) {
      if (!args.warninglists.empty() && indicator.match == cyber::IndicatorMatch::kExact) {
        if (auto o = cyber::MakeObservable(indicator.type, indicator.value); o.ok()) {
          if (const auto hits = lists.Match(*o); !hits.empty()) {
            ++warned;
            std::fprintf(stderr, "indicator %s (%s) is on warning list '%s': not scanned\n",
                         indicator.id.c_str(), indicator.value.c_str(), hits.front().c_str());
            continue;
          }
        }
      }
      if (auto s = scanner.Add(indicator); !s.ok()) {
        ++rejected;
        std::fprintf(stderr, "indicator %s: %s\n", indicator.id.c_str(), s.ToString().c_str());
        continue;
      }
      ++loaded;
    }
  }
  for (const auto& p : scanner.Compile()) {
    ++rejected;
    std::fprintf(stderr, "indicator %s: %s\n", p.indicator_id.c_str(), p.status.ToString().c_str());
  }
  std::ofstream file_out;
  std::ostream* out = &std::cout;
  if (!args.output.empty()) {
    file_out.open(args.output, std::ios::binary | std::ios::trunc);
    if (!file_out) {
      std::fprintf(stderr, "issa ioc scan: cannot write %s\n", args.output.c_str());
      return 2;
    }
    out = &file_out;
  }
  cyber::ScanSummary total;
  size_t sightings_count = 0, posted = 0, refused_sightings = 0;
  const auto started = std::chrono::steady_clock::now();
  int status = 0;
  for (const auto& log : args.logs) {
    std::vector<cyber::IocSighting> sightings;
    auto summary = scanner.ScanFile(log, sightings);
    if (!summary.ok()) {
      std::fprintf(stderr, "issa ioc scan: %s\n", summary.status().ToString().c_str());
      status = 2;
      continue;
    }
    total.bytes += summary->bytes;
    total.lines += summary->lines;
    total.binary_lines += summary->binary_lines;
    total.matched_lines += summary->matched_lines;
    for (const auto& s : sightings) *out << cyber::SightingNdjson(s) << '\n';
    sightings_count += sightings.size();
    if (args.post && !sightings.empty()) {
      auto added = PostSightings(*session, sightings, now, refused_sightings);
      if (!added.ok()) {
        std::fprintf(stderr, "issa ioc scan: posting the sightings of %s: %s\n", log.c_str(),
                     added.status().ToString().c_str());
        status = 1;
        continue;
      }
      posted += *added;
    }
  }
  out->flush();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::fprintf(stderr,
               "scanned %zu log(s): %llu lines (%llu binary), %.1f MB in %.2f s; %zu indicators "
               "(%zu on warning lists, %zu rejected); %llu matching lines, %zu sightings\n",
               args.logs.size(), static_cast<unsigned long long>(total.lines),
               static_cast<unsigned long long>(total.binary_lines), total.bytes / 1e6, seconds,
               loaded, warned, rejected, static_cast<unsigned long long>(total.matched_lines),
               sightings_count);
  if (args.post)
    std::fprintf(stderr, "posted %zu sighting(s) to collection %s, %zu refused\n", posted,
                 session->collection.c_str(), refused_sightings);
  if (status == 0 && refused_sightings > 0) status = 4;
  return status;
}

namespace {

// ---- issa taxii pull ----

constexpr std::string_view kTaxiiAccept = "application/taxii+json;version=2.1";
constexpr const char* kPullStateFile = "taxii-pull-state.json";
constexpr const char* kPullLockFile = "taxii-pull-state.lock";

// Server-controlled text made safe for a terminal: control bytes (ESC, CR, ...) as \xNN.
std::string Printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x20 || b == 0x7f)
      out += fmt::format("\\x{:02x}", b);
    else
      out += c;
  }
  return out;
}

// A failure of the pull: the message and the exit code (1 server or node, 2 usage or input).
struct PullError {
  std::string message;
  int code = 1;
};

PullError ServerError(const std::string& message) { return {message, 1}; }

// Where each (API root, collection) stopped: the X-TAXII-Date-Added-Last of the last page
// added, less 1 ms. A small JSON file in the data folder, replaced atomically after every page
// (a unique temporary file in the same folder, fsync, rename, fsync of the folder) while the
// pull holds an exclusive lock on taxii-pull-state.lock.
class PullState {
 public:
  explicit PullState(std::string dir)
      : dir_(std::move(dir)), path_((std::filesystem::path(dir_) / kPullStateFile).string()) {}
  ~PullState() {
    if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the flock
  }
  PullState(const PullState&) = delete;
  PullState& operator=(const PullState&) = delete;

  // Takes the lock for the whole pull (refused when another pull holds it) and reads the file.
  Status Lock() {
    const std::string lock = (std::filesystem::path(dir_) / kPullLockFile).string();
    lock_fd_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (lock_fd_ < 0)
      return Internal(fmt::format("cannot open {}: {}", lock, std::strerror(errno)));
    if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0)
      return FailedPrecondition(
          fmt::format("{} is locked: another `issa taxii pull` into this data folder runs", lock));
    return Load(state_);
  }
  std::string AddedAfter(const std::string& key) const {
    const auto& sources = state_["sources"];
    auto it = sources.find(key);
    if (it == sources.end()) return {};
    return it->value("added_after", std::string());
  }
  Status Save(const std::string& key, const std::string& added_after, const std::string& at) {
    nlohmann::json fresh;  // re-read under the lock: the file is the truth
    ISSA_RETURN_IF_ERROR(Load(fresh));
    fresh["sources"][key] = {{"added_after", added_after}, {"pulled_at", at}};
    const std::string text = fresh.dump(2) + '\n';
    std::string tmp = path_ + ".XXXXXX";
    const int fd = ::mkstemp(tmp.data());
    if (fd < 0) return Internal(fmt::format("cannot create {}: {}", tmp, std::strerror(errno)));
    size_t written = 0;
    while (written < text.size()) {
      const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      written += static_cast<size_t>(n);
    }
    const bool synced = written == text.size() && ::fsync(fd) == 0;
    const int saved_errno = errno;
    if (::close(fd) != 0 || !synced) {
      ::unlink(tmp.c_str());
      return Internal(fmt::format("cannot write {}: {}", tmp, std::strerror(saved_errno)));
    }
    if (::rename(tmp.c_str(), path_.c_str()) != 0) {
      const int e = errno;
      ::unlink(tmp.c_str());
      return Internal(fmt::format("cannot replace {}: {}", path_, std::strerror(e)));
    }
    if (const int dir = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dir >= 0) {
      const bool ok = ::fsync(dir) == 0;
      ::close(dir);
      if (!ok) return Internal(fmt::format("cannot sync {}: {}", dir_, std::strerror(errno)));
    }
    state_ = std::move(fresh);
    return Status::Ok();
  }

 private:
  // Reads the file into `out` (no file: no source pulled yet). A file that is empty, not JSON or
  // not shaped as written is refused with its path: the user removes it to start over.
  Status Load(nlohmann::json& out) const {
    out = {{"sources", nlohmann::json::object()}};
    if (!std::filesystem::exists(path_)) return Status::Ok();
    ISSA_ASSIGN_OR_RETURN(auto text, core::ReadFile(path_, size_t{64} << 20));
    const auto refused = [&](const std::string& why, const std::string& field) {
      return InvalidArgument(
          fmt::format("{}: {}; remove the file to pull every source from the start", path_, why),
          field);
    };
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object())
      return refused(text.empty() ? "the pull state file is empty" : "not a pull state file",
                     "state");
    auto sources = j.find("sources");
    if (sources == j.end() || !sources->is_object())
      return refused("not a pull state file", "sources");
    for (const auto& [key, source] : sources->items()) {
      const std::string field = "sources." + key;
      if (!source.is_object()) return refused(field + ": must be an object", field);
      if (auto a = source.find("added_after"); a != source.end() && !a->is_string())
        return refused(field + ".added_after: must be a string", field + ".added_after");
    }
    out = std::move(j);
    return Status::Ok();
  }

  std::string dir_, path_;
  int lock_fd_ = -1;
  nlohmann::json state_ = {{"sources", nlohmann::json::object()}};
};

// The remote server's credentials (the whole Authorization value) and the bound of each
// exchange with it.
struct RemoteServer {
  std::string authorization;
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};
};

// GETs a TAXII resource: the answer's body when the server answers 200 with TAXII JSON.
// Otherwise the TAXII error message (title, description) or what came instead.
std::variant<std::string, PullError> TaxiiGet(const cyber::TaxiiUrl& url,
                                              const RemoteServer& server,
                                              std::string* date_added_last = nullptr) {
  auto answer = HttpGet(url, kTaxiiAccept, server.authorization, server.timeout);
  if (!answer.ok()) return ServerError(answer.status().message());
  const std::string where = cyber::TaxiiUrlText(url);
  if (answer->status != 200) {
    if (auto e = cyber::ParseTaxiiError(answer->body)) {
      return ServerError(fmt::format("{}: HTTP {}: {}{}{}", where, answer->status, e->title,
                                     e->description.empty() ? "" : ": ", e->description));
    }
    return ServerError(
        fmt::format("{}: HTTP {} ({}), not a TAXII answer", where, answer->status,
                    answer->content_type.empty() ? "no content type" : answer->content_type));
  }
  if (!cyber::IsTaxiiMediaType(answer->content_type))
    return ServerError(
        fmt::format("{}: the answer is '{}', not application/taxii+json;version=2.1: "
                    "not a TAXII 2.1 server",
                    where, answer->content_type));
  if (date_added_last != nullptr) *date_added_last = answer->date_added_last;
  return std::move(answer->body);
}

std::string Malformed(const cyber::TaxiiUrl& url, const Status& s) {
  return fmt::format("{}: malformed TAXII answer: {}", cyber::TaxiiUrlText(url), s.ToString());
}

struct PullCount {
  size_t pages = 0, added = 0, held = 0, refused = 0;
};

// Pages through one remote collection into the local one; saves the position after each page.
std::optional<PullError> PullCollection(CollectionSession& local, const cyber::TaxiiUrl& root,
                                        const std::string& id, const TaxiiPullArgs& args,
                                        const RemoteServer& server, PullState& state,
                                        PullCount& count) {
  const std::string key = cyber::TaxiiUrlText(root) + " " + id;
  std::string added_after = args.added_after.empty() ? state.AddedAfter(key) : args.added_after;
  std::string filters = fmt::format("limit={}", args.limit);
  if (!added_after.empty()) filters += "&added_after=" + QueryEscape(added_after);
  std::string next;
  std::set<std::string> used;  // the cursors given so far
  for (;;) {
    std::string target = "collections/" + QueryEscape(id) + "/objects/?" + filters;
    if (!next.empty()) target += "&next=" + QueryEscape(next);
    auto url = cyber::ResolveTaxiiUrl(root, target);
    if (!url.ok()) return ServerError(Malformed(root, url.status()));
    std::string last;
    auto body = TaxiiGet(*url, server, &last);
    if (auto* e = std::get_if<PullError>(&body)) {
      if (!next.empty()) e->message += " (the server refused the paging cursor `next`)";
      return *e;
    }
    auto page = cyber::ParseTaxiiEnvelope(std::get<std::string>(body));
    if (!page.ok()) return ServerError(Malformed(*url, page.status()));
    ++count.pages;
    if (!page->objects.empty()) {
      std::string envelope = R"({"objects":[)";
      for (size_t i = 0; i < page->objects.size(); ++i) {
        if (i > 0) envelope += ',';
        envelope += page->objects[i];
      }
      envelope += "]}";
      std::istringstream in(envelope);
      auto status_text = local.cti->AddObjects(local.ctx, local.collection, in);
      if (!status_text.ok())
        return PullError{fmt::format("local collection {}: {}", local.collection,
                                     status_text.status().ToString()),
                         1};
      const auto status = nlohmann::json::parse(*status_text, nullptr, false);
      for (const auto& s : status.value("successes", nlohmann::json::array())) {
        if (s.value("message", "") == "already held")
          ++count.held;
        else
          ++count.added;
      }
      for (const auto& f : status.value("failures", nlohmann::json::array())) {
        ++count.refused;
        std::fprintf(stderr, "collection %s: object %s refused: %s\n", Printable(id).c_str(),
                     Printable(f.value("id", "")).c_str(),
                     Printable(f.value("message", "")).c_str());
      }
    }
    if (!last.empty()) {
      auto parsed = core::ParseTimestamp(last);
      if (!parsed.ok())
        return ServerError(fmt::format("{}: X-TAXII-Date-Added-Last '{}' is not a timestamp",
                                       cyber::TaxiiUrlText(*url), last));
      // added_after is exclusive: 1 ms before the last object's date_added, so an object the
      // server adds later in that same millisecond comes with the next pull (the objects of
      // that millisecond already held come again and are counted as held, not stored twice).
      const std::string position = core::FormatTimestamp(*parsed - 1);
      if (position != added_after) {
        if (Status s = state.Save(key, position, core::FormatTimestamp(core::SystemClock().Now()));
            !s.ok())
          return PullError{s.ToString(), 1};
      }
    }
    if (!page->more) break;
    // A cursor given before would page in a circle (the same page, or a cycle of pages).
    if (!used.insert(page->next).second)
      return ServerError(fmt::format(
          "{}: the server's paging cursor `next` '{}' was already used{}: the paging does "
          "not progress, stopped (the position is saved up to here)",
          cyber::TaxiiUrlText(*url), page->next,
          page->objects.empty() ? " and the page is empty" : ""));
    next = page->next;
  }
  return std::nullopt;
}

// Discovery (or the API root itself) -> API root -> the collections to pull.
std::variant<std::pair<cyber::TaxiiUrl, std::vector<cyber::TaxiiCollectionInfo>>, PullError>
RemoteCollections(const cyber::TaxiiUrl& start, const RemoteServer& server) {
  auto first = TaxiiGet(start, server);
  if (auto* e = std::get_if<PullError>(&first)) return *e;
  cyber::TaxiiUrl root = start;
  const std::string& text = std::get<std::string>(first);
  const auto probe = nlohmann::json::parse(text, nullptr, false);
  std::string root_text = text;
  if (probe.is_object() && probe.contains("api_roots")) {
    auto discovery = cyber::ParseTaxiiDiscovery(text);
    if (!discovery.ok()) return ServerError(Malformed(start, discovery.status()));
    std::string chosen = discovery->default_root;
    if (chosen.empty() && !discovery->api_roots.empty()) chosen = discovery->api_roots.front();
    if (chosen.empty())
      return ServerError(fmt::format("{}: the server lists no API root", TaxiiUrlText(start)));
    auto resolved = cyber::ResolveTaxiiUrl(start, chosen);
    if (!resolved.ok()) return ServerError(Malformed(start, resolved.status()));
    // The credentials go only where --url points: an API root on another scheme, host or port
    // (or an https -> http downgrade) is refused before any request is sent there.
    if (resolved->scheme != start.scheme || resolved->host != start.host ||
        resolved->port != start.port)
      return ServerError(fmt::format(
          "{}: the discovery answer's {} names an API root on another origin ({}://{}:{}); "
          "the credentials are only sent to {}://{}:{}: pull from that server with its own --url",
          TaxiiUrlText(start), discovery->default_root.empty() ? "api_roots" : "default",
          resolved->scheme, resolved->host, resolved->port, start.scheme, start.host, start.port));
    root = *resolved;
    auto got = TaxiiGet(root, server);
    if (auto* e = std::get_if<PullError>(&got)) return *e;
    root_text = std::get<std::string>(got);
  }
  if (auto api_root = cyber::ParseTaxiiApiRoot(root_text); !api_root.ok())
    return ServerError(Malformed(root, api_root.status()));
  auto collections_url = cyber::ResolveTaxiiUrl(root, "collections/");
  if (!collections_url.ok()) return ServerError(Malformed(root, collections_url.status()));
  auto listed = TaxiiGet(*collections_url, server);
  if (auto* e = std::get_if<PullError>(&listed)) return *e;
  auto collections = cyber::ParseTaxiiCollections(std::get<std::string>(listed));
  if (!collections.ok()) return ServerError(Malformed(*collections_url, collections.status()));
  return std::pair{root, std::move(collections).value()};
}

}  // namespace

int TaxiiPull(const TaxiiPullArgs& args) {
  const auto usage = [](const std::string& message) {
    std::fprintf(stderr, "issa taxii pull: %s\n", message.c_str());
    return 2;
  };
  if (args.all == !args.collection.empty()) return usage("give --collection ID or --all");
  if (args.limit < 1 || args.limit > 10000) return usage("--limit: must be 1..10000");
  if (!args.added_after.empty() && !core::ParseTimestamp(args.added_after).ok())
    return usage("--added-after: not an RFC 3339 timestamp");
  auto start = cyber::ParseTaxiiUrl(args.url);
  if (!start.ok()) return usage("--url: " + start.status().message());
  if (args.timeout < 1 || args.timeout > 3600) return usage("--timeout: must be 1..3600 seconds");
  RemoteServer server;
  server.timeout = std::chrono::seconds(args.timeout);
  std::string token = args.token;
  // ISSA_TAXII_TOKEN is the default for --token: an explicit --basic wins over it.
  if (const char* env = std::getenv("ISSA_TAXII_TOKEN");
      token.empty() && args.basic.empty() && env != nullptr)
    token = env;
  if (!args.basic.empty()) {
    if (!token.empty()) return usage("give --token or --basic, not both");
    if (args.basic.find(':') == std::string::npos) return usage("--basic: USER:PASSWORD");
    // RFC 7617: base64 of USER:PASSWORD, by libsodium as the server's decoder
    // (api/src/service.cc).
    std::string encoded(
        sodium_base64_ENCODED_LEN(args.basic.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(encoded.data(), encoded.size(),
                      reinterpret_cast<const unsigned char*>(args.basic.data()), args.basic.size(),
                      sodium_base64_VARIANT_ORIGINAL);
    encoded.resize(std::strlen(encoded.c_str()));
    server.authorization = "Basic " + encoded;
  } else if (!token.empty()) {
    server.authorization = "Bearer " + token;
  }
  if (args.local_token.empty() && std::getenv("ISSA_TOKEN") == nullptr)
    return usage("the local node needs a token: --local-token T or ISSA_TOKEN");
  auto opened = OpenCollection(args.data_dir, args.local_token, args.into);
  if (!opened.ok()) {
    std::fprintf(stderr, "issa taxii pull: local node: %s\n", opened.status().ToString().c_str());
    return opened.status().code() == StatusCode::kInvalidArgument ? 2 : 1;
  }
  PullState state(args.data_dir);
  if (Status s = state.Lock(); !s.ok()) {
    std::fprintf(stderr, "issa taxii pull: %s\n", s.ToString().c_str());
    return 1;
  }
  auto remote = RemoteCollections(*start, server);
  if (auto* e = std::get_if<PullError>(&remote)) {
    std::fprintf(stderr, "issa taxii pull: %s\n", Printable(e->message).c_str());
    return e->code;
  }
  auto& [root, collections] = std::get<0>(remote);
  std::vector<std::string> ids;
  for (const auto& c : collections) {
    if (args.all && c.can_read) ids.push_back(c.id);
    if (!args.all && c.id == args.collection) {
      if (!c.can_read) {
        std::fprintf(stderr,
                     "issa taxii pull: collection %s: the server does not let the caller "
                     "read it\n",
                     c.id.c_str());
        return 1;
      }
      ids.push_back(c.id);
    }
  }
  if (!args.all && ids.empty()) {
    std::fprintf(stderr, "issa taxii pull: collection %s is not listed by %s\n",
                 args.collection.c_str(), cyber::TaxiiUrlText(root).c_str());
    return 1;
  }
  int status = 0;
  size_t refused = 0;
  for (const auto& id : ids) {
    PullCount count;
    auto failed = PullCollection(*opened, root, id, args, server, state, count);
    std::printf("collection %s: %zu page(s), %zu added, %zu already held, %zu refused -> %s\n",
                Printable(id).c_str(), count.pages, count.added, count.held, count.refused,
                opened->collection.c_str());
    refused += count.refused;
    if (failed) {
      std::fprintf(stderr, "issa taxii pull: collection %s: %s\n", Printable(id).c_str(),
                   Printable(failed->message).c_str());
      status = std::max(status, failed->code);
    }
  }
  std::fflush(stdout);
  if (status == 0 && refused > 0) status = 4;
  return status;
}

}  // namespace issa::cli
