# fuzz targets of the STIX/TAXII layer (domains/cyber stix*, pattern*, taxii*): objects and bundles, patterns, TAXII queries
issa_add_fuzzer(stix_fuzz SOURCES stix_fuzz.cc DEPS issa::cyber)
issa_add_fuzzer(stix_pattern_fuzz SOURCES stix_pattern_fuzz.cc DEPS issa::cyber)
issa_add_fuzzer(taxii_query_fuzz SOURCES taxii_query_fuzz.cc DEPS issa::cyber)
issa_add_fuzzer(taxii_client_fuzz SOURCES taxii_client_fuzz.cc DEPS issa::cyber)
