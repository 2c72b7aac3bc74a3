#pragma once

#include <cstdio>

#include "issa/core/status.h"

namespace issa::cli {

// Prints the error on stderr; returns the exit code: 2 for bad input, 1 otherwise.
inline int Report(const Status& s) {
  std::fprintf(stderr, "issa: %s\n", s.ToString().c_str());
  return s.code() == StatusCode::kInvalidArgument ? 2 : 1;
}

}  // namespace issa::cli
