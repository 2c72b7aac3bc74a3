# fuzz targets owned by the maritime module
issa_add_fuzzer(ais_nmea_fuzz SOURCES ais_nmea_fuzz.cc DEPS issa::maritime)
