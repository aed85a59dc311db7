# Compiler warnings of twirpcpp's own build (not part of what users include).
#
# twirpcpp_enable_warnings(), called once after every directory is added, puts
# -Wall -Wextra -Wpedantic on every target the project defines: libraries,
# executables, tests, benchmarks, and the code protoc-gen-twirpcpp generates
# (*.twirp.cc, *.fields.h: ours). protoc's *.pb.cc are compiled without warnings:
# that code is protobuf's. Third-party headers (Boost, protobuf, nlohmann, Catch2,
# SQLite) come from system include directories, where the compiler does not warn.
#
# TWIRPCPP_WERROR makes every warning an error; scripts/build turns it on under CI.
option(TWIRPCPP_WERROR "Treat compiler warnings as errors" OFF)

set(TWIRPCPP_WARNING_FLAGS -Wall -Wextra -Wpedantic)
# GCC (12 and later) takes the frame allocation of Asio's awaitable coroutines,
# Asio's own operator new with its matching sized operator delete, for a mismatch
# once both are inlined, and reports it at the closing brace of our coroutine: a
# compiler false positive that no system include path can hide.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  list(APPEND TWIRPCPP_WARNING_FLAGS -Wno-mismatched-new-delete)
endif()
if(TWIRPCPP_WERROR)
  list(APPEND TWIRPCPP_WARNING_FLAGS -Werror)
endif()

# The targets defined in `dir` and the directories below it.
function(_twirpcpp_targets_below dir out_var)
  get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(subdir IN LISTS subdirs)
    _twirpcpp_targets_below(${subdir} subdir_targets)
    list(APPEND targets ${subdir_targets})
  endforeach()
  set(${out_var} ${targets} PARENT_SCOPE)
endfunction()

function(twirpcpp_enable_warnings)
  _twirpcpp_targets_below(${CMAKE_CURRENT_SOURCE_DIR} targets)
  foreach(target IN LISTS targets)
    get_target_property(type ${target} TYPE)
    if(NOT type MATCHES "^(EXECUTABLE|STATIC_LIBRARY|SHARED_LIBRARY|MODULE_LIBRARY|OBJECT_LIBRARY)$")
      continue()
    endif()
    target_compile_options(${target} PRIVATE ${TWIRPCPP_WARNING_FLAGS})
    get_target_property(sources ${target} SOURCES)
    foreach(source IN LISTS sources)
      if(source MATCHES "\\.pb\\.cc$")
        # -w wins over every -W flag, wherever it stands on the command line.
        set_property(SOURCE ${source} TARGET_DIRECTORY ${target} APPEND PROPERTY COMPILE_OPTIONS -w)
      endif()
    endforeach()
  endforeach()
endfunction()
