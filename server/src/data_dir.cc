#include "issa/server/data_dir.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <sys/stat.h>

#include "issa/schema/registry.h"
#include "issa/storage_sqlite/sqlite_store.h"

namespace issa::server {
namespace {

namespace fs = std::filesystem;

Result<std::string> ReadSmallFile(const fs::path& p) {
  std::ifstream in(p);
  if (!in) return FailedPrecondition(fmt::format("cannot read {}", p.string()));
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

Status WriteFile(const fs::path& p, const std::string& content, mode_t mode) {
  const fs::path tmp = p.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) return Internal(fmt::format("cannot write {}", tmp.string()));
    out << content;
    if (!out) return Internal(fmt::format("cannot write {}", tmp.string()));
  }
  if (::chmod(tmp.c_str(), mode) != 0)
    return Internal(fmt::format("cannot chmod {}", tmp.string()));
  std::error_code ec;
  fs::rename(tmp, p, ec);
  if (ec) return Internal(fmt::format("cannot write {}: {}", p.string(), ec.message()));
  return Status::Ok();
}

Result<std::unique_ptr<storage::Store>> OpenStore(const fs::path& dir, const audit::NodeKey& key) {
  storage_sqlite::SqliteOptions o;
  o.path = (dir / "issa.db").string();
  o.signer = [key](const std::string& message) { return key.Sign(message); };
  return storage_sqlite::OpenSqliteStore(o);
}

}  // namespace

Status InitDataDir(const std::string& dir_text, const std::string& node_id) {
  const fs::path dir(dir_text);
  std::error_code ec;
  if (fs::exists(dir / "node.key", ec)) {
    return AlreadyExists(fmt::format("{} already holds a node", dir_text));
  }
  if (node_id.empty() || node_id.size() > 64) {
    return InvalidArgument("a node id of 1 to 64 characters is required", "node-id");
  }
  fs::create_directories(dir / "schemas", ec);
  if (!ec) fs::create_directories(dir / "import", ec);
  if (ec)
    return InvalidArgument(fmt::format("cannot create {}: {}", dir_text, ec.message()), "data-dir");
  ::chmod(dir.c_str(), 0700);
  for (const auto& [name, text] : schema::Registry::BuiltinFiles()) {
    ISSA_RETURN_IF_ERROR(WriteFile(dir / "schemas" / name, text, 0644));
  }
  const audit::NodeKey key = audit::NodeKey::Generate();
  ISSA_RETURN_IF_ERROR(WriteFile(dir / "node.pub", key.PublicHex() + "\n", 0644));
  ISSA_RETURN_IF_ERROR(WriteFile(dir / "node.id", node_id + "\n", 0644));
  ISSA_ASSIGN_OR_RETURN(auto store, OpenStore(dir, key));
  ISSA_RETURN_IF_ERROR(store->Write([&](storage::WriteTxn& t) -> Status {
    ISSA_RETURN_IF_ERROR(t.SetMeta("node_id", node_id));
    ISSA_RETURN_IF_ERROR(t.SetMeta("public_key", key.PublicHex()));
    audit::Event e;
    e.at = core::SystemClock().Now();
    e.user = "system";
    e.action = "node.init";
    e.target = node_id;
    e.outcome = "ok";
    e.detail = "public key " + key.PublicHex();
    return t.AppendAudit(e).status();
  }));
  store.reset();
  // The key is written last: its presence marks a complete data folder.
  return WriteFile(dir / "node.key", key.SecretHex() + "\n", 0600);
}

Result<std::unique_ptr<OpenedNode>> OpenDataDir(const std::string& dir_text, OpenOptions options) {
  const fs::path dir(dir_text);
  std::error_code ec;
  if (!fs::exists(dir / "node.key", ec)) {
    return FailedPrecondition(
        fmt::format("{} is not a node's data folder (run `issa init --data-dir {}` first)",
                    dir_text, dir_text));
  }
  auto opened = std::make_unique<OpenedNode>();
  opened->dir = dir_text;
  ISSA_ASSIGN_OR_RETURN(const std::string secret, ReadSmallFile(dir / "node.key"));
  ISSA_ASSIGN_OR_RETURN(opened->key, audit::NodeKey::FromSecretHex(secret));
  ISSA_ASSIGN_OR_RETURN(opened->node_id, ReadSmallFile(dir / "node.id"));
  ISSA_ASSIGN_OR_RETURN(opened->store, OpenStore(dir, opened->key));
  node::NodeOptions no;
  no.node_id = opened->node_id;
  no.store = opened->store.get();
  no.clock = options.clock;
  no.key = opened->key;
  no.schema_dir = (dir / "schemas").string();
  no.import_dir = (dir / "import").string();
  no.match.threshold = options.match_threshold;
  ISSA_ASSIGN_OR_RETURN(opened->node, node::Node::Open(std::move(no)));
  return opened;
}

Result<audit::VerifyReport> VerifyAuditChain(const std::string& dir_text) {
  const fs::path dir(dir_text);
  ISSA_ASSIGN_OR_RETURN(const std::string public_hex, ReadSmallFile(dir / "node.pub"));
  ISSA_ASSIGN_OR_RETURN(const std::string secret, ReadSmallFile(dir / "node.key"));
  ISSA_ASSIGN_OR_RETURN(const audit::NodeKey key, audit::NodeKey::FromSecretHex(secret));
  ISSA_ASSIGN_OR_RETURN(auto store, OpenStore(dir, key));
  ISSA_ASSIGN_OR_RETURN(auto txn, store->BeginRead());
  ISSA_ASSIGN_OR_RETURN(const audit::Head head, txn->GetAuditHead());
  // Read the whole chain in order; verification stops at the first bad entry.
  std::vector<audit::Entry> entries;
  storage::AuditQuery q;
  q.limit = 0;
  ISSA_RETURN_IF_ERROR(txn->ScanAudit(q, [&](const audit::Entry& e) {
    entries.push_back(e);
    return true;
  }));
  size_t i = 0;
  return audit::VerifyChain(
      [&](audit::Entry& e) {
        if (i >= entries.size()) return false;
        e = std::move(entries[i++]);
        return true;
      },
      head, public_hex);
}

node::Context SystemContext() {
  node::Context ctx;
  ctx.principal = access::Principal::System();
  ctx.remote = "cli";
  return ctx;
}

Result<node::Context> OperatorContext(node::Node& node, const std::string& authority) {
  ISSA_ASSIGN_OR_RETURN(const auto authorities, node.ListAuthorities(SystemContext()));
  for (const auto& a : authorities) {
    if (a.id != authority) continue;
    node::Context ctx;
    ctx.principal.user_id = "operator:" + authority;
    ctx.principal.authority = authority;
    ctx.principal.role = core::Role::kAdmin;
    ctx.principal.clearance = core::Classification::kConfidential;
    ctx.principal.purposes = core::DefaultPurposes(a.kinds);
    ctx.remote = "cli";
    return ctx;
  }
  return InvalidArgument(fmt::format("unknown authority {}", authority), "authority");
}

}  // namespace issa::server
