# fuzz targets of the EISAS alerts (domains/cyber: advisories, CSAF, incidents)
issa_add_fuzzer(advisory_json_fuzz SOURCES advisory_json_fuzz.cc DEPS issa::cyber)
issa_add_fuzzer(csaf_fuzz SOURCES csaf_fuzz.cc DEPS issa::cyber)
issa_add_fuzzer(advisory_body_fuzz SOURCES advisory_body_fuzz.cc
                DEPS issa::eisas issa::node issa::storage issa::access)
