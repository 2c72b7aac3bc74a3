# bench targets owned by the cti module (TAXII over node records)
if(TARGET issa_cti AND TARGET issa_api AND TARGET issa_storage_sqlite)
  add_executable(taxii_bench taxii_bench.cc)
  target_link_libraries(taxii_bench PRIVATE issa::cti issa::api issa::node issa::storage
                        issa::storage_sqlite issa::audit Boost::headers nlohmann_json::nlohmann_json
                        fmt::fmt Threads::Threads issa_warnings issa_malloc)
endif()
# The correlation stage of a StixObject write (cti's private correlator) against the engine alone.
if(TARGET issa_cti)
  add_executable(cti_correlation_bench cti_correlation_bench.cc)
  target_include_directories(cti_correlation_bench PRIVATE ${CMAKE_SOURCE_DIR}/cti/src)
  target_link_libraries(cti_correlation_bench PRIVATE issa::cti issa::cyber issa::node
                        nlohmann_json::nlohmann_json fmt::fmt issa_warnings issa_malloc)
endif()
