// wasm.h's vectors ({size, data}): one implementation for every element
// type, given how an element is copied and deleted. The arrays are
// allocated with new[] (value-initialised: zeros and nulls); an allocation
// that fails leaves an empty vector. Every function accepts NULL (and does
// nothing, or reads it as empty).
#pragma once
#include <cstddef>
#include <cstdint>
#include <new>
#include <type_traits>
#include <utility>

#include "wasm.h"

namespace capi {

template <class Vec>
using elem_t = std::remove_pointer_t<decltype(Vec::data)>;

template <class Vec>
void vec_new_empty(Vec* out) {
  if (out) *out = Vec{0, nullptr};
}

template <class Vec>
void vec_new_uninitialized(Vec* out, size_t size) {
  if (!out) return;
  using T = elem_t<Vec>;
  T* data = size && size <= SIZE_MAX / sizeof(T) ? new (std::nothrow) T[size]() : nullptr;
  *out = Vec{data ? size : 0, data};
}

// Takes the elements as they are (and with them what they own).
template <class Vec>
void vec_new(Vec* out, size_t size, const elem_t<Vec>* elems) {
  if (!out) return;
  vec_new_uninitialized(out, elems ? size : 0);
  for (size_t i = 0; i < out->size; ++i) out->data[i] = elems[i];
}

template <class Vec, class CopyElem>
void vec_copy(Vec* out, const Vec* src, CopyElem copy) {
  if (!out) return;
  vec_new_uninitialized(out, src && src->data ? src->size : 0);
  for (size_t i = 0; i < out->size; ++i) copy(&out->data[i], &src->data[i]);
}

template <class Vec, class DeleteElem>
void vec_delete(Vec* v, DeleteElem del) {
  if (!v) return;
  if (v->data) {
    for (size_t i = 0; i < v->size; ++i) del(&v->data[i]);
    delete[] v->data;
  }
  *v = Vec{0, nullptr};
}

// Copy and delete of elements that are owned pointers to objects with a
// wasm_NAME_copy and wasm_NAME_delete.
template <class T, T* (*Copy)(const T*)>
void copy_owned(T** out, T* const* in) {
  *out = *in ? Copy(*in) : nullptr;
}
template <class T, void (*Delete)(T*)>
void delete_owned(T** p) {
  Delete(*p);
  *p = nullptr;
}

// A vector member of an object (a function type's parameters): deleted
// with its object.
template <class Vec, void (*Delete)(Vec*)>
class OwnedVec {
 public:
  OwnedVec() = default;
  explicit OwnedVec(Vec v) : v_(v) {}
  OwnedVec(const OwnedVec&) = delete;
  OwnedVec& operator=(const OwnedVec&) = delete;
  ~OwnedVec() { Delete(&v_); }
  const Vec& get() const { return v_; }
  // Takes *v (leaving it empty); a NULL v gives an empty vector.
  void take(Vec* v) {
    Delete(&v_);
    if (v) v_ = std::exchange(*v, Vec{0, nullptr});
  }
  void swap(OwnedVec& o) { std::swap(v_, o.v_); }

 private:
  Vec v_{0, nullptr};
};

}  // namespace capi

// The five functions of wasm_NAME_vec_t, over the templates above.
#define CAPI_DEFINE_VEC(name, copy_elem, delete_elem)                                                         \
  void wasm_##name##_vec_new_empty(wasm_##name##_vec_t* out) { capi::vec_new_empty(out); }                    \
  void wasm_##name##_vec_new_uninitialized(wasm_##name##_vec_t* out, size_t size) {                           \
    capi::vec_new_uninitialized(out, size);                                                                   \
  }                                                                                                           \
  void wasm_##name##_vec_new(wasm_##name##_vec_t* out, size_t size,                                           \
                             capi::elem_t<wasm_##name##_vec_t> const elems[]) {                              \
    capi::vec_new(out, size, elems);                                                                          \
  }                                                                                                           \
  void wasm_##name##_vec_copy(wasm_##name##_vec_t* out, const wasm_##name##_vec_t* src) {                     \
    capi::vec_copy(out, src, copy_elem);                                                                      \
  }                                                                                                           \
  void wasm_##name##_vec_delete(wasm_##name##_vec_t* v) { capi::vec_delete(v, delete_elem); }

// The same for a vector of owned wasm_NAME_t pointers.
#define CAPI_DEFINE_OWNED_VEC(name)                                                                         \
  CAPI_DEFINE_VEC(name, (capi::copy_owned<wasm_##name##_t, wasm_##name##_copy>),                          \
                  (capi::delete_owned<wasm_##name##_t, wasm_##name##_delete>))
