#pragma once

// A Hyperscan block-mode database over many substrings and regular expressions, shared by the
// warning lists and the IOC scanner. Hyperscan headers stay in this module's src/.

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

struct hs_database;
struct hs_scratch;

namespace issa::cyber::detail {

struct PatternSpec {
  std::string text;  // the substring, or the regular expression (PCRE syntax Hyperscan accepts)
  bool literal = true;
  bool caseless = true;
  bool single_match = true;  // one report per Scan call; false: every match (end offset)
};

struct RejectedPattern {
  std::size_t index;  // into the specs given to Compile
  std::string message;
};

// Compile once, then Scan from any thread with a scratch of that thread (MakeScratch).
class PatternDatabase {
 public:
  PatternDatabase();
  ~PatternDatabase();
  PatternDatabase(PatternDatabase&&) noexcept;
  PatternDatabase& operator=(PatternDatabase&&) noexcept;

  // Compiles all specs into one database; patterns Hyperscan rejects are left out and returned.
  // Match ids are the spec indexes.
  std::vector<RejectedPattern> Compile(const std::vector<PatternSpec>& specs);
  bool Empty() const { return database_ == nullptr; }

  struct ScratchDeleter {
    void operator()(hs_scratch* s) const;
  };
  using Scratch = std::unique_ptr<hs_scratch, ScratchDeleter>;
  Scratch MakeScratch() const;

  // Calls on_match(spec index, end offset) per match (once per call for single-match specs).
  void Scan(std::string_view data, hs_scratch* scratch,
            const std::function<void(unsigned, unsigned long long)>& on_match) const;
  std::size_t Bytes() const;

 private:
  hs_database* database_ = nullptr;
};

}  // namespace issa::cyber::detail
