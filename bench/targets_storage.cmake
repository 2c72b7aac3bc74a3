# bench targets owned by the storage module

# Ingest into the SQLite store (audit entry per record, 1,000 records per Write) against a bare
# SQLite insert of the same rows; prints both rates and the ratio. The peer's SQL lives in
# storage_sqlite/src/bare_insert_peer.cc, compiled into this benchmark only.
issa_add_bench(issa_ingest_bench
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/ingest_bench.cc
    ${CMAKE_CURRENT_LIST_DIR}/../storage_sqlite/src/bare_insert_peer.cc
  DEPS issa::storage_sqlite SQLite::SQLite3 fmt::fmt)
target_include_directories(issa_ingest_bench PRIVATE ${CMAKE_CURRENT_LIST_DIR}/../storage_sqlite/src)
