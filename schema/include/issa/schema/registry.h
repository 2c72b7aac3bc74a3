#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "issa/core/model.h"
#include "issa/core/status.h"

// The schema registry and the record codec: record types are JSON Schemas (a documented subset
// of draft 2020-12, see docs/formats/record-json.md) loaded at start; every record written is
// parsed and validated here, and errors name the field ("properties.birth_date").
namespace issa::schema {

class TypeSchema;

// Immutable after loading; thread-safe for concurrent use.
class Registry {
 public:
  // The schemas built into the program (data/schemas at build time).
  static Result<std::shared_ptr<const Registry>> LoadBuiltin();
  // Every *.json file of a folder; InvalidArgument naming the file and keyword on a bad schema.
  static Result<std::shared_ptr<const Registry>> LoadDir(const std::string& dir);
  // From (file name, JSON text) pairs.
  static Result<std::shared_ptr<const Registry>> Load(
      const std::vector<std::pair<std::string, std::string>>& files);

  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  std::vector<std::string> Types() const;
  bool Has(std::string_view type) const;
  Result<std::string> SchemaText(std::string_view type) const;
  // The record key of a type's properties ("x-key"), empty when the type has none.
  std::string KeyOf(std::string_view type, const nlohmann::json& properties) const;
  // The property the type's schema names with "x-key"; empty for none.
  std::string KeyProperty(std::string_view type) const;
  // Property names marked "x-personal": removed when a record is depersonalised.
  std::vector<std::string> PersonalProperties(std::string_view type) const;
  // Whether the type's schema says "x-retention": "mask": at depersonalisation its personal
  // properties are sealed (recoverable by an approved re-personalisation), not erased.
  bool MasksOnRetention(std::string_view type) const;
  // Whether a record of the type with these properties is masked: the type masks, or its schema
  // says {"x-retention": {"mask_when": {"<property>": [values]}}} and the record's property
  // holds one of the values (Document: "source" pnr or api).
  bool MasksOnRetention(std::string_view type, std::string_view properties_json) const;

  // Validates a properties object; returns its canonical compact form and the search text (the
  // values of properties marked "x-search"). Field names are prefixed "properties.".
  struct ValidProperties {
    std::string json;
    std::string search_text;
    std::string key;  // the "x-key" property's value, empty for none
  };
  Result<ValidProperties> ValidateProperties(std::string_view type,
                                             std::string_view properties_json) const;

  // The compiled schema of a type (opaque outside this module), or null.
  const TypeSchema* FindType(std::string_view type) const;

  // The built-in schema files, for `issa init` to write into a data folder.
  static const std::vector<std::pair<std::string, std::string>>& BuiltinFiles();

 private:
  Registry();
  friend class RegistryBuilder;
  std::map<std::string, std::unique_ptr<TypeSchema>, std::less<>> types_;
  std::map<std::string, std::string, std::less<>> texts_;
};

// A record as submitted (create) or as it results from a patch, parsed and validated.
struct RecordDraft {
  std::string type;
  std::string properties_json;
  std::string search_text;
  // The record key: the value of the property the type's schema names with "x-key" (exact
  // lookups, RecordQuery::key); empty when it names none.
  std::string key;
  std::string geometry_json;  // canonical, empty for none
  std::optional<core::BBox> bbox;
  std::vector<core::Link> links;
  core::Handling handling;
  std::optional<core::Timestamp> valid_from;
  std::optional<core::Timestamp> valid_to;
};

// Parses the JSON form of a new record:
//   {"type":"Person","properties":{…},"geometry":null|GeoJSON,"links":[{"rel","target"}],
//    "valid_from":"…","valid_to":"…",
//    "handling":{"classification":"LIMITED","distribution":"owner|authorities|group|all",
//                "authorities":[…],"group":"…","purposes":[…],"delete_after":"…",
//                "depersonalise_after":"…","hit_notice":true}}
// Unknown members are rejected. InvalidArgument names the field.
Result<RecordDraft> ParseRecord(const Registry& registry, std::string_view json);

// A record built in-process by a service that holds its properties parsed already (the cti
// service's STIX objects): `properties` is validated against the type's schema as in
// ParseRecord, and `properties_json`, the caller's canonical text of `properties` (compact,
// keys sorted, as nlohmann's dump() writes it), is kept as given instead of re-serialised. The
// handling gets ParseRecord's checks. InvalidArgument names the field.
Result<RecordDraft> DraftFromParsed(const Registry& registry, std::string_view type,
                                    const nlohmann::json& properties, std::string properties_json,
                                    core::Handling handling);

// The JSON form of a handling, as ParseRecord reads it.
std::string HandlingToJson(const core::Handling& handling);

// Applies a JSON merge patch (RFC 7396) of the same members (except "type") to a current record.
Result<RecordDraft> ApplyPatch(const Registry& registry, const core::Record& current,
                               std::string_view patch_json);

// Validates GeoJSON geometry (Point, MultiPoint, LineString, MultiLineString, Polygon,
// MultiPolygon, GeometryCollection) with WGS 84 ranges and closed rings; returns its bbox.
Result<core::BBox> GeometryBBox(std::string_view geometry_json);

// The JSON form of a record. Grants are included only when `include_grants` (the owner).
std::string RecordToJson(const core::Record& record, bool include_grants);

// Checks that text is valid UTF-8 (no overlongs, no surrogates). Returns the offset of the first
// bad byte, or nullopt.
std::optional<size_t> FindInvalidUtf8(std::string_view text);

}  // namespace issa::schema
