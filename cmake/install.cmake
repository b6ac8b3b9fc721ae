# SPDX-License-Identifier: MIT
# Installing ntlmssp (docs/install.md): GNUInstallDirs paths, the shared and
# static libraries, the public headers, ntlmssp.pc, the CMake package
# (find_package(ntlmssp) -> ntlmssp::ntlmssp), the programs, man pages, the
# example configuration and the docs; then the tests that install into a
# staging tree and build against it. Included by CMakeLists.txt after the
# programs, before the tests that need cmocka.
#
# Hook for other programs and modules: call install() with the GNUInstallDirs
# variables (included at the top of CMakeLists.txt) and a COMPONENT named
# after the Debian package that ships the files (debian/<package>.install
# lists them), and add the target to the global property NTLM_DIST_TARGETS
# (the `ntlm_dist` target, which `make deb` builds, depends on them), e.g. for
# the GSSAPI mechanism:
#   set_property(GLOBAL APPEND PROPERTY NTLM_DIST_TARGETS gss_ntlm)
#   install(TARGETS gss_ntlm LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}/gssapi
#           COMPONENT gss)
#   install(FILES gss/mech.d/ntlmssp.conf
#           DESTINATION ${CMAKE_INSTALL_FULL_SYSCONFDIR}/gss/mech.d COMPONENT gss)
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# The header's version macros must say what project(VERSION) says.
file(STRINGS ${CMAKE_SOURCE_DIR}/include/ntlmssp.h _ntlm_hv
     REGEX "^#define NTLMSSP_VERSION_(MAJOR|MINOR|PATCH) ")
string(REGEX REPLACE ".*MAJOR ([0-9]+).*MINOR ([0-9]+).*PATCH ([0-9]+).*" "\\1.\\2.\\3"
       _ntlm_hv "${_ntlm_hv}")
if(NOT _ntlm_hv STREQUAL PROJECT_VERSION)
  message(FATAL_ERROR "include/ntlmssp.h says version ${_ntlm_hv}, "
                      "project() says ${PROJECT_VERSION}: make them agree")
endif()
# (a source property: test_version is defined after this file is included)
set_property(SOURCE ${CMAKE_SOURCE_DIR}/tests/unit/test_version.c APPEND PROPERTY
  COMPILE_DEFINITIONS NTLM_PROJECT_VERSION="${PROJECT_VERSION}")

# Where the programs look for their configuration and state by default.
set(NTLM_SYSCONFDIR ${CMAKE_INSTALL_FULL_SYSCONFDIR}/ntlmssp)
set(NTLM_STATEDIR ${CMAKE_INSTALL_FULL_LOCALSTATEDIR}/lib/ntlmssp)

# ---- libraries and headers ---------------------------------------------------
# The shared library's consumers see the installed include directory.
set_target_properties(ntlmssp PROPERTIES INTERFACE_INCLUDE_DIRECTORIES
  "$<BUILD_INTERFACE:${CMAKE_SOURCE_DIR}/include>")
install(TARGETS ntlmssp EXPORT ntlmsspTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT lib NAMELINK_COMPONENT dev
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS ntlmssp_static ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev)
install(FILES ${CMAKE_SOURCE_DIR}/include/ntlmssp.h
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT dev)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/include/ntlmssp
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT dev FILES_MATCHING PATTERN "*.h")

# ntlmssp.pc (absolute paths, as pkg-config wants; PKG_CONFIG_SYSROOT_DIR
# relocates them into a staging tree).
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(NTLM_PC_LIBDIR "${CMAKE_INSTALL_LIBDIR}")
else()
  set(NTLM_PC_LIBDIR "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
endif()
if(IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  set(NTLM_PC_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}")
else()
  set(NTLM_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()
# The static library needs what the shared one links privately.
set(NTLM_PC_REQUIRES_PRIVATE "nettle")
if(WBCLIENT_FOUND)
  string(APPEND NTLM_PC_REQUIRES_PRIVATE " wbclient")
endif()
configure_file(${CMAKE_SOURCE_DIR}/cmake/ntlmssp.pc.in ${CMAKE_BINARY_DIR}/ntlmssp.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/ntlmssp.pc
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT dev)

# The CMake package: relocatable (paths relative to the config file).
set(NTLM_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/ntlmssp)
install(EXPORT ntlmsspTargets NAMESPACE ntlmssp:: DESTINATION ${NTLM_CMAKEDIR}
  COMPONENT dev)
configure_package_config_file(${CMAKE_SOURCE_DIR}/cmake/ntlmsspConfig.cmake.in
  ${CMAKE_BINARY_DIR}/ntlmsspConfig.cmake INSTALL_DESTINATION ${NTLM_CMAKEDIR})
write_basic_package_version_file(${CMAKE_BINARY_DIR}/ntlmsspConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES ${CMAKE_BINARY_DIR}/ntlmsspConfig.cmake
  ${CMAKE_BINARY_DIR}/ntlmsspConfigVersion.cmake
  DESTINATION ${NTLM_CMAKEDIR} COMPONENT dev)

# ---- programs ----------------------------------------------------------------
if(TARGET ntlm)
  install(TARGETS ntlm RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT tools)
endif()
if(TARGET ntlm-httpd)
  install(TARGETS ntlm-httpd RUNTIME DESTINATION ${CMAKE_INSTALL_SBINDIR} COMPONENT httpd)
endif()

# `ntlm_dist`: everything the install rules ship, and nothing else (the deb
# build builds this target instead of the tests, fuzzers and benches).
set_property(GLOBAL APPEND PROPERTY NTLM_DIST_TARGETS ntlmssp ntlmssp_static)
foreach(t ntlm ntlm-httpd)
  if(TARGET ${t})
    set_property(GLOBAL APPEND PROPERTY NTLM_DIST_TARGETS ${t})
  endif()
endforeach()
get_property(_ntlm_dist GLOBAL PROPERTY NTLM_DIST_TARGETS)
add_custom_target(ntlm_dist)
add_dependencies(ntlm_dist ${_ntlm_dist})

# ---- man pages ---------------------------------------------------------------
file(GLOB NTLM_MAN_PAGES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/man/*.[1-8])
foreach(page ${NTLM_MAN_PAGES})
  get_filename_component(name ${page} NAME)
  string(REGEX REPLACE ".*\\.([1-8])$" "\\1" section ${name})
  if(section STREQUAL "3")
    set(comp dev)
  elseif(section STREQUAL "8")
    set(comp httpd)
  else()
    set(comp tools)
  endif()
  install(FILES ${page} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section} COMPONENT ${comp})
endforeach()

# ---- configuration example and docs ---------------------------------------------
# The example policy goes to SYSCONFDIR/ntlmssp/ntlmssp.conf unless one is
# there already: an edited file is never overwritten (the new one then lands
# beside it as ntlmssp.conf.dist). Packages make it a conffile instead.
install(CODE "
  # file(INSTALL) prepends DESTDIR itself
  set(_dst \"${NTLM_SYSCONFDIR}\")
  if(EXISTS \"\$ENV{DESTDIR}\${_dst}/ntlmssp.conf\")
    message(STATUS \"Keeping: \${_dst}/ntlmssp.conf (the shipped one: ntlmssp.conf.dist)\")
    file(INSTALL DESTINATION \"\${_dst}\" TYPE FILE
         FILES \"${CMAKE_SOURCE_DIR}/etc/ntlmssp.conf\" RENAME ntlmssp.conf.dist)
  else()
    file(INSTALL DESTINATION \"\${_dst}\" TYPE FILE
         FILES \"${CMAKE_SOURCE_DIR}/etc/ntlmssp.conf\")
  endif()" COMPONENT tools)
file(GLOB NTLM_DOCS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/docs/*.md)
install(FILES ${CMAKE_SOURCE_DIR}/README.md ${CMAKE_SOURCE_DIR}/LICENSE ${NTLM_DOCS}
  DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT tools)

# ---- tests: install into a staging tree and build against it -----------------
# Label "install". tests/install/staged.sh runs `cmake --install` with DESTDIR,
# checks the file list, compiles tests/install/consumer.c with pkg-config and
# with find_package, runs it (a client/server handshake through the public API)
# and checks what the installed programs link.
if(TARGET ntlm-httpd)
  set(NTLM_EXPECT_SPLIT 1)
else()
  set(NTLM_EXPECT_SPLIT 0)
endif()
foreach(step files pkgconfig static cmake tool_links)
  add_test(NAME install_${step} COMMAND bash ${CMAKE_SOURCE_DIR}/tests/install/staged.sh
    ${step} ${CMAKE_BINARY_DIR} ${CMAKE_COMMAND} ${CMAKE_C_COMPILER} ${NTLM_EXPECT_SPLIT})
  set_tests_properties(install_${step} PROPERTIES LABELS install TIMEOUT 300
    SKIP_RETURN_CODE 77)
endforeach()

# The man pages render without warnings and cover every command, option,
# setting and function (label "man").
if(TARGET ntlm)
  add_test(NAME man_pages COMMAND bash ${CMAKE_SOURCE_DIR}/tests/man/render.sh
    ${CMAKE_SOURCE_DIR}/man $<TARGET_FILE:ntlm> ${CMAKE_SOURCE_DIR}/include)
  set_tests_properties(man_pages PROPERTIES LABELS man)
endif()

# The Debian packages (label "deb"; docs/packaging.md): deb_packages builds
# them (`make deb`, lintian) and checks their contents; deb_install installs,
# runs and purges them, only as root with CI=true or NTLM_DEB_INSTALL=1
# (skipped otherwise: it changes the machine).
add_test(NAME deb_packages COMMAND bash ${CMAKE_SOURCE_DIR}/tests/deb/packages.sh
  ${CMAKE_SOURCE_DIR} ${CMAKE_BINARY_DIR}/deb)
set_tests_properties(deb_packages PROPERTIES LABELS deb TIMEOUT 1800
  FIXTURES_SETUP debs RESOURCE_LOCK deb)
add_test(NAME deb_install COMMAND bash ${CMAKE_SOURCE_DIR}/tests/deb/install.sh
  ${CMAKE_SOURCE_DIR} ${CMAKE_BINARY_DIR}/deb)
set_tests_properties(deb_install PROPERTIES LABELS deb TIMEOUT 600
  FIXTURES_REQUIRED debs RESOURCE_LOCK deb SKIP_RETURN_CODE 77)

# docs/httpd.md's OpenSSL 3 legacy-provider one-liner works as written.
add_test(NAME http_openssl_legacy COMMAND bash ${CMAKE_SOURCE_DIR}/tests/docs/openssl_legacy.sh
  ${CMAKE_SOURCE_DIR}/docs/httpd.md)
set_tests_properties(http_openssl_legacy PROPERTIES LABELS docs)
