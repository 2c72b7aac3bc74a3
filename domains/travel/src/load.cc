#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "issa/travel/watchlist.h"

#include "text.h"

namespace issa::travel {
namespace {

namespace fs = std::filesystem;

Result<std::string> ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound(fmt::format("{}: cannot open", path.string()));
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

Result<Watchlist> LoadOfacFolder(const fs::path& dir, bool consolidated) {
  OfacFiles files;
  files.list_id = consolidated ? "ofac-cons" : "ofac-sdn";
  files.primary_name = consolidated ? "cons_prim.csv" : "sdn.csv";
  const std::string prefix = consolidated ? "cons_" : "";
  ISSA_ASSIGN_OR_RETURN(files.primary, ReadFile(dir / files.primary_name));
  auto optional = [&](const std::string& name, std::string& out) {
    if (fs::exists(dir / name)) {
      auto text = ReadFile(dir / name);
      if (text.ok()) out = std::move(*text);
    }
  };
  optional(prefix + "alt.csv", files.alt);
  optional(prefix + "add.csv", files.add);
  optional(consolidated ? "cons_comments.csv" : "sdn_comments.csv", files.comments);
  files.primary_name = (dir / files.primary_name).string();
  ISSA_ASSIGN_OR_RETURN(Watchlist list, ParseOfacCsv(files));
  list.source = dir.string();
  return list;
}

}  // namespace

Result<Watchlist> LoadWatchlist(const std::string& path) {
  std::error_code ec;
  const fs::path p(path);
  if (fs::is_directory(p, ec)) {
    if (fs::exists(p / "sdn.csv")) return LoadOfacFolder(p, false);
    if (fs::exists(p / "cons_prim.csv")) return LoadOfacFolder(p, true);
    return InvalidArgument(
        fmt::format("{}: folder holds no list (expected sdn.csv or cons_prim.csv)", path));
  }
  if (!fs::exists(p, ec)) return NotFound(fmt::format("{}: no such file or folder", path));
  ISSA_ASSIGN_OR_RETURN(std::string text, ReadFile(p));
  std::string_view body = text;
  if (body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);
  body = detail::Trim(body);
  if (body.empty()) return InvalidArgument(fmt::format("{}: empty file", path));
  if (body.front() == '<') {
    if (body.find("CONSOLIDATED_LIST") == std::string_view::npos) {
      return InvalidArgument(
          fmt::format("{}: XML but not a UN consolidated list (no CONSOLIDATED_LIST)", path));
    }
    ISSA_ASSIGN_OR_RETURN(Watchlist list, ParseUnXml(text, path));
    return list;
  }
  if (body.front() == '{') return ParseAlertsJson(text, path);
  if (body.front() >= '0' && body.front() <= '9') {
    const std::string file = p.filename().string();
    OfacFiles files;
    const bool consolidated = file.rfind("cons_", 0) == 0;
    files.list_id = consolidated ? "ofac-cons" : "ofac-sdn";
    files.primary_name = path;
    files.primary = std::move(text);
    ISSA_ASSIGN_OR_RETURN(Watchlist list, ParseOfacCsv(files));
    list.source = path;
    return list;
  }
  return InvalidArgument(fmt::format(
      "{}: unknown list format (expected OFAC CSV, UN consolidated XML or alert JSON)", path));
}

}  // namespace issa::travel
