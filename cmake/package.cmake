# cmake/package.cmake - `make package` (cpack -G DEB): a Debian package of
# what cmake/install.cmake installs, under /usr. Its Depends come from
# dpkg-shlibdeps (dpkg-dev): libevent and libpcap's runtime packages and
# libc, as the binaries actually link them.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME mockredis)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "fake Redis 7.0 server for testing Redis clients")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(MOCKREDIS_DEB_MAINTAINER "mockredis maintainers <maintainers@mockredis.invalid>"
    CACHE STRING "Maintainer field of the .deb")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${MOCKREDIS_DEB_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# What using the harness from C, and the examples, need besides the package.
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "libcmocka-dev, pkgconf, redis-tools")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # mockredis_VERSION_ARCH.deb
set(CPACK_PACKAGE_DIRECTORY ${PROJECT_BINARY_DIR}/package)
set(CPACK_STRIP_FILES ON)
include(CPack)
