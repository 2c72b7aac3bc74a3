#include "pattern_database.h"

#include <utility>

#include <fmt/format.h>
#include <hs/hs.h>

namespace issa::cyber::detail {
namespace {

std::string EscapeLiteral(std::string_view text) {
  std::string out;
  out.reserve(text.size() * 2);
  for (const char c : text) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      out.push_back(c);
    } else {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
    }
  }
  return out;
}

}  // namespace

PatternDatabase::PatternDatabase() = default;
PatternDatabase::~PatternDatabase() {
  if (database_ != nullptr) hs_free_database(database_);
}
PatternDatabase::PatternDatabase(PatternDatabase&& o) noexcept
    : database_(std::exchange(o.database_, nullptr)) {}
PatternDatabase& PatternDatabase::operator=(PatternDatabase&& o) noexcept {
  if (this != &o) {
    if (database_ != nullptr) hs_free_database(database_);
    database_ = std::exchange(o.database_, nullptr);
  }
  return *this;
}

void PatternDatabase::ScratchDeleter::operator()(hs_scratch* s) const { hs_free_scratch(s); }

std::vector<RejectedPattern> PatternDatabase::Compile(const std::vector<PatternSpec>& specs) {
  std::vector<RejectedPattern> rejected;
  if (database_ != nullptr) {
    hs_free_database(database_);
    database_ = nullptr;
  }
  std::vector<std::string> expressions;
  std::vector<unsigned> flags;
  std::vector<unsigned> ids;
  for (size_t i = 0; i < specs.size(); ++i) {
    if (specs[i].text.empty()) {
      rejected.push_back({i, "empty pattern"});
      continue;
    }
    expressions.push_back(specs[i].literal ? EscapeLiteral(specs[i].text) : specs[i].text);
    flags.push_back((specs[i].single_match ? HS_FLAG_SINGLEMATCH : 0u) |
                    (specs[i].caseless ? HS_FLAG_CASELESS : 0u));
    ids.push_back(static_cast<unsigned>(i));
  }
  // Compile; on a rejected expression drop it and try again (Hyperscan names the culprit).
  while (!expressions.empty()) {
    std::vector<const char*> pointers;
    pointers.reserve(expressions.size());
    for (const auto& e : expressions) pointers.push_back(e.c_str());
    hs_compile_error_t* error = nullptr;
    const auto rc = hs_compile_multi(pointers.data(), flags.data(), ids.data(),
                                     static_cast<unsigned>(pointers.size()), HS_MODE_BLOCK, nullptr,
                                     &database_, &error);
    if (rc == HS_SUCCESS) break;
    const int bad = error != nullptr ? error->expression : -1;
    const std::string message = error != nullptr ? error->message : "compile failed";
    hs_free_compile_error(error);
    database_ = nullptr;
    if (bad < 0) {
      for (auto id : ids) rejected.push_back({id, message});
      break;
    }
    rejected.push_back({ids[static_cast<size_t>(bad)], message});
    expressions.erase(expressions.begin() + bad);
    flags.erase(flags.begin() + bad);
    ids.erase(ids.begin() + bad);
  }
  return rejected;
}

PatternDatabase::Scratch PatternDatabase::MakeScratch() const {
  hs_scratch_t* scratch = nullptr;
  if (database_ != nullptr) hs_alloc_scratch(database_, &scratch);
  return Scratch(scratch);
}

void PatternDatabase::Scan(
    std::string_view data, hs_scratch* scratch,
    const std::function<void(unsigned, unsigned long long)>& on_match) const {
  if (database_ == nullptr || scratch == nullptr) return;
  using Callback = std::function<void(unsigned, unsigned long long)>;
  auto handler = [](unsigned id, unsigned long long, unsigned long long to, unsigned,
                    void* context) -> int {
    (*static_cast<const Callback*>(context))(id, to);
    return 0;
  };
  hs_scan(database_, data.data(), static_cast<unsigned>(data.size()), 0, scratch, handler,
          const_cast<Callback*>(&on_match));
}

std::size_t PatternDatabase::Bytes() const {
  size_t size = 0;
  if (database_ != nullptr) hs_database_size(database_, &size);
  return size;
}

}  // namespace issa::cyber::detail
