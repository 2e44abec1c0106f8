# Writes OUTPUT, a C++ source defining longforge::review::kReviewPage as the text of
# INPUT (the review page), so the page ships inside the binary.
file(READ "${INPUT}" page)
string(FIND "${page}" ")lf_page\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw string delimiter )lf_page\"")
endif()
file(WRITE "${OUTPUT}.tmp"
  "// Generated from app/review/assets/review.html by embed_page.cmake; do not edit.\n"
  "#include \"review/review_page.h\"\n"
  "namespace longforge::review {\n"
  "extern const char kReviewPage[] = R\"lf_page(" "${page}" ")lf_page\";\n"
  "}  // namespace longforge::review\n")
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
