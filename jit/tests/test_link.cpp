// Linking like any embedder: this program is linked with libwpvm.a as it is
// (no --whole-archive, nothing registered at start-up) and makes engines with
// the public API only. An engine of Tier::kJit (the default) must run a call
// as native code, one of Tier::kInterp in the interpreter.
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "runtime/runtime_impl.h"  // FuncImpl::native: whether a function has native code
#include "wpvm/runtime.h"

namespace {

using namespace wpvm;

// (module (func (export "add") (param i32 i32) (result i32)
//   (i32.add (local.get 0) (local.get 1))))
const std::vector<uint8_t> kAddModule = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,              // magic, version
    0x01, 0x07, 0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f,        // type: (i32 i32) -> i32
    0x03, 0x02, 0x01, 0x00,                                      // function 0 has type 0
    0x07, 0x07, 0x01, 0x03, 'a', 'd', 'd', 0x00, 0x00,           // export "add" = func 0
    0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b,  // local.get 0/1, i32.add
};

int failures = 0;

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "FAILED: %s\n", what);
    ++failures;
  }
}

// Calls add(40, 2) on an engine with `config`; true if it ran as native code.
bool add_runs_native(const EngineConfig& config) {
  auto m = load_module(kAddModule);
  check(m.ok(), "the module loads");
  if (!m.ok()) return false;
  Engine engine(config);
  Store store(engine);
  auto inst = store.instantiate(*m, Linker{});
  check(inst.ok(), "the module instantiates");
  if (!inst.ok()) return false;
  Func* add = (*inst)->func("add");
  check(add != nullptr, "the module exports add");
  if (!add) return false;
  const Value args[] = {Value::from_i32(40), Value::from_i32(2)};
  CallResult r = store.call(add, args);
  check(!r.trap && r.values.size() == 1 && r.values[0].i32 == 42, "add(40, 2) returns 42");
  return static_cast<FuncImpl*>(add)->native != nullptr;
}

}  // namespace

int main() {
  check(add_runs_native(EngineConfig{}), "on a default engine, add runs as native code");
  check(!add_runs_native(EngineConfig{.tier = Tier::kInterp}), "on the interpreter tier, add runs in the interpreter");
  if (failures) return 1;
  std::puts("libwpvm linked as it is gives the engine its JIT: add runs as native code");
  return 0;
}
