// Functions: host functions over C callbacks, types and arities, calls.
#include <memory>
#include <new>
#include <string>

#include "trap.h"
#include "type.h"
#include "value.h"

namespace {

bool passes_c_api(const wpvm::FuncType& t) {
  for (const auto* list : {&t.params, &t.results})
    for (wpvm::ValType v : *list)
      if (v == wpvm::ValType::kV128) return false;
  return true;
}

wpvm::Trap host_error(std::string message) { return wpvm::Trap{wpvm::TrapKind::kHost, std::move(message), 0, {}}; }

// A C callback as the engine's host function. The callback borrows the
// arguments and fills the results, which come typed (zeros and nulls of the
// result types); both are deleted after it returns. A trap it returns ends
// the Wasm call with that trap's kind and message.
class Callback {
 public:
  // A callback's environment: its finalizer runs once the function is gone
  // (with its store), if the function was made.
  struct Env {
    Env(void* d, void (*f)(void*)) : data(d), finalizer(f) {}
    Env(const Env&) = delete;
    Env& operator=(const Env&) = delete;
    ~Env() {
      if (made && finalizer) finalizer(data);
    }
    void* data;
    void (*finalizer)(void*);
    bool made = false;
  };

  Callback(capi::StoreState* store, wasm_func_callback_t plain) : store_(store), plain_(plain) {}
  Callback(capi::StoreState* store, wasm_func_callback_with_env_t with_env, std::shared_ptr<Env> env)
      : store_(store), with_env_(with_env), env_(std::move(env)) {}

  std::optional<wpvm::Trap> operator()(wpvm::Caller&, wpvm::Span<const wpvm::Value> args,
                                       wpvm::Span<wpvm::Value> results) const {
    try {
      return call(args, results);
    } catch (const std::bad_alloc&) {
      return host_error("out of memory calling a host function");
    }
  }

 private:
  std::optional<wpvm::Trap> call(wpvm::Span<const wpvm::Value> args, wpvm::Span<wpvm::Value> results) const {
    capi::ValBuffer in(args.size()), out(results.size());
    auto fill = [this](capi::ValBuffer& vals, wpvm::Span<const wpvm::Value> from) {
      for (size_t i = 0; i < from.size(); ++i) {
        auto v = capi::value_out(*store_, from[i]);
        if (!v) return false;
        vals[i] = *v;
      }
      return true;
    };
    // The results start as the zeros the engine gave them.
    if (!fill(in, args) || !fill(out, results)) return host_error("a v128 value cannot pass through the C API");
    wasm_val_vec_t in_vec = in.vec(), out_vec = out.vec();
    wasm_trap_t* trap = plain_ ? plain_(&in_vec, &out_vec) : with_env_(env_->data, &in_vec, &out_vec);
    if (trap) {
      wpvm::Trap t = capi::engine_trap(*trap, *store_);
      wasm_trap_delete(trap);
      return t;
    }
    for (size_t i = 0; i < results.size(); ++i) {
      auto v = capi::value_in(*store_, out[i], results[i].type);
      if (!v) return host_error("host function result " + std::to_string(i) + ": " + v.error().message);
      results[i] = *v;
    }
    return std::nullopt;
  }

  capi::StoreState* store_;  // owns the function, so outlives it
  wasm_func_callback_t plain_ = nullptr;
  wasm_func_callback_with_env_t with_env_ = nullptr;
  std::shared_ptr<Env> env_;
};

wasm_func_t* new_host_func(wasm_store_t* store, const wasm_functype_t* type, Callback callback) {
  auto t = type ? capi::functype_from(*type) : std::nullopt;
  if (!store || !t) return nullptr;
  try {
    capi::StoreState& s = *store->state;
    return s.ref_of<wasm_func_t>(s.store().create_host_func(std::move(*t), std::move(callback)));
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}

}  // namespace

wasm_func_t* wasm_func_new(wasm_store_t* store, const wasm_functype_t* type, wasm_func_callback_t callback) {
  if (!store || !callback) return nullptr;
  return new_host_func(store, type, Callback(store->state.get(), callback));
}

// On failure (NULL) the finalizer is not called: env stays the caller's.
wasm_func_t* wasm_func_new_with_env(wasm_store_t* store, const wasm_functype_t* type,
                                    wasm_func_callback_with_env_t callback, void* env, void (*finalizer)(void*)) {
  if (!store || !callback) return nullptr;
  try {
    auto e = std::make_shared<Callback::Env>(env, finalizer);
    wasm_func_t* f = new_host_func(store, type, Callback(store->state.get(), callback, e));
    e->made = f != nullptr;
    return f;
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}

wasm_functype_t* wasm_func_type(const wasm_func_t* func) {
  wpvm::Func* f = capi::func_of(func);
  return f ? capi::new_functype(f->type()) : nullptr;
}

size_t wasm_func_param_arity(const wasm_func_t* func) {
  wpvm::Func* f = capi::func_of(func);
  return f ? f->type().params.size() : 0;
}

size_t wasm_func_result_arity(const wasm_func_t* func) {
  wpvm::Func* f = capi::func_of(func);
  return f ? f->type().results.size() : 0;
}

namespace {

// wasm_func_call with a function: every misuse a trap of the function's store.
wasm_trap_t* call(capi::StoreState& store, wpvm::Func& f, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  auto fail = [&store](std::string message) { return capi::new_trap(&store, "wasm_func_call: " + message); };
  const wpvm::FuncType& t = f.type();
  size_t nargs = args ? args->size : 0, nresults = results ? results->size : 0;
  if (nargs != t.params.size())
    return fail("the function takes " + std::to_string(t.params.size()) + " arguments, " + std::to_string(nargs) + " given");
  if ((nargs && !args->data) || (nresults && !results->data)) return fail("a vector's data is NULL");
  if (!passes_c_api(t)) return fail("v128 values cannot pass through the C API");
  std::vector<wpvm::Value> in;
  in.reserve(nargs);
  for (size_t i = 0; i < nargs; ++i) {
    auto v = capi::value_in(store, args->data[i], t.params[i]);
    if (!v) return fail("argument " + std::to_string(i) + ": " + v.error().message);
    in.push_back(*v);
  }
  wpvm::CallResult r = store.store().call(&f, in);
  if (r.trap) return capi::new_trap(&store, std::move(*r.trap));
  // Checked once the call is done: programs call functions that trap with
  // no room for their results (upstream's trap.c does).
  if (nresults != t.results.size())
    return fail("the function has " + std::to_string(t.results.size()) + " results, room for " +
                std::to_string(nresults) + " given");
  for (size_t i = 0; i < nresults; ++i) results->data[i] = *capi::value_out(store, r.values[i]);
  return nullptr;
}

}  // namespace

wasm_trap_t* wasm_func_call(const wasm_func_t* func, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  wpvm::Func* f = capi::func_of(func);
  if (!f) return capi::new_trap(nullptr, "wasm_func_call: no function");
  try {
    return call(*func->store(), *f, args, results);
  } catch (const std::bad_alloc&) {
    return capi::new_trap(func->store(), "wasm_func_call: out of memory");
  }
}
