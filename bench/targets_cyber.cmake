# Cyber: correlation by value groups vs MISP's pairwise rows; IOC scanning vs a per-token
# std::unordered_set and grep -F.
add_executable(issa_correlation_bench correlation_bench.cc)
target_link_libraries(issa_correlation_bench PRIVATE issa::cyber fmt::fmt issa_warnings issa_malloc)
add_executable(issa_ioc_scan_bench ioc_scan_bench.cc)
target_link_libraries(issa_ioc_scan_bench PRIVATE issa::cyber fmt::fmt issa_warnings issa_malloc)
