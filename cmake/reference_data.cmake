# The reference data sets of data/reference/ (see its README), for the tests
# and benchmarks. Small files are read where they are; the compressed ones are
# unpacked into the build tree once, at configure time (no download).
set(MITRA_REFERENCE_DATA_DIR "${PROJECT_SOURCE_DIR}/data/reference")
set(MITRA_UNPACKED_DATA_DIR "${PROJECT_BINARY_DIR}/reference-data")

# mitra_unpack_reference(<archive relative to data/reference> <file it holds>)
# sets MITRA_UNPACKED_<FILE> (the file's name in upper case, dots and dashes as
# underscores) to the unpacked file's path.
function(mitra_unpack_reference archive member)
  get_filename_component(sub "${archive}" DIRECTORY)
  set(out "${MITRA_UNPACKED_DATA_DIR}/${sub}")
  set(src "${MITRA_REFERENCE_DATA_DIR}/${archive}")
  if(NOT EXISTS "${src}")
    message(FATAL_ERROR "reference data ${src} is missing: the checkout is incomplete")
  endif()
  if(NOT EXISTS "${out}/${member}" OR "${src}" IS_NEWER_THAN "${out}/${member}")
    file(ARCHIVE_EXTRACT INPUT "${src}" DESTINATION "${out}")
    file(TOUCH_NOCREATE "${out}/${member}")
  endif()
  string(TOUPPER "${member}" var)
  string(REGEX REPLACE "[.-]" "_" var "${var}")
  set(MITRA_UNPACKED_${var} "${out}/${member}" PARENT_SCOPE)
endfunction()
