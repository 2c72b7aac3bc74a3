#include "bare_insert_peer.h"

#include <utility>

#include "sqlite_db.h"

namespace issa::storage_sqlite::bench {

struct BareInsertPeer::Impl {
  std::unique_ptr<Db> db;
};

BareInsertPeer::BareInsertPeer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
BareInsertPeer::~BareInsertPeer() = default;

Result<std::unique_ptr<BareInsertPeer>> BareInsertPeer::Open(const std::string& path) {
  ISSA_ASSIGN_OR_RETURN(std::unique_ptr<Db> db,
                        Db::Open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, 5000));
  ISSA_RETURN_IF_ERROR(db->QueryText("PRAGMA journal_mode = WAL", "journal_mode").status());
  ISSA_RETURN_IF_ERROR(
      db->Exec("PRAGMA synchronous = NORMAL; PRAGMA cache_size = -32768;"
               "CREATE TABLE rows (id TEXT, type TEXT, owner TEXT, "
               "properties TEXT, geometry TEXT, min_lon REAL, min_lat REAL, "
               "max_lon REAL, max_lat REAL, search_text TEXT, created_at "
               "INTEGER)",
               "creating the bare table"));
  auto impl = std::make_unique<Impl>();
  impl->db = std::move(db);
  return std::unique_ptr<BareInsertPeer>(new BareInsertPeer(std::move(impl)));
}

Status BareInsertPeer::InsertBatch(std::span<const core::Record> records) {
  Db& db = *impl_->db;
  ISSA_RETURN_IF_ERROR(db.Exec("BEGIN", "BEGIN"));
  for (const core::Record& r : records) {
    ISSA_ASSIGN_OR_RETURN(Stmt s, db.Prepare("INSERT INTO rows VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
                                             "?7, ?8, ?9, ?10, ?11)"));
    s.BindText(1, r.id);
    s.BindText(2, r.type);
    s.BindText(3, r.owner);
    s.BindText(4, r.properties_json);
    s.BindText(5, r.geometry_json);
    if (r.bbox) {
      s.BindDouble(6, r.bbox->min_lon);
      s.BindDouble(7, r.bbox->min_lat);
      s.BindDouble(8, r.bbox->max_lon);
      s.BindDouble(9, r.bbox->max_lat);
    }
    s.BindText(10, r.search_text);
    s.BindInt(11, r.created_at);
    ISSA_RETURN_IF_ERROR(s.Run());
  }
  return db.Exec("COMMIT", "COMMIT");
}

}  // namespace issa::storage_sqlite::bench
