# -DTALLY_FUZZ=ON: the libFuzzer build (fuzz/, docs/RELIABILITY.md). clang only. Every
# first-party target gets coverage instrumentation for libFuzzer, AddressSanitizer and
# UndefinedBehaviorSanitizer (any report aborts, so libFuzzer saves the input), and keeps its
# assertions and libstdc++'s bounds checks whatever the build type. The fuzz_<harness>
# binaries link libFuzzer itself (fuzz/CMakeLists.txt).
if(NOT TALLY_FUZZ)
  return()
endif()
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "TALLY_FUZZ needs clang (libFuzzer): configure with CXX=clang++")
endif()
if(TALLY_SANITIZE)
  message(FATAL_ERROR "TALLY_FUZZ sets its own sanitizers; leave TALLY_SANITIZE empty")
endif()
target_compile_options(tally_settings INTERFACE
  -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
  -fno-omit-frame-pointer -UNDEBUG)
target_compile_definitions(tally_settings INTERFACE _GLIBCXX_ASSERTIONS)
target_link_options(tally_settings INTERFACE -fsanitize=address,undefined)
