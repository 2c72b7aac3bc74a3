# issa_add_module(name SOURCES ... PUBLIC_DEPS ... PRIVATE_DEPS ...)
# One module = one folder = one static library issa::<name> = one namespace issa::<name>.
function(issa_add_module name)
  cmake_parse_arguments(M "" "" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(issa_${name} STATIC ${M_SOURCES})
  add_library(issa::${name} ALIAS issa_${name})
  target_include_directories(issa_${name}
    PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include
    PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
  target_link_libraries(issa_${name} PUBLIC ${M_PUBLIC_DEPS} PRIVATE ${M_PRIVATE_DEPS} issa_warnings)
  target_compile_features(issa_${name} PUBLIC cxx_std_20)
endfunction()

# issa_add_test(name SOURCES ... DEPS ... LABELS ...)
function(issa_add_test name)
  cmake_parse_arguments(T "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_DEPS} GTest::gtest GTest::gtest_main GTest::gmock issa_warnings)
  # One LABELS pair per label: a ;-list would be split into stray properties.
  set(label_props "")
  foreach(label IN LISTS T_LABELS)
    list(APPEND label_props LABELS ${label})
  endforeach()
  gtest_discover_tests(${name} PROPERTIES ${label_props} DISCOVERY_TIMEOUT 60)
endfunction()
