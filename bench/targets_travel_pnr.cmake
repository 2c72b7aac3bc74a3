# bench targets owned by the travel module: PNRGOV/PAXLST parsing throughput (issue 5)
issa_add_bench(pnr_parse_bench SOURCES pnr_parse_bench.cc DEPS issa::travel)
# Reads the shared GTAS samples (../shared/data/travel/gtas next to the checkout, or --data);
# the peer runs as a perl script from bench/peers.
target_compile_definitions(pnr_parse_bench PRIVATE ISSA_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
