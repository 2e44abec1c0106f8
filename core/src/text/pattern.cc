#include "longforge/text/pattern.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

namespace longforge::text {
namespace {

struct MatchDataDeleter {
  void operator()(pcre2_match_data* p) const { pcre2_match_data_free(p); }
};

}  // namespace

Pattern::Pattern(std::string_view pattern, uint32_t flags) {
  uint32_t options = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
  if (flags & kAnchored) options |= PCRE2_ANCHORED;
  if (flags & kCaseless) options |= PCRE2_CASELESS | PCRE2_UCP;
  int error = 0;
  PCRE2_SIZE offset = 0;
  code_ = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), options,
                        &error, &offset, nullptr);
  if (code_ == nullptr) {
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(error, message, sizeof message);
    throw std::logic_error("pattern does not compile at offset " + std::to_string(offset) + ": " +
                           reinterpret_cast<char*>(message));
  }
  pcre2_jit_compile(code_, PCRE2_JIT_COMPLETE);  // the interpreter is the fallback
}

Pattern::~Pattern() { pcre2_code_free(code_); }

Pattern::Pattern(Pattern&& other) noexcept : code_(std::exchange(other.code_, nullptr)) {}

Pattern& Pattern::operator=(Pattern&& other) noexcept {
  std::swap(code_, other.code_);
  return *this;
}

std::optional<Pattern::Match> Pattern::Find(std::string_view text) const {
  // Match data per call: the compiled code is shared read-only, so threads never meet.
  std::unique_ptr<pcre2_match_data, MatchDataDeleter> md(
      pcre2_match_data_create_from_pattern(code_, nullptr));
  const int rc = pcre2_match(code_, reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), 0, 0,
                             md.get(), nullptr);
  if (rc < 1) return std::nullopt;
  const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md.get());
  Match m;
  m.begin = ov[0];
  m.end = ov[1];
  if (rc >= 2 && ov[2] != PCRE2_UNSET) m.group = text.substr(ov[2], ov[3] - ov[2]);
  return m;
}

}  // namespace longforge::text
