# bench targets owned by the maritime module
issa_add_bench(ais_decode_bench SOURCES ais_decode_bench.cc
               DEPS issa::maritime nlohmann_json::nlohmann_json)
# The benchmark reads the shared real NMEA logs (../shared/data/maritime/nmea next to the checkout).
target_compile_definitions(ais_decode_bench PRIVATE
  ISSA_AIS_DATA_DIR="${CMAKE_CURRENT_LIST_DIR}/../../shared/data/maritime/nmea")
issa_add_bench(tracks_bench SOURCES tracks_bench.cc DEPS issa::maritime)
issa_add_bench(fusion_bench SOURCES fusion_bench.cc DEPS issa::maritime issa::maritime_testing)
# The zone test against GEOS (optional: only when libgeos-dev is installed).
find_package(GEOS CONFIG QUIET)
if(TARGET GEOS::geos_c)
  issa_add_bench(zones_geos_bench SOURCES zones_geos_bench.cc DEPS issa::maritime GEOS::geos_c)
endif()
