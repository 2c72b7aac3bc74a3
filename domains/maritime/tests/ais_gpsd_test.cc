// Field-by-field comparison with gpsd: each real sample in tests/data/maritime is decoded and
// rendered, and every field gpsdecode printed (tests/data/maritime/<file>.gpsd.json, generated
// once with the real tool, see SOURCES.md there) must be equal.
#include <cctype>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "issa/maritime/ais.h"
#include "issa/maritime/ais_json.h"

namespace issa::maritime {
namespace {

using nlohmann::json;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<json> ReadGpsd(const std::string& path) {
  std::vector<json> out;
  std::istringstream in(ReadFile(path));
  std::string line;
  while (std::getline(in, line)) {
    json j = json::parse(line);
    if (j.value("class", "") == "AIS") out.push_back(std::move(j));
  }
  return out;
}

std::vector<json> DecodeFile(const std::string& path, bool scaled, AisStats* stats = nullptr) {
  std::vector<json> out;
  AisDecoder decoder;
  GpsdJsonOptions options;
  options.scaled = scaled;
  std::string buf;
  const std::string bytes = ReadFile(path);
  auto on_message = [&](const AisMessage& m) {
    buf.clear();
    AppendGpsdJson(m, options, buf);
    out.push_back(json::parse(buf));
  };
  // Feed in odd-sized chunks so lines are cut across buffer boundaries.
  for (size_t i = 0; i < bytes.size(); i += 97) {
    decoder.Feed(std::string_view(bytes).substr(i, 97), on_message);
  }
  decoder.Finish(on_message);
  if (stats != nullptr) *stats = decoder.stats();
  return out;
}

struct Agreement {
  size_t gpsd_messages = 0;
  size_t matched = 0;
  size_t fields = 0;
  size_t equal = 0;
  size_t subtype_only_gpsd = 0;  // type 6/8 whose DAC/FI gpsd decodes (ISSA keeps raw data)
  std::vector<std::string> diffs;
};

// Pairs each gpsd message with the next ISSA message of the same type and MMSI (within a small
// window: either side may have dropped a message the other decoded) and compares gpsd's fields.
Agreement Compare(const std::vector<json>& gpsd, const std::vector<json>& ours) {
  Agreement a;
  size_t i = 0;
  for (const json& g : gpsd) {
    ++a.gpsd_messages;
    size_t k = i;
    for (; k < ours.size() && k < i + 8; ++k) {
      if (ours[k]["type"] == g["type"] && ours[k]["mmsi"] == g["mmsi"]) break;
    }
    if (k >= ours.size() || k >= i + 8) {
      if (a.diffs.size() < 20) a.diffs.push_back("not decoded by issa: " + g.dump());
      continue;
    }
    i = k + 1;
    const json& o = ours[k];
    const int type = g["type"].get<int>();
    if ((type == 6 || type == 8) && !g.contains("data")) {
      ++a.subtype_only_gpsd;
      continue;
    }
    ++a.matched;
    for (const auto& [key, value] : g.items()) {
      if (key == "device") continue;
      // gpsd 3.22 prints 0 for the type 26 communication state; ISSA reads the 20 bits.
      if (type == 26 && key == "radio") continue;
      // gpsd copies the name of an earlier part A into a part B; ISSA writes each part alone.
      if (type == 24 && key == "shipname" && o.value("part", "") == "B") continue;
      ++a.fields;
      if (o.contains(key) && o[key] == value) {
        ++a.equal;
      } else if (a.diffs.size() < 20) {
        a.diffs.push_back("type " + std::to_string(type) + " mmsi " + g["mmsi"].dump() + " " + key +
                          ": gpsd " + value.dump() + " issa " +
                          (o.contains(key) ? o[key].dump() : "<missing>"));
      }
    }
  }
  return a;
}

std::string Data(const std::string& name) {
  return std::string(ISSA_MARITIME_TEST_DATA) + "/" + name;
}

struct Case {
  const char* file;
  double min_matched;  // share of gpsd's messages ISSA also decodes
};

class GpsdAgreement : public ::testing::TestWithParam<Case> {};

TEST_P(GpsdAgreement, EveryGpsdFieldIsEqual) {
  const Case c = GetParam();
  const auto gpsd = ReadGpsd(Data(std::string(c.file) + ".gpsd.json"));
  const auto ours = DecodeFile(Data(c.file), /*scaled=*/true);
  const Agreement a = Compare(gpsd, ours);
  std::string diffs;
  for (const auto& d : a.diffs) diffs += "\n  " + d;
  EXPECT_EQ(a.equal, a.fields) << c.file << ": " << a.fields - a.equal << " of " << a.fields
                               << " fields differ" << diffs;
  EXPECT_GE(static_cast<double>(a.matched + a.subtype_only_gpsd),
            c.min_matched * static_cast<double>(a.gpsd_messages))
      << c.file << ": matched " << a.matched << " of " << a.gpsd_messages;
}

INSTANTIATE_TEST_SUITE_P(
    RealSamples, GpsdAgreement,
    ::testing::Values(Case{"gpsd-sample.aivdm", 1.0}, Case{"gpsd-ais-18-27.log", 1.0},
                      Case{"dma-ais250.txt", 1.0}, Case{"dma-stream_example.head300.txt", 1.0},
                      Case{"amsa-exact-earth-augmented-2.head600.txt", 1.0},
                      Case{"amsa-ais.head1500.txt", 1.0}, Case{"libais-tagblock.nmea", 1.0},
                      Case{"libais-test.aivdm", 1.0}, Case{"gfw-multi-part.nmea", 1.0},
                      Case{"gfw-errors.nmea", 1.0}, Case{"gfw-type1-bad-bitcount.nmea", 1.0}),
    [](const ::testing::TestParamInfo<Case>& param_info) {
      std::string name = param_info.param.file;
      for (char& ch : name) {
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
      }
      return name;
    });

TEST(GpsdAgreementUnscaled, SampleFieldsAreEqual) {
  const auto gpsd = ReadGpsd(Data("gpsd-sample.aivdm.gpsd-u.json"));
  const auto ours = DecodeFile(Data("gpsd-sample.aivdm"), /*scaled=*/false);
  const Agreement a = Compare(gpsd, ours);
  std::string diffs;
  for (const auto& d : a.diffs) diffs += "\n  " + d;
  EXPECT_EQ(a.equal, a.fields) << diffs;
  EXPECT_GT(a.matched, 80U);
}

// gpsd's sample covers every message type 1-27.
TEST(GpsdSample, DecodesEveryType) {
  const auto ours = DecodeFile(Data("gpsd-sample.aivdm"), /*scaled=*/true);
  std::vector<bool> seen(28, false);
  for (const auto& j : ours) seen[j["type"].get<size_t>()] = true;
  for (size_t t = 1; t <= 27; ++t) EXPECT_TRUE(seen[t]) << "type " << t;
}

}  // namespace
}  // namespace issa::maritime
