# fuzz targets owned by the piu module (and its stay calculator in domains/travel)
issa_add_fuzzer(stay_lines_fuzz SOURCES stay_lines_fuzz.cc DEPS issa::travel)
issa_add_fuzzer(piu_body_fuzz SOURCES piu_body_fuzz.cc
                DEPS issa::piu issa::node issa::storage issa::access)
