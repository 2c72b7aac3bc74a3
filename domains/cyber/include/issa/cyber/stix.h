#pragma once

#include <cstddef>
#include <functional>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "issa/core/status.h"
#include "issa/cyber/pattern.h"
#include "issa/cyber/tlp.h"

// STIX 2.1 objects: validation against the OASIS STIX 2.1 JSON schemas (built into the library
// from data/stix21), pattern checks for indicators, deterministic ids of cyber observables, and
// bundle reading. See docs/cyber.md and docs/adr/0012-stix-taxii.md.
namespace issa::cyber {

// The UUIDv5 namespace of STIX cyber-observable ids (STIX 2.1 §2.9).
inline constexpr std::string_view kStixScoNamespace = "00abedb4-aa42-466c-9c01-fed23315a9b7";

// A valid STIX object, as it will be stored.
struct StixObject {
  std::string id;            // e.g. "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"
  std::string type;          // e.g. "indicator"
  std::string spec_version;  // "2.1"
  std::string created;       // empty for cyber observables
  std::string modified;      // empty for cyber observables and marking definitions
  // The version: modified, else created, else empty (observables have one version).
  std::string version;
  bool observable = false;                // a cyber-observable object (SCO)
  std::string json;                       // canonical compact JSON (sorted keys) of the object
  nlohmann::json value;                   // the same object, parsed (json is value.dump())
  std::vector<std::string> marking_refs;  // object_marking_refs
  std::vector<std::string> refs;          // every id in *_ref / *_refs properties
  Tlp tlp = Tlp::kNone;                   // from object_marking_refs
  std::string original_id;  // the id as submitted when it was replaced by the deterministic one
  // An indicator's STIX pattern (pattern_type "stix") as the validator parsed it, so that a
  // caller need not parse it again; absent for other objects and pattern languages.
  std::optional<ParsedPattern> pattern;
};

// Validates against the STIX 2.1 schemas. Immutable after construction; thread-safe.
class StixValidator {
 public:
  // Loads the built-in schemas (data/stix21). Internal if they do not compile (a build error).
  static Result<std::shared_ptr<const StixValidator>> Builtin();
  ~StixValidator();
  StixValidator(const StixValidator&) = delete;
  StixValidator& operator=(const StixValidator&) = delete;

  // Validates one object (JSON text). InvalidArgument's field is the property path inside the
  // object ("pattern", "kill_chain_phases[0].phase_name"), its message starts with the object
  // id when known. Cyber observables get their deterministic id (replacing a submitted one
  // that differs; the submitted one is kept in original_id). Indicators with pattern_type
  // "stix" have their pattern parsed. An object refering to itself, or with a ref that is not
  // a STIX identifier, is refused.
  Result<StixObject> Validate(std::string_view object_json) const;

  struct Impl;

 private:
  explicit StixValidator(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// One object of a bundle: its index, the id as submitted (may be empty), and the validated
// object or the error.
struct BundleItem {
  size_t index = 0;
  std::string submitted_id;
  Result<StixObject> object = Status(StatusCode::kInternal, "unset");
};

struct BundleLimits {
  size_t max_bytes = size_t{256} << 20;  // larger bundles are refused (ResourceExhausted)
  size_t max_objects = 1'000'000;
  size_t max_object_bytes = 1 << 20;
};

// Reads a STIX bundle ({"type":"bundle","id":…,"objects":[…]}) or a TAXII envelope
// ({"objects":[…]}) from a stream, object by object (the whole text is never held as a parsed
// tree; each object is parsed on its own), and calls `visit` with each validated object or its
// error; `visit` returns false to stop. Deterministic observable ids replace submitted ones,
// and later refs in the bundle to a replaced id are rewritten. Cycles of parent/containment
// refs among the bundle's observables are refused (each object on the cycle fails). Errors of
// the bundle itself (not JSON, not a bundle, too large) are returned; per-object errors go to
// `visit`.
Status ReadBundle(const StixValidator& validator, std::istream& in, const BundleLimits& limits,
                  const std::function<bool(BundleItem&)>& visit);
// The same, all items at once (in bundle order), for a caller that keeps them all anyway.
Result<std::vector<BundleItem>> ReadBundleItems(const StixValidator& validator, std::istream& in,
                                                const BundleLimits& limits);

// The deterministic id of a cyber observable (type plus the JSON object): UUIDv5 in the STIX
// namespace over the canonical JSON of its id-contributing properties (STIX 2.1 §2.9 and each
// type's "ID Contributing Properties"). nullopt for a type without contributing properties or
// when none is present.
std::optional<std::string> DeterministicObservableId(std::string_view type,
                                                     std::string_view object_json);

// UUIDv5 (RFC 4122 §4.3, SHA-1) of `name` in `namespace_uuid` (text form).
std::string UuidV5(std::string_view namespace_uuid, std::string_view name);

// Whether `id` is a STIX identifier "<type>--<UUID>".
bool IsStixId(std::string_view id);

// Whether `type` is one of the STIX 2.1 cyber-observable types.
bool IsObservableType(std::string_view type);

}  // namespace issa::cyber
