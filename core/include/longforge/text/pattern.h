#pragma once
// A regular expression the program itself wrote, compiled once with PCRE2 (UTF-8; input
// that is not valid UTF-8 is matched, not refused; JIT-compiled where the CPU allows).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

struct pcre2_real_code_8;

namespace longforge::text {

class Pattern {
 public:
  enum Flags : uint32_t {
    kNone = 0,
    kAnchored = 1,  // match only at the start of the text
    kCaseless = 2,  // Unicode case-insensitive
  };
  // Throws std::logic_error naming the offset and PCRE2's message when `pattern` does not
  // compile: patterns are constants of the program, so that is a bug found at start-up.
  explicit Pattern(std::string_view pattern, uint32_t flags = kNone);
  ~Pattern();
  Pattern(Pattern&& other) noexcept;
  Pattern& operator=(Pattern&& other) noexcept;
  Pattern(const Pattern&) = delete;
  Pattern& operator=(const Pattern&) = delete;

  struct Match {
    std::size_t begin = 0;  // the whole match, [begin, end) of the text
    std::size_t end = 0;
    std::string_view
        group;  // capture group 1 (empty when the pattern has none or it did not take part)
  };
  // The first match in `text`. Thread-safe.
  std::optional<Match> Find(std::string_view text) const;
  bool Matches(std::string_view text) const { return Find(text).has_value(); }

 private:
  pcre2_real_code_8* code_ = nullptr;
};

}  // namespace longforge::text
