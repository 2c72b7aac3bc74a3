# fuzz targets owned by the api module
issa_add_fuzzer(http_request_fuzz SOURCES http_request_fuzz.cc DEPS issa::api)
# The target reaches the api's internal headers (router, query, JSON checks, service) and its
# scripted test node; it links the node for the shared JSON renderers.
target_include_directories(http_request_fuzz PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/../api/src ${CMAKE_CURRENT_LIST_DIR}/../api/testing)
target_link_libraries(http_request_fuzz PRIVATE issa::node issa::storage
  nlohmann_json::nlohmann_json fmt::fmt)
