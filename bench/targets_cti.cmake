# bench targets owned by the cti module (TAXII over node records)
if(TARGET issa_cti AND TARGET issa_api AND TARGET issa_storage_sqlite)
  add_executable(taxii_bench taxii_bench.cc)
  target_link_libraries(taxii_bench PRIVATE issa::cti issa::api issa::node issa::storage
                        issa::storage_sqlite issa::audit Boost::headers nlohmann_json::nlohmann_json
                        fmt::fmt Threads::Threads issa_warnings)
endif()
