# Every dependency comes from a Debian package installed by `make deps`.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(fmt REQUIRED)
find_package(nlohmann_json 3.11 REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(ICU REQUIRED COMPONENTS uc i18n)
find_package(Boost 1.74 REQUIRED)
find_package(CLI11 REQUIRED)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
if(ISSA_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(ISSA_BUILD_BENCHMARKS)
  find_package(benchmark REQUIRED)
endif()
find_package(Eigen3 3.4 REQUIRED NO_MODULE)
# GeographicLib (libgeographiclib-dev) ships a find module, not a config file.
list(APPEND CMAKE_MODULE_PATH /usr/share/cmake/geographiclib)
find_package(GeographicLib REQUIRED)
if(NOT TARGET GeographicLib::GeographicLib)
  add_library(GeographicLib::GeographicLib INTERFACE IMPORTED)
  target_include_directories(GeographicLib::GeographicLib INTERFACE ${GeographicLib_INCLUDE_DIRS})
  target_link_libraries(GeographicLib::GeographicLib INTERFACE ${GeographicLib_LIBRARIES})
endif()
# Xerces-C (libxerces-c-dev): XSD validation of CISE messages (domains/maritime). CMake's own
# FindXercesC module provides XercesC::XercesC.
find_package(XercesC 3.2 REQUIRED)
# toml++ (libtomlplusplus-dev 3.3): the maritime configuration file; only in domains/maritime/src.
find_package(tomlplusplus 3 REQUIRED)
# OpenSSL's libcrypto (libssl-dev): SHA-1 for STIX observable ids (UUIDv5) and HMAC-SHA-256 for
# TAXII cursors; only in domains/cyber/src. libssl: https for the TAXII client (cli/taxii_http.cc).
find_package(OpenSSL REQUIRED COMPONENTS Crypto SSL)
# Hyperscan (libhyperscan-dev): substring and regex matching of warning lists and IOC scanning
# (domains/cyber/src only).
pkg_check_modules(HYPERSCAN REQUIRED IMPORTED_TARGET libhs)
# simdjson (libsimdjson-dev): parses each STIX object's text before the nlohmann tree is built
# from it (domains/cyber/src only).
find_package(simdjson REQUIRED)
# jemalloc (libjemalloc-dev): the allocator of the programs (`issa`, tests, benchmarks), linked in
# as issa_malloc; see docs/adr/0016-jemalloc.md. Not with the sanitizers, which bring their own.
option(ISSA_JEMALLOC "Link the programs with jemalloc" ON)
add_library(issa_malloc INTERFACE)
if(ISSA_JEMALLOC AND NOT ISSA_SANITIZE)
  pkg_check_modules(JEMALLOC REQUIRED IMPORTED_TARGET jemalloc)
  target_link_libraries(issa_malloc INTERFACE PkgConfig::JEMALLOC)
endif()
