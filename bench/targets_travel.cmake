# bench targets owned by the travel module
issa_add_bench(screening_bench SOURCES screening_bench.cc DEPS issa::travel issa::matching)
