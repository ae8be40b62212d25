// Result<T> and Error: a value or an error message. Every function that can fail for a reason a
// user controls returns one of these; nothing throws across the library's boundary.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace attnjit {

struct Error {
  std::string message;
};

template <class T> class [[nodiscard]] Result {
public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error error) : v_(std::move(error)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok() && "value() on an error result");
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok() && "value() on an error result");
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok() && "value() on an error result");
    return std::get<0>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const {
    assert(!ok() && "error() on a value result");
    return std::get<1>(v_);
  }

private:
  std::variant<T, Error> v_;
};

template <> class [[nodiscard]] Result<void> {
public:
  Result() = default;
  Result(Error error) : err_(std::move(error)), ok_(false) {}
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const {
    assert(!ok_ && "error() on a value result");
    return err_;
  }

private:
  Error err_;
  bool ok_ = true;
};

} // namespace attnjit
