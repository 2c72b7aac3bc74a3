# fuzz targets owned by the node/schema modules
issa_add_fuzzer(record_json_fuzz SOURCES record_json_fuzz.cc DEPS issa::schema)
issa_add_fuzzer(import_fuzz SOURCES import_fuzz.cc DEPS issa::node issa::storage)
