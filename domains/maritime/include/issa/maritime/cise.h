#pragma once

// CISE exchange: node records of type Vessel and Event (as incidents), with their location, to
// and from CISE 1.5.3 messages (data model 1.5.3, service model v1), validated against the
// CISE XSDs built into the program. See docs/formats/cise.md for the field mapping, the
// handling mapping and the validation order.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "issa/core/model.h"
#include "issa/core/status.h"
#include "issa/core/time.h"

namespace issa::maritime {

enum class CisePriority : uint8_t { kLow, kMedium, kHigh };

// A CISE service (Sender / Recipient of a message).
struct CiseService {
  std::string service_id;  // e.g. "it.ncc-node01.vessel.push.provider"; required
  // CISE ServiceType, e.g. "VesselService"; empty: VesselService when the payload's first
  // entity is a vessel, IncidentService otherwise.
  std::string service_type;
};

struct CiseExportOptions {
  std::string message_id;          // empty: a new UUIDv7
  std::string correlation_id;      // empty: the message id
  core::Timestamp created_at = 0;  // CreationDateTime; 0: the system clock
  CisePriority priority = CisePriority::kLow;
  bool requires_ack = false;
  CiseService sender;                    // required
  std::optional<CiseService> recipient;  // none: a push to unnamed recipients
  bool is_personal_data = false;         // the payload's IsPersonalData
};

// The payload label derived from ISSA handling (docs/formats/cise.md, "Handling").
struct CiseLabel {
  std::string security_level;  // InformationSecurityLevel, e.g. "EURestricted"
  std::string sensitivity;     // InformationSensitivity (TLP colour), e.g. "Amber"
  std::string purpose;         // Purpose, e.g. "BorderMonitoring"
};

// The label for one record's handling; records exported together get the most restrictive.
CiseLabel CiseLabelFor(const core::Handling& handling);

// The ISSA classification for a CISE InformationSecurityLevel ("NonClassified", "EURestricted",
// ...); `sensitivity` decides between PUBLIC (White) and LIMITED for NonClassified. EUSecret and
// EUTopSecret are above what the node may hold: InvalidArgument.
Result<core::Classification> ClassificationForCise(std::string_view security_level,
                                                   std::string_view sensitivity);

struct CiseExport {
  std::string xml;  // the message, already validated against the XSDs
  uint64_t vessels = 0;
  uint64_t incidents = 0;
  // Properties that CISE cannot carry, e.g. "records[0].properties.vessel_type: 'reefer' has no
  // CISE ShipType".
  std::vector<std::string> notes;
};

struct CiseImportOptions {
  // Handling given to every imported record. Its classification is raised, never lowered, to
  // the level the message carries, and delete_after is brought forward to the payload's
  // RetentionPeriod.
  core::Handling handling;
  size_t max_message_bytes = 16 << 20;
  size_t max_entities = 10000;
};

// One imported entity: a create request in the node's record JSON form
// (docs/formats/record-json.md).
struct CiseImportedRecord {
  std::string entity;     // the CISE element, e.g. "Vessel", "IrregularMigrationIncident"
  std::string cise_uuid;  // its Identifier/UUID, empty when it has none
  std::string record_json;
};

struct CiseImportResult {
  std::string message_type;  // "Push", "PullResponse", "PullRequest", ...
  std::string message_id;
  std::string correlation_id;
  std::string sender_service_id;
  CiseLabel label;  // the payload header as sent (empty when there is no payload)
  std::vector<CiseImportedRecord> records;
  // Payload entities of other kinds (validated, not imported), by element name.
  std::map<std::string, uint64_t> unsupported;
  uint64_t unsupported_total = 0;
  // Values that the node's schemas cannot hold and that were left out, each naming the field,
  // e.g. "Payload/Vessel[2]/IMONumber: 123 is not a 7-digit IMO number".
  std::vector<std::string> notes;
};

// Exports and imports CISE messages. Create() compiles the CISE XSDs once (a few hundred ms) into
// a locked grammar pool; every later validation reuses it.
//
// Thread-safety: all const methods may be called concurrently on one codec; the XML parsing and
// validation inside them take turns (Xerces-C raced under concurrent validation against one
// grammar pool). The XML library is initialised once per
// process on first use and stays initialised until exit.
//
// Errors: InvalidArgument with the offending element as field (an XPath-like path such as
// "Push/Payload/Vessel[1]/MMSI", or "records[2].properties.imo" on export) and, for XSD and
// syntax errors, the line and column in the message; Internal if the built-in XSDs fail to load.
class CiseCodec {
 public:
  static Result<std::unique_ptr<CiseCodec>> Create();
  ~CiseCodec();
  CiseCodec(const CiseCodec&) = delete;
  CiseCodec& operator=(const CiseCodec&) = delete;

  // Builds a Push message with an XmlEntityPayload holding one Vessel per Vessel record and one
  // Incident (or Incident subtype, after the category) per Event record. Location records are
  // used through the links of the others: each linked Location becomes a LocationRel. Records
  // of other types are refused. The result is validated before it is returned.
  Result<CiseExport> Export(std::span<const core::Record> records,
                            const CiseExportOptions& options) const;

  // Validates a message: the envelope (payload entities removed) against message.xsd first,
  // then each payload entity on its own against EntitySchema.xsd. DTDs are refused.
  Status Validate(std::string_view xml) const;

  // Validates (as above) and maps every Vessel and Incident entity to a record JSON create
  // request for the node's CreateRecord.
  Result<CiseImportResult> Import(std::string_view xml, const CiseImportOptions& options) const;

 private:
  struct Impl;
  explicit CiseCodec(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace issa::maritime
