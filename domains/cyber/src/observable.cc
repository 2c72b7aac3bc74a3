#include "issa/cyber/observable.h"

#include <algorithm>
#include <cstring>
#include <string>

#include <arpa/inet.h>
#include <fmt/format.h>
#include <unicode/uidna.h>

namespace issa::cyber {
namespace {

// A registry key with its hive written out (HKLM\\Software\\… → HKEY_LOCAL_MACHINE\\Software\\…):
// STIX 2.1 forbids the abbreviations in windows-registry-key `key`, and both spellings name the
// same key. The rest of the key is kept as written.
std::string FullHiveKey(std::string_view key) {
  static constexpr std::pair<std::string_view, std::string_view> kHives[] = {
      {"hklm", "HKEY_LOCAL_MACHINE"},
      {"hkcu", "HKEY_CURRENT_USER"},
      {"hkcr", "HKEY_CLASSES_ROOT"},
      {"hkcc", "HKEY_CURRENT_CONFIG"},
      {"hku", "HKEY_USERS"}};
  const size_t end = std::min(key.find('\\'), key.size());
  std::string hive(key.substr(0, end));
  std::transform(hive.begin(), hive.end(), hive.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const auto& [abbreviation, full] : kHives) {
    if (hive == abbreviation) return std::string(full) + std::string(key.substr(end));
  }
  return std::string(key);
}

constexpr std::array<std::string_view, kObservableTypeCount> kTypeNames = {
    "ipv4",   "ipv6",   "domain", "hostname", "url",   "email",        "md5", "sha1",
    "sha256", "sha512", "ssdeep", "filename", "mutex", "registry-key", "asn", "text"};

std::string_view Trim(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
    s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Lower(c);
  return out;
}

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

bool IsUnreserved(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

Status BadValue(std::string message) { return InvalidArgument(std::move(message), "value"); }

Result<std::string> IdnaToAscii(std::string_view name) {
  UErrorCode error = U_ZERO_ERROR;
  UIDNA* idna = uidna_openUTS46(UIDNA_NONTRANSITIONAL_TO_ASCII, &error);
  if (U_FAILURE(error)) return Internal("ICU IDNA is not available");
  std::string out(name.size() * 4 + 64, '\0');
  UIDNAInfo info = UIDNA_INFO_INITIALIZER;
  const int32_t length =
      uidna_nameToASCII_UTF8(idna, name.data(), static_cast<int32_t>(name.size()), out.data(),
                             static_cast<int32_t>(out.size()), &info, &error);
  uidna_close(idna);
  if (U_FAILURE(error) || (info.errors & ~(UIDNA_ERROR_HYPHEN_3_4)) != 0 || length <= 0)
    return BadValue(fmt::format("not a valid internationalised domain name: '{}'", name));
  out.resize(static_cast<size_t>(length));
  return out;
}

// Percent-encoding normalisation of a URL component (RFC 3986 6.2.2.1/6.2.2.2): hex digits
// upper-cased, encoded unreserved characters decoded, bytes that may not appear literally encoded.
void AppendPercentNormalised(std::string_view s, bool keep_slash, std::string& out) {
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '%' && i + 2 < s.size() && IsHex(s[i + 1]) && IsHex(s[i + 2])) {
      const auto decoded = static_cast<unsigned char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2]));
      if (IsUnreserved(decoded)) {
        out.push_back(static_cast<char>(decoded));
      } else {
        out.push_back('%');
        out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(s[i + 1]))));
        out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(s[i + 2]))));
      }
      i += 2;
    } else if (c <= 0x20 || c >= 0x7f || c == '"' || c == '<' || c == '>' || c == '\\' ||
               c == '^' || c == '`' || c == '{' || c == '|' || c == '}' ||
               (c == '/' && !keep_slash)) {
      out += fmt::format("%{:02X}", c);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
}

// RFC 3986 5.2.4.
std::string RemoveDotSegments(std::string_view in) {
  std::string out;
  while (!in.empty()) {
    if (in.starts_with("../")) {
      in.remove_prefix(3);
    } else if (in.starts_with("./")) {
      in.remove_prefix(2);
    } else if (in.starts_with("/./")) {
      in.remove_prefix(2);
    } else if (in == "/.") {
      in = "/";
    } else if (in.starts_with("/../") || in == "/..") {
      in = in.size() == 3 ? std::string_view("/") : in.substr(3);
      const auto slash = out.rfind('/');
      out.resize(slash == std::string::npos ? 0 : slash);
    } else if (in == "." || in == "..") {
      in = {};
    } else {
      const size_t start = in.front() == '/' ? 1 : 0;
      const size_t next = in.find('/', start);
      const size_t take = next == std::string_view::npos ? in.size() : next;
      out.append(in.substr(0, take));
      in.remove_prefix(take);
    }
  }
  return out;
}

std::string_view DefaultPort(std::string_view scheme) {
  if (scheme == "http" || scheme == "ws") return "80";
  if (scheme == "https" || scheme == "wss") return "443";
  if (scheme == "ftp") return "21";
  return {};
}

Result<std::string> NormaliseHash(std::string_view value, size_t hex_length,
                                  std::string_view name) {
  if (value.size() != hex_length || !std::all_of(value.begin(), value.end(), IsHex))
    return BadValue(fmt::format("a {} hash is {} hexadecimal digits", name, hex_length));
  return ToLower(value);
}

}  // namespace

std::string_view ObservableTypeName(ObservableType type) {
  return kTypeNames[static_cast<size_t>(type)];
}

std::optional<ObservableType> ParseObservableType(std::string_view name) {
  for (size_t i = 0; i < kTypeNames.size(); ++i)
    if (kTypeNames[i] == name) return static_cast<ObservableType>(i);
  return std::nullopt;
}

bool IsFileHash(ObservableType type) {
  return type == ObservableType::kMd5 || type == ObservableType::kSha1 ||
         type == ObservableType::kSha256 || type == ObservableType::kSha512 ||
         type == ObservableType::kSsdeep;
}

bool IsDomainName(ObservableType type) {
  return type == ObservableType::kDomain || type == ObservableType::kHostname;
}

bool IpNetwork::Contains(const IpNetwork& other) const {
  if (v6 != other.v6 || other.prefix_length < prefix_length) return false;
  return other.Masked(prefix_length).bytes == bytes;
}

IpNetwork IpNetwork::Masked(int length) const {
  IpNetwork out = *this;
  out.prefix_length = length;
  for (int i = 0; i < 16; ++i) {
    const int bit = i * 8;
    if (bit >= length) {
      out.bytes[static_cast<size_t>(i)] = 0;
    } else if (bit + 8 > length) {
      out.bytes[static_cast<size_t>(i)] &= static_cast<std::uint8_t>(0xff << (8 - (length - bit)));
    }
  }
  return out;
}

std::string IpNetwork::ToString() const {
  std::string out;
  if (!v6) {
    out = fmt::format("{}.{}.{}.{}", bytes[0], bytes[1], bytes[2], bytes[3]);
  } else {
    // RFC 5952: lower-case hex, no leading zeros, the longest run (>= 2) of zero groups as "::".
    std::array<unsigned, 8> groups{};
    for (size_t i = 0; i < 8; ++i) groups[i] = (bytes[2 * i] << 8u) | bytes[2 * i + 1];
    int best_start = -1;
    int best_length = 0;
    for (int i = 0; i < 8;) {
      if (groups[static_cast<size_t>(i)] != 0) {
        ++i;
        continue;
      }
      int j = i;
      while (j < 8 && groups[static_cast<size_t>(j)] == 0) ++j;
      if (j - i > best_length && j - i >= 2) {
        best_start = i;
        best_length = j - i;
      }
      i = j;
    }
    for (int i = 0; i < 8; ++i) {
      if (i == best_start) {
        out += "::";
        i += best_length - 1;
        continue;
      }
      if (!out.empty() && out.back() != ':') out.push_back(':');
      out += fmt::format("{:x}", groups[static_cast<size_t>(i)]);
    }
  }
  if (!IsSingleAddress()) out += fmt::format("/{}", prefix_length);
  return out;
}

Result<IpNetwork> ParseIpNetwork(std::string_view text) {
  text = Trim(text);
  IpNetwork network;
  std::string_view address = text;
  std::optional<int> prefix;
  if (const auto slash = text.find('/'); slash != std::string_view::npos) {
    address = text.substr(0, slash);
    const auto digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3 ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return BadValue(fmt::format("bad network prefix length in '{}'", text));
    prefix = std::stoi(std::string(digits));
  }
  if (address.empty() || address.size() > 45)
    return BadValue(fmt::format("not an IP address: '{}'", text));
  char buffer[64];
  std::memcpy(buffer, address.data(), address.size());
  buffer[address.size()] = '\0';
  if (address.find(':') != std::string_view::npos) {
    network.v6 = true;
    if (inet_pton(AF_INET6, buffer, network.bytes.data()) != 1)
      return BadValue(fmt::format("not an IPv6 address: '{}'", text));
  } else if (inet_pton(AF_INET, buffer, network.bytes.data()) != 1) {
    return BadValue(fmt::format("not an IPv4 address: '{}'", text));
  }
  const int width = network.Width();
  if (prefix && *prefix > width)
    return BadValue(fmt::format("prefix length {} exceeds {} bits in '{}'", *prefix, width, text));
  return network.Masked(prefix.value_or(width));
}

Result<std::string> NormaliseDomainName(std::string_view text) {
  text = Trim(text);
  if (!text.empty() && text.back() == '.') text.remove_suffix(1);
  if (text.empty()) return BadValue("empty domain name");
  std::string name;
  if (std::any_of(text.begin(), text.end(),
                  [](char c) { return static_cast<unsigned char>(c) >= 0x80; })) {
    ISSA_ASSIGN_OR_RETURN(name, IdnaToAscii(text));
  } else {
    name = ToLower(text);
  }
  if (name.size() > 253) return BadValue("domain name longer than 253 octets");
  size_t label = 0;
  for (size_t i = 0; i <= name.size(); ++i) {
    if (i == name.size() || name[i] == '.') {
      if (label == 0) return BadValue(fmt::format("empty label in domain name '{}'", text));
      if (label > 63) return BadValue(fmt::format("label longer than 63 octets in '{}'", text));
      label = 0;
      continue;
    }
    const char c = name[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
      return BadValue(fmt::format("character '{}' not allowed in domain name '{}'", c, text));
    ++label;
  }
  return name;
}

Result<std::string> NormaliseUrl(std::string_view text) {
  text = Trim(text);
  if (text.empty()) return BadValue("empty URL");
  std::string scheme = "http";
  std::string_view rest = text;
  if (const auto colon = text.find("://");
      colon != std::string_view::npos && text.find_first_of("/?#") > colon) {
    scheme = ToLower(text.substr(0, colon));
    rest = text.substr(colon + 3);
    if (scheme.empty() || !std::all_of(scheme.begin(), scheme.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '-' ||
                 c == '.';
        }))
      return BadValue(fmt::format("bad URL scheme in '{}'", text));
  }
  const auto authority_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, authority_end);
  std::string_view tail =
      authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
  std::string out = scheme + "://";
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    AppendPercentNormalised(authority.substr(0, at), true, out);
    out.push_back('@');
    authority.remove_prefix(at + 1);
  }
  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return BadValue(fmt::format("unclosed '[' in '{}'", text));
    host = authority.substr(1, close - 1);
    const auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return BadValue(fmt::format("bad authority in '{}'", text));
      port = after.substr(1);
    }
    ISSA_ASSIGN_OR_RETURN(auto ip, ParseIpNetwork(host));
    if (!ip.v6 || !ip.IsSingleAddress())
      return BadValue(fmt::format("bad IPv6 literal in '{}'", text));
    out += "[" + ip.ToString() + "]";
  } else {
    if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
    }
    if (host.empty()) return BadValue(fmt::format("URL without a host: '{}'", text));
    if (auto ip = ParseIpNetwork(host); ip.ok() && !ip->v6 && ip->IsSingleAddress()) {
      out += ip->ToString();
    } else {
      ISSA_ASSIGN_OR_RETURN(auto name, NormaliseDomainName(host));
      out += name;
    }
  }
  if (!port.empty()) {
    if (port.size() > 5 ||
        !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return BadValue(fmt::format("bad port in '{}'", text));
    const auto number = std::stoi(std::string(port));
    if (number > 65535) return BadValue(fmt::format("port out of range in '{}'", text));
    if (std::to_string(number) != DefaultPort(scheme)) out += fmt::format(":{}", number);
  }
  const auto query_at = tail.find_first_of("?#");
  std::string path;
  AppendPercentNormalised(tail.substr(0, query_at), true, path);
  path = RemoveDotSegments(path);
  if (path.empty()) path = "/";
  out += path;
  if (query_at != std::string_view::npos) {
    const auto query_tail = tail.substr(query_at);
    const auto hash = query_tail.find('#');
    if (query_tail.front() == '?') {
      out.push_back('?');
      AppendPercentNormalised(
          query_tail.substr(1, hash == std::string_view::npos ? hash : hash - 1), true, out);
    }
    if (hash != std::string_view::npos) {
      out.push_back('#');
      AppendPercentNormalised(query_tail.substr(hash + 1), true, out);
    }
  }
  return out;
}

std::string UrlHost(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return {};
  auto rest = url.substr(scheme_end + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (const auto at = rest.rfind('@'); at != std::string_view::npos) rest.remove_prefix(at + 1);
  if (!rest.empty() && rest.front() == '[') {
    const auto close = rest.find(']');
    return close == std::string_view::npos ? std::string() : std::string(rest.substr(1, close - 1));
  }
  if (const auto colon = rest.rfind(':'); colon != std::string_view::npos)
    rest = rest.substr(0, colon);
  return std::string(rest);
}

Result<std::string> NormaliseObservable(ObservableType type, std::string_view value) {
  value = Trim(value);
  if (value.empty()) return BadValue("empty value");
  switch (type) {
    case ObservableType::kIpv4:
    case ObservableType::kIpv6: {
      ISSA_ASSIGN_OR_RETURN(auto ip, ParseIpNetwork(value));
      if (ip.v6 != (type == ObservableType::kIpv6))
        return BadValue(fmt::format("'{}' is not an {} value", value, ObservableTypeName(type)));
      return ip.ToString();
    }
    case ObservableType::kDomain:
    case ObservableType::kHostname:
      return NormaliseDomainName(value);
    case ObservableType::kUrl:
      return NormaliseUrl(value);
    case ObservableType::kEmail: {
      const auto at = value.rfind('@');
      if (at == std::string_view::npos || at == 0)
        return BadValue(fmt::format("not an e-mail address: '{}'", value));
      ISSA_ASSIGN_OR_RETURN(auto domain, NormaliseDomainName(value.substr(at + 1)));
      return ToLower(value.substr(0, at)) + "@" + domain;
    }
    case ObservableType::kMd5:
      return NormaliseHash(value, 32, "MD5");
    case ObservableType::kSha1:
      return NormaliseHash(value, 40, "SHA-1");
    case ObservableType::kSha256:
      return NormaliseHash(value, 64, "SHA-256");
    case ObservableType::kSha512:
      return NormaliseHash(value, 128, "SHA-512");
    case ObservableType::kSsdeep: {
      const auto first = value.find(':');
      const auto second = first == std::string_view::npos ? first : value.find(':', first + 1);
      if (first == 0 || second == std::string_view::npos ||
          !std::all_of(value.begin(), value.begin() + static_cast<long>(first),
                       [](char c) { return c >= '0' && c <= '9'; }))
        return BadValue("an ssdeep hash is blocksize:hash:hash");
      return std::string(value);
    }
    case ObservableType::kAsn: {
      auto digits = value;
      if (digits.size() > 2 && Lower(digits[0]) == 'a' && Lower(digits[1]) == 's')
        digits.remove_prefix(2);
      if (digits.empty() || digits.size() > 10 ||
          !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return BadValue(fmt::format("not an AS number: '{}'", value));
      const auto number = std::stoull(std::string(digits));
      if (number > 0xffffffffULL)
        return BadValue(fmt::format("AS number out of range: '{}'", value));
      return fmt::format("AS{}", number);
    }
    case ObservableType::kRegistryKey:
      return FullHiveKey(value);
    case ObservableType::kFilename:
    case ObservableType::kMutex:
    case ObservableType::kText:
      return std::string(value);
  }
  return BadValue("unknown observable type");
}

Result<Observable> MakeObservable(ObservableType type, std::string_view value) {
  ISSA_ASSIGN_OR_RETURN(auto normalised, NormaliseObservable(type, value));
  return Observable{type, std::move(normalised)};
}

}  // namespace issa::cyber
