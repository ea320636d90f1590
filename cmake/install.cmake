# cmake/install.cmake - everything `cmake --install build --prefix P` puts
# in P (README.md, "Use it in your project"):
#
#   bin/mockredis
#   include/mockredis/harness.h, cmocka.h      the harness API; cmocka.h: header-only
#   lib/libmockredis-harness.so*               the harness (shared)
#   lib/pkgconfig/mockredis.pc                 pkg-config, relocatable (${pcfiledir})
#   lib/cmake/mockredis/                       find_package(mockredis): targets
#                                              mockredis::harness, mockredis::mockredis,
#                                              mockredis_add_test(), version file
#   share/mockredis/scenarios/                 p01..p11 and examples/
#   share/doc/mockredis/                       README.md, docs/*.md
#   share/man/man1/mockredis.1, man5/mockredis-scenario.5
#
# Nothing installed holds a path of the build or source tree: the CMake
# package and the .pc file locate the prefix from their own place.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(MOCKREDIS_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/mockredis)

install(TARGETS mockredis EXPORT mockredis-targets RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS mockredis_harness EXPORT mockredis-targets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(FILES harness/include/mockredis/harness.h harness/include/mockredis/cmocka.h
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/mockredis)
install(EXPORT mockredis-targets NAMESPACE mockredis:: DESTINATION ${MOCKREDIS_CMAKEDIR})

configure_package_config_file(cmake/mockredis-config.cmake.in
  ${PROJECT_BINARY_DIR}/mockredis-config.cmake INSTALL_DESTINATION ${MOCKREDIS_CMAKEDIR}
  PATH_VARS CMAKE_INSTALL_DATADIR)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/mockredis-config-version.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/mockredis-config.cmake
              ${PROJECT_BINARY_DIR}/mockredis-config-version.cmake
              cmake/mockredis-functions.cmake
  DESTINATION ${MOCKREDIS_CMAKEDIR})

# The .pc file finds its prefix from its own directory: libdir/pkgconfig -> prefix.
file(RELATIVE_PATH MOCKREDIS_PC_TO_PREFIX "/p/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/p")
configure_file(cmake/mockredis.pc.in ${PROJECT_BINARY_DIR}/mockredis.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/mockredis.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

install(DIRECTORY scenarios/ DESTINATION ${CMAKE_INSTALL_DATADIR}/mockredis/scenarios
  FILES_MATCHING PATTERN "*.scn")
install(FILES README.md docs/protocol.md docs/scenarios.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES docs/man/mockredis.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES docs/man/mockredis-scenario.5 DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)

# In the build tree too: mockredis_add_test() works on this project's targets.
add_executable(mockredis::mockredis ALIAS mockredis)
include(cmake/mockredis-functions.cmake)
