#pragma once

// Whole-file reads for inputs named on a command line or in a configuration file.

#include <cstddef>
#include <string>

#include "issa/core/status.h"

namespace issa::core {

// The bytes of the file at `path`. NotFound when it does not exist, InvalidArgument when it is
// not a regular file or is larger than `max_bytes`, Unavailable when it cannot be read; each
// names the path. Thread-safe.
Result<std::string> ReadFile(const std::string& path, size_t max_bytes = size_t{4} << 30);

}  // namespace issa::core
