// Pre-tokenising: the model's split regex through PCRE2.

#include <string>

#include "bpe_tokenizer_internal.h"

namespace longforge::text::bpe {
namespace {

// Unicode White_Space, the meaning of `\s` in the Rust regex engines behind tiktoken
// and HF tokenizers. PCRE2's UCP `\s` adds U+180E; JavaScript's adds U+FEFF and lacks
// U+0085.
constexpr std::string_view kWhiteSpace =
    "\\t-\\r\\x20\\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}"
    "\\x{205F}\\x{3000}";

constexpr std::size_t kJitStackBytes = 16u << 20;  // virtual; pages are touched on demand

pcre2_jit_stack* ThreadJitStack(void*) {
  thread_local Pcre2JitStack stack(pcre2_jit_stack_create(32u << 10, kJitStackBytes, nullptr));
  return stack.get();
}

pcre2_match_data* ThreadMatchData() {
  // Only the whole match is read, so one pair of offsets would do; PCRE2 fills what fits.
  thread_local Pcre2MatchData data(pcre2_match_data_create(16, nullptr));
  return data.get();
}

std::size_t CodePointBytes(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead < 0xE0) return 2;
  if (lead < 0xF0) return 3;
  return 4;
}

}  // namespace

std::string RewriteWhitespaceClasses(std::string_view pattern) {
  std::string out;
  out.reserve(pattern.size() + 128);
  bool in_class = false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size()) {
      const char e = pattern[++i];
      if (e == 's') {
        out += in_class ? std::string(kWhiteSpace) : "[" + std::string(kWhiteSpace) + "]";
      } else if (e == 'S' && !in_class) {
        out += "[^" + std::string(kWhiteSpace) + "]";
      } else {
        // `\S` inside a class keeps PCRE2's meaning; no known tokenizer uses it.
        out += c;
        out += e;
      }
      continue;
    }
    out += c;
    if (!in_class && c == '[') {
      in_class = true;
      if (i + 1 < pattern.size() && pattern[i + 1] == '^') out += pattern[++i];
      if (i + 1 < pattern.size() && pattern[i + 1] == ']') out += pattern[++i];
    } else if (in_class && c == ']') {
      in_class = false;
    }
  }
  return out;
}

Result<PieceSplitter> PieceSplitter::Compile(const std::string& pattern) {
  const std::string rewritten = RewriteWhitespaceClasses(pattern);
  int error = 0;
  PCRE2_SIZE offset = 0;
  PieceSplitter s;
  s.code_.reset(pcre2_compile(reinterpret_cast<PCRE2_SPTR>(rewritten.data()), rewritten.size(),
                              PCRE2_UTF | PCRE2_UCP, &error, &offset, nullptr));
  if (!s.code_) {
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(error, message, sizeof message);
    return Error::Stop("split regex does not compile (" +
                       std::string(reinterpret_cast<char*>(message)) + " at offset " +
                       std::to_string(offset) + "): " + pattern);
  }
  s.jit_ = pcre2_jit_compile(s.code_.get(), PCRE2_JIT_COMPLETE) == 0;
  s.context_.reset(pcre2_match_context_create(nullptr));
  if (s.jit_) pcre2_jit_stack_assign(s.context_.get(), ThreadJitStack, nullptr);
  return s;
}

bool PieceSplitter::Next(std::string_view text, std::size_t pos, std::size_t* start,
                         std::size_t* end) const {
  const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
  pcre2_match_data* md = ThreadMatchData();
  while (pos < text.size()) {
    int rc = jit_ ? pcre2_jit_match(code_.get(), subject, text.size(), pos, 0, md, context_.get())
                  : PCRE2_ERROR_JIT_BADOPTION;
    if (rc < 0 && rc != PCRE2_ERROR_NOMATCH) {
      // JIT unavailable or out of stack: the interpreter keeps its state on the heap.
      rc = pcre2_match(code_.get(), subject, text.size(), pos, PCRE2_NO_UTF_CHECK | PCRE2_NO_JIT,
                       md, context_.get());
    }
    if (rc == PCRE2_ERROR_NOMATCH) return false;
    if (rc < 0) {
      // Still a resource limit (pathological input): one code point is one piece.
      *start = pos;
      *end = pos + CodePointBytes(static_cast<unsigned char>(text[pos]));
      return true;
    }
    const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
    if (ov[1] > ov[0]) {
      *start = ov[0];
      *end = ov[1];
      return true;
    }
    // An empty match makes no piece; look again one code point further on.
    if (ov[0] >= text.size()) return false;
    pos = ov[0] + CodePointBytes(static_cast<unsigned char>(text[ov[0]]));
  }
  return false;
}

}  // namespace longforge::text::bpe
