#pragma once
// Errors as values. KRAKEN's code reports failure by returning a Result<T> or a
// Status; exceptions stay at the process boundary (main). Each adapter (LMDB,
// simdjson, HTTP) translates its own codes into an Error once, at the edge, with
// a message a person can act on.

#include <cassert>
#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace kraken {

enum class ErrorCode {
  kInvalidArgument,   // the input is wrong; the message says what is allowed
  kNotFound,          // the named thing does not exist
  kAlreadyExists,     // the named thing exists already
  kConflict,          // an expected stream version did not match
  kPermissionDenied,  // the actor may not do this
  kCorrupt,           // stored data failed a check (codec, hash chain, index)
  kIo,                // the disk or the OS failed
  kDiskFull,          // no space left; nothing was written
  kUnavailable,       // a transient failure; retrying may help
  kInternal,          // a bug
};

// Short lower-case name of a code, for logs and JSON: "invalid_argument".
const char* ErrorCodeName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  // With kConflict: the stream's actual version.
  std::uint64_t actual_version = 0;
};

// A value or an Error. [[nodiscard]] so an ignored failure is a compile warning.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const {
    assert(!ok());
    return std::get<1>(v_);
  }
  Error&& take_error() {
    assert(!ok());
    return std::get<1>(std::move(v_));
  }

 private:
  std::variant<T, Error> v_;
};

// Success carries nothing.
struct Ok {};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Ok) {}                                                  // NOLINT: implicit by design
  Status(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT
  template <typename T>
  Status(Result<T>&& r) : ok_(r.ok()) {  // NOLINT: drops a value, keeps an error
    if (!ok_) error_ = r.take_error();
  }

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const {
    assert(!ok_);
    return error_;
  }
  Error&& take_error() {
    assert(!ok_);
    return std::move(error_);
  }

 private:
  Error error_;
  bool ok_ = true;
};

inline Error MakeError(ErrorCode code, std::string message) {
  return Error{code, std::move(message), 0};
}

}  // namespace kraken

// Propagates an error from a Result or Status expression.
#define KRAKEN_RETURN_IF_ERROR(expr)                              \
  do {                                                            \
    auto kraken_status_ = (expr);                                 \
    if (!kraken_status_.ok()) return kraken_status_.take_error(); \
  } while (0)

#define KRAKEN_CONCAT_INNER_(a, b) a##b
#define KRAKEN_CONCAT_(a, b) KRAKEN_CONCAT_INNER_(a, b)
// `KRAKEN_ASSIGN_OR_RETURN(auto x, Fn());` binds the value or returns the error.
#define KRAKEN_ASSIGN_OR_RETURN(lhs, expr) \
  KRAKEN_ASSIGN_OR_RETURN_IMPL_(KRAKEN_CONCAT_(kraken_result_, __LINE__), lhs, expr)
#define KRAKEN_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return tmp.take_error();             \
  lhs = std::move(tmp).value()
