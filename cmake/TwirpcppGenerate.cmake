# twirpcpp_generate(<target>
#     PROTOS <file.proto>...        # paths relative to the first IMPORT_DIRS entry or absolute
#     [IMPORT_DIRS <dir>...]        # -I roots; default: the current source dir
#     [PLUGIN_OPTIONS <opt>...]     # passed as --twirpcpp_out=<opts>:<dir>
#     [NO_TWIRP])                   # messages only (protos without services)
#
# Runs protoc with protoc-gen-twirpcpp and builds the generated C++ into a static
# library <target> that links the twirpcpp runtime. Generated files go to
# ${CMAKE_CURRENT_BINARY_DIR}/<target>_gen, which is on the target's include path, so
# `foo/v1/foo.twirp.h` is included by its proto path.
function(twirpcpp_generate target)
  cmake_parse_arguments(ARG "NO_TWIRP" "" "PROTOS;IMPORT_DIRS;PLUGIN_OPTIONS;DEPENDS" ${ARGN})
  if(NOT ARG_IMPORT_DIRS)
    set(ARG_IMPORT_DIRS ${CMAKE_CURRENT_SOURCE_DIR})
  endif()
  list(GET ARG_IMPORT_DIRS 0 root)
  set(out_dir ${CMAKE_CURRENT_BINARY_DIR}/${target}_gen)
  file(MAKE_DIRECTORY ${out_dir})

  set(include_flags)
  foreach(dir IN LISTS ARG_IMPORT_DIRS)
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
    set(outputs ${out_dir}/${stem}.pb.cc ${out_dir}/${stem}.pb.h)
    set(twirp_flag)
    set(plugin_dep)
    if(NOT ARG_NO_TWIRP)
      set(plugin_dep protoc-gen-twirpcpp)
      list(APPEND outputs ${out_dir}/${stem}.twirp.cc ${out_dir}/${stem}.twirp.h)
      set(twirp_flag --plugin=protoc-gen-twirpcpp=$<TARGET_FILE:protoc-gen-twirpcpp>
                     --twirpcpp_out=${plugin_opts}:${out_dir})
    endif()
    add_custom_command(
      OUTPUT ${outputs}
      COMMAND protobuf::protoc ${include_flags} --cpp_out=${out_dir} ${twirp_flag} ${rel}
      WORKING_DIRECTORY ${root}
      DEPENDS ${abs} ${plugin_dep} protobuf::protoc ${ARG_DEPENDS}
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
