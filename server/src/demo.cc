// The demo scenario: a newcomer sees in a minute what "no more silos" means.
#include <fmt/format.h>

#include "issa/core/ids.h"
#include "issa/eurosur/service.h"
#include "issa/piu/service.h"
#include "issa/server/data_dir.h"

namespace issa::server {
namespace {

struct AuthoritySpec {
  const char* id;
  const char* country;
  core::AuthorityKind kind;
  const char* name;
  bool border_agency = false;  // the Agency of EUROSUR (eu-agency and border)
};

// Simplified sea and land border sections of Italy and Greece, drawn for ISSA from general
// geography (not the official EUROSUR sections; see tests/data/maritime/SOURCES.md).
constexpr std::string_view kItalianSections =
    R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"IT-SEA-PELAGIE","member_state":"IT","kind":"sea","name":"Pelagie Islands (Lampedusa, Linosa) sea border","neighbouring_country":"TN"},"geometry":{"type":"Polygon","coordinates":[[[11.8,35.2],[13.2,35.2],[13.2,36.0],[12.4,36.0],[11.8,35.7],[11.8,35.2]]]}},{"type":"Feature","properties":{"id":"IT-SEA-SICILY-S","member_state":"IT","kind":"sea","name":"Strait of Sicily, south coast of Sicily"},"geometry":{"type":"Polygon","coordinates":[[[12.4,36.0],[13.2,36.0],[15.1,36.5],[15.3,36.7],[12.4,37.6],[12.4,36.0]]]}}]})";
constexpr std::string_view kGreekSections =
    R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"GR-SEA-LESVOS","member_state":"GR","kind":"sea","name":"North-eastern Aegean, Lesvos","neighbouring_country":"TR"},"geometry":{"type":"Polygon","coordinates":[[[25.8,38.9],[26.7,38.9],[26.7,39.5],[26.2,39.5],[25.8,39.3],[25.8,38.9]]]}},{"type":"Feature","properties":{"id":"GR-LAND-EVROS","member_state":"GR","kind":"land","name":"Evros river","neighbouring_country":"TR"},"geometry":{"type":"Polygon","coordinates":[[[26.0,40.8],[26.2,40.8],[26.65,41.35],[26.7,41.75],[26.5,41.75],[26.0,40.8]]]}}]})";

constexpr AuthoritySpec kAuthorities[] = {
    {"IT-NCC", "IT", core::AuthorityKind::kBorder,
     "Italian National Coordination Centre (EUROSUR)"},
    {"GR-NCC", "GR", core::AuthorityKind::kBorder,
     "Hellenic Coast Guard National Coordination Centre"},
    {"FR-PIU", "FR", core::AuthorityKind::kPiu, "French Passenger Information Unit"},
    {"DE-BKA", "DE", core::AuthorityKind::kPolice, "Bundeskriminalamt"},
    {"NL-FIU", "NL", core::AuthorityKind::kFiu, "Financial Intelligence Unit Netherlands"},
    {"EU-FRONTEX", "EU", core::AuthorityKind::kEuAgency, "European Border and Coast Guard Agency",
     true},
    {"EU-EUROPOL", "EU", core::AuthorityKind::kEuAgency,
     "European Union Agency for Law Enforcement Cooperation"},
};

}  // namespace

// FR-PIU's passenger data: a real PNRGOV 10.1 push (test resource `gtas-loader/pnr1.txt` of
// US-CBP/GTAS, GTAS License; see tests/data/travel/SOURCES.md; its stale UNT segment count
// corrected from 135 to 86, as node ingestion checks envelopes strictly), and a SIS II-style alert
// list in the native format (invented: a stolen-passport alert on the first traveller's document),
// so that the PIU's review queue opens with a real document hit waiting for a person's decision.
constexpr std::string_view kDemoPnr = R"PNR(UNB+IATA:1+DL++101209:2100+020A07'
UNH+1+PNRGOV:10:1:IA+F6C2C268'
MSG+:22'
ORG+DL:ATL+52519950'
TVL+121210:0915+LHR+JFK+DL+324' 
EQN+2' 
SRC' 
RCI+DL:MFN4TI'
SSR+AVML:HK:2:DL'
DAT+700:061210:1010+710:061210:1200'
IFT+4:28::DL+THIS PASSENGER IS A VIP'
IFT+4:28::DL+CTCR 00115555555555'
ORG+DL:ATL+52519950:LON+++A+GB:GBP+D050517' 
ADD++702:45 HIGH
STREET:SLOUGH:BERKSHIRE::GB:SL1AA:00441753637285'
EBD+GBP:40.00+4::N' 
TIF+SMITHJR+JOHNMR:A:1' 
FTI+DL:1234567890:::ELITE'
IFT+4:15:9+LHR DL X/JFK DL YVR GBP/IT END ROE0.618831
XT3.10AY6 8.50YQ3.40+YC4.30XY3.10XA2.80XFATL4.5'
REF+:38739393AN8739P'
FAR+N+++++MIL24' 
SSR+DOCS:HK::DL:::::/P/GBR/123456789/GBR/12JUL64/M/23AUG19/SMITHJ
R/MRJONATHON/ROBERT'
TKT+0062120234533:T:1'
MON+B:2888.00:GBP+T:2957.94:GBP'
PTK+NR++061210:1010+DL+006+LON'
TXD++3.10:::AY6+8.50:::YQ+3.40:::YC+4.30:::XY+3.10:::XA+2.80:::XF'
DAT+710:061210:1200'
FOP+CC:::VI:XXXXXXXX1186:0211'
IFT+4:43+TIMOTHY SIMS+2234 MAIN STREET ATLANTA, GA 30067+770
5632891'

TIF+JONES+WILLIAMMR:A:2' 
FTI+AF:0093789865:::ELITE'
IFT+4:15:9+ LHR DL X/JFK DL YVR GBP/IT END ROE0.618831
XT3.10AY6 8.50YQ3.40+YC4.30XY3.10XA2.80XFATL4.5'
REF+:38739393AN8780P'
FAR+A+++++YN324N' 
SSR+DOCS:HK::DL:::::////GBR/12JUL64/M//JONES/WILLIAMNEVELL'
TKT+0062120234534:T:1'
MON+B:2888.00:GBP+T:2957.94:GBP'
PTK+NR++061210:1010+DL+006+LON'
TXD++3.10:::AY6+8.50:::YQ+3.40:::YC+4.30:::XY+3.10:::XA+2.80:::XF'
DAT+710:081210:1200'
FOP+CC:::VI:XXXXXXXX1186:0211'
IFT+4:43+TIMOTHY SIMS+2234 MAIN STREET ATLANTA, GA 30067+770
5632891'
TVL+121210:0915::1230+LHR+JFK+DL+324:B' 
APD+767'
SSR+SEAT:HK:2:DL:::LHR:JFK+15A::1+15B::2' 
DAT+2:111210:0915'
TRI++108:::1' 
TIF+SMITHJR+JOHNMR:A:1' 
SSD+15A++++Y'
TVL+121210:2200::2330+JFK+YVR+DL+330:B' 
RPI+2+HK'
APD+767'
SSR+SEAT:HK:2:DL:::JFK:YVR+15E::1+15F::2' 
EQN+1'
RCI+DL:ABCDEF'
MSG+8' 
TVL+121210:1500:151210+YVR:VANCOUVER ARMS++VN+67576:ROH' 
ABI+1+:LHRRR+LON++DL' 
DAT+ZT:071210:1010'
SAC+++X'
TVL+101210:0915::1230+LHR+JFK+DL+324:B' 
RPI+2+K'
SAC+++X'
SSR+AVML:HK:2:DL' 
SAC+++X'
SSR+SEAT:HK:2:DL:::LHR:JFK+15A::1+15B::2' 
SAC+++X'
TVL+101210:2200::2330+JFK+YVR+DL+330:B' 
RPI+2+K'
SAC+++X'
SSR+AVML:HK:2:DL' 
SAC+++X'
SSR+SEAT:HK:2:DL:::JFK:YVR+15E::1+15F::2' 
SAC+++A'
TVL+121210:0915::1230+LHR+JFK+DL+324:B' 
RPI+2+K'
SAC+++A'
SSR+AVML:HK:2:DL' 
SAC+++A'
SSR+SEAT:HK:2:DL:::LHR:JFK+15A::1+15B::2' 
SAC+++A'
TVL+121210:2200::2330+JFK+YVR+DL+330:B' 
RPI+2+K'
SAC+++A'
SSR+AVML:HK:2:DL' 
SAC+++A'
SSR+SEAT:HK:2:DL:::JFK:YVR+15E::1+15F::2'
UNT+86+1'
UNZ+1+020A07'
)PNR";
constexpr std::string_view kDemoAlerts = R"({"format":"issa-alerts/1","list":"sis-demo",
  "issuing_authority":"NL-KMAR","alerts":[{"id":"NL-2026-DEMO-1","category":"stolen-document",
  "action":"Seize the document; hold the bearer for identification","expiry":"2030-01-01",
  "document":{"type":"passport","number":"123456789","country":"GB"}}]})";

Result<std::vector<DemoToken>> SeedDemo(node::Node& node) {
  const node::Context system = SystemContext();
  const core::Timestamp now = node.clock().Now();
  for (const auto& a : kAuthorities) {
    core::Authority authority{a.id, a.country, {a.kind}, a.name, 0};
    if (a.border_agency) authority.kinds.push_back(core::AuthorityKind::kBorder);
    ISSA_RETURN_IF_ERROR(node.AddAuthority(system, authority));
  }
  std::vector<DemoToken> tokens;
  const auto token = [&](const char* authority, core::Role role,
                         core::Classification clearance) -> Status {
    ISSA_ASSIGN_OR_RETURN(auto t, node.CreateToken(system, authority, role, clearance, ""));
    tokens.push_back({authority, std::string(core::ToString(role)),
                      std::string(core::ToString(clearance)), t.token});
    return Status::Ok();
  };
  using core::Classification;
  using core::Role;
  ISSA_RETURN_IF_ERROR(token("IT-NCC", Role::kOfficer, Classification::kRestricted));
  ISSA_RETURN_IF_ERROR(token("GR-NCC", Role::kOfficer, Classification::kRestricted));
  ISSA_RETURN_IF_ERROR(token("FR-PIU", Role::kAnalyst, Classification::kRestricted));
  ISSA_RETURN_IF_ERROR(token("DE-BKA", Role::kOfficer, Classification::kConfidential));
  ISSA_RETURN_IF_ERROR(token("NL-FIU", Role::kOfficer, Classification::kConfidential));
  ISSA_RETURN_IF_ERROR(token("EU-FRONTEX", Role::kAnalyst, Classification::kRestricted));
  ISSA_RETURN_IF_ERROR(token("EU-FRONTEX", Role::kOfficer, Classification::kRestricted));
  ISSA_RETURN_IF_ERROR(token("EU-EUROPOL", Role::kAnalyst, Classification::kConfidential));
  ISSA_RETURN_IF_ERROR(token("IT-NCC", Role::kDpo, Classification::kConfidential));

  const auto as = [&](const char* authority) { return OperatorContext(node, authority); };
  const auto create = [&](const char* authority, const std::string& json) -> Result<std::string> {
    ISSA_ASSIGN_OR_RETURN(const node::Context ctx, as(authority));
    return node.CreateRecord(ctx, json);
  };

  // A Joint Investigation Team on a people-smuggling network, valid for six months.
  ISSA_ASSIGN_OR_RETURN(const node::Context bka, as("DE-BKA"));
  ISSA_ASSIGN_OR_RETURN(
      const core::SharingGroup jit,
      node.CreateGroup(bka, fmt::format(R"({{"name":"JIT AURORA - DE, FR and Europol","kind":"jit",
          "members":["DE-BKA","FR-PIU","EU-EUROPOL"],"valid_from":"{}","valid_to":"{}"}})",
                                        core::FormatTimestamp(now - 30 * core::kMsPerDay),
                                        core::FormatTimestamp(now + 150 * core::kMsPerDay))));

  // Border surveillance: the same vessel seen by two coordination centres.
  ISSA_RETURN_IF_ERROR(create("IT-NCC", R"({"type":"Vessel","properties":{"name":"AURORA STAR",
      "imo":"9321483","mmsi":"247123456","flag":"IT","vessel_type":"fishing","length_m":24},
      "geometry":{"type":"Point","coordinates":[12.61,35.52]},
      "handling":{"classification":"LIMITED","distribution":"all","purposes":["border"]}})"));
  ISSA_RETURN_IF_ERROR(create("GR-NCC", R"({"type":"Vessel","properties":{"name":"Aurora Star",
      "imo":"9321483","flag":"TG","call_sign":"5VAS2"},
      "geometry":{"type":"Point","coordinates":[26.55,39.10]},
      "handling":{"classification":"LIMITED","distribution":"authorities","authorities":["EU-FRONTEX"],"purposes":["border"]}})"));
  ISSA_RETURN_IF_ERROR(create(
      "IT-NCC",
      R"({"type":"Location","properties":{"name":"Port of Lampedusa","kind":"port","country":"IT","unlocode":"ITLMP"},
      "geometry":{"type":"Point","coordinates":[12.6056,35.4986]},
      "handling":{"classification":"PUBLIC","distribution":"all","purposes":["border","crime"]}})"));
  ISSA_RETURN_IF_ERROR(
      create("EU-FRONTEX",
             R"({"type":"Report","properties":{"title":"Central Mediterranean weekly situation",
      "report_type":"situation","body":"Departures from Libya up 12 % week on week; two SAR events.",
      "period_start":"2026-11-16T00:00:00Z","period_end":"2026-11-22T23:59:59Z"},
      "geometry":{"type":"Polygon","coordinates":[[[10,32],[16,32],[16,38],[10,38],[10,32]]]},
      "handling":{"classification":"RESTRICTED","distribution":"all","purposes":["border"]}})"));

  // Two silos hold the same person: a PNR hit and a police file (Cyrillic, day and month
  // swapped). Neither sees the other's record; both are told of the hit.
  ISSA_RETURN_IF_ERROR(create("FR-PIU", R"({"type":"Person","properties":{"name":"Ivan PETROV",
      "birth_date":"1970-01-02","nationality":"RU","document_numbers":["75 4812093"]},
      "handling":{"classification":"LIMITED","distribution":"owner","purposes":["crime"]}})"));
  ISSA_RETURN_IF_ERROR(create("DE-BKA", R"({"type":"Person","properties":{"name":"Иван Петров",
      "birth_date":"1970-02-01","nationality":"RU","notes":"Suspected organiser of crossings, central Mediterranean route."},
      "handling":{"classification":"RESTRICTED","distribution":"owner","purposes":["crime","terrorism"]}})"));
  ISSA_RETURN_IF_ERROR(create(
      "DE-BKA", fmt::format(R"({{"type":"Organisation","properties":{{"name":"Aurora Shipping Ltd",
      "registration_number":"HE 412345","country":"CY"}},
      "handling":{{"classification":"RESTRICTED","distribution":"group","group":"{}","purposes":["crime"]}}}})",
                            jit.id)));
  // Money: the FIU and the police hold the same account.
  ISSA_RETURN_IF_ERROR(
      create("NL-FIU", R"({"type":"Account","properties":{"iban":"NL91ABNA0417164300",
      "bic":"ABNANL2A","holder_name":"Petrov Ivan","institution":"ABN AMRO","country":"NL","currency":"EUR"},
      "handling":{"classification":"CONFIDENTIAL","distribution":"owner","purposes":["crime","terrorism"]}})"));
  ISSA_RETURN_IF_ERROR(
      create("DE-BKA", R"({"type":"Account","properties":{"iban":"NL91 ABNA 0417 1643 00",
      "holder_name":"I. Petrov"},
      "handling":{"classification":"RESTRICTED","distribution":"group","group":")" +
                           jit.id + R"(","purposes":["crime"]}})"));
  ISSA_RETURN_IF_ERROR(
      create("EU-EUROPOL",
             R"({"type":"Alert","properties":{"title":"Facilitation network using fishing vessels",
      "severity":"severe","category":"migrant-smuggling","action":"Report sightings of AURORA STAR (IMO 9321483) to your NCC."},
      "handling":{"classification":"LIMITED","distribution":"all","purposes":["border","crime"]}})"));

  // EUROSUR: the NCCs' border sections, and Italy's proposal to raise the Pelagie section to
  // high, waiting for the Agency to attribute it.
  eurosur::EurosurService eurosur(node);
  ISSA_ASSIGN_OR_RETURN(node::Context it_ncc, as("IT-NCC"));
  ISSA_ASSIGN_OR_RETURN(node::Context gr_ncc, as("GR-NCC"));
  it_ncc.principal.role = gr_ncc.principal.role = core::Role::kOfficer;  // duty officers act
  ISSA_RETURN_IF_ERROR(eurosur.ImportSections(it_ncc, kItalianSections).status());
  ISSA_RETURN_IF_ERROR(eurosur.ImportSections(gr_ncc, kGreekSections).status());
  ISSA_RETURN_IF_ERROR(
      eurosur
          .ProposeLevel(it_ncc, "IT-SEA-PELAGIE",
                        R"({"level":"high","reason":"Departures from Libya up 12 % week on week"})")
          .status());
  // Event reports of the NCCs (events layer), each in its section.
  ISSA_RETURN_IF_ERROR(
      eurosur
          .ReportEvent(it_ncc, fmt::format(R"({{"title":"Overcrowded boat south of Lampedusa",
      "category":"unauthorised_border_crossing",
      "description":"About 60 persons on a 10 m wooden boat heading north.",
      "lat":35.30,"lon":12.55,"occurred_at":{},"confidence":"high","impact":"high",
      "handling":{{"classification":"LIMITED","distribution":"all","purposes":["border"]}}}})",
                                           now - 6 * 3'600'000))
          .status());
  ISSA_RETURN_IF_ERROR(
      eurosur
          .ReportEvent(gr_ncc, fmt::format(R"({{"title":"Search and rescue north of Lesvos",
      "category":"search_and_rescue",
      "description":"Dinghy in distress, 25 persons.",
      "lat":39.45,"lon":26.30,"occurred_at":{},"confidence":"high","impact":"medium",
      "handling":{{"classification":"LIMITED","distribution":"all","purposes":["border"]}}}})",
                                           now - 20 * 3'600'000))
          .status());

  // FR-PIU: the alert list is loaded and the PNR push ingested; every traveller is screened and
  // the document hit waits in the review queue (issue 5, item 5).
  ISSA_ASSIGN_OR_RETURN(node::Context piu_analyst, as("FR-PIU"));
  piu_analyst.principal.role = Role::kAnalyst;
  piu_analyst.principal.user_id = "demo:FR-PIU analyst";
  piu::PiuService piu(node);
  ISSA_RETURN_IF_ERROR(
      piu.LoadListText(piu_analyst, "alerts-json", "", kDemoAlerts, "2026-11-23").status());
  ISSA_RETURN_IF_ERROR(piu.IngestPassengerData(piu_analyst, kDemoPnr).status());
  return tokens;
}

}  // namespace issa::server
