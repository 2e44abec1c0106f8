#include "longforge/common/unicode.h"

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>

namespace longforge {

Result<std::string> NormalizeNfc(std::string_view utf8) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) return Error::Stop(std::string("ICU NFC: ") + u_errorName(status));
  // Directly on UTF-8: no UTF-16 copy, and most text is already NFC (a quick check).
  const icu::StringPiece piece(utf8.data(), static_cast<int32_t>(utf8.size()));
  if (nfc->isNormalizedUTF8(piece, status) && U_SUCCESS(status)) return std::string(utf8);
  status = U_ZERO_ERROR;
  std::string out;
  out.reserve(utf8.size() + utf8.size() / 8);
  icu::StringByteSink<std::string> sink(&out);
  nfc->normalizeUTF8(0, piece, sink, nullptr, status);
  if (U_FAILURE(status)) return Error::DeadLetter(std::string("NFC: ") + u_errorName(status));
  return out;
}

}  // namespace longforge
