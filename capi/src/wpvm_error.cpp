// wpvm_error_t.
#include "wpvm_error.h"

#include <new>

namespace capi {
namespace {
wpvm_error_t out_of_memory{"out of memory"};
}  // namespace

wpvm_error_t* new_error(std::string message) {
  try {
    return new wpvm_error_t{std::move(message)};
  } catch (const std::bad_alloc&) {
    return &out_of_memory;
  }
}

wpvm_error_t* new_error(const std::string& what, const wpvm::Error& error) {
  try {
    return new_error(what + ": " + error.to_string());
  } catch (const std::bad_alloc&) {
    return &out_of_memory;
  }
}

}  // namespace capi

void wpvm_error_message(const wpvm_error_t* error, wasm_name_t* out) {
  const std::string empty;
  const std::string& text = error ? error->message : empty;
  wasm_byte_vec_new(out, text.size() + 1, text.c_str());  // with its NUL
}

void wpvm_error_delete(wpvm_error_t* error) {
  if (error != &capi::out_of_memory) delete error;
}
