#pragma once

#include <string>
#include <string_view>

#include "issa/core/time.h"

namespace issa::core {

// A new UUIDv7 (RFC 9562) in canonical lower-case form: time-ordered, globally unique without
// coordination, so nodes of different member states never collide. Thread-safe.
std::string NewUuidV7(Timestamp now_ms);

// True if `id` is a canonical lower-case UUID (any version).
bool IsUuid(std::string_view id);

}  // namespace issa::core
