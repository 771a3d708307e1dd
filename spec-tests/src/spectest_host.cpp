// The spectest host module. The print functions print nothing: no assertion
// reads their output, and a quiet runner keeps failure reports readable.
#include "spectest_host.h"

#include <optional>

namespace wpvm::spec {
namespace {

constexpr uint32_t kGlobalI32 = 666;
constexpr uint32_t kGlobalF32Bits = 0x4426a666;              // 666.6f
constexpr uint64_t kGlobalF64Bits = 0x4084d4cccccccccdull;  // 666.6

void define_print(Store& store, Linker& linker, const char* name, std::vector<ValType> params) {
  HostFn fn = [](Caller&, std::span<const Value>, std::span<Value>) -> std::optional<Trap> { return std::nullopt; };
  Func* f = store.create_host_func(FuncType{std::move(params), {}}, std::move(fn), std::string("spectest.") + name);
  linker.define("spectest", name, f);
}

void define_global(Store& store, Linker& linker, const char* name, Value v) {
  linker.define("spectest", name, *store.create_global(GlobalType{v.type, false}, v));
}

}  // namespace

Result<void> define_spectest(Store& store, Linker& linker) {
  using enum ValType;
  define_print(store, linker, "print", {});
  define_print(store, linker, "print_i32", {kI32});
  define_print(store, linker, "print_i64", {kI64});
  define_print(store, linker, "print_f32", {kF32});
  define_print(store, linker, "print_f64", {kF64});
  define_print(store, linker, "print_i32_f32", {kI32, kF32});
  define_print(store, linker, "print_f64_f64", {kF64, kF64});

  define_global(store, linker, "global_i32", Value::from_i32(kGlobalI32));
  define_global(store, linker, "global_i64", Value::from_i64(kGlobalI32));
  define_global(store, linker, "global_f32", Value::from_f32_bits(kGlobalF32Bits));
  define_global(store, linker, "global_f64", Value::from_f64_bits(kGlobalF64Bits));

  TableType table_type{kFuncRef, Limits{10, 20, false}};
  auto table = store.create_table(table_type, Value::from_ref(kFuncRef, nullptr));
  if (!table) return table.error();
  linker.define("spectest", "table", *table);

  auto memory = store.create_memory(MemoryType{Limits{1, 2, false}});
  if (!memory) return memory.error();
  linker.define("spectest", "memory", *memory);
  return {};
}

}  // namespace wpvm::spec
