#include "issa/cyber/tlp.h"

#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace issa::cyber {
namespace {

// The OASIS marking definitions (TLP 1.0 from the STIX spec, TLP 2.0 from the extension)
// map to their levels, and back for 2.0.
TEST(TlpTest, OasisMarkingDefinitions) {
  std::ifstream in(std::string(ISSA_CYBER_TEST_DATA) +
                   "/tlp-1.0-and-2.0-marking-definitions.bundle.json");
  std::stringstream ss;
  ss << in.rdbuf();
  const auto bundle = nlohmann::json::parse(ss.str());
  int seen = 0;
  for (const auto& m : bundle["objects"]) {
    std::string level;
    if (m.contains("definition")) {
      level = m["definition"]["tlp"];
    } else {
      level =
          m["extensions"]["extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"]["tlp_2_0"];
    }
    Result<Tlp> want = ParseTlp(level);
    ASSERT_TRUE(want.ok()) << level;
    EXPECT_EQ(TlpOfMarking(m["id"].get<std::string>()), *want) << m["id"];
    if (!m.contains("definition")) {
      EXPECT_EQ(TlpMarkingId(*want), m["id"].get<std::string>());
    }
    ++seen;
  }
  EXPECT_EQ(seen, 9);
  EXPECT_EQ(TlpOfMarking("marking-definition--00000000-0000-4000-8000-000000000000"), Tlp::kNone);
}

TEST(TlpTest, StrictestWins) {
  const std::vector<std::string> refs = {std::string(TlpMarkingId(Tlp::kGreen)),
                                         std::string(TlpMarkingId(Tlp::kRed)),
                                         std::string(TlpMarkingId(Tlp::kClear))};
  EXPECT_EQ(StrictestTlp(refs), Tlp::kRed);
}

TEST(TlpTest, HandlingPerLevel) {
  TlpTarget own{.owner = "NL-CERT", .group = "", .recipients = {"DE-CERT", "NL-CERT"}};
  auto h = HandlingForTlp(Tlp::kClear, own);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->classification, core::Classification::kPublic);
  EXPECT_EQ(h->distribution, core::Distribution::kAll);
  h = HandlingForTlp(Tlp::kGreen, own);
  EXPECT_EQ(h->distribution, core::Distribution::kAll);
  EXPECT_EQ(h->classification, core::Classification::kLimited);
  h = HandlingForTlp(Tlp::kRed, own);
  EXPECT_EQ(h->distribution, core::Distribution::kAuthorities);
  EXPECT_EQ(h->authorities, std::vector<std::string>{"DE-CERT"});  // the owner is not repeated
  EXPECT_EQ(h->classification, core::Classification::kRestricted);
  EXPECT_FALSE(h->hit_notice);
  h = HandlingForTlp(Tlp::kAmberStrict, TlpTarget{.owner = "NL-CERT"});
  EXPECT_EQ(h->distribution, core::Distribution::kOwner);
  h = HandlingForTlp(Tlp::kNone, TlpTarget{.owner = "NL-CERT"});
  EXPECT_EQ(h->distribution, core::Distribution::kOwner);  // unmarked = AMBER, no recipients
  TlpTarget group{.owner = "NL-CERT", .group = "g1"};
  h = HandlingForTlp(Tlp::kAmber, group);
  EXPECT_EQ(h->distribution, core::Distribution::kGroup);
  EXPECT_EQ(h->group, "g1");
  h = HandlingForTlp(Tlp::kRed, group);
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.status().field(), "object_marking_refs");
  EXPECT_EQ(HandlingForTlp(Tlp::kGreen, own)->purposes,
            static_cast<core::PurposeSet>(core::Purpose::kCyber) |
                static_cast<core::PurposeSet>(core::Purpose::kCrime));
}

// Reading a handling back as TLP never loosens what HandlingForTlp wrote.
TEST(TlpTest, HandlingReadsBackNoLooserThanWritten) {
  const TlpTarget alone{.owner = "NL-CERT"};
  const TlpTarget named{.owner = "NL-CERT", .group = "", .recipients = {"DE-CERT"}};
  for (const Tlp tlp : {Tlp::kClear, Tlp::kGreen, Tlp::kAmber, Tlp::kAmberStrict, Tlp::kRed}) {
    for (const TlpTarget& target : {alone, named}) {
      const auto h = HandlingForTlp(tlp, target);
      ASSERT_TRUE(h.ok());
      const Tlp back = TlpOfHandling(*h);
      EXPECT_GE(static_cast<int>(back), static_cast<int>(tlp)) << ToString(tlp);
    }
  }
  EXPECT_EQ(TlpOfHandling(*HandlingForTlp(Tlp::kClear, alone)), Tlp::kClear);
  EXPECT_EQ(TlpOfHandling(*HandlingForTlp(Tlp::kGreen, alone)), Tlp::kGreen);
  EXPECT_EQ(TlpOfHandling(*HandlingForTlp(Tlp::kAmber, named)), Tlp::kAmber);
  EXPECT_EQ(TlpOfHandling(*HandlingForTlp(Tlp::kAmber, alone)), Tlp::kAmberStrict);
  EXPECT_EQ(TlpOfHandling(*HandlingForTlp(Tlp::kRed, named)), Tlp::kRed);
  // CLEAR shared into a group stays with the group: AMBER when read back.
  EXPECT_EQ(TlpOfHandling(*HandlingForTlp(Tlp::kClear, {.owner = "NL-CERT", .group = "g1"})),
            Tlp::kAmber);
  EXPECT_EQ(TlpLabel(Tlp::kAmberStrict), "AMBER+STRICT");
  EXPECT_EQ(TlpLabel(Tlp::kNone), "");
}

}  // namespace
}  // namespace issa::cyber
