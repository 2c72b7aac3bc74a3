#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "issa/core/status.h"

// The STIX 2.1 patterning language (STIX 2.1 part 9; grammar STIXPattern.g4 of
// oasis-open/cti-stix2-json-schemas): a hand-written lexer and recursive-descent parser that
// accepts exactly the grammar, plus the checks of the OASIS pattern validator (hash values of
// the known hash algorithms, no repeated qualifier of one kind on a simple observation).
// Pure functions; thread-safe.
namespace issa::cyber {

enum class PatternOperator {
  kEqual,
  kNotEqual,
  kLess,
  kLessEqual,
  kGreater,
  kGreaterEqual,
  kIn,
  kLike,
  kMatches,
  kIsSubset,
  kIsSuperset,
  kExists,
};

enum class LiteralKind { kNone, kInt, kFloat, kString, kBool, kBinary, kHex, kTimestamp, kSet };

// One comparison `object-type:path op value`, e.g. ipv4-addr:value = '198.51.100.1'.
struct PatternComparison {
  std::string object_type;  // "ipv4-addr"
  std::string path;         // "value", "hashes.'SHA-256'", "resolves_to_refs[*].value"
  PatternOperator op = PatternOperator::kEqual;
  bool negated = false;                   // NOT
  LiteralKind kind = LiteralKind::kNone;  // kNone for EXISTS
  std::vector<std::string> values;        // decoded (strings unescaped); several for IN
  size_t position = 0;                    // byte offset of the comparison in the pattern
};

struct PatternQualifiers {
  bool within = false;
  bool repeats = false;
  bool start_stop = false;
};

struct ParsedPattern {
  std::vector<PatternComparison> comparisons;  // in text order
  size_t observations = 0;                     // number of [...] observation expressions
  bool has_qualifiers = false;
};

// Parses and checks a pattern. InvalidArgument with field "pattern" and a message that starts
// with the byte offset of the error: "at 19: expected a literal, found 'cead3f77…'".
Result<ParsedPattern> ParsePattern(std::string_view pattern);

std::string_view ToString(PatternOperator op);

}  // namespace issa::cyber
