# cmake --install: headers, both libraries, the CLI, a CMake package
# (find_package(mitra CONFIG)) and mitra.pc.
include(CMakePackageConfigHelpers)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/mitra
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h")
install(DIRECTORY ${PROJECT_BINARY_DIR}/proto/mitra
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.pb.h")
install(DIRECTORY ${PROJECT_SOURCE_DIR}/proto/mitra
        DESTINATION ${CMAKE_INSTALL_DATADIR}/mitra/proto FILES_MATCHING PATTERN "*.proto")
install(TARGETS mitra_shared mitra_static EXPORT mitraTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS mitra_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

set(MITRA_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/mitra)
install(EXPORT mitraTargets NAMESPACE mitra:: DESTINATION ${MITRA_CMAKE_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/mitraConfig.cmake.in
  ${PROJECT_BINARY_DIR}/mitraConfig.cmake INSTALL_DESTINATION ${MITRA_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/mitraConfigVersion.cmake
  COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/mitraConfig.cmake
              ${PROJECT_BINARY_DIR}/mitraConfigVersion.cmake
        DESTINATION ${MITRA_CMAKE_DIR})

file(RELATIVE_PATH MITRA_PC_PREFIX_FROM_PCDIR
     ${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig ${CMAKE_INSTALL_PREFIX})
string(REGEX REPLACE "/$" "" MITRA_PC_PREFIX_FROM_PCDIR "${MITRA_PC_PREFIX_FROM_PCDIR}")
configure_file(${PROJECT_SOURCE_DIR}/cmake/mitra.pc.in ${PROJECT_BINARY_DIR}/mitra.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/mitra.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
