# fuzz targets owned by the eurosur module: the request bodies of its routes
issa_add_fuzzer(eurosur_body_fuzz SOURCES eurosur_body_fuzz.cc
                DEPS issa::eurosur issa::node issa::storage issa::access)
