#pragma once

// IOC scanning of text logs (web proxy, DNS query, firewall, mail) against indicators.
//
// Each line is tokenised once: IPv4/IPv6 addresses (with ":port" cut), domain and host names
// (looked up with each parent domain), URLs (scheme and host lower-cased, default port dropped;
// the URL's host looked up as a name too), e-mail addresses (and their domain), MD5/SHA-1/SHA-256/
// SHA-512 hex strings. Each token is probed in one hash table of the indicators' normalised
// values, behind a bit-array prefilter. Substring and regular-expression indicators (and atomic
// values of types a token cannot carry: file names, mutexes, registry keys, text) go into one
// Hyperscan database that scans whole chunks of lines at once.
// Bytes that are not printable ASCII separate tokens: binary lines and invalid UTF-8 are scanned
// without error and counted.
//
// Thread-safety: Add/Compile need exclusive access; Scan* may run concurrently after Compile.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "issa/core/status.h"
#include "issa/core/time.h"
#include "issa/cyber/observable.h"

namespace issa::cyber {

enum class IndicatorMatch : std::uint8_t { kExact, kSubstring, kRegex };

struct ScanIndicator {
  std::string id;  // STIX indicator id, MISP attribute uuid, ...
  ObservableType type = ObservableType::kText;
  std::string value;  // atomic value; or the substring / regular expression
  IndicatorMatch match = IndicatorMatch::kExact;
};

// One indicator seen in one log file: the sighting to emit.
struct IocSighting {
  std::string indicator_id;
  std::string value;  // the indicator's value
  std::string log_file;
  std::uint64_t first_line = 0;  // 1-based
  std::uint64_t last_line = 0;
  std::uint64_t count = 0;  // lines that matched
  // From the lines' own timestamps (squid epoch, ISO 8601, BIND, Apache), when they have one.
  std::optional<core::Timestamp> first_seen;
  std::optional<core::Timestamp> last_seen;
};

struct ScanSummary {
  std::uint64_t bytes = 0;
  std::uint64_t lines = 0;
  std::uint64_t binary_lines = 0;  // lines with control bytes or invalid UTF-8
  std::uint64_t matched_lines = 0;
};

struct ScanProblem {
  std::string indicator_id;
  Status status;
};

class IocScanner {
 public:
  IocScanner();
  ~IocScanner();
  IocScanner(const IocScanner&) = delete;
  IocScanner& operator=(const IocScanner&) = delete;

  // Errors: kInvalidArgument naming "id" or "value" (a value that does not normalise for its
  // type, an empty pattern).
  Status Add(const ScanIndicator& indicator);
  // Builds the prefilter and the Hyperscan database; patterns Hyperscan rejects are dropped and
  // returned. Call once after the last Add.
  std::vector<ScanProblem> Compile();

  std::size_t AtomicCount() const;
  std::size_t PatternCount() const;
  // Bytes of the compiled Hyperscan database (0 without patterns).
  std::size_t PatternBytes() const;

  // Scans `text` (lines separated by '\n') as the log `log_name`; appends one sighting per
  // indicator that matched.
  ScanSummary ScanText(std::string_view text, std::string_view log_name,
                       std::vector<IocSighting>& sightings) const;
  // Memory-maps and scans a file. Errors: kNotFound / kUnavailable naming the file.
  Result<ScanSummary> ScanFile(const std::string& path, std::vector<IocSighting>& sightings) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The tokens of one log line as (type, normalised value), in order, parent domains included;
// what the scanner probes. For tests and fuzzing.
void ExtractLogObservables(std::string_view line,
                           const std::function<void(ObservableType, std::string_view)>& on_token);

// One sighting as an NDJSON line (no trailing newline):
// {"indicator":…,"value":…,"log":…,"line":…,"last_line":…,"count":…,"first_seen":…,"last_seen":…}
std::string SightingNdjson(const IocSighting& sighting);

namespace detail {
// Tests only: the reference tokenizer: classify line bytes without SIMD, walk every field instead
// of the marker bytes and classify each token byte by byte, to compare with the fast path. Not
// thread-safe; set before scanning.
void UseScalarLineClassifier(bool scalar);
// Tests only: the fast path with the portable (non-SIMD) line classifier, as on a CPU without
// AVX2. Not thread-safe; set before scanning.
void UsePortableLineClassifier(bool portable);
// Tests only: when false the scanner builds and probes every URL, as if every host were the host
// of a URL indicator (the reference for the host filter). Not thread-safe; set before scanning.
void UseUrlHostFilter(bool filter);
}  // namespace detail

}  // namespace issa::cyber
