// `wpvm objdump [--jit]`: the functions of a module (index, name, type, code
// size), or with --jit the machine code the JIT generates for them.
#include <cstdio>
#include <iostream>

#include "command.h"
#include "wpvm/jit.h"
#include "wpvm/module_def.h"

namespace wpvm::cli {

namespace {

void list_functions(const Module& m) {
  std::printf("%zu functions (%u imported)\n", m.func_types.size(), m.num_imported_funcs);
  for (uint32_t i = 0; i < m.func_types.size(); ++i) {
    std::string name(m.func_name(i));
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

int jit_listing(const std::shared_ptr<const Module>& m) {
  auto text = jit::listing(*m);
  if (!text) {
    std::cerr << "Error: " << text.error().message << "\n";
    return 1;
  }
  std::fputs(text->c_str(), stdout);
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
