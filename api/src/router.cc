#include "router.h"

#include <utility>

#include "query.h"

namespace issa::api {

std::string_view MethodName(Method m) {
  switch (m) {
    case Method::kGet:
      return "GET";
    case Method::kHead:
      return "HEAD";
    case Method::kPost:
      return "POST";
    case Method::kPut:
      return "PUT";
    case Method::kPatch:
      return "PATCH";
    case Method::kDelete:
      return "DELETE";
    case Method::kOptions:
      return "OPTIONS";
    case Method::kOther:
      return "OTHER";
  }
  return "OTHER";
}

Method ParseMethod(std::string_view s) {
  if (s == "GET") return Method::kGet;
  if (s == "POST") return Method::kPost;
  if (s == "PATCH") return Method::kPatch;
  if (s == "PUT") return Method::kPut;
  if (s == "DELETE") return Method::kDelete;
  if (s == "HEAD") return Method::kHead;
  if (s == "OPTIONS") return Method::kOptions;
  return Method::kOther;
}

namespace {

bool IsParam(std::string_view seg) {
  return seg.size() >= 2 && seg.front() == '{' && seg.back() == '}';
}

}  // namespace

Router::Router(std::vector<RouteDef> routes) : routes_(std::move(routes)) {
  for (const RouteDef& r : routes_) {
    Result<std::vector<std::string_view>> segs = SplitPath(r.pattern);
    ISSA_CHECK(segs.ok());
    std::vector<std::string> owned;
    std::vector<std::string> names;
    for (std::string_view s : *segs) {
      owned.emplace_back(s);
      if (IsParam(s)) names.emplace_back(s.substr(1, s.size() - 2));
    }
    segments_.push_back(std::move(owned));
    param_names_.push_back(std::move(names));
  }
}

RouteMatch Router::Match(Method method, std::string_view path) const {
  RouteMatch m;
  Result<std::vector<std::string_view>> segs = SplitPath(path);
  if (!segs.ok()) return m;
  for (size_t i = 0; i < routes_.size(); ++i) {
    const std::vector<std::string>& pattern = segments_[i];
    if (pattern.size() != segs->size()) continue;
    bool same = true;
    for (size_t k = 0; k < pattern.size() && same; ++k) {
      const std::string_view seg = (*segs)[k];
      same = IsParam(pattern[k]) ? !seg.empty() : pattern[k] == seg;
    }
    if (!same) continue;
    if (routes_[i].method == method) {
      m.kind = RouteMatch::Kind::kFound;
      m.route = static_cast<int>(i);
      m.params.clear();
      for (size_t k = 0; k < pattern.size(); ++k) {
        if (IsParam(pattern[k])) m.params.push_back((*segs)[k]);
      }
      m.allow.clear();
      return m;
    }
    m.kind = RouteMatch::Kind::kMethodNotAllowed;
    if (!m.allow.empty()) m.allow += ", ";
    m.allow += MethodName(routes_[i].method);
  }
  return m;
}

}  // namespace issa::api
