// Helper for the kill -9 durability test (sqlite_crash_test.cc). Opens the store at argv[1]
// (synchronous=NORMAL), signs the audit head with the node key whose secret is argv[2], and
// writes records from argv[3] threads until killed. Each Write puts one record and appends one
// audit entry; after Write returns OK the record id is printed on stdout as one line (a single
// write(2) of less than PIPE_BUF bytes, so lines never interleave or tear).

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include "issa/audit/chain.h"
#include "issa/core/ids.h"
#include "issa/core/time.h"
#include "issa/storage_sqlite/sqlite_store.h"

namespace {

std::mutex out_mu;

void Acknowledge(const std::string& id) {
  const std::string line = id + "\n";
  std::lock_guard<std::mutex> lock(out_mu);
  if (::write(STDOUT_FILENO, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
    std::_Exit(3);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s <db path> <node key secret hex> <threads>\n", argv[0]);
    return 2;
  }
  auto key = issa::audit::NodeKey::FromSecretHex(argv[2]);
  if (!key.ok()) {
    std::fprintf(stderr, "%s\n", key.status().ToString().c_str());
    return 2;
  }
  issa::storage_sqlite::SqliteOptions options;
  options.path = argv[1];
  options.signer = [k = *key](const std::string& m) { return k.Sign(m); };
  auto store = issa::storage_sqlite::OpenSqliteStore(options);
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
    return 1;
  }
  const int threads = std::atoi(argv[3]);
  std::vector<std::jthread> writers;
  for (int t = 0; t < threads; ++t) {
    writers.emplace_back([&store, t] {
      for (int i = 0;; ++i) {
        const issa::core::Timestamp now = issa::core::SystemClock().Now();
        issa::core::Record r;
        r.id = issa::core::NewUuidV7(now);
        r.type = "Person";
        r.owner = "IT-NCC";
        r.origin_node = "crash-writer";
        r.created_at = now;
        r.updated_at = now;
        r.properties_json =
            R"({"family_name":"Rossi","given_names":"Mario","n":)" + std::to_string(i) + "}";
        r.search_text = "rossi mario t" + std::to_string(t);
        if (i % 3 == 0) r.bbox = issa::core::BBox{12.0, 41.0, 12.5, 41.5};
        r.handling.purposes = static_cast<issa::core::PurposeSet>(issa::core::Purpose::kCrime);
        const issa::Status s = (*store)->Write([&](issa::storage::WriteTxn& txn) {
          ISSA_RETURN_IF_ERROR(txn.PutRecord(r));
          return txn
              .AppendAudit(issa::audit::Event{now, "u-1", "IT-NCC", "record.create", r.id, "ok", "",
                                              "IT-NCC"})
              .status();
        });
        if (!s.ok()) {
          std::fprintf(stderr, "write failed: %s\n", s.ToString().c_str());
          std::_Exit(1);
        }
        Acknowledge(r.id);
      }
    });
  }
  return 0;  // not reached: the writers run until the process is killed
}
