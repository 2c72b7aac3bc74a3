#pragma once

#include <string_view>

namespace issa::cyber::detail {

// Whether text is a BCP 47 language tag (the pattern of the CSAF schema's lang_t) whose primary
// language subtag, when of two letters, is an ISO 639-1 code (CSAF 2.0 test 6.1.12).
bool IsKnownLanguageTag(std::string_view tag);

}  // namespace issa::cyber::detail
