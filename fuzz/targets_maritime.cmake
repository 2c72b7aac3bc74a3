# fuzz targets owned by the maritime module
issa_add_fuzzer(ais_nmea_fuzz SOURCES ais_nmea_fuzz.cc DEPS issa::maritime)
issa_add_fuzzer(detections_fuzz SOURCES detections_fuzz.cc DEPS issa::maritime)
issa_add_fuzzer(border_sections_fuzz SOURCES border_sections_fuzz.cc DEPS issa::maritime)
issa_add_fuzzer(cise_fuzz SOURCES cise_fuzz.cc DEPS issa::maritime nlohmann_json::nlohmann_json)
issa_add_fuzzer(zones_fuzz SOURCES zones_fuzz.cc DEPS issa::maritime)
issa_add_fuzzer(maritime_config_fuzz SOURCES maritime_config_fuzz.cc DEPS issa::maritime)
