#pragma once

// Result<T>: a value or an Error, with std::expected's names so it can become
// `std::expected<T, Error>` once the toolchain has it. Expected failures are values;
// programming errors are assertions. Exceptions never cross a module boundary.

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace tally {

enum class Errc { invalid_argument, not_found, io, parse, storage, unsupported };

struct Error {
  Errc code;
  std::string message;
};

struct Unexpected {
  Error error;
};

inline Unexpected fail(Errc code, std::string message) {
  return Unexpected{Error{code, std::move(message)}};
}

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  Result(Unexpected u) : state_(std::in_place_index<1>, std::move(u.error)) {}

  bool has_value() const { return state_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & {
    assert(has_value());
    return std::get<0>(state_);
  }
  const T& value() const& {
    assert(has_value());
    return std::get<0>(state_);
  }
  T&& value() && {
    assert(has_value());
    return std::get<0>(std::move(state_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const {
    assert(!has_value());
    return std::get<1>(state_);
  }

 private:
  std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Unexpected u) : error_(std::move(u.error)), ok_(false) {}

  bool has_value() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const {
    assert(!ok_);
    return error_;
  }

 private:
  Error error_{Errc::invalid_argument, {}};
  bool ok_ = true;
};

using Status = Result<void>;

inline Status ok() { return {}; }

}  // namespace tally

// Returns the error of `expr` from the enclosing function when `expr` failed.
#define TALLY_TRY(expr)                                        \
  do {                                                         \
    if (decltype(auto) tally_try_r_ = (expr); !tally_try_r_) { \
      return ::tally::Unexpected{tally_try_r_.error()};        \
    }                                                          \
  } while (false)
