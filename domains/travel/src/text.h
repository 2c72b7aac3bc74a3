#pragma once

#include <string>
#include <string_view>
#include <vector>

// Small text helpers shared by the list parsers.
namespace issa::travel::detail {

std::string_view Trim(std::string_view s);
std::string Lower(std::string_view s);
bool StartsWithNoCase(std::string_view s, std::string_view prefix);
// Dominant script of a name ("Latin", "Arabic", "Cyrillic", "Greek", "Han", ...; "" when no
// letters). Invalid UTF-8 counts as no letter.
std::string ScriptOf(std::string_view utf8);
// Whether the text is valid UTF-8.
bool ValidUtf8(std::string_view text);
// Upper-case letters and digits only.
std::string NormaliseDocumentNumber(std::string_view text);
void AddUnique(std::vector<std::string>& values, std::string value);

}  // namespace issa::travel::detail
