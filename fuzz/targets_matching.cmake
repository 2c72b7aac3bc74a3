# fuzz targets owned by the matching module
issa_add_fuzzer(name_normaliser_fuzz SOURCES name_normaliser_fuzz.cc DEPS issa::matching)
