// Errors as values: every fallible engine call returns Result<T>.
// An Error carries its kind, the byte offset it refers to (or kNoOffset) and a
// message worded like the spec's reference interpreter.
#pragma once
#include <cstddef>
#include <string>
#include <utility>
#include <variant>

namespace wpvm {

enum class ErrorKind {
  kMalformed,       // binary decoding failed (assert_malformed)
  kInvalid,         // validation failed (assert_invalid)
  kUnlinkable,      // import resolution failed (assert_unlinkable)
  kUninstantiable,  // instantiation trapped (segments out of bounds, start trapped)
  kIo,              // could not read a file
  kUsage,           // bad API or CLI use
  kResource,        // out of memory / address space
  kIncompatible,    // a compiled module of another format version, engine build or CPU
};

inline constexpr size_t kNoOffset = static_cast<size_t>(-1);

struct Error {
  ErrorKind kind = ErrorKind::kInvalid;
  size_t offset = kNoOffset;
  std::string message;

  // "offset 0x1a: type mismatch" (just the message when offset is kNoOffset).
  std::string to_string() const;
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error error) : v_(std::move(error)) {}
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : err_(std::move(error)), ok_(false) {}
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return err_; }

 private:
  Error err_;
  bool ok_ = true;
};

inline Error make_error(ErrorKind kind, size_t offset, std::string message) {
  return Error{kind, offset, std::move(message)};
}

}  // namespace wpvm

// Propagate an error from a Result-returning expression.
#define WPVM_TRY(expr)                          \
  do {                                          \
    auto&& wpvm_try_r_ = (expr);                \
    if (!wpvm_try_r_.ok()) return wpvm_try_r_.error(); \
  } while (0)
