// Small runtime pieces: values and their slot encoding, trap texts, tables,
// extern kinds, instance export lookup and the Linker.
#include <algorithm>
#include <cstdio>
#include <cstring>

#include "exec/tier.h"
#include "runtime/runtime_impl.h"

namespace wpvm {

// ---- traps ----

const char* trap_text(TrapKind kind) {
  switch (kind) {
#define WPVM_TRAP(name, text) \
  case TrapKind::k##name:     \
    return text;
#include "wpvm/trap.def"
#undef WPVM_TRAP
  }
  return "trap";
}

std::string Trap::to_string() const {
  std::string s = trap_text(kind);
  if (kind == TrapKind::kExit) s += " " + std::to_string(exit_code);
  if (!message.empty()) s += ": " + message;
  return s;
}

// ---- values ----

Value Value::zero(ValType t) {
  Value v;
  v.type = t;
  return v;  // the union is zeroed by the constructor: 0, +0.0, null
}

std::string Value::to_string() const {
  char buf[64];
  switch (type) {
    case ValType::kI32: return "i32:" + std::to_string(i32);
    case ValType::kI64: return "i64:" + std::to_string(i64);
    case ValType::kF32: std::snprintf(buf, sizeof buf, "f32:%.9g", static_cast<double>(f32())); return buf;
    case ValType::kF64: std::snprintf(buf, sizeof buf, "f64:%.17g", f64()); return buf;
    case ValType::kV128:
      std::snprintf(buf, sizeof buf, "v128:0x%016llx%016llx", static_cast<unsigned long long>(v128.hi),
                    static_cast<unsigned long long>(v128.lo));
      return buf;
    case ValType::kFuncRef:
    case ValType::kExternRef: {
      std::string s = type == ValType::kFuncRef ? "funcref:" : "externref:";
      if (!ref) return s + "null";
      std::snprintf(buf, sizeof buf, "%p", ref);
      return s + buf;
    }
  }
  return "?";
}

void value_to_slots(const Value& v, Slot* out) {
  switch (v.type) {
    case ValType::kI32: case ValType::kF32: out[0] = v.i32; break;
    case ValType::kI64: case ValType::kF64: out[0] = v.i64; break;
    case ValType::kV128: out[0] = v.v128.lo; out[1] = v.v128.hi; break;
    case ValType::kFuncRef: case ValType::kExternRef:
      out[0] = reinterpret_cast<uintptr_t>(v.ref);
      break;
  }
}

Value value_from_slots(ValType t, const Slot* in) {
  switch (t) {
    case ValType::kI32: return Value::from_i32(static_cast<uint32_t>(in[0]));
    case ValType::kF32: return Value::from_f32_bits(static_cast<uint32_t>(in[0]));
    case ValType::kI64: return Value::from_i64(in[0]);
    case ValType::kF64: return Value::from_f64_bits(in[0]);
    case ValType::kV128: return Value::from_v128(V128{in[0], in[1]});
    case ValType::kFuncRef: case ValType::kExternRef:
      return Value::from_ref(t, reinterpret_cast<void*>(static_cast<uintptr_t>(in[0])));
  }
  return {};
}

uint32_t call_slots(const FuncType& t) {
  uint32_t params = 0, results = 0;
  for (ValType v : t.params) params += slot_width(v);
  for (ValType v : t.results) results += slot_width(v);
  return std::max(params, results);
}

ExternKind extern_kind(const Extern& e) { return static_cast<ExternKind>(e.index()); }

// ---- tables ----

namespace {

Error usage(std::string message) { return make_error(ErrorKind::kUsage, kNoOffset, std::move(message)); }

}  // namespace

Result<void> check_value(const Value& v, ValType type, const Store::Impl& store, const char* what) {
  if (v.type != type) return usage(std::string(what) + " is a " + val_type_name(v.type) + ", not a " + val_type_name(type));
  if (!value_of_store(v, store)) return usage(std::string(what) + " is a function of another store");
  return {};
}

Result<Value> TableImpl::get(uint32_t index) const {
  if (index >= elems.size()) return usage("table index " + std::to_string(index) + " out of bounds");
  return Value::from_ref(type_.elem, elems[index]);
}

Result<void> TableImpl::set(uint32_t index, const Value& v) {
  if (index >= elems.size()) return usage("table index " + std::to_string(index) + " out of bounds");
  WPVM_TRY(check_value(v, type_.elem, *store, "the value"));
  elems[index] = v.ref;
  return {};
}

Result<uint32_t> TableImpl::grow(uint32_t delta, const Value& init) {
  WPVM_TRY(check_value(init, type_.elem, *store, "the initial value"));
  if (auto old = grow_raw(delta, init.ref)) return *old;
  return make_error(ErrorKind::kResource, kNoOffset, "table cannot grow by " + std::to_string(delta) + " elements");
}

Result<void> GlobalImpl::set(const Value& v) {
  if (!type_.mut) return usage("the global is immutable");
  WPVM_TRY(check_value(v, type_.type, *store, "the value"));
  value_to_slots(v, cell);
  return {};
}

std::optional<uint32_t> TableImpl::grow_raw(uint32_t delta, void* init) {
  // The storage's capacity is the table's maximum or the engine's
  // max_table_elements, whichever is smaller: past it the grow fails (-1),
  // as it does when the store's limiter refuses a grow within it.
  uint64_t old = elems.size();
  if (delta > elems.capacity() - old) return std::nullopt;
  if (delta > 0) {
    std::optional<uint64_t> max;
    if (type_.limits.max) max = *type_.limits.max;
    if (!store->limiter()->table_growing(old, old + delta, max)) return std::nullopt;
  }
  if (!elems.grow(delta, init)) return std::nullopt;
  return static_cast<uint32_t>(old);
}

// ---- instances ----

InstanceImpl::InstanceImpl() = default;
InstanceImpl::~InstanceImpl() = default;

namespace {

Extern extern_of(const InstanceImpl& inst, const Export& e) {
  switch (e.kind) {
    case ExternKind::kFunc: return static_cast<Func*>(inst.func(e.index));
    case ExternKind::kTable: return static_cast<Table*>(inst.tables[e.index]);
    case ExternKind::kMemory: return static_cast<Memory*>(inst.memories[e.index]);
    case ExternKind::kGlobal: return static_cast<Global*>(inst.globals[e.index]);
  }
  return {};
}

}  // namespace

std::optional<Extern> InstanceImpl::find_export(std::string_view name) const {
  if (const Export* e = mod->find_export(name)) return extern_of(*this, *e);
  return std::nullopt;
}

std::vector<std::pair<std::string, Extern>> InstanceImpl::exports() const {
  std::vector<std::pair<std::string, Extern>> out;
  for (const Export& e : mod->exports) out.emplace_back(e.name, extern_of(*this, e));
  return out;
}

void InstanceImpl::bind_native(const tier::NativeCode& code) {
  std::lock_guard lock(funcs_mutex);
  native_code = &code;
  for (const auto& f : made_)  // the defined functions made so far
    f->native.store(code.entry(f->func_index - mod->num_imported_funcs), std::memory_order_release);
}

FuncImpl* InstanceImpl::materialize(uint32_t i) const {
  std::lock_guard lock(funcs_mutex);
  if (FuncImpl* f = func_slots[i]) return f;
  auto f = std::make_unique<FuncImpl>();
  f->func_index = i;
  f->sig_id = type_ids[mod->func_types[i]];
  f->sig = type_sigs[mod->func_types[i]];
  f->instance = const_cast<InstanceImpl*>(this);
  f->store = store;
  f->vm = vm.get();
  if (native_code) f->native.store(native_code->entry(i - mod->num_imported_funcs), std::memory_order_relaxed);
  FuncImpl* made = made_.emplace_back(std::move(f)).get();
  std::atomic_ref<FuncImpl*>(func_slots[i]).store(made, std::memory_order_release);
  return made;
}

template <class T>
static T* export_as(const Instance& inst, std::string_view name) {
  auto e = inst.find_export(name);
  if (!e) return nullptr;
  auto* p = std::get_if<T*>(&*e);
  return p ? *p : nullptr;
}

Func* Instance::func(std::string_view name) const { return export_as<Func>(*this, name); }
Memory* Instance::memory(std::string_view name) const { return export_as<Memory>(*this, name); }
Global* Instance::global(std::string_view name) const { return export_as<Global>(*this, name); }
Table* Instance::table(std::string_view name) const { return export_as<Table>(*this, name); }

// ---- linker ----

void Linker::define(std::string module, std::string name, Extern value) {
  entries_.insert_or_assign({std::move(module), std::move(name)}, value);
}

void Linker::define_instance(std::string module, const Instance& instance) {
  for (auto& [name, e] : instance.exports()) define(module, name, e);
}

std::optional<Extern> Linker::resolve(std::string_view module, std::string_view name) const {
  auto it = entries_.find(std::pair<std::string, std::string>(module, name));
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

}  // namespace wpvm
