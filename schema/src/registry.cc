#include "issa/schema/registry.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "type_schema.h"

namespace issa::schema {

namespace detail {
const std::vector<std::pair<std::string, std::string>>& BuiltinSchemaFiles();
}  // namespace detail

using json = nlohmann::json;

class RegistryBuilder {
 public:
  static Result<std::shared_ptr<const Registry>> Build(
      const std::vector<std::pair<std::string, std::string>>& files) {
    std::shared_ptr<Registry> reg(new Registry());
    for (const auto& [name, text] : files) {
      json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
      if (doc.is_discarded()) {
        return InvalidArgument(fmt::format("schema file {} is not valid JSON", name), name);
      }
      auto compiled = TypeSchema::Compile(doc);
      if (!compiled.ok()) {
        return InvalidArgument(
            fmt::format("schema file {}: {}", name, compiled.status().message()),
            compiled.status().field().empty() ? name : name + ":" + compiled.status().field());
      }
      const std::string type = (*compiled)->title();
      if (type.empty() || !std::isupper(static_cast<unsigned char>(type[0]))) {
        return InvalidArgument(
            fmt::format("schema file {}: the title (record type) must start with a capital", name),
            name);
      }
      if (reg->types_.contains(type)) {
        return InvalidArgument(fmt::format("record type {} is defined twice", type), name);
      }
      reg->texts_.emplace(type, text);
      reg->types_.emplace(type, std::move(compiled).value());
    }
    if (reg->types_.empty()) return InvalidArgument("no record schemas were found");
    return std::shared_ptr<const Registry>(std::move(reg));
  }
};

Registry::Registry() = default;
Registry::~Registry() = default;

Result<std::shared_ptr<const Registry>> Registry::LoadBuiltin() {
  return RegistryBuilder::Build(detail::BuiltinSchemaFiles());
}

const std::vector<std::pair<std::string, std::string>>& Registry::BuiltinFiles() {
  return detail::BuiltinSchemaFiles();
}

Result<std::shared_ptr<const Registry>> Registry::Load(
    const std::vector<std::pair<std::string, std::string>>& files) {
  return RegistryBuilder::Build(files);
}

Result<std::shared_ptr<const Registry>> Registry::LoadDir(const std::string& dir) {
  std::error_code ec;
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".json") continue;
    std::ifstream in(entry.path());
    std::stringstream ss;
    ss << in.rdbuf();
    if (!in)
      return InvalidArgument(fmt::format("cannot read schema file {}", entry.path().string()));
    files.emplace_back(entry.path().filename().string(), ss.str());
  }
  if (ec)
    return InvalidArgument(fmt::format("cannot read schema folder {}: {}", dir, ec.message()));
  std::sort(files.begin(), files.end());
  return RegistryBuilder::Build(files);
}

std::vector<std::string> Registry::Types() const {
  std::vector<std::string> out;
  out.reserve(types_.size());
  for (const auto& [name, schema] : types_) out.push_back(name);
  return out;
}

bool Registry::Has(std::string_view type) const { return types_.find(type) != types_.end(); }

Result<std::string> Registry::SchemaText(std::string_view type) const {
  const auto it = texts_.find(type);
  if (it == texts_.end()) return NotFound(fmt::format("unknown record type '{}'", type));
  return it->second;
}

std::vector<std::string> Registry::PersonalProperties(std::string_view type) const {
  const auto it = types_.find(type);
  return it == types_.end() ? std::vector<std::string>{} : it->second->PersonalProperties();
}

std::string Registry::KeyOf(std::string_view type, const nlohmann::json& properties) const {
  const auto it = types_.find(type);
  return it == types_.end() ? std::string() : it->second->KeyOf(properties);
}

std::string Registry::KeyProperty(std::string_view type) const {
  const auto it = types_.find(type);
  return it == types_.end() ? std::string() : it->second->key_property();
}

bool Registry::MasksOnRetention(std::string_view type) const {
  const auto it = types_.find(type);
  return it != types_.end() && it->second->masked();
}

bool Registry::MasksOnRetention(std::string_view type, std::string_view properties_json) const {
  const auto it = types_.find(type);
  if (it == types_.end()) return false;
  if (it->second->masked()) return true;
  return it->second->MasksRecord(nlohmann::json::parse(properties_json, nullptr, false));
}

Result<Registry::ValidProperties> Registry::ValidateProperties(std::string_view type,
                                                               std::string_view text) const {
  const auto it = types_.find(type);
  if (it == types_.end()) {
    return InvalidArgument(fmt::format("unknown record type '{}'", type), "type");
  }
  json v = json::parse(text, nullptr, false);
  if (v.is_discarded()) return InvalidArgument("is not valid JSON", "properties");
  ISSA_RETURN_IF_ERROR(it->second->Validate(v).WithFieldPrefix("properties"));
  ValidProperties out;
  out.json = v.dump();
  it->second->CollectSearchText(v, out.search_text);
  out.key = it->second->KeyOf(v);
  return out;
}

const TypeSchema* Registry::FindType(std::string_view type) const {
  const auto it = types_.find(type);
  return it == types_.end() ? nullptr : it->second.get();
}

}  // namespace issa::schema
