// The Store: owner of every runtime object, canonical function types, the
// execution state, and the host<->Wasm call boundary (Store::call, call_host).
#include <algorithm>
#include <array>
#include <new>
#include <string>

#include "exec/stack.h"
#include "exec/tier.h"
#include "runtime/runtime_impl.h"
#include "wpvm/share.h"

namespace wpvm {

// ---- resource limits ----

namespace {
// What a store without a limiter of its own is held to: nothing beyond the
// engine's limits (no size limit, any number of objects).
std::shared_ptr<ResourceLimiter> unlimited() {
  static const auto limiter =
      std::make_shared<StoreLimiter>(StoreLimits{.instances = UINT32_MAX, .tables = UINT32_MAX, .memories = UINT32_MAX});
  return limiter;
}

// " (StoreLimits::field)" when the limiter is the stock one, which names its
// fields; a host's own limiter has no names to give.
std::string limit_field(const ResourceLimiter& l, const char* field) {
  return dynamic_cast<const StoreLimiter*>(&l) ? std::string(" (StoreLimits::") + field + ")" : std::string();
}

Error resource(std::string message) { return make_error(ErrorKind::kResource, kNoOffset, std::move(message)); }

// The refusal of an initial size: the limit when the stock limiter says it.
Error size_refused(const ResourceLimiter& l, const std::string& what, uint64_t size, const char* unit) {
  const auto* stock = dynamic_cast<const StoreLimiter*>(&l);
  bool bytes = std::string_view(unit) == "bytes";
  std::optional<uint64_t> limit = stock ? (bytes ? stock->limits().memory_size : stock->limits().table_elements)
                                        : std::nullopt;
  if (limit)
    return resource(what + " of " + std::to_string(size) + " " + unit + " exceeds the store's limit of " +
                    std::to_string(*limit) + " " + unit + limit_field(l, bytes ? "memory_size" : "table_elements"));
  return resource(what + " of " + std::to_string(size) + " " + unit + " is refused by the store's resource limiter");
}
}  // namespace

StoreLimitState::StoreLimitState() : limiter_(unlimited()) {}

std::shared_ptr<ResourceLimiter> StoreLimitState::limiter() const {
  std::lock_guard lock(mutex_);
  return limiter_;
}

std::shared_ptr<ResourceLimiter> StoreLimitState::host_limiter() const {
  std::lock_guard lock(mutex_);
  return host_limiter_;
}

void StoreLimitState::set_limiter(std::shared_ptr<ResourceLimiter> l) {
  std::lock_guard lock(mutex_);
  host_limiter_ = l;
  limiter_ = l ? std::move(l) : unlimited();
}

Result<void> Store::Impl::charge(uint32_t n_instances, uint32_t n_memories, uint32_t n_tables,
                                 const std::string& what) {
  std::shared_ptr<ResourceLimiter> l = limiter();
  struct Count {
    std::atomic<uint64_t>& total;
    uint64_t& mine;
    uint32_t n;
    uint32_t limit;
    const char* name;
  } counts[] = {{limits->instances, charged_instances, n_instances, l->instances(), "instances"},
                {limits->memories, charged_memories, n_memories, l->memories(), "memories"},
                {limits->tables, charged_tables, n_tables, l->tables(), "tables"}};
  // Added first, then checked, so that stores charging at once on several
  // threads never pass a limit together; a refusal takes all of it back.
  size_t added = 0;
  std::optional<Error> refused;
  for (Count& c : counts) {
    uint64_t now = c.total.fetch_add(c.n, std::memory_order_relaxed) + c.n;
    ++added;
    if (c.n && now > c.limit) {
      refused = resource(what + " would make " + std::to_string(now) + " " + c.name +
                         " in the store, more than its limit of " + std::to_string(c.limit) +
                         limit_field(*l, c.name));
      break;
    }
  }
  for (size_t i = 0; i < added; ++i) {
    if (refused)
      counts[i].total.fetch_sub(counts[i].n, std::memory_order_relaxed);
    else
      counts[i].mine += counts[i].n;
  }
  if (refused) return *refused;
  return {};
}

void Store::Impl::release_counts() {
  limits->instances.fetch_sub(charged_instances, std::memory_order_relaxed);
  limits->memories.fetch_sub(charged_memories, std::memory_order_relaxed);
  limits->tables.fetch_sub(charged_tables, std::memory_order_relaxed);
}

void Store::Impl::use_limits(std::shared_ptr<StoreLimitState> state) {
  if (state == limits) return;
  release_counts();
  limits = std::move(state);
  limits->instances.fetch_add(charged_instances, std::memory_order_relaxed);
  limits->memories.fetch_add(charged_memories, std::memory_order_relaxed);
  limits->tables.fetch_add(charged_tables, std::memory_order_relaxed);
}

Store::Impl::Impl(const Engine& e)
    : engine(e), epoch(tier::EngineAccess::epoch(e)), limits(std::make_shared<StoreLimitState>()) {}

Store::Impl::~Impl() { release_counts(); }

uint32_t Store::Impl::intern(const FuncType& t) {
  for (size_t i = 0; i < sigs_.size(); ++i)
    if (*sigs_[i] == t) return static_cast<uint32_t>(i);
  sigs_.push_back(std::make_unique<FuncType>(t));
  return static_cast<uint32_t>(sigs_.size() - 1);
}

FuncImpl* Store::Impl::new_func() {
  FuncImpl* f = funcs_.emplace_back(std::make_unique<FuncImpl>()).get();
  f->store = this;
  return f;
}

bool value_of_store(const Value& v, const Store::Impl& store) {
  return v.type != ValType::kFuncRef || !v.ref || static_cast<const FuncImpl*>(v.ref)->store == &store;
}

std::string_view FuncImpl::name() const {
  if (instance) return instance->mod->func_name(func_index);
  return host ? std::string_view(host->name) : std::string_view();
}

InstanceImpl* Store::Impl::new_instance() {
  auto* i = instances_.emplace_back(std::make_unique<InstanceImpl>()).get();
  i->store = this;
  return i;
}

Result<MemoryImpl*> Store::Impl::new_memory(const MemoryType& type, const std::string& what) {
  if (type.limits.min <= kMaxPages) {  // larger is refused below, whatever the limiter says
    std::shared_ptr<ResourceLimiter> l = limiter();
    std::optional<uint64_t> max;
    if (type.limits.max) max = *type.limits.max * kPageSize;
    if (!l->memory_growing(0, type.limits.min * kPageSize, max))
      return size_refused(*l, what, type.limits.min * kPageSize, "bytes");
  }
  auto lin = LinearMemory::create(type, !engine.config().explicit_bounds_checks);
  if (!lin) return lin.error();
  auto m = std::make_unique<MemoryImpl>();
  m->type_ = type;
  m->lin = std::move(*lin);
  m->store = this;
  return memories_.emplace_back(std::move(m)).get();
}

Result<TableImpl*> Store::Impl::new_table(const TableType& type, void* init, const std::string& what) {
  uint64_t cap = engine.config().max_table_elements;
  if (type.limits.min > cap)
    return make_error(ErrorKind::kResource, kNoOffset,
                      what + " of " + std::to_string(type.limits.min) + " elements exceeds the limit of " +
                          std::to_string(cap) + " table elements (EngineConfig::max_table_elements)");
  std::shared_ptr<ResourceLimiter> l = limiter();
  std::optional<uint64_t> max;
  if (type.limits.max) max = *type.limits.max;
  if (!l->table_growing(0, type.limits.min, max)) return size_refused(*l, what, type.limits.min, "elements");
  uint64_t capacity = std::min<uint64_t>(type.limits.max.value_or(0xffffffffu), cap);
  auto storage = TableStorage::create(type.limits.min, std::max<uint64_t>(capacity, type.limits.min), init);
  if (!storage) return make_error(ErrorKind::kResource, kNoOffset, what + ": " + storage.error().message);
  auto t = std::make_unique<TableImpl>();
  t->type_ = type;
  t->elems = std::move(*storage);
  t->store = this;
  return tables_.emplace_back(std::move(t)).get();
}

GlobalImpl* Store::Impl::new_global(const GlobalType& type) {
  auto g = std::make_unique<GlobalImpl>();
  g->type_ = type;
  g->store = this;
  return globals_.emplace_back(std::move(g)).get();
}

// ---- Store ----

size_t wasm_thread_stack_size(const EngineConfig& config) {
  constexpr size_t kHostHeadroom = size_t{1} << 20;
  static_assert(kHostHeadroom >= 2 * exec::kHostStackReserve);
  return config.max_wasm_stack + kHostHeadroom;
}

Engine::Engine(EngineConfig config)
    : config_(std::move(config)),
      code_generator_(tier::builtin_code_generator()),
      epoch_(std::make_shared<std::atomic<uint64_t>>(0)) {}

// A signal handler may call it: a lock-free add on the shared counter.
static_assert(std::atomic<uint64_t>::is_always_lock_free);
void Engine::increment_epoch() const { epoch_->fetch_add(1, std::memory_order_relaxed); }
uint64_t Engine::current_epoch() const { return epoch_->load(std::memory_order_relaxed); }

Result<void> Engine::precompile(const Module& m) const {
  if (!m.validated) return make_error(ErrorKind::kUsage, kNoOffset, "precompile: the module was not validated");
  if (config_.tier != Tier::kJit || !code_generator_) return {};
  // Memory 0 as the engine gives it to the module's instances.
  tier::CodeOptions options = tier::code_options(config_, m.memories.empty() || !config_.explicit_bounds_checks);
  if (!tier::native_code(m, *code_generator_, options))
    return make_error(ErrorKind::kUsage, kNoOffset, "precompile: the JIT compiled none of the module's functions");
  return {};
}

Store::Store(const Engine& engine) : impl_(std::make_unique<Impl>(engine)) { impl_->self = this; }
Store::~Store() = default;
const Engine& Store::engine() const { return impl_->engine; }

namespace {
Result<void> no_fuel() {
  return make_error(ErrorKind::kUsage, kNoOffset, "fuel is not enabled for this engine (EngineConfig::consume_fuel)");
}
}  // namespace

Result<void> Store::set_fuel(uint64_t fuel) {
  if (!impl_->engine.config().consume_fuel) return no_fuel();
  impl_->fuel = fuel;
  return {};
}

Result<uint64_t> Store::get_fuel() const {
  if (!impl_->engine.config().consume_fuel) return no_fuel().error();
  return impl_->fuel;
}

Result<void> Store::add_fuel(uint64_t fuel) {
  if (!impl_->engine.config().consume_fuel) return no_fuel();
  impl_->fuel = fuel > UINT64_MAX - impl_->fuel ? UINT64_MAX : impl_->fuel + fuel;
  return {};
}

void Store::set_epoch_deadline(uint64_t ticks_beyond_current) {
  uint64_t now = impl_->epoch->load(std::memory_order_relaxed);
  impl_->epoch_deadline = ticks_beyond_current > UINT64_MAX - now ? UINT64_MAX : now + ticks_beyond_current;
}

uint64_t Store::epoch_deadline() const { return impl_->epoch_deadline; }

void inherit_interruption(Store& to, const Store& from) {
  to.impl().epoch_deadline = from.epoch_deadline();
  if (!to.engine().config().consume_fuel || !from.engine().config().consume_fuel) return;
  if (auto fuel = from.get_fuel()) to.impl().fuel = *fuel;
}

Func* Store::create_host_func(FuncType type, HostFn fn, std::string debug_name) {
  FuncImpl* f = impl_->new_func();
  f->sig_id = impl_->intern(type);
  f->sig = impl_->sig(f->sig_id);
  f->host = std::make_shared<const HostFunc>(HostFunc{std::move(fn), std::move(debug_name)});
  return f;
}

void Store::set_limits(const StoreLimits& limits) { set_limiter(std::make_shared<StoreLimiter>(limits)); }

void Store::set_limiter(std::shared_ptr<ResourceLimiter> limiter) { impl_->limits->set_limiter(std::move(limiter)); }

std::shared_ptr<ResourceLimiter> Store::limiter() const { return impl_->limits->host_limiter(); }

// Declared in wpvm/share.h.
void share_limits(Store& to, const Store& from) { to.impl().use_limits(const_cast<Store&>(from).impl().limits); }

bool shares_limits(const Store& a, const Store& b) {
  return const_cast<Store&>(a).impl().limits == const_cast<Store&>(b).impl().limits;
}

Result<Memory*> Store::create_memory(const MemoryType& type) {
  WPVM_TRY(impl_->charge(0, 1, 0, "a new memory"));
  auto m = impl_->new_memory(type, "memory");
  if (!m) return m.error();
  return static_cast<Memory*>(*m);
}

Result<Table*> Store::create_table(const TableType& type, const Value& init) {
  if (type.limits.max && *type.limits.max < type.limits.min)
    return make_error(ErrorKind::kUsage, kNoOffset, "size minimum must not be greater than maximum");
  WPVM_TRY(check_value(init, type.elem, *impl_, "the initial value"));
  WPVM_TRY(impl_->charge(0, 0, 1, "a new table"));
  try {
    auto t = impl_->new_table(type, init.ref, "table");
    if (!t) return t.error();
    return static_cast<Table*>(*t);
  } catch (const std::bad_alloc&) {
    return make_error(ErrorKind::kResource, kNoOffset, "out of memory creating a table");
  }
}

Result<Global*> Store::create_global(const GlobalType& type, const Value& init) {
  WPVM_TRY(check_value(init, type.type, *impl_, "the initial value"));
  GlobalImpl* g = impl_->new_global(type);
  value_to_slots(init, g->cell);
  return static_cast<Global*>(g);
}

namespace {

CallResult host_trap(std::string message) {
  CallResult r;
  r.trap = Trap{TrapKind::kHost, std::move(message), 0, {}};
  return r;
}

// A host function's results must be of its result types and of its store.
std::optional<Trap> check_host_results(const FuncType& t, Span<const Value> results, const Store::Impl& store) {
  for (size_t i = 0; i < results.size(); ++i)
    if (results[i].type != t.results[i] || !value_of_store(results[i], store))
      return Trap{TrapKind::kHost, "host function returned a result of another type or store", 0, {}};
  return std::nullopt;
}

}  // namespace

CallResult Store::call(Func* func, Span<const Value> args) {
  if (!func) return host_trap("call of a null function");
  auto* f = static_cast<FuncImpl*>(func);
  if (f->store != impl_.get()) return host_trap("call of a function of another store");
  const FuncType& t = f->type();
  if (args.size() != t.params.size()) return host_trap("wrong number of arguments");
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i].type != t.params[i]) return host_trap("argument type mismatch");
    if (!value_of_store(args[i], *impl_)) return host_trap("argument is a function of another store");
  }

  CallResult r;
  if (!f->instance) {
    r.values.resize(t.results.size());
    for (size_t i = 0; i < t.results.size(); ++i) r.values[i] = Value::zero(t.results[i]);
    CallerImpl caller(*impl_, nullptr);
    r.trap = f->host->fn(caller, args, r.values);
    if (!r.trap) r.trap = check_host_results(t, r.values, *impl_);
    if (r.trap) r.values.clear();
    return r;
  }
  Slot* slots = tier::entry_slots(*impl_, call_slots(t));
  if (!slots) {
    r.trap = Trap{TrapKind::kCallStackExhausted, {}, 0, {}};
    return r;
  }
  Slot* p = slots;
  for (const Value& v : args) {
    value_to_slots(v, p);
    p += slot_width(v.type);
  }
  // Native code when the JIT tier compiled f, else the interpreter.
  if (tier::ensure_native(*impl_, *f))
    r.trap = tier::code_generator(*impl_)->invoke(*impl_, *f, slots);
  else
    r.trap = tier::interpret(*impl_, *f, slots);
  if (r.trap) return r;
  p = slots;
  for (ValType rt : t.results) {
    r.values.push_back(value_from_slots(rt, p));
    p += slot_width(rt);
  }
  return r;
}

// Host functions called from Wasm: arguments and results travel as slots.
// Up to kInline values stay on the native stack (no allocation per call).
std::optional<Trap> call_host(Store::Impl& store, FuncImpl& f, InstanceImpl* caller, Slot* io) {
  constexpr size_t kInline = 16;
  const FuncType& t = f.type();
  std::array<Value, kInline> arg_buf, res_buf;
  std::vector<Value> arg_vec, res_vec;
  std::span<Value> args = t.params.size() <= kInline ? std::span<Value>(arg_buf.data(), t.params.size())
                                                     : (arg_vec.resize(t.params.size()), std::span<Value>(arg_vec));
  std::span<Value> res = t.results.size() <= kInline ? std::span<Value>(res_buf.data(), t.results.size())
                                                     : (res_vec.resize(t.results.size()), std::span<Value>(res_vec));
  const Slot* p = io;
  for (size_t i = 0; i < args.size(); ++i) {
    args[i] = value_from_slots(t.params[i], p);
    p += slot_width(t.params[i]);
  }
  for (size_t i = 0; i < res.size(); ++i) res[i] = Value::zero(t.results[i]);
  CallerImpl c(store, caller);
  if (auto trap = f.host->fn(c, args, res)) return trap;
  if (auto trap = check_host_results(t, res, store)) return trap;
  Slot* q = io;
  for (size_t i = 0; i < res.size(); ++i) {
    value_to_slots(res[i], q);
    q += slot_width(t.results[i]);
  }
  return std::nullopt;
}

}  // namespace wpvm
