# fuzz targets owned by the travel module: passenger data (EDIFACT, PNRGOV, PAXLST) and the
# risk-criteria compiler
issa_add_fuzzer(edifact_fuzz SOURCES edifact_fuzz.cc DEPS issa::travel)
issa_add_fuzzer(pnrgov_fuzz SOURCES passenger_messages_fuzz.cc DEPS issa::travel)
issa_add_fuzzer(paxlst_fuzz SOURCES passenger_messages_fuzz.cc DEPS issa::travel)
issa_add_fuzzer(risk_rules_fuzz SOURCES risk_rules_fuzz.cc DEPS issa::travel)
issa_add_fuzzer(passenger_json_fuzz SOURCES passenger_json_fuzz.cc DEPS issa::travel)
