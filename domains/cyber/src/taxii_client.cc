#include "issa/cyber/taxii_client.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace issa::cyber {
namespace {

using json = nlohmann::json;

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Deeper nesting than any TAXII or STIX resource needs; a server's answer nested deeper is
// refused while it is read (nlohmann's dump and compare recurse: 10^5 nested arrays would
// exhaust the stack).
constexpr int kMaxNesting = 512;

// Parses JSON without building anything nested deeper than kMaxNesting; `too_deep` tells.
json ParseBounded(std::string_view text, bool& too_deep) {
  too_deep = false;
  return json::parse(
      text,
      [&too_deep](int depth, json::parse_event_t, json&) {
        if (depth > kMaxNesting) too_deep = true;
        return !too_deep;
      },
      false);
}

// The answer as a JSON object; `what` names the resource in the error.
Result<json> ParseObject(std::string_view text, std::string_view what) {
  bool too_deep = false;
  json j = ParseBounded(text, too_deep);
  if (too_deep)
    return InvalidArgument(fmt::format("the {} is nested deeper than {} levels", what, kMaxNesting),
                           "body");
  if (j.is_discarded()) return InvalidArgument(fmt::format("the {} is not JSON", what), "body");
  if (!j.is_object())
    return InvalidArgument(fmt::format("the {} is not a JSON object", what), "body");
  return j;
}

// An optional string member; InvalidArgument naming it when present and not a string.
Status OptionalString(const json& j, const char* key, std::string& out) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return Status::Ok();
  if (!it->is_string()) return InvalidArgument("must be a string", key);
  out = it->get<std::string>();
  return Status::Ok();
}

// A string member that must be there; `what` names the resource in the error.
Status RequiredString(const json& j, const char* key, std::string_view what, std::string& out) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string())
    return InvalidArgument(fmt::format("the {} needs a {} string", what, key), key);
  out = it->get<std::string>();
  return Status::Ok();
}

// A list of strings; absent is empty unless `required`.
Status StringList(const json& j, const char* key, bool required, std::vector<std::string>& out) {
  auto it = j.find(key);
  if (it == j.end()) {
    return required ? InvalidArgument("must be a list of strings", key) : Status::Ok();
  }
  if (!it->is_array()) return InvalidArgument("must be a list of strings", key);
  for (const auto& v : *it) {
    if (!v.is_string()) return InvalidArgument("must be a list of strings", key);
    out.push_back(v.get<std::string>());
  }
  return Status::Ok();
}

bool ValidHost(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  if (host.front() == '[') return host.size() > 2 && host.back() == ']';
  return std::all_of(host.begin(), host.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '.' || c == '_';
  });
}

bool ValidTarget(std::string_view t) {
  return std::all_of(t.begin(), t.end(), [](unsigned char c) { return c > 0x20 && c < 0x7f; });
}

}  // namespace

Result<TaxiiUrl> ParseTaxiiUrl(std::string_view url) {
  TaxiiUrl out;
  const size_t sep = url.find("://");
  if (sep == std::string_view::npos) return InvalidArgument("not an absolute URL", "url");
  out.scheme = Lower(url.substr(0, sep));
  if (out.scheme != "http" && out.scheme != "https")
    return InvalidArgument(fmt::format("scheme '{}' is not http or https", out.scheme), "url");
  std::string_view rest = url.substr(sep + 3);
  if (rest.find('#') != std::string_view::npos)
    return InvalidArgument("a TAXII URL has no fragment", "url");
  const size_t slash = std::min(rest.find('/'), rest.find('?'));
  std::string_view authority = rest.substr(0, slash);
  out.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (out.target.front() == '?') out.target.insert(out.target.begin(), '/');
  if (authority.find('@') != std::string_view::npos)
    return InvalidArgument("user information in the URL is not supported (use --basic)", "url");
  out.port = out.scheme == "https" ? 443 : 80;
  const size_t close = authority.rfind(']');
  const size_t colon = authority.rfind(':');
  if (colon != std::string_view::npos && (close == std::string_view::npos || colon > close)) {
    const std::string_view digits = authority.substr(colon + 1);
    unsigned port = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || port == 0 ||
        port > 65535)
      return InvalidArgument("bad port", "url");
    out.port = static_cast<uint16_t>(port);
    authority = authority.substr(0, colon);
  }
  if (!ValidHost(authority)) return InvalidArgument("bad host", "url");
  if (!ValidTarget(out.target)) return InvalidArgument("bad characters in the path", "url");
  out.host = std::string(authority);
  return out;
}

Result<TaxiiUrl> ResolveTaxiiUrl(const TaxiiUrl& base, std::string_view ref) {
  Result<TaxiiUrl> out = base;
  if (ref.find("://") != std::string_view::npos) {
    out = ParseTaxiiUrl(ref);
    if (!out.ok()) return out;
  } else {
    if (ref.empty() || !ValidTarget(ref) || ref.find('#') != std::string_view::npos)
      return InvalidArgument("bad URL reference", "url");
    if (ref.front() == '/') {
      out->target = std::string(ref);
    } else {
      std::string path = base.target.substr(0, base.target.find('?'));
      path.erase(path.rfind('/') + 1);
      out->target = path + std::string(ref);
    }
  }
  std::string& t = out->target;
  if (t.find('?') == std::string::npos && t.back() != '/') t.push_back('/');
  return out;
}

std::string TaxiiUrlText(const TaxiiUrl& url) {
  const bool default_port =
      (url.scheme == "http" && url.port == 80) || (url.scheme == "https" && url.port == 443);
  return default_port ? fmt::format("{}://{}{}", url.scheme, url.host, url.target)
                      : fmt::format("{}://{}:{}{}", url.scheme, url.host, url.port, url.target);
}

bool IsTaxiiMediaType(std::string_view content_type) {
  const std::string lower = Lower(content_type);
  std::string_view rest = lower;
  const size_t semi = rest.find(';');
  if (Trim(rest.substr(0, semi)) != "application/taxii+json") return false;
  if (semi == std::string_view::npos) return true;
  rest.remove_prefix(semi + 1);
  while (!rest.empty()) {
    const size_t next = rest.find(';');
    const std::string_view param = Trim(rest.substr(0, next));
    if (param.starts_with("version") && Trim(param.substr(7)).starts_with("=")) {
      if (Trim(Trim(param.substr(7)).substr(1)) != "2.1") return false;
    }
    if (next == std::string_view::npos) break;
    rest.remove_prefix(next + 1);
  }
  return true;
}

Result<TaxiiDiscovery> ParseTaxiiDiscovery(std::string_view text) {
  ISSA_ASSIGN_OR_RETURN(json j, ParseObject(text, "discovery resource"));
  TaxiiDiscovery out;
  ISSA_RETURN_IF_ERROR(RequiredString(j, "title", "discovery resource", out.title));
  ISSA_RETURN_IF_ERROR(OptionalString(j, "default", out.default_root));
  ISSA_RETURN_IF_ERROR(StringList(j, "api_roots", false, out.api_roots));
  return out;
}

Result<TaxiiApiRoot> ParseTaxiiApiRoot(std::string_view text) {
  ISSA_ASSIGN_OR_RETURN(json j, ParseObject(text, "API root resource"));
  TaxiiApiRoot out;
  ISSA_RETURN_IF_ERROR(RequiredString(j, "title", "API root", out.title));
  ISSA_RETURN_IF_ERROR(StringList(j, "versions", true, out.versions));
  const bool v21 = std::any_of(out.versions.begin(), out.versions.end(), [](const auto& v) {
    return Lower(v).starts_with("application/taxii+json;version=2.1");
  });
  if (!v21) return InvalidArgument("the API root does not serve TAXII 2.1", "versions");
  if (auto m = j.find("max_content_length"); m != j.end()) {
    if (!m->is_number_unsigned())
      return InvalidArgument("must be a non-negative integer", "max_content_length");
    out.max_content_length = m->get<uint64_t>();
  }
  return out;
}

Result<std::vector<TaxiiCollectionInfo>> ParseTaxiiCollections(std::string_view text) {
  ISSA_ASSIGN_OR_RETURN(json j, ParseObject(text, "collections resource"));
  std::vector<TaxiiCollectionInfo> out;
  auto list = j.find("collections");
  if (list == j.end()) return out;
  if (!list->is_array()) return InvalidArgument("must be a list", "collections");
  for (size_t i = 0; i < list->size(); ++i) {
    const json& c = (*list)[i];
    const std::string at = fmt::format("collections[{}]", i);
    if (!c.is_object()) return InvalidArgument("must be an object", at);
    TaxiiCollectionInfo info;
    auto id = c.find("id");
    if (id == c.end() || !id->is_string() || id->get_ref<const std::string&>().empty())
      return InvalidArgument("needs an id string", at + ".id");
    info.id = id->get<std::string>();
    if (!ValidTarget(info.id) || info.id.find('/') != std::string::npos ||
        info.id.find('?') != std::string::npos)
      return InvalidArgument("is not a usable collection id", at + ".id");
    if (Status s = OptionalString(c, "title", info.title); !s.ok())
      return InvalidArgument(s.message(), at + ".title");
    for (const auto& [key, flag] :
         {std::pair{"can_read", &info.can_read}, std::pair{"can_write", &info.can_write}}) {
      auto f = c.find(key);
      if (f == c.end() || !f->is_boolean())
        return InvalidArgument("must be true or false", at + "." + key);
      *flag = f->get<bool>();
    }
    out.push_back(std::move(info));
  }
  return out;
}

Result<TaxiiEnvelope> ParseTaxiiEnvelope(std::string_view text) {
  ISSA_ASSIGN_OR_RETURN(json j, ParseObject(text, "envelope"));
  TaxiiEnvelope out;
  if (auto more = j.find("more"); more != j.end()) {
    if (!more->is_boolean()) return InvalidArgument("must be true or false", "more");
    out.more = more->get<bool>();
  }
  ISSA_RETURN_IF_ERROR(OptionalString(j, "next", out.next));
  if (out.more && out.next.empty())
    return InvalidArgument("the envelope has more objects but no next cursor", "next");
  if (auto objects = j.find("objects"); objects != j.end()) {
    if (!objects->is_array()) return InvalidArgument("must be a list", "objects");
    out.objects.reserve(objects->size());
    for (size_t i = 0; i < objects->size(); ++i) {
      const json& o = (*objects)[i];
      if (!o.is_object())
        return InvalidArgument("must be an object", fmt::format("objects[{}]", i));
      auto id = o.find("id");
      out.ids.push_back(id != o.end() && id->is_string() ? id->get<std::string>()
                                                         : fmt::format("objects[{}]", i));
      out.objects.push_back(o.dump(-1, ' ', false, json::error_handler_t::replace));
    }
  }
  return out;
}

std::optional<TaxiiErrorMessage> ParseTaxiiError(std::string_view text) {
  bool too_deep = false;
  json j = ParseBounded(text, too_deep);
  if (too_deep || j.is_discarded() || !j.is_object()) return std::nullopt;
  auto title = j.find("title");
  if (title == j.end() || !title->is_string()) return std::nullopt;
  TaxiiErrorMessage out;
  out.title = title->get<std::string>();
  if (auto d = j.find("description"); d != j.end() && d->is_string())
    out.description = d->get<std::string>();
  if (auto c = j.find("error_code"); c != j.end() && c->is_string())
    out.error_code = c->get<std::string>();
  return out;
}

}  // namespace issa::cyber
