// wpvm::Span: a view of contiguous elements (pointer and count) for the
// public API, which C++17 hosts compile (std::span is C++20). It converts
// implicitly from arrays, from any container with data() and size()
// (std::vector, std::array, std::string, std::span) and from a braced list
// (for arguments: the list lives until the end of the full expression); in
// C++20 code it also converts to std::span.
#pragma once
#include <cstddef>
#include <initializer_list>
#include <iterator>
#include <type_traits>
#if __cplusplus >= 202002L && __has_include(<span>)
#include <span>
#endif

namespace wpvm {
namespace detail {
template <class C>
inline constexpr bool is_std_span = false;
#if __cplusplus >= 202002L && __has_include(<span>)
template <class U, size_t E>
inline constexpr bool is_std_span<std::span<U, E>> = true;
#endif
}  // namespace detail

template <class T>
class Span {
  template <class C>
  using data_of = std::remove_pointer_t<decltype(std::data(std::declval<C&>()))>;
  template <class C>
  using if_container = std::enable_if_t<
      !detail::is_std_span<std::remove_cv_t<C>> &&
      std::is_convertible_v<data_of<C> (*)[], T (*)[]> &&
      std::is_convertible_v<decltype(std::size(std::declval<C&>())), size_t>>;

 public:
  using element_type = T;
  using value_type = std::remove_cv_t<T>;
  using iterator = T*;

  constexpr Span() noexcept = default;
  constexpr Span(T* data, size_t size) noexcept : data_(data), size_(size) {}
  template <size_t N>
  constexpr Span(T (&array)[N]) noexcept : data_(array), size_(N) {}
  template <class C, class = if_container<C>>
  constexpr Span(C& c) noexcept : data_(std::data(c)), size_(std::size(c)) {}
  template <class C, class = if_container<const C>, class U = T, class = std::enable_if_t<std::is_const_v<U>>>
  constexpr Span(const C& c) noexcept : data_(std::data(c)), size_(std::size(c)) {}
  // The list's array lives until the end of the full expression the list is
  // in (GCC warns of exactly that, which is the point here).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winit-list-lifetime"
#endif
  template <class U = T, class = std::enable_if_t<std::is_const_v<U>>>
  constexpr Span(std::initializer_list<value_type> list) noexcept : data_(list.begin()), size_(list.size()) {}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

  constexpr T* data() const noexcept { return data_; }
  constexpr size_t size() const noexcept { return size_; }
  constexpr size_t size_bytes() const noexcept { return size_ * sizeof(T); }
  constexpr bool empty() const noexcept { return size_ == 0; }
  constexpr T& operator[](size_t i) const noexcept { return data_[i]; }
  constexpr T& front() const noexcept { return data_[0]; }
  constexpr T& back() const noexcept { return data_[size_ - 1]; }
  constexpr T* begin() const noexcept { return data_; }
  constexpr T* end() const noexcept { return data_ + size_; }
  constexpr Span first(size_t n) const noexcept { return {data_, n}; }
  constexpr Span last(size_t n) const noexcept { return {data_ + size_ - n, n}; }
  constexpr Span subspan(size_t offset, size_t n = static_cast<size_t>(-1)) const noexcept {
    return {data_ + offset, n == static_cast<size_t>(-1) ? size_ - offset : n};
  }

#if __cplusplus >= 202002L && __has_include(<span>)
  template <class U, size_t E, class = std::enable_if_t<std::is_convertible_v<U (*)[], T (*)[]>>>
  constexpr Span(std::span<U, E> s) noexcept : data_(s.data()), size_(s.size()) {}
  constexpr operator std::span<T>() const noexcept { return {data_, size_}; }
#endif

 private:
  T* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace wpvm
