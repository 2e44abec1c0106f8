#include "longforge/common/unicode.h"

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

namespace longforge {

Result<std::string> NormalizeNfc(std::string_view utf8) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) return Error::Stop(std::string("ICU NFC: ") + u_errorName(status));
  const icu::UnicodeString text = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  if (nfc->isNormalized(text, status) && U_SUCCESS(status)) return std::string(utf8);
  status = U_ZERO_ERROR;
  const icu::UnicodeString normalized = nfc->normalize(text, status);
  if (U_FAILURE(status)) return Error::DeadLetter(std::string("NFC: ") + u_errorName(status));
  std::string out;
  normalized.toUTF8String(out);
  return out;
}

}  // namespace longforge
