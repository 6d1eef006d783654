# Compile settings shared by first-party targets, linked PRIVATE (never leaks to consumers).
add_library(tally_settings INTERFACE)
target_compile_definitions(tally_settings INTERFACE $<$<CONFIG:Debug>:_GLIBCXX_ASSERTIONS>)
if(TALLY_SANITIZE)
  target_compile_options(tally_settings INTERFACE -fsanitize=${TALLY_SANITIZE} -fno-omit-frame-pointer)
  target_link_options(tally_settings INTERFACE -fsanitize=${TALLY_SANITIZE})
endif()

add_library(tally_warnings INTERFACE)
target_compile_options(tally_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
  -Wnon-virtual-dtor -Woverloaded-virtual
  $<$<BOOL:${TALLY_WERROR}>:-Werror>)

find_program(TALLY_CCACHE ccache)
if(TALLY_CCACHE)
  set(CMAKE_CXX_COMPILER_LAUNCHER ${TALLY_CCACHE})
endif()

# tally_add_module(name SOURCES a.cc b.cc DEPS tally::core ...)
# Defines the static library tally_<name> with alias tally::<name>; includes resolve from src/.
function(tally_add_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(tally_${name} STATIC ${ARG_SOURCES})
  add_library(tally::${name} ALIAS tally_${name})
  target_include_directories(tally_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src ${PROJECT_BINARY_DIR}/src)
  target_link_libraries(tally_${name} PUBLIC ${ARG_DEPS} PRIVATE tally_settings tally_warnings)
endfunction()

# tally_add_test(name SOURCES x_test.cc DEPS tally::x)
function(tally_add_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest_main tally_settings tally_warnings)
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests)
  target_compile_definitions(${name} PRIVATE
    TALLY_GOLDEN_DIR="${PROJECT_SOURCE_DIR}/tests/golden"
    TALLY_TESTDATA="${PROJECT_SOURCE_DIR}/tests/data"
    TALLY_SHARED_DIR="${PROJECT_SOURCE_DIR}/../shared")
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60)
endfunction()
