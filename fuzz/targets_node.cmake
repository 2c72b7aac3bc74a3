# fuzz targets owned by the node/schema modules
issa_add_fuzzer(record_json_fuzz SOURCES record_json_fuzz.cc DEPS issa::schema)
