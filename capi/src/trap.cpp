// Traps (message, origin, trace) and frames.
#include "trap.h"

#include <memory>
#include <new>

#include "vec.h"

namespace capi {

namespace {

class TrapObject final : public Object {
 public:
  // verbatim: the trap's message is all there is to say (wasm_trap_new's).
  TrapObject(StoreState* store, wpvm::Trap trap, bool verbatim)
      : Object(Kind::kTrap, store), trap_(std::move(trap)), verbatim_(verbatim) {}
  const wpvm::Trap& trap() const { return trap_; }
  // A host error's own message (what wasm_trap_new was given), else the
  // trap's text ("unreachable", "out of bounds memory access", ...).
  std::string message() const {
    if (verbatim_ || (trap_.kind == wpvm::TrapKind::kHost && !trap_.message.empty())) return trap_.message;
    return trap_.to_string();
  }

 private:
  wpvm::Trap trap_;
  bool verbatim_;
};

wasm_trap_t* make_trap(StoreState* store, wpvm::Trap trap, bool verbatim) {
  auto* object = new (std::nothrow) TrapObject(store, std::move(trap), verbatim);
  if (!object) return nullptr;
  ObjectRef hold(object);  // freed here if no reference could be made
  return new_ref<wasm_trap_t>(object);
}

const TrapObject* trap_object(const wasm_trap_t* t) {
  return ref_cast<wasm_trap_t>(t) ? static_cast<const TrapObject*>(t->object()) : nullptr;
}

}  // namespace

wasm_trap_t* new_trap(StoreState* store, wpvm::Trap trap) { return make_trap(store, std::move(trap), false); }

wasm_trap_t* new_trap(StoreState* store, std::string message) {
  return make_trap(store, wpvm::Trap{wpvm::TrapKind::kHost, std::move(message), 0, {}}, true);
}

const wpvm::Trap* engine_trap_of(const wasm_trap_t* trap) {
  const TrapObject* t = trap_object(trap);
  return t ? &t->trap() : nullptr;
}

wpvm::Trap engine_trap(const wasm_trap_t& trap, const StoreState& store) {
  const TrapObject* t = trap_object(&trap);
  if (!t) return wpvm::Trap{wpvm::TrapKind::kHost, "a host function returned an object that is not a trap", 0, {}};
  wpvm::Trap out = t->trap();
  if (t->store() != &store) out.backtrace.clear();  // frames of instances of another store
  return out;
}

}  // namespace capi

struct InstanceDelete {
  void operator()(wasm_instance_t* i) const { wasm_instance_delete(i); }
};

struct wasm_frame_t {
  std::unique_ptr<wasm_instance_t, InstanceDelete> instance;  // nullptr when not known
  uint32_t func_index = 0;
  size_t func_offset = wpvm::kNoOffset;
  size_t module_offset = wpvm::kNoOffset;
};

namespace {

wasm_frame_t* new_frame(capi::StoreState* store, const wpvm::Frame& f) {
  auto* frame = new (std::nothrow) wasm_frame_t;
  if (!frame) return nullptr;
  if (store && f.instance) frame->instance.reset(store->ref_of<wasm_instance_t>(f.instance));
  frame->func_index = f.func_index;
  frame->func_offset = f.func_offset;
  frame->module_offset = f.module_offset;
  return frame;
}

}  // namespace

// ---- frames ----

void wasm_frame_delete(wasm_frame_t* f) { delete f; }

wasm_frame_t* wasm_frame_copy(const wasm_frame_t* f) {
  if (!f) return nullptr;
  auto* copy = new (std::nothrow) wasm_frame_t;
  if (!copy) return nullptr;
  copy->instance.reset(wasm_instance_copy(f->instance.get()));
  copy->func_index = f->func_index;
  copy->func_offset = f->func_offset;
  copy->module_offset = f->module_offset;
  return copy;
}

wasm_instance_t* wasm_frame_instance(const wasm_frame_t* f) { return f ? f->instance.get() : nullptr; }
uint32_t wasm_frame_func_index(const wasm_frame_t* f) { return f ? f->func_index : 0; }
size_t wasm_frame_func_offset(const wasm_frame_t* f) { return f ? f->func_offset : wpvm::kNoOffset; }
size_t wasm_frame_module_offset(const wasm_frame_t* f) { return f ? f->module_offset : wpvm::kNoOffset; }

CAPI_DEFINE_OWNED_VEC(frame)

// ---- traps ----

wasm_trap_t* wasm_trap_new(wasm_store_t* store, const wasm_message_t* message) {
  if (!store) return nullptr;
  std::string text;
  if (message && message->data) text.assign(message->data, message->size);
  if (!text.empty() && text.back() == '\0') text.pop_back();
  return capi::new_trap(store->state.get(), std::move(text));
}

void wasm_trap_message(const wasm_trap_t* trap, wasm_message_t* out) {
  const capi::TrapObject* t = capi::trap_object(trap);
  std::string text = t ? t->message() : std::string();
  wasm_byte_vec_new(out, text.size() + 1, text.c_str());  // with its NUL
}

wasm_frame_t* wasm_trap_origin(const wasm_trap_t* trap) {
  const capi::TrapObject* t = capi::trap_object(trap);
  if (!t || t->trap().backtrace.empty()) return nullptr;
  return new_frame(t->store(), t->trap().backtrace.front());
}

void wasm_trap_trace(const wasm_trap_t* trap, wasm_frame_vec_t* out) {
  const capi::TrapObject* t = capi::trap_object(trap);
  wasm_frame_vec_new_uninitialized(out, t ? t->trap().backtrace.size() : 0);
  if (!out) return;
  for (size_t i = 0; i < out->size; ++i) out->data[i] = new_frame(t->store(), t->trap().backtrace[i]);
}
