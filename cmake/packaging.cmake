# What `cmake --install` puts where (the one place that installs anything), and the Debian
# package built from it (`cpack -G DEB`; scripts/package does it all).
# Only nbsync itself and its data, never nbsync-lab, tests or benchmarks. Paths follow the
# prefix (GNUInstallDirs), except /etc/nbsync, which the unit reads whatever the prefix is.
include(GNUInstallDirs)

# The unit runs the installed binary: /usr/bin/nbsync for the .deb, /usr/local/bin/nbsync for
# a default `cmake --install`. tests/systemd/ checks this generated file.
set(NBSYNC_BINARY ${CMAKE_INSTALL_FULL_BINDIR}/nbsync)
set(NBSYNC_DOC_DIR ${CMAKE_INSTALL_FULL_DOCDIR})
configure_file(${PROJECT_SOURCE_DIR}/systemd/nbsync.service.in ${PROJECT_BINARY_DIR}/systemd/nbsync.service @ONLY)

install(TARGETS nbsync RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# systemd looks in <prefix>/lib/... for both /usr and /usr/local, so not CMAKE_INSTALL_LIBDIR
# (lib/x86_64-linux-gnu on Debian).
install(FILES ${PROJECT_BINARY_DIR}/systemd/nbsync.service DESTINATION lib/systemd/system)
install(FILES ${PROJECT_SOURCE_DIR}/systemd/nbsync.sysusers DESTINATION lib/sysusers.d RENAME nbsync.conf)
# No tmpfiles.d entry: StateDirectory= creates /var/lib/nbsync with the right owner and mode.

# The shipped profiles are built into nbsync; installed too, to read and to copy into
# ssh.profiles_dir as a starting point for a local variant.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/backup/profiles/ DESTINATION ${CMAKE_INSTALL_DATADIR}/nbsync/profiles
        FILES_MATCHING PATTERN "*.toml")

# Documentation: every systemd/*.example.toml (the documented config, and any other example).
file(GLOB nbsync_example_configs ${PROJECT_SOURCE_DIR}/systemd/*.example.toml)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${nbsync_example_configs} DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${PROJECT_SOURCE_DIR}/systemd/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR} RENAME README.systemd.md)

# The default config, at /etc/nbsync/nbsync.toml (honouring DESTDIR). `cmake --install` onto a
# machine that already has one keeps it; in the .deb it is a conffile, which dpkg protects.
install(
  CODE "if(EXISTS \"\$ENV{DESTDIR}/etc/nbsync/nbsync.toml\")
  message(STATUS \"Keeping existing: \$ENV{DESTDIR}/etc/nbsync/nbsync.toml\")
else()
  file(INSTALL DESTINATION /etc/nbsync TYPE FILE FILES \"${PROJECT_SOURCE_DIR}/systemd/nbsync.toml\")
endif()")

# --- Debian package ---
set(CPACK_PACKAGE_NAME nbsync)
set(CPACK_PACKAGE_VENDOR "nbsync")
set(NBSYNC_PACKAGE_MAINTAINER "nbsync maintainers <nbsync@example.com>"
    CACHE STRING "The .deb's Maintainer: field, 'Name <email>'")
set(CPACK_PACKAGE_CONTACT "${NBSYNC_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_INSTALL_DIRECTORY nbsync)
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
# Install through DESTDIR so the absolute /etc/nbsync lands in the package, never on this machine.
set(CPACK_SET_DESTDIR ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The synopsis is CPACK_PACKAGE_DESCRIPTION_SUMMARY; this is the extended text.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "nbsync reads the device inventory from NetBox, logs into each device over SSH,
stores its running configuration in SQLite only when it changed (volatile lines
ignored, secrets masked), and reports to NetBox device pages and Slack.
It runs as one hardened systemd service, nbsync.service.")
# Library dependencies from dpkg-shlibdeps (package dpkg-dev); systemd for sysusers and the unit.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "systemd")
# dpkg keeps an edited /etc/nbsync/nbsync.toml on upgrade and asks before replacing it.
file(WRITE ${PROJECT_BINARY_DIR}/debian/conffiles "/etc/nbsync/nbsync.toml\n")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/systemd/debian/postinst ${PROJECT_SOURCE_DIR}/systemd/debian/prerm
    ${PROJECT_SOURCE_DIR}/systemd/debian/postrm ${PROJECT_BINARY_DIR}/debian/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
