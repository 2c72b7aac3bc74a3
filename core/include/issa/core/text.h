#pragma once

// Checks on outside text done before handing it to a parser.

#include <string_view>

namespace issa::core {

// Whether JSON text nests arrays and objects deeper than `limit` (brackets inside string
// literals do not count). Lets a reader refuse hostile input before a recursive parser or
// destructor sees it. Stops scanning at the first level past `limit`. Thread-safe, pure.
bool JsonNestsDeeperThan(std::string_view text, int limit);

}  // namespace issa::core
