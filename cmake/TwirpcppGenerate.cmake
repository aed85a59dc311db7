# twirpcpp_generate(<target>
#     PROTOS <file.proto>...        # paths relative to the first IMPORT_DIRS entry or absolute
#     [IMPORT_DIRS <dir>...]        # -I roots; default: the current source dir
#     [PLUGIN_OPTIONS <opt>...]     # passed as --twirpcpp_out=<opts>:<dir>
#     [NO_TWIRP])                   # the protos have no services: no .twirp.{h,cc}
#
# Runs protoc with protoc-gen-twirpcpp and builds the generated C++ into a static
# library <target> that links the twirpcpp runtime. Generated files go to
# ${CMAKE_CURRENT_BINARY_DIR}/<target>_gen, which is on the target's include path, so
# `foo/v1/foo.twirp.h` is included by its proto path. Every proto gets
# foo/v1/foo.pb.{h,cc} and foo/v1/foo.fields.h (typed field-mask paths), a proto
# with services foo/v1/foo.twirp.{h,cc} too.
#
# twirpcpp's own protos (twirpcpp/options.proto) are always importable: their
# directory comes last on the import path, and the runtime holds their code.

function(twirpcpp_generate target)
  cmake_parse_arguments(ARG "NO_TWIRP" "" "PROTOS;IMPORT_DIRS;PLUGIN_OPTIONS;DEPENDS" ${ARGN})
  if(NOT ARG_IMPORT_DIRS)
    set(ARG_IMPORT_DIRS ${CMAKE_CURRENT_SOURCE_DIR})
  endif()
  list(GET ARG_IMPORT_DIRS 0 root)
  # The runtime's proto/ directory, where "twirpcpp/options.proto" lives. Paths are
  # normalized so that a caller's own mention of it does not repeat it.
  set(twirpcpp_proto_dir ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/../runtime/proto)
  set(import_dirs)
  foreach(dir IN LISTS ARG_IMPORT_DIRS twirpcpp_proto_dir)
    get_filename_component(dir ${dir} ABSOLUTE)
    list(APPEND import_dirs ${dir})
  endforeach()
  list(REMOVE_DUPLICATES import_dirs)
  set(out_dir ${CMAKE_CURRENT_BINARY_DIR}/${target}_gen)
  file(MAKE_DIRECTORY ${out_dir})

  set(include_flags)
  foreach(dir IN LISTS import_dirs)
    list(APPEND include_flags -I${dir})
  endforeach()
  list(JOIN ARG_PLUGIN_OPTIONS "," plugin_opts)

  set(sources)
  set(headers)
  foreach(proto IN LISTS ARG_PROTOS)
    if(IS_ABSOLUTE ${proto})
      file(RELATIVE_PATH rel ${root} ${proto})
      set(abs ${proto})
    else()
      set(rel ${proto})
      set(abs ${root}/${proto})
    endif()
    string(REGEX REPLACE "\\.proto$" "" stem ${rel})
    set(outputs ${out_dir}/${stem}.pb.cc ${out_dir}/${stem}.pb.h ${out_dir}/${stem}.fields.h)
    if(NOT ARG_NO_TWIRP)
      list(APPEND outputs ${out_dir}/${stem}.twirp.cc ${out_dir}/${stem}.twirp.h)
    endif()
    add_custom_command(
      OUTPUT ${outputs}
      COMMAND protobuf::protoc ${include_flags} --cpp_out=${out_dir}
              --plugin=protoc-gen-twirpcpp=$<TARGET_FILE:protoc-gen-twirpcpp>
              --twirpcpp_out=${plugin_opts}:${out_dir} ${rel}
      WORKING_DIRECTORY ${root}
      DEPENDS ${abs} protoc-gen-twirpcpp protobuf::protoc ${ARG_DEPENDS}
      COMMENT "twirpcpp: generating ${rel}"
      VERBATIM)
    foreach(f IN LISTS outputs)
      if(f MATCHES "\\.cc$")
        list(APPEND sources ${f})
      else()
        list(APPEND headers ${f})
      endif()
    endforeach()
  endforeach()

  add_library(${target} STATIC ${sources} ${headers})
  target_include_directories(${target} PUBLIC ${out_dir})
  target_link_libraries(${target} PUBLIC twirpcpp::runtime protobuf::libprotobuf)
endfunction()
