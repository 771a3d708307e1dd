// wpvm_error_t: what failed, as a message.
#pragma once
#include <string>

#include "wpvm.h"
#include "wpvm/result.h"

struct wpvm_error_t {
  std::string message;
};

namespace capi {

// A new error with this message; when out of memory, a static error saying
// so (which wpvm_error_delete leaves alone): a failure is never NULL.
wpvm_error_t* new_error(std::string message);
// "what: the engine error's text".
wpvm_error_t* new_error(const std::string& what, const wpvm::Error& error);

}  // namespace capi
