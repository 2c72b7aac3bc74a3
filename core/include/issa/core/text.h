#pragma once

// Checks on outside text done before handing it to a parser, and escaping of text written into
// markup.

#include <string>
#include <string_view>

namespace issa::core {

// Whether JSON text nests arrays and objects deeper than `limit` (brackets inside string
// literals do not count). Lets a reader refuse hostile input before a recursive parser or
// destructor sees it. Stops scanning at the first level past `limit`. Thread-safe, pure.
bool JsonNestsDeeperThan(std::string_view text, int limit);

// Appends `text` escaped for XML and HTML character data and attribute values: & < > " ' as
// entities, CR as &#13; (so it survives attribute normalisation), and the other C0 control
// characters except tab and line feed dropped (XML 1.0 does not allow them). Pure.
void AppendMarkupEscaped(std::string& out, std::string_view text);

// Appends `text` as a JSON string literal, escaped byte for byte as nlohmann::json's dump()
// escapes it (", \\, \b \f \n \r \t, other C0 controls as \u00XX, nothing else; UTF-8
// left as is). `text` must be valid UTF-8: a caller with outside text checks it first. Pure.
void AppendJsonString(std::string& out, std::string_view text);

}  // namespace issa::core
