#include "longforge/text/language.h"

// CLD2's header uses printf-family declarations without including <cstdio>.
#include <cstdio>

#include <cld2/public/compact_lang_det.h>

namespace longforge::text {

std::optional<std::string> DetectLanguage(std::string_view text) {
  bool reliable = false;
  const CLD2::Language language = CLD2::DetectLanguage(text.data(), static_cast<int>(text.size()),
                                                       /*is_plain_text=*/true, &reliable);
  if (!reliable || language == CLD2::UNKNOWN_LANGUAGE) return std::nullopt;
  std::string code = CLD2::LanguageCode(language);
  if (const auto dash = code.find('-'); dash != std::string::npos) code.resize(dash);
  return code;
}

}  // namespace longforge::text
