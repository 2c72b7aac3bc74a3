#include "csaf_lang.h"

#include <algorithm>
#include <cctype>
#include <regex>
#include <string>

namespace issa::cyber::detail {
namespace {

// ISO 639-1 (from Debian's iso-codes, iso_639-2.json alpha_2), sorted.
constexpr std::string_view kIso6391 =
    "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy "
    "da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu "
    "hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb "
    "lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om "
    "or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw "
    "ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu ";

}  // namespace

bool IsKnownLanguageTag(std::string_view tag) {
  static const std::regex kBcp47(
      "^(([A-Za-z]{2,3}(-[A-Za-z]{3}(-[A-Za-z]{3}){0,2})?|[A-Za-z]{4,8})(-[A-Za-z]{4})?(-([A-Za-z]{"
      "2}|[0-9]{3}))?(-([A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*(-[A-WY-Za-wy-z0-9](-[A-Za-z0-9]{2,"
      "8})+)*(-[Xx](-[A-Za-z0-9]{1,8})+)?|[Xx](-[A-Za-z0-9]{1,8})+|[Ii]-[Dd][Ee][Ff][Aa][Uu][Ll]["
      "Tt]"
      "|[Ii]-[Mm][Ii][Nn][Gg][Oo])$");
  if (tag.size() > 100 || !std::regex_match(tag.begin(), tag.end(), kBcp47)) return false;
  const size_t dash = tag.find('-');
  const std::string_view primary = tag.substr(0, dash);
  if (primary.size() != 2) return true;
  std::string lower(primary);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return kIso6391.find(lower + " ") % 3 == 0 && kIso6391.find(lower + " ") != std::string::npos;
}

}  // namespace issa::cyber::detail
