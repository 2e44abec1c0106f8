#include "longforge/llm/prompt_data.h"

#include <cctype>

namespace longforge::llm {
namespace {

// True when `text` at `at` starts `tag` (ASCII case-insensitive).
bool StartsTag(std::string_view text, std::size_t at, std::string_view tag) {
  if (text.size() - at < tag.size()) return false;
  for (std::size_t i = 0; i < tag.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[at + i])) != tag[i]) return false;
  }
  return true;
}

}  // namespace

std::string DataBlock(std::string_view tag, std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2 * tag.size() + 8);
  out += '<';
  out += tag;
  out += ">\n";
  std::size_t from = 0;
  for (std::size_t lt = text.find('<'); lt != std::string_view::npos; lt = text.find('<', lt + 1)) {
    const std::size_t name = lt + 1 < text.size() && text[lt + 1] == '/' ? lt + 2 : lt + 1;
    if (!StartsTag(text, name, tag)) continue;
    out.append(text.substr(from, lt - from));
    out += "\u2039";
    from = lt + 1;
  }
  out.append(text.substr(from));
  out += "\n</";
  out += tag;
  out += '>';
  return out;
}

}  // namespace longforge::llm
