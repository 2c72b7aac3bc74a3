# bench targets owned by the api module
# A seeded node behind api::Server for bench/http_bench.sh (wrk); not a Google Benchmark and
# not named *_bench, so run_all.sh starts it only through the script.
if(TARGET issa_api AND TARGET issa_storage_sqlite)
  add_executable(http_bench_server http_bench_server.cc)
  target_link_libraries(http_bench_server PRIVATE issa::api issa::node issa::storage
                        issa::storage_sqlite issa::audit fmt::fmt issa_warnings issa_malloc)
endif()
