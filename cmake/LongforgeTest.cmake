find_package(GTest REQUIRED)
include(GoogleTest)

# lf_add_test(NAME <target> LABEL unit|integration SOURCES ... LIBS ...)
# One gtest binary; every TEST in it becomes a ctest test carrying LABEL.
function(lf_add_test)
  cmake_parse_arguments(T "" "NAME;LABEL;TIMEOUT" "SOURCES;LIBS" ${ARGN})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  if(LONGFORGE_SANITIZE)
    # The sanitized build runs the same work several times slower
    # (tests/support/sanitizer.h, kSanitizerSlowdown).
    math(EXPR T_TIMEOUT "${T_TIMEOUT} * 4")
  endif()
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main)
  target_compile_definitions(${T_NAME} PRIVATE
    LONGFORGE_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    LONGFORGE_BINARY_DIR="${PROJECT_BINARY_DIR}")
  gtest_discover_tests(${T_NAME}
    DISCOVERY_MODE PRE_TEST
    PROPERTIES LABELS ${T_LABEL} TIMEOUT ${T_TIMEOUT})
endfunction()
