#pragma once
// Expected failures are values: an Error says what went wrong and what the caller
// should do about it. Exceptions are kept for start-up problems and broken invariants.

#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace longforge {

// What to do with the unit of work that failed.
enum class Disposition {
  kRetry,       // transient (timeout, 429, broker down): try the same work again later
  kDeadLetter,  // this input can never succeed: record it in lf.dlq and move on
  kStop,        // the process cannot continue (bad config, lost store): stop cleanly
};

const char* DispositionName(Disposition d);

struct Error {
  Disposition disposition = Disposition::kDeadLetter;
  std::string message;

  static Error Retry(std::string msg) { return {Disposition::kRetry, std::move(msg)}; }
  static Error DeadLetter(std::string msg) { return {Disposition::kDeadLetter, std::move(msg)}; }
  static Error Stop(std::string msg) { return {Disposition::kStop, std::move(msg)}; }
};

// A value or an Error. Deliberately tiny: C++20 has no std::expected.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  T& operator*() & { return std::get<0>(v_); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// Result<void>: success or an Error.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT
  static Status Ok() { return {}; }
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

// Every options struct has `std::vector<std::string> Validate() const`: each problem,
// none when valid. This turns them into one error (kStop) naming `what` and listing
// them all ("what: p1; p2"), or Ok when there are none.
Status InvalidOptions(std::string_view what, const std::vector<std::string>& problems);

}  // namespace longforge
