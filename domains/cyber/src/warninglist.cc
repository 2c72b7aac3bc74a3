#include "issa/cyber/warninglist.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "pattern_database.h"

namespace issa::cyber {
namespace {

enum class ListType { kCidr, kHostname, kString, kSubstring, kRegex };

// MISP attribute types that carry a value of each observable type.
std::vector<std::string_view> MispTypesOf(ObservableType type) {
  switch (type) {
    case ObservableType::kIpv4:
    case ObservableType::kIpv6:
      return {"ip-src", "ip-dst", "ip-src|port", "ip-dst|port", "domain|ip", "ip"};
    case ObservableType::kDomain:
    case ObservableType::kHostname:
      return {"domain", "hostname", "domain|ip", "hostname|port"};
    case ObservableType::kUrl:
      return {"url", "uri", "link"};
    case ObservableType::kEmail:
      return {
          "email",         "email-src",     "email-dst", "target-email", "whois-registrant-email",
          "dns-soa-email", "email-reply-to"};
    case ObservableType::kMd5:
      return {"md5", "filename|md5"};
    case ObservableType::kSha1:
      return {"sha1", "filename|sha1"};
    case ObservableType::kSha256:
      return {"sha256", "filename|sha256"};
    case ObservableType::kSha512:
      return {"sha512", "filename|sha512"};
    case ObservableType::kSsdeep:
      return {"ssdeep", "filename|ssdeep"};
    case ObservableType::kFilename:
      return {"filename"};
    case ObservableType::kMutex:
      return {"mutex"};
    case ObservableType::kRegistryKey:
      return {"regkey", "regkey|value"};
    case ObservableType::kAsn:
      return {"AS"};
    case ObservableType::kText:
      return {"text", "other", "comment", "phone-number", "whois-registrant-phone"};
  }
  return {};
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// "/pattern/flags" (MISP's PHP form) to a Hyperscan expression and caseless flag.
detail::PatternSpec RegexSpec(std::string_view entry) {
  detail::PatternSpec spec;
  spec.literal = false;
  spec.caseless = false;
  if (entry.size() >= 2 && entry.front() == '/') {
    const auto close = entry.rfind('/');
    if (close > 0) {
      const auto flags = entry.substr(close + 1);
      spec.caseless = flags.find('i') != std::string_view::npos;
      spec.text = std::string(entry.substr(1, close - 1));
      return spec;
    }
  }
  spec.text = std::string(entry);
  return spec;
}

}  // namespace

struct WarningLists::Impl {
  struct List {
    std::string name;
    std::string source;
    ListType type;
    std::unordered_set<std::string> matching_attributes;
    std::size_t entries = 0;
  };
  std::vector<List> lists;
  // cidr: canonical network text -> lists, and the prefix lengths in use per family.
  std::unordered_map<std::string, std::vector<std::uint32_t>> networks;
  std::array<bool, 33> v4_lengths{};
  std::array<bool, 129> v6_lengths{};
  // hostname and string entries -> lists.
  std::unordered_map<std::string, std::vector<std::uint32_t>> hostnames;
  std::unordered_map<std::string, std::vector<std::uint32_t>> strings;
  // substring and regex entries, compiled into one database.
  std::vector<detail::PatternSpec> specs;
  std::vector<std::pair<std::uint32_t, std::size_t>> spec_origin;  // list, entry index
  detail::PatternDatabase database;
  mutable std::mutex scratch_mutex;
  mutable detail::PatternDatabase::Scratch scratch;

  bool Applies(const List& list, ObservableType type) const {
    if (list.matching_attributes.empty()) return true;
    for (auto t : MispTypesOf(type))
      if (list.matching_attributes.contains(std::string(t))) return true;
    return false;
  }
};

WarningLists::WarningLists() : impl_(std::make_unique<Impl>()) {}
WarningLists::~WarningLists() = default;

Status WarningLists::AddList(std::string_view json, std::string_view source) {
  auto bad = [&](std::string message, std::string field) {
    return InvalidArgument(fmt::format("warning list {}: {}", source, message), std::move(field));
  };
  const auto doc = nlohmann::json::parse(json, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return bad("not a JSON object", "");
  if (!doc.contains("name") || !doc["name"].is_string()) return bad("missing name", "name");
  if (!doc.contains("type") || !doc["type"].is_string()) return bad("missing type", "type");
  if (!doc.contains("list") || !doc["list"].is_array()) return bad("missing list", "list");
  Impl::List list;
  list.name = doc["name"].get<std::string>();
  list.source = std::string(source);
  const auto type = doc["type"].get<std::string>();
  if (type == "cidr") {
    list.type = ListType::kCidr;
  } else if (type == "hostname") {
    list.type = ListType::kHostname;
  } else if (type == "string") {
    list.type = ListType::kString;
  } else if (type == "substring") {
    list.type = ListType::kSubstring;
  } else if (type == "regex") {
    list.type = ListType::kRegex;
  } else {
    return bad(fmt::format("unknown type '{}'", type), "type");
  }
  if (doc.contains("matching_attributes")) {
    if (!doc["matching_attributes"].is_array())
      return bad("matching_attributes is not an array", "matching_attributes");
    for (const auto& a : doc["matching_attributes"])
      if (a.is_string()) list.matching_attributes.insert(a.get<std::string>());
  }
  // Parse every entry first: nothing is added when one fails.
  std::vector<std::string> keys;
  std::vector<int> lengths;
  std::vector<bool> v6;
  const auto& entries = doc["list"];
  for (size_t i = 0; i < entries.size(); ++i) {
    const auto field = fmt::format("list[{}]", i);
    if (!entries[i].is_string()) return bad("entry is not a string", field);
    const auto entry = entries[i].get<std::string>();
    switch (list.type) {
      case ListType::kCidr: {
        auto ip = ParseIpNetwork(entry);
        if (!ip.ok()) return bad(ip.status().message(), field);
        keys.push_back(ip->ToString());
        lengths.push_back(ip->prefix_length);
        v6.push_back(ip->v6);
        break;
      }
      case ListType::kHostname: {
        std::string_view host = entry;
        if (host.starts_with("*.")) host.remove_prefix(2);
        if (host.starts_with(".")) host.remove_prefix(1);
        auto name = NormaliseDomainName(host);
        if (!name.ok()) return bad(name.status().message(), field);
        keys.push_back(std::move(*name));
        break;
      }
      case ListType::kString:
        keys.push_back(ToLower(entry));
        break;
      case ListType::kSubstring:
      case ListType::kRegex:
        if (entry.empty()) return bad("empty pattern", field);
        keys.push_back(entry);
        break;
    }
  }
  auto& m = *impl_;
  const auto index = static_cast<std::uint32_t>(m.lists.size());
  list.entries = keys.size();
  for (size_t i = 0; i < keys.size(); ++i) {
    switch (list.type) {
      case ListType::kCidr:
        m.networks[keys[i]].push_back(index);
        (v6[i] ? m.v6_lengths[static_cast<size_t>(lengths[i])]
               : m.v4_lengths[static_cast<size_t>(lengths[i])]) = true;
        break;
      case ListType::kHostname:
        m.hostnames[keys[i]].push_back(index);
        break;
      case ListType::kString:
        m.strings[keys[i]].push_back(index);
        break;
      case ListType::kSubstring:
        m.specs.push_back({keys[i], true, true});
        m.spec_origin.emplace_back(index, i);
        break;
      case ListType::kRegex:
        m.specs.push_back(RegexSpec(keys[i]));
        m.spec_origin.emplace_back(index, i);
        break;
    }
  }
  m.lists.push_back(std::move(list));
  return Status::Ok();
}

std::vector<WarningListProblem> WarningLists::LoadDirectory(const std::string& dir) {
  std::vector<WarningListProblem> problems;
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const auto file = entry.path() / "list.json";
    if (std::filesystem::is_regular_file(file)) files.push_back(file);
  }
  if (ec) {
    problems.push_back({dir, NotFound(fmt::format("cannot read {}: {}", dir, ec.message()))});
    return problems;
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    if (auto s = AddList(buffer.str(), file.parent_path().filename().string()); !s.ok())
      problems.push_back({file.string(), s});
  }
  return problems;
}

std::vector<WarningListProblem> WarningLists::Compile() {
  auto& m = *impl_;
  std::vector<WarningListProblem> problems;
  for (const auto& r : m.database.Compile(m.specs)) {
    const auto [list, entry] = m.spec_origin[r.index];
    problems.push_back({m.lists[list].source,
                        InvalidArgument(fmt::format("warning list {}: pattern not supported: {}",
                                                    m.lists[list].source, r.message),
                                        fmt::format("list[{}]", entry))});
  }
  m.scratch = m.database.MakeScratch();
  return problems;
}

std::vector<std::string> WarningLists::Match(const Observable& value) const {
  const auto& m = *impl_;
  std::vector<bool> hit(m.lists.size(), false);
  auto mark = [&](const std::vector<std::uint32_t>& lists, ListType type) {
    for (auto l : lists)
      if (m.lists[l].type == type && m.Applies(m.lists[l], value.type)) hit[l] = true;
  };
  // cidr
  if (value.type == ObservableType::kIpv4 || value.type == ObservableType::kIpv6) {
    if (auto ip = ParseIpNetwork(value.value); ip.ok()) {
      const auto& used = ip->v6 ? std::vector<bool>(m.v6_lengths.begin(), m.v6_lengths.end())
                                : std::vector<bool>(m.v4_lengths.begin(), m.v4_lengths.end());
      for (int length = ip->prefix_length; length >= 0; --length) {
        if (!used[static_cast<size_t>(length)]) continue;
        if (auto it = m.networks.find(ip->Masked(length).ToString()); it != m.networks.end())
          mark(it->second, ListType::kCidr);
      }
    }
  }
  // hostname: the name (a URL's host, an e-mail's domain) and each parent domain
  std::string name;
  if (IsDomainName(value.type)) {
    name = value.value;
  } else if (value.type == ObservableType::kUrl) {
    name = UrlHost(value.value);
  } else if (value.type == ObservableType::kEmail) {
    name = value.value.substr(value.value.rfind('@') + 1);
  }
  for (std::string_view n = name; !n.empty();) {
    if (auto it = m.hostnames.find(std::string(n)); it != m.hostnames.end())
      for (auto l : it->second)
        if (m.Applies(m.lists[l], value.type)) hit[l] = true;
    const auto dot = n.find('.');
    if (dot == std::string_view::npos) break;
    n.remove_prefix(dot + 1);
  }
  // string
  if (auto it = m.strings.find(ToLower(value.value)); it != m.strings.end())
    mark(it->second, ListType::kString);
  // substring and regex
  if (!m.database.Empty()) {
    std::lock_guard lock(m.scratch_mutex);
    m.database.Scan(value.value, m.scratch.get(), [&](unsigned spec, unsigned long long) {
      const auto list = m.spec_origin[spec].first;
      if (m.Applies(m.lists[list], value.type)) hit[list] = true;
    });
  }
  std::vector<std::string> names;
  for (size_t i = 0; i < hit.size(); ++i)
    if (hit[i]) names.push_back(m.lists[i].name);
  return names;
}

std::size_t WarningLists::ListCount() const { return impl_->lists.size(); }

std::size_t WarningLists::EntryCount() const {
  size_t n = 0;
  for (const auto& l : impl_->lists) n += l.entries;
  return n;
}

}  // namespace issa::cyber
