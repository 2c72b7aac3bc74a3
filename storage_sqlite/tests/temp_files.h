#pragma once

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

namespace issa::storage_sqlite::testing {

// A per-process temporary directory under $TMPDIR (or /tmp), removed at exit.
class TempDir {
 public:
  static TempDir& Get() {
    static TempDir dir;
    return dir;
  }

  // A fresh file path in the directory; nothing is created.
  std::string NewPath(std::string_view stem) {
    return (root_ / (std::string(stem) + "-" + std::to_string(next_++) + ".db")).string();
  }

  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }

  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

 private:
  TempDir() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = (std::filesystem::path(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") /
                           "issa-sqlite-test-XXXXXX")
                              .string();
    if (::mkdtemp(pattern.data()) == nullptr) std::abort();
    root_ = pattern;
  }

  std::filesystem::path root_;
  std::atomic<int> next_{0};
};

inline std::string TempPath(std::string_view stem) { return TempDir::Get().NewPath(stem); }

}  // namespace issa::storage_sqlite::testing
