// Calling a test instance's exported functions by name, shared by the test
// programs of core and the JIT.
#pragma once
#include <doctest/doctest.h>

#include <vector>

#include "wpvm/runtime.h"

namespace wpvm::test {

// The exported function `name` of `inst`; fails the current test if it has none.
inline Func* export_func(Instance* inst, const char* name) {
  Func* f = inst->func(name);
  REQUIRE(f != nullptr);
  return f;
}

inline CallResult call_export(Store& store, Instance* inst, const char* name, std::vector<Value> args) {
  return store.call(export_func(inst, name), args);
}

}  // namespace wpvm::test
