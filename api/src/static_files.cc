#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <system_error>

#include "errors.h"
#include "service.h"

namespace issa::api {
namespace {

std::string_view ContentTypeFor(std::string_view ext) {
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

}  // namespace

HttpResponse ServeStatic(const std::filesystem::path& root, std::string_view path,
                         std::string_view request_id) {
  const Status missing = NotFound("no such file");
  if (path.empty() || path.front() != '/' || path.find("..") != std::string_view::npos ||
      path.find('\\') != std::string_view::npos || path.find('\0') != std::string_view::npos ||
      path.find('%') != std::string_view::npos) {
    return ErrorResponse(missing, request_id);
  }
  std::filesystem::path file = root / std::filesystem::path(path.substr(1));
  std::error_code ec;
  if (path.back() == '/' || std::filesystem::is_directory(file, ec)) file /= "index.html";
  if (!std::filesystem::is_regular_file(file, ec)) {
    // Single-page application: unknown paths without an extension get index.html.
    if (std::filesystem::path(path).has_extension()) return ErrorResponse(missing, request_id);
    file = root / "index.html";
    if (!std::filesystem::is_regular_file(file, ec)) return ErrorResponse(missing, request_id);
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) return ErrorResponse(missing, request_id);
  HttpResponse r;
  r.body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  r.content_type = ContentTypeFor(file.extension().string());
  r.AddHeader("Cache-Control", "no-cache");
  r.AddHeader("X-Content-Type-Options", "nosniff");
  return r;
}

}  // namespace issa::api
