# A build_lib()/build_lib_example()/build_exec() subset compatible with ns-3.37's module macros,
# for building contrib modules out of tree against an installed ns-3.
include_guard(GLOBAL)

# ns-3.37 writes its outputs under ${CMAKE_OUTPUT_DIRECTORY} (<ns-3>/build, where `./ns3 run`
# looks for programs); modules use it for EXECUTABLE_DIRECTORY_PATH.
if(NOT CMAKE_OUTPUT_DIRECTORY)
  set(CMAKE_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR})
endif()

# ns-3's own modules, named as ns-3.37's module CMakeLists.txt name them (${libcore}, ...).
foreach(ns3mod core network internet point-to-point applications stats traffic-control)
  set(lib${ns3mod} ns3::lib${ns3mod})
endforeach()

# Headers are included as "ns3/<name>.h" in both builds: mirror each module's public headers into
# one build-tree folder named ns3/.
set(NSFAB_HEADER_DIR ${CMAKE_BINARY_DIR}/include)
file(MAKE_DIRECTORY ${NSFAB_HEADER_DIR}/ns3)

function(build_lib)
  cmake_parse_arguments(BLIB "IGNORE_PCH" "LIBNAME"
                        "SOURCE_FILES;HEADER_FILES;LIBRARIES_TO_LINK;TEST_SOURCES;DEPRECATED_HEADER_FILES;MODULE_ENABLED_FEATURES"
                        ${ARGN})
  set(target lib${BLIB_LIBNAME})
  add_library(${target} SHARED ${BLIB_SOURCE_FILES})
  set_target_properties(${target} PROPERTIES OUTPUT_NAME ns3-fabric-${BLIB_LIBNAME})
  foreach(header ${BLIB_HEADER_FILES})
    get_filename_component(name ${header} NAME)
    configure_file(${CMAKE_CURRENT_SOURCE_DIR}/${header} ${NSFAB_HEADER_DIR}/ns3/${name} COPYONLY)
  endforeach()
  target_include_directories(${target} PUBLIC ${NSFAB_HEADER_DIR})
  target_link_libraries(${target} PUBLIC ${BLIB_LIBRARIES_TO_LINK})
  if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/examples/CMakeLists.txt)
    add_subdirectory(examples)
  endif()
endfunction()

function(build_exec)
  cmake_parse_arguments(BEXEC "" "EXECNAME;EXECUTABLE_DIRECTORY_PATH;INSTALL_DIRECTORY_PATH"
                        "SOURCE_FILES;HEADER_FILES;LIBRARIES_TO_LINK" ${ARGN})
  add_executable(${BEXEC_EXECNAME} ${BEXEC_SOURCE_FILES})
  target_link_libraries(${BEXEC_EXECNAME} PRIVATE ${BEXEC_LIBRARIES_TO_LINK})
  if(BEXEC_EXECUTABLE_DIRECTORY_PATH)
    set_target_properties(${BEXEC_EXECNAME} PROPERTIES RUNTIME_OUTPUT_DIRECTORY
                                                       ${BEXEC_EXECUTABLE_DIRECTORY_PATH})
  endif()
endfunction()

# Out of tree, every module example is also a CTest test (label "example"): run with no
# arguments from its build folder, it must exit with status 0 and print a result beside its
# expectation ("... (expected ...)"); the examples exit with status 1 when the two disagree.
# This script runs one example that way (cmake -DPROGRAM=<example> -P run-example.cmake).
set(NSFAB_RUN_EXAMPLE ${CMAKE_BINARY_DIR}/cmake/run-example.cmake)
file(WRITE ${NSFAB_RUN_EXAMPLE} [=[
execute_process(COMMAND "${PROGRAM}" RESULT_VARIABLE status OUTPUT_VARIABLE output
                ERROR_VARIABLE output)
message("${output}")
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${PROGRAM} exited with status ${status}")
endif()
if(NOT output MATCHES "\\(expected ")
  message(FATAL_ERROR "${PROGRAM} printed no result beside its expectation ('(expected ...')")
endif()
]=])

function(build_lib_example)
  cmake_parse_arguments(BLIBEX "IGNORE_PCH" "NAME" "SOURCE_FILES;HEADER_FILES;LIBRARIES_TO_LINK"
                        ${ARGN})
  build_exec(EXECNAME ${BLIBEX_NAME} SOURCE_FILES ${BLIBEX_SOURCE_FILES}
             LIBRARIES_TO_LINK ${lib${BLIB_LIBNAME}} ${BLIBEX_LIBRARIES_TO_LINK}
             EXECUTABLE_DIRECTORY_PATH ${CMAKE_BINARY_DIR}/examples)
  if(NSFAB_TESTS)
    add_test(NAME ${BLIBEX_NAME}
             COMMAND ${CMAKE_COMMAND} -DPROGRAM=$<TARGET_FILE:${BLIBEX_NAME}> -P ${NSFAB_RUN_EXAMPLE}
             WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
    set_tests_properties(${BLIBEX_NAME} PROPERTIES LABELS example TIMEOUT 300)
  endif()
endfunction()
