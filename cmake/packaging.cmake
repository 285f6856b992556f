# What `cmake --install` puts where: the one place that installs anything.
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
