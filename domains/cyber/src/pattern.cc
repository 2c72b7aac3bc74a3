#include "issa/cyber/pattern.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include <fmt/format.h>

// Lexer and recursive-descent parser for STIXPattern.g4. The grammar's left-recursive rules
// become loops; operator precedence is FOLLOWEDBY < OR < AND for observations and OR < AND for
// comparisons, as in the grammar.
namespace issa::cyber {
namespace {

enum class Tok {
  kEnd,
  kLBrack,
  kRBrack,
  kLParen,
  kRParen,
  kColon,
  kDot,
  kComma,
  kAsterisk,
  kEq,
  kNeq,
  kLt,
  kLe,
  kGt,
  kGe,
  kIntPos,
  kIntNeg,
  kFloatPos,
  kFloatNeg,
  kString,
  kHex,
  kBinary,
  kTimestamp,
  kBool,
  kIdent,  // with or without hyphens; `hyphen` tells
  kKeyword,
  kInvalid,
};

struct Token {
  Tok tok = Tok::kEnd;
  size_t pos = 0;
  std::string_view text;
  bool hyphen = false;
};

constexpr std::string_view kKeywords[] = {
    "AND",  "OR", "NOT",   "FOLLOWEDBY", "LIKE",    "MATCHES", "ISSUPERSET", "ISSUBSET", "EXISTS",
    "LAST", "IN", "START", "STOP",       "SECONDS", "WITHIN",  "REPEATS",    "TIMES"};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsIdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_'; }
bool IsIdentChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
}
bool IsHex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }
bool IsBase64(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '+' || c == '/';
}

// Length of a quoted string starting at s[i] == '\'' (escapes \' and \\ only), or 0 if open.
size_t QuotedLength(std::string_view s, size_t i) {
  size_t j = i + 1;
  while (j < s.size()) {
    if (s[j] == '\\') {
      if (j + 1 < s.size() && (s[j + 1] == '\'' || s[j + 1] == '\\')) {
        j += 2;
        continue;
      }
      return 0;  // any other escape is not a StringLiteral
    }
    if (s[j] == '\'') return j - i + 1;
    ++j;
  }
  return 0;
}

bool TwoDigits(std::string_view s, size_t i, int lo, int hi) {
  if (i + 2 > s.size() || !IsDigit(s[i]) || !IsDigit(s[i + 1])) return false;
  const int v = (s[i] - '0') * 10 + (s[i + 1] - '0');
  return v >= lo && v <= hi;
}

// Length of t'YYYY-MM-DDTHH:MM:SS(.f+)?Z' at s[i] == 't', or 0.
size_t TimestampLength(std::string_view s, size_t i) {
  size_t j = i + 2;  // after t'
  if (i + 1 >= s.size() || s[i + 1] != '\'') return 0;
  for (int k = 0; k < 4; ++k, ++j) {
    if (j >= s.size() || !IsDigit(s[j])) return 0;
  }
  if (j >= s.size() || s[j] != '-' || !TwoDigits(s, j + 1, 1, 12)) return 0;
  j += 3;
  if (j >= s.size() || s[j] != '-' || !TwoDigits(s, j + 1, 1, 31)) return 0;
  j += 3;
  if (j >= s.size() || s[j] != 'T' || !TwoDigits(s, j + 1, 0, 23)) return 0;
  j += 3;
  if (j >= s.size() || s[j] != ':' || !TwoDigits(s, j + 1, 0, 59)) return 0;
  j += 3;
  if (j >= s.size() || s[j] != ':' || !TwoDigits(s, j + 1, 0, 60)) return 0;
  j += 3;
  if (j < s.size() && s[j] == '.') {
    ++j;
    const size_t start = j;
    while (j < s.size() && IsDigit(s[j])) ++j;
    if (j == start) return 0;
  }
  if (j + 1 >= s.size() || s[j] != 'Z' || s[j + 1] != '\'') return 0;
  return j + 2 - i;
}

size_t HexLength(std::string_view s, size_t i) {
  if (i + 1 >= s.size() || s[i + 1] != '\'') return 0;
  size_t j = i + 2;
  while (j + 1 < s.size() && IsHex(s[j]) && IsHex(s[j + 1])) j += 2;
  if (j < s.size() && s[j] == '\'') return j + 1 - i;
  return 0;
}

size_t BinaryLength(std::string_view s, size_t i) {
  if (i + 1 >= s.size() || s[i + 1] != '\'') return 0;
  size_t j = i + 2;
  size_t chars = 0;
  while (j < s.size() && IsBase64(s[j])) {
    ++j;
    ++chars;
  }
  size_t pad = 0;
  while (j < s.size() && s[j] == '=' && pad < 2) {
    ++j;
    ++pad;
  }
  if (j >= s.size() || s[j] != '\'') return 0;
  if ((chars + pad) % 4 != 0 || chars + pad == 0) return 0;
  return j + 1 - i;
}

class Lexer {
 public:
  explicit Lexer(std::string_view s) : s_(s) {}

  Token Next() {
    SkipSpaceAndComments();
    Token t;
    t.pos = i_;
    if (i_ >= s_.size()) return t;
    const char c = s_[i_];
    auto one = [&](Tok k, size_t n = 1) {
      t.tok = k;
      t.text = s_.substr(i_, n);
      i_ += n;
      return t;
    };
    switch (c) {
      case '[':
        return one(Tok::kLBrack);
      case ']':
        return one(Tok::kRBrack);
      case '(':
        return one(Tok::kLParen);
      case ')':
        return one(Tok::kRParen);
      case ':':
        return one(Tok::kColon);
      case ',':
        return one(Tok::kComma);
      case '*':
        return one(Tok::kAsterisk);
      case '=':
        return one(Tok::kEq, Peek(1) == '=' ? 2 : 1);
      case '!':
        if (Peek(1) == '=') return one(Tok::kNeq, 2);
        return one(Tok::kInvalid);
      case '<':
        if (Peek(1) == '=') return one(Tok::kLe, 2);
        if (Peek(1) == '>') return one(Tok::kNeq, 2);
        return one(Tok::kLt);
      case '>':
        if (Peek(1) == '=') return one(Tok::kGe, 2);
        return one(Tok::kGt);
      case '\'': {
        const size_t n = QuotedLength(s_, i_);
        if (n == 0) return one(Tok::kInvalid);
        return one(Tok::kString, n);
      }
      default:
        break;
    }
    if (c == 't') {
      if (const size_t n = TimestampLength(s_, i_)) return one(Tok::kTimestamp, n);
    }
    if (c == 'h') {
      if (const size_t n = HexLength(s_, i_)) return one(Tok::kHex, n);
    }
    if (c == 'b') {
      if (const size_t n = BinaryLength(s_, i_)) return one(Tok::kBinary, n);
    }
    if (IsDigit(c) || c == '+' || c == '-' || c == '.') {
      size_t j = i_;
      const bool neg = c == '-';
      if (c == '+' || c == '-') ++j;
      const size_t int_start = j;
      while (j < s_.size() && IsDigit(s_[j])) ++j;
      const size_t int_digits = j - int_start;
      if (j < s_.size() && s_[j] == '.' && j + 1 < s_.size() && IsDigit(s_[j + 1])) {
        ++j;
        while (j < s_.size() && IsDigit(s_[j])) ++j;
        return one(neg ? Tok::kFloatNeg : Tok::kFloatPos, j - i_);
      }
      if (int_digits > 0) {
        // '0' | [1-9][0-9]*: a leading zero ends the literal after one digit.
        size_t n = j - i_;
        if (s_[int_start] == '0' && int_digits > 1) n = int_start + 1 - i_;
        return one(neg ? Tok::kIntNeg : Tok::kIntPos, n);
      }
      if (c == '.') return one(Tok::kDot);
      return one(Tok::kInvalid);
    }
    if (IsIdentStart(c)) {
      size_t j = i_ + 1;
      bool hyphen = false;
      while (j < s_.size() && IsIdentChar(s_[j])) {
        hyphen = hyphen || s_[j] == '-';
        ++j;
      }
      const std::string_view word = s_.substr(i_, j - i_);
      if (word == "true" || word == "false") return one(Tok::kBool, j - i_);
      if (std::find(std::begin(kKeywords), std::end(kKeywords), word) != std::end(kKeywords)) {
        return one(Tok::kKeyword, j - i_);
      }
      t = one(Tok::kIdent, j - i_);
      t.hyphen = hyphen;
      return t;
    }
    return one(Tok::kInvalid);
  }

 private:
  char Peek(size_t k) const { return i_ + k < s_.size() ? s_[i_ + k] : '\0'; }

  void SkipSpaceAndComments() {
    for (;;) {
      while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\r' ||
                                s_[i_] == '\n' || s_[i_] == '\v' || s_[i_] == '\f')) {
        ++i_;
      }
      if (Peek(0) == '/' && Peek(1) == '*') {
        const size_t end = s_.find("*/", i_ + 2);
        i_ = end == std::string_view::npos ? s_.size() : end + 2;
        continue;
      }
      if (Peek(0) == '/' && Peek(1) == '/') {
        while (i_ < s_.size() && s_[i_] != '\n' && s_[i_] != '\r') ++i_;
        continue;
      }
      return;
    }
  }

  std::string_view s_;
  size_t i_ = 0;
};

std::string Unquote(std::string_view quoted) {
  std::string out;
  for (size_t i = 1; i + 1 < quoted.size(); ++i) {
    if (quoted[i] == '\\' && i + 2 < quoted.size()) ++i;
    out.push_back(quoted[i]);
  }
  return out;
}

std::string Shown(const Token& t) {
  if (t.tok == Tok::kEnd) return "the end";
  std::string_view text = t.text;
  if (text.size() > 40) text = text.substr(0, 40);
  return fmt::format("'{}'", text);
}

// Expected hex length of a hash algorithm's value, or 0 when not checked.
size_t HashLength(std::string algo) {
  std::transform(algo.begin(), algo.end(), algo.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (algo == "MD5") return 32;
  if (algo == "SHA-1" || algo == "SHA1") return 40;
  if (algo == "SHA-256" || algo == "SHA256" || algo == "SHA3-256") return 64;
  if (algo == "SHA-512" || algo == "SHA512" || algo == "SHA3-512") return 128;
  return 0;
}

class Parser {
 public:
  explicit Parser(std::string_view s) : lex_(s) { Advance(); }

  Result<ParsedPattern> Run() {
    if (cur_.tok != Tok::kLBrack && cur_.tok != Tok::kLParen) {
      return Fail(cur_, "a pattern starts with '[' or '(' (input is missing square brackets)");
    }
    if (Status s = ObservationExpressions(); !s.ok()) return s;
    if (cur_.tok != Tok::kEnd)
      return Fail(cur_, fmt::format("expected the end, found {}", Shown(cur_)));
    return std::move(out_);
  }

 private:
  void Advance() { cur_ = lex_.Next(); }
  bool IsKeyword(std::string_view k) const { return cur_.tok == Tok::kKeyword && cur_.text == k; }

  static Status Fail(const Token& at, std::string_view message) {
    return InvalidArgument(fmt::format("at {}: {}", at.pos, message), "pattern");
  }

  Status Depth() {
    if (++depth_ > 200) return Fail(cur_, "nested too deeply");
    return Status::Ok();
  }

  Status ObservationExpressions() {
    if (Status s = Depth(); !s.ok()) return s;
    if (Status s = ObservationOr(); !s.ok()) return s;
    while (IsKeyword("FOLLOWEDBY")) {
      Advance();
      if (Status s = ObservationOr(); !s.ok()) return s;
    }
    --depth_;
    return Status::Ok();
  }

  Status ObservationOr() {
    if (Status s = ObservationAnd(); !s.ok()) return s;
    while (IsKeyword("OR")) {
      Advance();
      if (Status s = ObservationAnd(); !s.ok()) return s;
    }
    return Status::Ok();
  }

  Status ObservationAnd() {
    if (Status s = Observation(); !s.ok()) return s;
    while (IsKeyword("AND")) {
      Advance();
      if (Status s = Observation(); !s.ok()) return s;
    }
    return Status::Ok();
  }

  Status Observation() {
    bool simple = false;
    if (cur_.tok == Tok::kLBrack) {
      Advance();
      ++out_.observations;
      if (Status s = ComparisonExpression(); !s.ok()) return s;
      if (cur_.tok != Tok::kRBrack) {
        return Fail(cur_, fmt::format("expected ']', found {}", Shown(cur_)));
      }
      Advance();
      simple = true;
    } else if (cur_.tok == Tok::kLParen) {
      Advance();
      if (Status s = ObservationExpressions(); !s.ok()) return s;
      if (cur_.tok != Tok::kRParen) {
        return Fail(cur_, fmt::format("expected ')', found {}", Shown(cur_)));
      }
      Advance();
    } else {
      return Fail(cur_, fmt::format("expected '[' or '(', found {}", Shown(cur_)));
    }
    PatternQualifiers seen;
    for (;;) {
      const Token at = cur_;
      bool* flag = nullptr;
      std::string_view kind;
      if (IsKeyword("WITHIN")) {
        Advance();
        if (cur_.tok != Tok::kIntPos && cur_.tok != Tok::kFloatPos) {
          return Fail(cur_, fmt::format("WITHIN expects a positive number, found {}", Shown(cur_)));
        }
        Advance();
        if (!IsKeyword("SECONDS")) {
          return Fail(cur_, fmt::format("expected SECONDS, found {}", Shown(cur_)));
        }
        Advance();
        flag = &seen.within;
        kind = "WITHIN";
      } else if (IsKeyword("REPEATS")) {
        Advance();
        if (cur_.tok != Tok::kIntPos) {
          return Fail(cur_,
                      fmt::format("REPEATS expects a positive integer, found {}", Shown(cur_)));
        }
        Advance();
        if (!IsKeyword("TIMES")) {
          return Fail(cur_, fmt::format("expected TIMES, found {}", Shown(cur_)));
        }
        Advance();
        flag = &seen.repeats;
        kind = "REPEATS";
      } else if (IsKeyword("START")) {
        Advance();
        if (cur_.tok != Tok::kTimestamp) {
          return Fail(cur_, fmt::format("START expects a timestamp t'…Z', found {}", Shown(cur_)));
        }
        Advance();
        if (!IsKeyword("STOP")) {
          return Fail(cur_, fmt::format("expected STOP, found {}", Shown(cur_)));
        }
        Advance();
        if (cur_.tok != Tok::kTimestamp) {
          return Fail(cur_, fmt::format("STOP expects a timestamp t'…Z', found {}", Shown(cur_)));
        }
        Advance();
        flag = &seen.start_stop;
        kind = "START/STOP";
      } else {
        break;
      }
      out_.has_qualifiers = true;
      if (simple && *flag) {
        return Fail(at, fmt::format("duplicate qualifier {} on one observation", kind));
      }
      *flag = true;
    }
    return Status::Ok();
  }

  Status ComparisonExpression() {
    if (Status s = Depth(); !s.ok()) return s;
    if (Status s = ComparisonAnd(); !s.ok()) return s;
    while (IsKeyword("OR")) {
      Advance();
      if (Status s = ComparisonAnd(); !s.ok()) return s;
    }
    --depth_;
    return Status::Ok();
  }

  Status ComparisonAnd() {
    if (Status s = PropTest(); !s.ok()) return s;
    while (IsKeyword("AND")) {
      Advance();
      if (Status s = PropTest(); !s.ok()) return s;
    }
    return Status::Ok();
  }

  Status PropTest() {
    if (cur_.tok == Tok::kLParen) {
      Advance();
      if (Status s = ComparisonExpression(); !s.ok()) return s;
      if (cur_.tok != Tok::kRParen) {
        return Fail(cur_, fmt::format("expected ')', found {}", Shown(cur_)));
      }
      Advance();
      return Status::Ok();
    }
    PatternComparison c;
    c.position = cur_.pos;
    if (IsKeyword("NOT")) {
      Advance();
      if (!IsKeyword("EXISTS")) return Fail(cur_, "expected EXISTS after NOT");
      c.negated = true;
    }
    if (IsKeyword("EXISTS")) {
      Advance();
      c.op = PatternOperator::kExists;
      if (Status s = ObjectPath(c); !s.ok()) return s;
      out_.comparisons.push_back(std::move(c));
      return Status::Ok();
    }
    if (Status s = ObjectPath(c); !s.ok()) return s;
    if (IsKeyword("NOT")) {
      c.negated = true;
      Advance();
    }
    const Token op = cur_;
    switch (cur_.tok) {
      case Tok::kEq:
      case Tok::kNeq:
        c.op = cur_.tok == Tok::kEq ? PatternOperator::kEqual : PatternOperator::kNotEqual;
        Advance();
        return Literal(c, /*orderable=*/false);
      case Tok::kLt:
      case Tok::kLe:
      case Tok::kGt:
      case Tok::kGe:
        c.op = cur_.tok == Tok::kLt   ? PatternOperator::kLess
               : cur_.tok == Tok::kLe ? PatternOperator::kLessEqual
               : cur_.tok == Tok::kGt ? PatternOperator::kGreater
                                      : PatternOperator::kGreaterEqual;
        Advance();
        return Literal(c, /*orderable=*/true);
      default:
        break;
    }
    if (IsKeyword("IN")) {
      c.op = PatternOperator::kIn;
      Advance();
      if (cur_.tok != Tok::kLParen) {
        return Fail(cur_, fmt::format("IN expects '(', found {}", Shown(cur_)));
      }
      Advance();
      c.kind = LiteralKind::kSet;
      if (cur_.tok != Tok::kRParen) {
        for (;;) {
          std::string value;
          LiteralKind kind = LiteralKind::kNone;
          if (Status s = OneLiteral(false, value, kind); !s.ok()) return s;
          c.values.push_back(std::move(value));
          if (cur_.tok == Tok::kComma) {
            Advance();
            continue;
          }
          break;
        }
      }
      if (cur_.tok != Tok::kRParen) {
        return Fail(cur_, fmt::format("expected ',' or ')', found {}", Shown(cur_)));
      }
      Advance();
      out_.comparisons.push_back(std::move(c));
      return Status::Ok();
    }
    for (const auto& [word, o] : {std::pair{"LIKE", PatternOperator::kLike},
                                  std::pair{"MATCHES", PatternOperator::kMatches},
                                  std::pair{"ISSUBSET", PatternOperator::kIsSubset},
                                  std::pair{"ISSUPERSET", PatternOperator::kIsSuperset}}) {
      if (IsKeyword(word)) {
        c.op = o;
        Advance();
        if (cur_.tok != Tok::kString) {
          return Fail(cur_,
                      fmt::format("{} expects a string literal '…', found {}", word, Shown(cur_)));
        }
        c.kind = LiteralKind::kString;
        c.values.push_back(Unquote(cur_.text));
        Advance();
        out_.comparisons.push_back(std::move(c));
        return Status::Ok();
      }
    }
    return Fail(op, fmt::format("expected a comparison operator, found {}", Shown(op)));
  }

  Status OneLiteral(bool orderable, std::string& value, LiteralKind& kind) {
    switch (cur_.tok) {
      case Tok::kIntPos:
      case Tok::kIntNeg:
        kind = LiteralKind::kInt;
        value = std::string(cur_.text);
        break;
      case Tok::kFloatPos:
      case Tok::kFloatNeg:
        kind = LiteralKind::kFloat;
        value = std::string(cur_.text);
        break;
      case Tok::kString:
        kind = LiteralKind::kString;
        value = Unquote(cur_.text);
        break;
      case Tok::kHex:
        kind = LiteralKind::kHex;
        value = std::string(cur_.text.substr(2, cur_.text.size() - 3));
        break;
      case Tok::kBinary:
        kind = LiteralKind::kBinary;
        value = std::string(cur_.text.substr(2, cur_.text.size() - 3));
        break;
      case Tok::kTimestamp:
        kind = LiteralKind::kTimestamp;
        value = std::string(cur_.text.substr(2, cur_.text.size() - 3));
        break;
      case Tok::kBool:
        if (orderable) {
          return Fail(cur_, "a boolean cannot be compared with <, <=, > or >=");
        }
        kind = LiteralKind::kBool;
        value = std::string(cur_.text);
        break;
      default:
        return Fail(cur_, fmt::format("expected a literal, found {}", Shown(cur_)));
    }
    Advance();
    return Status::Ok();
  }

  Status Literal(PatternComparison& c, bool orderable) {
    std::string value;
    const size_t at = cur_.pos;
    if (Status s = OneLiteral(orderable, value, c.kind); !s.ok()) return s;
    // The validator's hash check: file:hashes.'SHA-256' = '…' must be a hash of that length.
    if (c.kind == LiteralKind::kString && c.op == PatternOperator::kEqual) {
      const std::string prefix = "hashes.";
      const size_t h = c.path.rfind(prefix);
      if (h != std::string::npos && (h == 0 || c.path[h - 1] == '.')) {
        std::string algo = c.path.substr(h + prefix.size());
        if (algo.size() >= 2 && algo.front() == '\'') algo = algo.substr(1, algo.size() - 2);
        const size_t want = HashLength(algo);
        if (want != 0 &&
            (value.size() != want ||
             !std::all_of(value.begin(), value.end(), [](char ch) { return IsHex(ch); }))) {
          return InvalidArgument(
              fmt::format("at {}: '{}' is not a valid {} hash", at, value.substr(0, 140), algo),
              "pattern");
        }
      }
    }
    c.values.push_back(std::move(value));
    out_.comparisons.push_back(std::move(c));
    return Status::Ok();
  }

  Status ObjectPath(PatternComparison& c) {
    if (cur_.tok != Tok::kIdent) {
      return Fail(cur_, fmt::format("expected an object type, found {}", Shown(cur_)));
    }
    c.object_type = std::string(cur_.text);
    Advance();
    if (cur_.tok != Tok::kColon) {
      return Fail(cur_, fmt::format("expected ':' after the object type, found {}", Shown(cur_)));
    }
    Advance();
    if ((cur_.tok == Tok::kIdent && !cur_.hyphen) || cur_.tok == Tok::kString) {
      c.path = std::string(cur_.text);
      Advance();
    } else {
      return Fail(cur_, fmt::format("expected a property name, found {}", Shown(cur_)));
    }
    for (;;) {
      if (cur_.tok == Tok::kDot) {
        Advance();
        if ((cur_.tok == Tok::kIdent && !cur_.hyphen) || cur_.tok == Tok::kString) {
          c.path += '.';
          c.path += cur_.text;
          Advance();
          continue;
        }
        return Fail(cur_, fmt::format("expected a property name after '.', found {}", Shown(cur_)));
      }
      if (cur_.tok == Tok::kLBrack) {
        Advance();
        if (cur_.tok != Tok::kIntPos && cur_.tok != Tok::kIntNeg && cur_.tok != Tok::kAsterisk) {
          return Fail(cur_, fmt::format("expected an index or '*', found {}", Shown(cur_)));
        }
        c.path += '[';
        c.path += cur_.text;
        c.path += ']';
        Advance();
        if (cur_.tok != Tok::kRBrack) {
          return Fail(cur_, fmt::format("expected ']', found {}", Shown(cur_)));
        }
        Advance();
        continue;
      }
      return Status::Ok();
    }
  }

  Lexer lex_;
  Token cur_;
  ParsedPattern out_;
  int depth_ = 0;
};

}  // namespace

Result<ParsedPattern> ParsePattern(std::string_view pattern) {
  if (pattern.size() > 1 << 20) {
    return InvalidArgument("longer than 1 MiB", "pattern");
  }
  return Parser(pattern).Run();
}

std::string_view ToString(PatternOperator op) {
  switch (op) {
    case PatternOperator::kEqual:
      return "=";
    case PatternOperator::kNotEqual:
      return "!=";
    case PatternOperator::kLess:
      return "<";
    case PatternOperator::kLessEqual:
      return "<=";
    case PatternOperator::kGreater:
      return ">";
    case PatternOperator::kGreaterEqual:
      return ">=";
    case PatternOperator::kIn:
      return "IN";
    case PatternOperator::kLike:
      return "LIKE";
    case PatternOperator::kMatches:
      return "MATCHES";
    case PatternOperator::kIsSubset:
      return "ISSUBSET";
    case PatternOperator::kIsSuperset:
      return "ISSUPERSET";
    case PatternOperator::kExists:
      return "EXISTS";
  }
  return "?";
}

}  // namespace issa::cyber
