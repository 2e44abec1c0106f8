#pragma once
// The review page: app/review/assets/review.html (HTML, CSS and JavaScript in one file),
// embedded in the binary at build time (embed_page.cmake).

namespace longforge::review {

extern const char kReviewPage[];

}  // namespace longforge::review
