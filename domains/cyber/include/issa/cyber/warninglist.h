#pragma once

// MISP warning lists (github.com/MISP/misp-warninglists, list.json): known-benign values (cloud
// ranges, public resolvers, top sites, security vendors' sandboxes, ...). An indicator that hits
// a list is flagged with the list's name and not correlated. Types: cidr (address within a
// network), hostname (name or one of its parent domains), string (exact, case-insensitive),
// substring and regex (one Hyperscan database for all lists). `matching_attributes` restricts a
// list to the MISP attribute types it names.
//
// Thread-safety: AddList/Compile need exclusive access; Match may run concurrently after Compile.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "issa/core/status.h"
#include "issa/cyber/observable.h"

namespace issa::cyber {

struct WarningListProblem {
  std::string source;  // file or list name
  Status status;
};

class WarningLists {
 public:
  WarningLists();
  ~WarningLists();
  WarningLists(const WarningLists&) = delete;
  WarningLists& operator=(const WarningLists&) = delete;

  // Adds one list.json. Errors (kInvalidArgument, naming `source` and the field): not JSON, a
  // missing name/type/list, an unknown type, an entry that does not parse for its type (e.g. a
  // bad CIDR: field "list[7]"). Nothing of the list is added on error. A regex Hyperscan cannot
  // compile is reported by Compile, not here.
  Status AddList(std::string_view json, std::string_view source);

  // Loads every <dir>/*/list.json; lists that fail are returned as problems, the rest are kept.
  std::vector<WarningListProblem> LoadDirectory(const std::string& dir);

  // Builds the substring/regex database. Patterns Hyperscan rejects are dropped and returned as
  // problems (field "list[i]" of their list). Must be called before Match when such lists exist.
  std::vector<WarningListProblem> Compile();

  // Names of the lists the value hits, in load order, each once.
  std::vector<std::string> Match(const Observable& value) const;

  std::size_t ListCount() const;
  std::size_t EntryCount() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace issa::cyber
