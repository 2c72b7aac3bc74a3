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
  target_link_libraries(${name} PRIVATE ${T_DEPS} GTest::gtest GTest::gtest_main GTest::gmock issa_warnings
                        issa_malloc)
  # One LABELS pair per label: a ;-list would be split into stray properties.
  set(label_props "")
  foreach(label IN LISTS T_LABELS)
    list(APPEND label_props LABELS ${label})
  endforeach()
  gtest_discover_tests(${name} PROPERTIES ${label_props} DISCOVERY_TIMEOUT 60)
endfunction()

# issa_embed_files(<out-var> DIR <folder> NAMES <file>... FUNCTION <name> NAMESPACE <ns>
#                  COMMENT <text>)
# Generates a .cc that defines `NAMESPACE::FUNCTION()` returning the files' contents (see
# cmake/embed_files.cmake) and sets <out-var> to its path, for the target's sources.
function(issa_embed_files out_var)
  cmake_parse_arguments(E "" "DIR;FUNCTION;NAMESPACE;COMMENT" "NAMES" ${ARGN})
  list(TRANSFORM E_NAMES PREPEND ${E_DIR}/ OUTPUT_VARIABLE paths)
  set(generated ${CMAKE_CURRENT_BINARY_DIR}/${E_FUNCTION}.cc)
  add_custom_command(
    OUTPUT ${generated}
    COMMAND ${CMAKE_COMMAND} -DOUT=${generated} -DDIR=${E_DIR} "-DNAMES=${E_NAMES}"
            -DFUNCTION=${E_FUNCTION} -DNAMESPACE=${E_NAMESPACE}
            -P ${CMAKE_SOURCE_DIR}/cmake/embed_files.cmake
    DEPENDS ${paths} ${CMAKE_SOURCE_DIR}/cmake/embed_files.cmake
    COMMENT "${E_COMMENT}"
    VERBATIM)
  set(${out_var} ${generated} PARENT_SCOPE)
endfunction()
