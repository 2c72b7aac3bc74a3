# bench targets owned by the matching module
issa_add_bench(matching_bench SOURCES matching_bench.cc DEPS issa::matching)
# The benchmark reads the shared watchlists (../shared/data/watchlists next to the checkout).
target_compile_definitions(matching_bench PRIVATE
  ISSA_WATCHLIST_DIR="${CMAKE_CURRENT_LIST_DIR}/../../shared/data/watchlists")
