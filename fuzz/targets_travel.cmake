# fuzz targets owned by the travel module (watchlists and screening)
issa_add_fuzzer(ofac_csv_fuzz SOURCES ofac_csv_fuzz.cc DEPS issa::travel)
issa_add_fuzzer(un_list_xml_fuzz SOURCES un_list_xml_fuzz.cc DEPS issa::travel)
issa_add_fuzzer(alerts_json_fuzz SOURCES alerts_json_fuzz.cc DEPS issa::travel)
