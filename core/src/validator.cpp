// validate_module(): the module-level validation rules (types, limits,
// constant expressions, exports, start, segments) followed by every function
// body through decode_function<NullEmitter>; load_module() = decode + validate.
// Errors are kInvalid (a malformed body found while validating is kMalformed).
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "body_decoder.h"
#include "wpvm/module_def.h"

namespace wpvm {
namespace {

Error invalid(std::string message, size_t offset = kNoOffset) {
  return make_error(ErrorKind::kInvalid, offset, std::move(message));
}
Error unknown(const char* what, uint32_t index, size_t offset = kNoOffset) {
  return invalid(std::string(what) + " " + std::to_string(index), offset);
}

class ModuleValidator {
 public:
  explicit ModuleValidator(Module& m) : m_(m) {}
  Result<void> run();

 private:
  Result<void> check_types();
  Result<void> check_limits(const Limits& l, uint64_t range, const char* range_message);
  Result<void> check_tables_and_memories();
  Result<void> check_const(ConstExpr& e, ValType expected);
  Result<void> check_globals();
  Result<void> check_exports();
  Result<void> check_start();
  Result<void> check_elems();
  Result<void> check_datas();
  Result<void> check_bodies();

  Module& m_;
};

Result<void> ModuleValidator::check_types() {
  for (const Import& im : m_.imports) {
    if (im.kind == ExternKind::kFunc && im.type_index >= m_.types.size()) return unknown("unknown type", im.type_index);
  }
  for (size_t i = m_.num_imported_funcs; i < m_.func_types.size(); ++i) {
    if (m_.func_types[i] >= m_.types.size()) return unknown("unknown type", m_.func_types[i]);
  }
  return {};
}

Result<void> ModuleValidator::check_limits(const Limits& l, uint64_t range, const char* range_message) {
  if (l.min > range || (l.max && *l.max > range)) return invalid(range_message);
  if (l.max && l.min > *l.max) return invalid("size minimum must not be greater than maximum");
  return {};
}

Result<void> ModuleValidator::check_tables_and_memories() {
  for (const TableType& t : m_.tables) {
    WPVM_TRY(check_limits(t.limits, UINT32_MAX, "table size must be at most 2^32-1"));
  }
  for (const MemoryType& mem : m_.memories) {
    WPVM_TRY(check_limits(mem.limits, kMaxPages, "memory size must be at most 65536 pages (4GiB)"));
    if (mem.limits.shared && !mem.limits.max) return invalid("shared memory must have maximum");
  }
  if (m_.memories.size() > 1) return invalid("multiple memories");
  return {};
}

// Wasm 2.0 constant expressions: global.get may name only imported immutable
// globals (the context of constant expressions holds just those).
Result<void> ModuleValidator::check_const(ConstExpr& e, ValType expected) {
  switch (e.op) {
    case ConstExpr::Op::kGlobalGet: {
      if (e.index >= m_.num_imported_globals) return unknown("unknown global", e.index, e.offset);
      const GlobalType& g = m_.global_types[e.index];
      if (g.mut) return invalid("constant expression required", e.offset);
      e.type = g.type;
      break;
    }
    case ConstExpr::Op::kRefFunc:
      if (e.index >= m_.func_types.size()) return unknown("unknown function", e.index, e.offset);
      break;
    default: break;
  }
  if (e.type != expected) return invalid("type mismatch", e.offset);
  return {};
}

Result<void> ModuleValidator::check_globals() {
  for (GlobalDef& g : m_.globals) WPVM_TRY(check_const(g.init, g.type.type));
  return {};
}

Result<void> ModuleValidator::check_exports() {
  std::vector<const Export*> by_name;
  by_name.reserve(m_.exports.size());
  for (const Export& ex : m_.exports) {
    switch (ex.kind) {
      case ExternKind::kFunc:
        if (ex.index >= m_.func_types.size()) return unknown("unknown function", ex.index, ex.offset);
        break;
      case ExternKind::kTable:
        if (ex.index >= m_.tables.size()) return unknown("unknown table", ex.index, ex.offset);
        break;
      case ExternKind::kMemory:
        if (ex.index >= m_.memories.size()) return unknown("unknown memory", ex.index, ex.offset);
        break;
      case ExternKind::kGlobal:
        if (ex.index >= m_.global_types.size()) return unknown("unknown global", ex.index, ex.offset);
        break;
    }
    by_name.push_back(&ex);
  }
  // Sorted by name, then by position, so the error points at the later twin.
  std::ranges::sort(by_name, [](const Export* a, const Export* b) {
    return a->name != b->name ? a->name < b->name : a->offset < b->offset;
  });
  for (size_t i = 1; i < by_name.size(); ++i) {
    if (by_name[i]->name == by_name[i - 1]->name) return invalid("duplicate export name", by_name[i]->offset);
  }
  return {};
}

Result<void> ModuleValidator::check_start() {
  if (!m_.start) return {};
  if (*m_.start >= m_.func_types.size()) return unknown("unknown function", *m_.start);
  const FuncType& ft = m_.func_type(*m_.start);
  if (!ft.params.empty() || !ft.results.empty()) return invalid("start function");
  return {};
}

Result<void> ModuleValidator::check_elems() {
  for (ElemSegment& seg : m_.elems) {
    if (seg.mode == SegmentMode::kActive) {
      if (seg.table >= m_.tables.size()) return unknown("unknown table", seg.table, seg.offset.offset);
      WPVM_TRY(check_const(seg.offset, ValType::kI32));
      if (m_.tables[seg.table].elem != seg.type) return invalid("type mismatch", seg.offset.offset);
    }
    for (ConstExpr& item : seg.items) WPVM_TRY(check_const(item, seg.type));
  }
  return {};
}

Result<void> ModuleValidator::check_datas() {
  for (DataSegment& seg : m_.datas) {
    if (seg.mode != SegmentMode::kActive) continue;
    if (seg.memory >= m_.memories.size()) return unknown("unknown memory", seg.memory, seg.offset.offset);
    WPVM_TRY(check_const(seg.offset, ValType::kI32));
  }
  return {};
}

Result<void> ModuleValidator::check_bodies() {
  // One decoder for all bodies, so its stacks are allocated once per module.
  NullEmitter null;
  body_detail::BodyDecoder<NullEmitter> decoder(m_, null);
  for (uint32_t i = 0; i < m_.bodies.size(); ++i) WPVM_TRY(decoder.decode(i));
  return {};
}

Result<void> ModuleValidator::run() {
  WPVM_TRY(check_types());
  WPVM_TRY(check_tables_and_memories());
  WPVM_TRY(check_globals());
  WPVM_TRY(check_elems());
  WPVM_TRY(check_datas());
  WPVM_TRY(check_start());
  WPVM_TRY(check_exports());
  WPVM_TRY(check_bodies());
  return {};
}

// Reads a body's instructions without typing them, to find malformed
// encodings only (block nesting, else placement, immediates).
Result<void> scan_body(const Module& m, const FunctionBody& body) {
  using namespace body_detail;
  Reader r(m.bytes.data(), body.code_offset, body.code_end);
  std::vector<Opcode> open{Opcode::Block};  // kinds of the open blocks
  std::vector<uint32_t> targets;
  while (!open.empty() && r.ok()) {
    if (r.at_end()) {
      fail_missing_end(r, m);
      break;
    }
    size_t at = r.offset();
    Opcode op = read_opcode(r);
    Imm imm;
    if (r.ok()) read_immediates(r, opcode_info(op).imm, imm, targets);
    if (!r.ok()) break;
    switch (op) {
      case Opcode::Block: case Opcode::Loop: case Opcode::If: open.push_back(op); break;
      case Opcode::Else:
        if (open.back() != Opcode::If) r.fail_malformed(at, "END opcode expected");
        open.back() = Opcode::Else;
        break;
      case Opcode::End: open.pop_back(); break;
      case Opcode::MemoryInit: case Opcode::DataDrop:
        if (!m.data_count && !m.datas.empty()) r.fail_malformed(at, "data count section required");
        break;
      default: break;
    }
  }
  if (r.ok() && !r.at_end()) r.fail_malformed(r.offset(), "section size mismatch");
  if (!r.ok()) return r.take_error();
  return {};
}

}  // namespace

Result<void> validate_module(Module& module) {
  if (module.validated) return {};
  Result<void> r = ModuleValidator(module).run();
  if (!r.ok()) {
    // The reference interpreter decodes every body before validating
    // anything, so a malformed body anywhere outranks a validation error.
    if (r.error().kind == ErrorKind::kInvalid) {
      for (const FunctionBody& body : module.bodies) WPVM_TRY(scan_body(module, body));
    }
    return r;
  }
  module.validated = true;
  return {};
}

Result<std::shared_ptr<const Module>> load_module(Span<const uint8_t> bytes) {
  auto decoded = decode_module(bytes);
  if (!decoded.ok()) return decoded.error();
  std::shared_ptr<Module> module = std::move(decoded).value();
  WPVM_TRY(validate_module(*module));
  return std::shared_ptr<const Module>(std::move(module));
}

}  // namespace wpvm
