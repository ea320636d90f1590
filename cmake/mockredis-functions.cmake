# mockredis_add_test(NAME name SCENARIO file.scn COMMAND cmd [args...]
#                    [SERVER_ARGS args...] [LABELS labels...]
#                    [WORKING_DIRECTORY dir])
#
# Registers a ctest test that runs
#   mockredis run [SERVER_ARGS] --scenario <file> --junit <build>/junit/<name>.xml -- cmd args...
# `mockredis run` starts a server on an ephemeral port, runs the command
# with REDIS_HOST, REDIS_PORT and REDIS_URL set, ends the scenario when it
# exits and fails the test when either side failed. SCENARIO is optional
# (relative paths are from the calling CMakeLists.txt's directory; without
# one there is no verdict and no --junit file); COMMAND's
# first word may name an executable target. The test is labelled "mockredis" plus
# LABELS; the JUnit file goes to junit/ at the top of the build tree.
function(mockredis_add_test)
  cmake_parse_arguments(PARSE_ARGV 0 MRT "" "NAME;SCENARIO;WORKING_DIRECTORY"
                        "COMMAND;SERVER_ARGS;LABELS")
  if(NOT MRT_NAME OR NOT MRT_COMMAND)
    message(FATAL_ERROR "mockredis_add_test: NAME and COMMAND are required")
  endif()
  if(MRT_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "mockredis_add_test: unknown arguments: ${MRT_UNPARSED_ARGUMENTS}")
  endif()
  set(run run ${MRT_SERVER_ARGS})
  if(MRT_SCENARIO)
    get_filename_component(scn "${MRT_SCENARIO}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    # The verdicts are the scenario's: without one there is no report.
    set(junit_dir "${CMAKE_BINARY_DIR}/junit")
    file(MAKE_DIRECTORY "${junit_dir}")
    list(APPEND run --scenario "${scn}" --junit "${junit_dir}/${MRT_NAME}.xml")
  endif()
  if(NOT MRT_WORKING_DIRECTORY)
    set(MRT_WORKING_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}")
  endif()
  list(GET MRT_COMMAND 0 cmd)
  if(TARGET "${cmd}")
    list(REMOVE_AT MRT_COMMAND 0)
    list(PREPEND MRT_COMMAND "$<TARGET_FILE:${cmd}>")
  endif()
  add_test(NAME ${MRT_NAME} COMMAND mockredis::mockredis ${run} -- ${MRT_COMMAND}
           WORKING_DIRECTORY "${MRT_WORKING_DIRECTORY}")
  set_tests_properties(${MRT_NAME} PROPERTIES LABELS "mockredis;${MRT_LABELS}")
endfunction()
