#pragma once

#include <fstream>
#include <sstream>
#include <string>

namespace issa::travel::testing {

// A real sample of tests/data/travel (see SOURCES.md there).
inline std::string ReadSample(const std::string& relative) {
  std::ifstream in(std::string(ISSA_TRAVEL_TEST_DATA) + "/" + relative, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace issa::travel::testing
