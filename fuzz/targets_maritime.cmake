# fuzz targets owned by the maritime module
issa_add_fuzzer(ais_nmea_fuzz SOURCES ais_nmea_fuzz.cc DEPS issa::maritime)
issa_add_fuzzer(detections_fuzz SOURCES detections_fuzz.cc DEPS issa::maritime)
issa_add_fuzzer(zones_fuzz SOURCES zones_fuzz.cc DEPS issa::maritime)
issa_add_fuzzer(maritime_config_fuzz SOURCES maritime_config_fuzz.cc DEPS issa::maritime)
