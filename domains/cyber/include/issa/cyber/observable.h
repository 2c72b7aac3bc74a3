#pragma once

// Typed cyber observables (IP addresses and networks, domain names, URLs, e-mail addresses, file
// hashes, ...) and their normalisation, so that equal values written differently by different
// CERTs compare equal: lower-case host names in IDNA (punycode) form, URLs per RFC 3986 section 6,
// IPv6 in RFC 5952 canonical text, networks at their network address.
//
// Pure functions; thread-safe. Errors are kInvalidArgument naming the field "value".

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "issa/core/status.h"

namespace issa::cyber {

enum class ObservableType : std::uint8_t {
  kIpv4,         // 192.0.2.1 or 192.0.2.0/24
  kIpv6,         // 2001:db8::1 or 2001:db8::/32
  kDomain,       // example.org
  kHostname,     // www.example.org
  kUrl,          // http://www.example.org/path
  kEmail,        // user@example.org
  kMd5,          // 32 hex digits
  kSha1,         // 40 hex digits
  kSha256,       // 64 hex digits
  kSha512,       // 128 hex digits
  kSsdeep,       // blocksize:hash:hash
  kFilename,     // malware.exe
  kMutex,        // Global\\mutex-name
  kRegistryKey,  // HKLM\\Software\\...
  kAsn,          // AS64496
  kText,         // anything else: compared as written
};
inline constexpr int kObservableTypeCount = 16;

// Short stable names ("ipv4", "domain", "sha256", ...), used in NDJSON and on the command line.
std::string_view ObservableTypeName(ObservableType type);
std::optional<ObservableType> ParseObservableType(std::string_view name);

// True for md5/sha1/sha256/sha512/ssdeep.
bool IsFileHash(ObservableType type);
// True for domain and hostname (one name space: "example.org" as domain equals it as hostname).
bool IsDomainName(ObservableType type);

// An IPv4 or IPv6 address or network. IPv4 addresses sit in the first 4 bytes of `bytes`.
struct IpNetwork {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{};
  int prefix_length = 32;  // 32 (v4) or 128 (v6) for a single address

  int Width() const { return v6 ? 128 : 32; }
  bool IsSingleAddress() const { return prefix_length == Width(); }
  // True when `other` lies within this network (same family).
  bool Contains(const IpNetwork& other) const;
  // This network with the bits past `length` cleared.
  IpNetwork Masked(int length) const;
  // Canonical text: dotted quad or RFC 5952, with "/len" unless a single address.
  std::string ToString() const;
};

// Parses "192.0.2.1", "192.0.2.0/24", "2001:DB8:0::1", "2001:db8::/32" (host bits are cleared).
Result<IpNetwork> ParseIpNetwork(std::string_view text);

// Host name to lower-case ASCII (IDNA 2008 / UTS #46 punycode for non-ASCII labels), trailing dot
// removed; rejects empty labels, labels over 63 octets, names over 253 octets.
Result<std::string> NormaliseDomainName(std::string_view text);

// RFC 3986 section 6.2.2/6.2.3 normalisation: lower-case scheme and host (IDNA), default port
// dropped (http 80, https 443, ftp 21), percent-encodings upper-cased and unreserved characters
// decoded, dot segments removed, empty path of an http(s) URL becomes "/", fragment kept.
// A URL without a scheme ("www.example.org/x") is read as http.
Result<std::string> NormaliseUrl(std::string_view text);

// The host of a URL, normalised (a domain name or an IP address text); empty when none.
std::string UrlHost(std::string_view normalised_url);

// Normalises a value of the given type (see the functions above; hashes lower-case hex of the
// right length; e-mail with its domain part normalised; ASN as "AS<number>"; a registry key with
// its hive abbreviation written out (HKLM → HKEY_LOCAL_MACHINE, as STIX requires); filename,
// mutex, registry key and text otherwise kept as written, with surrounding white space trimmed).
Result<std::string> NormaliseObservable(ObservableType type, std::string_view value);

// A typed, normalised value.
struct Observable {
  ObservableType type = ObservableType::kText;
  std::string value;  // normalised

  friend bool operator==(const Observable&, const Observable&) = default;
};

// Normalises and pairs: the usual way to build an Observable from outside input.
Result<Observable> MakeObservable(ObservableType type, std::string_view value);

}  // namespace issa::cyber
