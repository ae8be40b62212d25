# Install rules: public headers, one bundled libattnjit.a, the optional CPU backend, a CMake
# package (attnjit::attnjit, component cpu -> attnjit::cpu) and pkg-config files.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# The static libraries behind `attnjit`, merged so a host links one archive. Keep this list in
# step with the target_link_libraries of attnjit and attnjit_compiler.
set(ATTNJIT_BUNDLED attnjit attnjit_compiler attnjit_dsl attnjit_templates)
set(ATTNJIT_BUNDLE ${PROJECT_BINARY_DIR}/bundle/libattnjit.a)
set(bundle_libs)
foreach(t IN LISTS ATTNJIT_BUNDLED)
  list(APPEND bundle_libs $<TARGET_FILE:${t}>)
endforeach()
add_custom_command(
  OUTPUT ${ATTNJIT_BUNDLE}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/bundle
  COMMAND ${CMAKE_COMMAND} -DAR=${CMAKE_AR} -DOUT=${ATTNJIT_BUNDLE} "-DLIBS=${bundle_libs}"
          -P ${PROJECT_SOURCE_DIR}/cmake/bundle_static.cmake
  DEPENDS ${ATTNJIT_BUNDLED} ${PROJECT_SOURCE_DIR}/cmake/bundle_static.cmake
  COMMENT "Bundling libattnjit.a for installation"
  VERBATIM)
add_custom_target(attnjit_bundle ALL DEPENDS ${ATTNJIT_BUNDLE})

install(FILES ${PROJECT_SOURCE_DIR}/runtime/include/attnjit/attnjit.hpp
              ${PROJECT_SOURCE_DIR}/runtime/include/attnjit/attnjit.h
              ${PROJECT_SOURCE_DIR}/runtime/include/attnjit/cpu.hpp
              ${PROJECT_SOURCE_DIR}/runtime/include/attnjit/result.hpp
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/attnjit)
install(FILES ${ATTNJIT_BUNDLE} DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS attnjit_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# The CPU component is installed only with a shared libLLVM: the static component libraries
# would have to be named one by one to every consumer.
set(ATTNJIT_LLVM_SHARED "")
if(TARGET attnjit_cpu AND TARGET LLVM)
  install(TARGETS attnjit_cpu ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
  set(ATTNJIT_LLVM_SHARED "$<TARGET_LINKER_FILE:LLVM>")
endif()

set(ATTNJIT_INSTALL_LIBDIR ${CMAKE_INSTALL_LIBDIR})
set(ATTNJIT_INSTALL_INCLUDEDIR ${CMAKE_INSTALL_INCLUDEDIR})
set(ATTNJIT_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/attnjit)
set(gen ${PROJECT_BINARY_DIR}/package)
# Two steps: configure fills @VARS@, then file(GENERATE) resolves the LLVM library's path.
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/attnjitConfig.cmake.in
  ${gen}/attnjitConfig.cmake.in INSTALL_DESTINATION ${ATTNJIT_CMAKEDIR}
  PATH_VARS ATTNJIT_INSTALL_LIBDIR ATTNJIT_INSTALL_INCLUDEDIR)
file(GENERATE OUTPUT ${gen}/attnjitConfig.cmake INPUT ${gen}/attnjitConfig.cmake.in)
write_basic_package_version_file(${gen}/attnjitConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${gen}/attnjitConfig.cmake ${gen}/attnjitConfigVersion.cmake
        DESTINATION ${ATTNJIT_CMAKEDIR})

# pkg-config files find the prefix from their own place, so `--prefix` at install time holds.
file(RELATIVE_PATH ATTNJIT_PC_TO_PREFIX /p/${CMAKE_INSTALL_LIBDIR}/pkgconfig /p)
string(REGEX REPLACE "/$" "" ATTNJIT_PC_TO_PREFIX "${ATTNJIT_PC_TO_PREFIX}")
configure_file(${PROJECT_SOURCE_DIR}/cmake/attnjit.pc.in ${gen}/attnjit.pc @ONLY)
install(FILES ${gen}/attnjit.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
if(ATTNJIT_LLVM_SHARED)
  configure_file(${PROJECT_SOURCE_DIR}/cmake/attnjit-cpu.pc.in ${gen}/attnjit-cpu.pc.in @ONLY)
  file(GENERATE OUTPUT ${gen}/attnjit-cpu.pc INPUT ${gen}/attnjit-cpu.pc.in)
  install(FILES ${gen}/attnjit-cpu.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
endif()
