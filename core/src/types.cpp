// Printable names of the Wasm type vocabulary (wpvm/types.h).
#include "wpvm/types.h"

namespace wpvm {

const char* val_type_name(ValType t) {
  switch (t) {
    case ValType::kI32: return "i32";
    case ValType::kI64: return "i64";
    case ValType::kF32: return "f32";
    case ValType::kF64: return "f64";
    case ValType::kV128: return "v128";
    case ValType::kFuncRef: return "funcref";
    case ValType::kExternRef: return "externref";
  }
  return "<invalid type>";
}

namespace {
std::string type_list(const std::vector<ValType>& types) {
  std::string s = "(";
  for (size_t i = 0; i < types.size(); ++i) {
    if (i) s += ", ";
    s += val_type_name(types[i]);
  }
  return s + ")";
}
}  // namespace

std::string FuncType::to_string() const { return type_list(params) + " -> " + type_list(results); }

const char* extern_kind_name(ExternKind k) {
  switch (k) {
    case ExternKind::kFunc: return "func";
    case ExternKind::kTable: return "table";
    case ExternKind::kMemory: return "memory";
    case ExternKind::kGlobal: return "global";
  }
  return "<invalid kind>";
}

}  // namespace wpvm
