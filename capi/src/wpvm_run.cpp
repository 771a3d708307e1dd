// wpvm_wasi_run: a WASI command's _initialize and _start, and its exit code.
#include <new>

#include "trap.h"
#include "wpvm_error.h"

namespace {

// The export `name` if it is a function of type [] -> [], nullptr if absent;
// an error for another type.
wpvm::Result<wpvm::Func*> entry(const wpvm::Instance& instance, const char* name) {
  auto e = instance.find_export(name);
  if (!e) return static_cast<wpvm::Func*>(nullptr);
  auto* f = std::get_if<wpvm::Func*>(&*e);
  if (!f || !(*f)->type().params.empty() || !(*f)->type().results.empty())
    return wpvm::make_error(wpvm::ErrorKind::kUsage, wpvm::kNoOffset,
                            std::string("the export ") + name + " is not a function of type [] -> []");
  return *f;
}

}  // namespace

wpvm_error_t* wpvm_wasi_run(const wasm_instance_t* instance, int* exit_code, wasm_trap_t** trap) {
  if (trap) *trap = nullptr;
  if (!instance || !exit_code || !trap) return capi::new_error("wpvm_wasi_run: a NULL argument");
  wpvm::Instance* inst = capi::instance_of(instance);
  if (!inst) return capi::new_error("wpvm_wasi_run: not an instance");
  capi::StoreState& store = *instance->store();
  try {
    auto init = entry(*inst, "_initialize");
    if (!init) return capi::new_error("wpvm_wasi_run", init.error());
    auto start = entry(*inst, "_start");
    if (!start) return capi::new_error("wpvm_wasi_run", start.error());
    if (!*start) return capi::new_error("wpvm_wasi_run: the instance exports no _start");
    for (wpvm::Func* f : {*init, *start}) {
      if (!f) continue;
      wpvm::CallResult r = store.store().call(f, {});
      if (!r.trap) continue;
      if (r.trap->kind == wpvm::TrapKind::kExit) {
        *exit_code = r.trap->exit_code;
      } else {
        *trap = capi::new_trap(&store, std::move(*r.trap));
        if (!*trap) return capi::new_error("wpvm_wasi_run: out of memory");
      }
      return nullptr;
    }
    *exit_code = 0;
    return nullptr;
  } catch (const std::bad_alloc&) {
    return capi::new_error("wpvm_wasi_run: out of memory");
  }
}
