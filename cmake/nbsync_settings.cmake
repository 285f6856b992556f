# nbsync_warnings: one INTERFACE target that every nbsync target links PRIVATE.
add_library(nbsync_warnings INTERFACE)
target_compile_options(nbsync_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                                 -Wold-style-cast -Wcast-align -Wunused -Woverloaded-virtual)
if(NBSYNC_WERROR)
  target_compile_options(nbsync_warnings INTERFACE -Werror)
endif()

# Sanitizers apply to every target, third-party static code included, so they are global flags.
# -g1 (line tables) is what a sanitizer's report needs for file:line in every frame; full -g
# costs a third more compile time on this code base for variables a report never shows.
if(NBSYNC_SANITIZE)
  if(NOT NBSYNC_SANITIZE MATCHES "^(address,undefined|address|undefined|thread)$")
    message(FATAL_ERROR "NBSYNC_SANITIZE must be 'address,undefined', 'address', 'undefined' or 'thread', not '${NBSYNC_SANITIZE}'")
  endif()
  add_compile_options(-fsanitize=${NBSYNC_SANITIZE} -fno-omit-frame-pointer -g1)
  add_link_options(-fsanitize=${NBSYNC_SANITIZE})
endif()

# Fuzzing (fuzz/README.md): every library is instrumented for libFuzzer's coverage and
# checked by ASan and UBSan (any UB aborts, so the fuzzer keeps it as a crash); only the
# fuzz targets themselves link libFuzzer (-fsanitize=fuzzer, fuzz/CMakeLists.txt).
if(NBSYNC_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "NBSYNC_FUZZ needs clang (-DCMAKE_CXX_COMPILER=clang++-14), not ${CMAKE_CXX_COMPILER_ID}")
  endif()
  if(NBSYNC_SANITIZE)
    message(FATAL_ERROR "NBSYNC_FUZZ already builds with address,undefined: leave NBSYNC_SANITIZE empty")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer -g1)
  add_link_options(-fsanitize=address,undefined)
endif()

# nbsync_module(<folder> SOURCES ...): the static library nbsync_<folder>, with root-relative includes.
function(nbsync_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES" ${ARGN})
  add_library(nbsync_${name} STATIC ${ARG_SOURCES})
  target_include_directories(nbsync_${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(nbsync_${name} PRIVATE nbsync_warnings)
endfunction()
