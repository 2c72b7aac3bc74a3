#include "issa/core/file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <system_error>

#include <fmt/format.h>
#include <sys/stat.h>

namespace issa::core {

Result<std::string> ReadFile(const std::string& path, size_t max_bytes) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return NotFound(fmt::format("{}: no such file", path));
    return Unavailable(fmt::format("{}: {}", path, std::strerror(errno)));
  }
  if (!S_ISREG(st.st_mode)) return InvalidArgument(fmt::format("{}: not a file", path), path);
  if (static_cast<uint64_t>(st.st_size) > max_bytes) {
    return InvalidArgument(fmt::format("{}: larger than {} bytes", path, max_bytes), path);
  }
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) return Unavailable(fmt::format("{}: {}", path, std::strerror(errno)));
  std::string bytes;
  bytes.resize(static_cast<size_t>(st.st_size));
  const size_t n = std::fread(bytes.data(), 1, bytes.size(), f.get());
  if (n != bytes.size() || std::ferror(f.get()) != 0) {
    return Unavailable(fmt::format("{}: read failed", path));
  }
  return bytes;
}

}  // namespace issa::core
