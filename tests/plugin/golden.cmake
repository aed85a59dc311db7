# Golden-file check of protoc-gen-twirpcpp (run by ctest, and by update-golden):
#
#   cmake -DPROTOC=<protoc> -DPLUGIN=<protoc-gen-twirpcpp> -DPROTOS_DIR=<dir>
#         -DOPTIONS_PROTO_DIR=<runtime/proto> -DGOLDEN_DIR=<dir> -DOUT_DIR=<scratch dir>
#         [-DUPDATE=ON] -P golden.cmake
#
# Runs protoc with the plugin on every .proto under PROTOS_DIR except those it
# refuses (streaming/, bad_options/; see protoc_test.cc) into OUT_DIR (defaults/
# with the unimplemented_defaults parameter), with
# OPTIONS_PROTO_DIR on the import path for "twirpcpp/options.proto". Then fails with a
# unified diff unless OUT_DIR holds exactly the files of GOLDEN_DIR with the same
# contents; with UPDATE=ON, replaces GOLDEN_DIR's files by OUT_DIR's instead.
cmake_minimum_required(VERSION 3.25)

foreach(var PROTOC PLUGIN PROTOS_DIR OPTIONS_PROTO_DIR GOLDEN_DIR OUT_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "golden.cmake: -D${var}=... is required")
  endif()
endforeach()

file(REMOVE_RECURSE ${OUT_DIR})
file(MAKE_DIRECTORY ${OUT_DIR})

file(GLOB_RECURSE protos RELATIVE ${PROTOS_DIR} ${PROTOS_DIR}/*.proto)
list(FILTER protos EXCLUDE REGEX "(^|/)(streaming|bad_options)/")
list(SORT protos)
# defaults/ is generated with the unimplemented_defaults parameter.
set(default_protos ${protos})
list(FILTER default_protos INCLUDE REGEX "(^|/)defaults/")
list(FILTER protos EXCLUDE REGEX "(^|/)defaults/")

foreach(run "PLAIN" "DEFAULTS")
  if(run STREQUAL "PLAIN")
    set(run_protos ${protos})
    set(parameters "")
  else()
    set(run_protos ${default_protos})
    set(parameters "unimplemented_defaults")
  endif()
  execute_process(
    COMMAND ${PROTOC} -I${PROTOS_DIR} -I${OPTIONS_PROTO_DIR} --plugin=protoc-gen-twirpcpp=${PLUGIN}
            --twirpcpp_out=${parameters}:${OUT_DIR} ${run_protos}
    WORKING_DIRECTORY ${PROTOS_DIR}
    RESULT_VARIABLE rc
    ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "protoc failed (${rc}):\n${err}")
  endif()
endforeach()

file(GLOB_RECURSE generated RELATIVE ${OUT_DIR} ${OUT_DIR}/*)
file(GLOB_RECURSE golden RELATIVE ${GOLDEN_DIR}
     ${GOLDEN_DIR}/*.twirp.h ${GOLDEN_DIR}/*.twirp.cc ${GOLDEN_DIR}/*.fields.h)
list(SORT generated)
list(SORT golden)

if(UPDATE)
  foreach(f IN LISTS golden)
    file(REMOVE ${GOLDEN_DIR}/${f})
  endforeach()
  foreach(f IN LISTS generated)
    get_filename_component(dir ${GOLDEN_DIR}/${f} DIRECTORY)
    file(COPY ${OUT_DIR}/${f} DESTINATION ${dir})
  endforeach()
  list(LENGTH generated count)
  message(STATUS "golden.cmake: wrote ${count} files to ${GOLDEN_DIR}")
  return()
endif()

find_program(DIFF diff)
set(failures "")
foreach(f IN LISTS generated)
  if(NOT f IN_LIST golden)
    string(APPEND failures "generated but not in golden: ${f}\n")
    continue()
  endif()
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${GOLDEN_DIR}/${f} ${OUT_DIR}/${f}
                  RESULT_VARIABLE differs)
  if(differs)
    # Straight to stdout: message() would reflow the diff.
    if(DIFF)
      execute_process(COMMAND ${DIFF} -u --label golden/${f} --label generated/${f}
                              ${GOLDEN_DIR}/${f} ${OUT_DIR}/${f})
    endif()
    string(APPEND failures "differs from golden: ${f}\n")
  endif()
endforeach()
foreach(f IN LISTS golden)
  if(NOT f IN_LIST generated)
    string(APPEND failures "in golden but not generated: ${f}\n")
  endif()
endforeach()

if(failures)
  message(FATAL_ERROR "generated code differs from ${GOLDEN_DIR} (diffs above); if "
                      "intended, run tests/plugin/update-golden and review the change.\n${failures}")
endif()
list(LENGTH generated count)
message(STATUS "golden.cmake: ${count} files equal golden")
