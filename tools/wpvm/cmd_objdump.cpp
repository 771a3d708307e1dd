// `wpvm objdump [--jit]`: the functions of a module (index, name, type, code
// size), or with --jit the machine code the JIT generates for them.
#include <cstdio>
#include <iostream>

#include "command.h"
#include "runtime/runtime_impl.h"
#include "wpvm/jit.h"
#include "wpvm/module.h"
#include "wpvm/runtime.h"

namespace wpvm::cli {

namespace {

std::string func_name(const Module& m, uint32_t index) {
  for (const auto& [i, name] : m.func_names)
    if (i == index) return name;
  return {};
}

void list_functions(const Module& m) {
  std::printf("%zu functions (%u imported)\n", m.func_types.size(), m.num_imported_funcs);
  for (uint32_t i = 0; i < m.func_types.size(); ++i) {
    std::string name = func_name(m, i);
    std::string type = m.func_type(i).to_string();
    if (i < m.num_imported_funcs) {
      const Import* imp = nullptr;
      uint32_t k = 0;
      for (const Import& im : m.imports)
        if (im.kind == ExternKind::kFunc && k++ == i) imp = &im;
      std::printf("func[%u] %s %s import %s.%s\n", i, name.c_str(), type.c_str(), imp ? imp->module.c_str() : "?",
                  imp ? imp->name.c_str() : "?");
      continue;
    }
    const FunctionBody& b = m.bodies[i - m.num_imported_funcs];
    std::printf("func[%u] %s %s code %u bytes\n", i, name.c_str(), type.c_str(), b.code_end - b.code_offset);
  }
}

// Every import satisfied by a stand-in (functions that trap, fresh memories,
// tables and zeroed globals): the code is only compiled, never run.
Linker stand_in_imports(Store& store, const Module& m) {
  Linker linker;
  for (const Import& im : m.imports) {
    switch (im.kind) {
      case ExternKind::kFunc:
        linker.define(im.module, im.name, store.create_host_func(m.types[im.type_index], [](Caller&, std::span<const Value>, std::span<Value>) {
          return std::optional<Trap>{Trap{TrapKind::kHost, "objdump stand-in import", 0, {}}};
        }));
        break;
      case ExternKind::kMemory:
        if (auto mem = store.create_memory(im.memory)) linker.define(im.module, im.name, *mem);
        break;
      case ExternKind::kTable:
        if (auto t = store.create_table(im.table, Value::zero(im.table.elem))) linker.define(im.module, im.name, *t);
        break;
      case ExternKind::kGlobal:
        linker.define(im.module, im.name, store.create_global(im.global, Value::zero(im.global.type)));
        break;
    }
  }
  return linker;
}

// The JIT numbers its labels L0 (the module's trap exit), then L1.. for the
// defined functions in order: a header line goes before each function's label.
void print_listing(const Module& m, const std::string& text) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string line = text.substr(pos, nl - pos);
    pos = nl + 1;
    unsigned label = 0;
    char colon = 0;
    if (std::sscanf(line.c_str(), "L%u%c", &label, &colon) == 2 && colon == ':' &&
        line == "L" + std::to_string(label) + ":" && label >= 1 && label <= m.bodies.size()) {
      uint32_t index = m.num_imported_funcs + label - 1;
      std::printf("\nfunc[%u] %s:\n", index, func_name(m, index).c_str());
    }
    std::printf("%s\n", line.c_str());
  }
}

int jit_listing(const std::shared_ptr<const Module>& m) {
  Engine engine(EngineConfig{.tier = Tier::kJit, .code_generator = jit::code_generator()});
  Store store(engine);
  auto inst = store.instantiate(m, stand_in_imports(store, *m));
  if (!inst) {
    std::cerr << "Error: " << describe_error(inst.error()) << "\n";
    return 1;
  }
  auto text = jit::listing(*static_cast<InstanceImpl*>(*inst));
  if (!text) {
    std::cerr << "Error: " << text.error().message << "\n";
    return 1;
  }
  print_listing(*m, *text);
  return 0;
}

int objdump_main(std::span<const std::string> args) {
  bool jit = !args.empty() && args[0] == "--jit";
  if (jit) args = args.subspan(1);
  if (args.size() != 1 || is_help_flag(args[0])) {
    std::cerr << kObjdumpCommand.usage;
    return kExitUsage;
  }
  auto module = load_module_file(args[0]);
  if (!module) return 1;
  if (jit) return jit_listing(module);
  list_functions(*module);
  return 0;
}

}  // namespace

extern const Command kObjdumpCommand = {"objdump", "List a module's functions, or the JIT's machine code",
    "usage: wpvm objdump [--jit] MODULE.wasm\n"
    "\n"
    "Without --jit: one line per function (index, name, type, code size).\n"
    "With --jit: the x86-64 code the JIT generates for the module (imports are\n"
    "replaced by stand-ins; nothing runs except a start function).\n",
    objdump_main};

}  // namespace wpvm::cli
