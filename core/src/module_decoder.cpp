// decode_module(): the binary format's module structure (sections, types,
// imports, segments, function body boundaries, the "name" section). Function
// bodies are only delimited here; body_decoder.h reads them during validation.
//
// Errors are kMalformed with the byte offset, worded like the reference
// interpreter. The one exception: a constant expression that is not a single
// constant instruction cannot be represented in a Module, so the first such
// problem is remembered and returned as kInvalid once the whole module has
// decoded (malformed problems anywhere in the module take precedence, as in
// the reference interpreter, which decodes everything before validating).
#include <algorithm>
#include <optional>

#include "body_decoder_imm.h"
#include "reader.h"
#include "wpvm/module_def.h"

namespace wpvm {
namespace {

using body_detail::read_ref_type;
using body_detail::read_val_type;

enum SectionId : uint8_t {
  kCustom = 0, kType, kImport, kFunction, kTable, kMemory, kGlobal, kExport, kStart,
  kElem, kCode, kData, kDataCount, kNumSectionIds
};

// Position of each non-custom section in the required order (data count sits
// between element and code).
constexpr int section_rank(uint8_t id) { return id == kDataCount ? kElem + 1 : id > kElem ? id + 1 : id; }

class ModuleDecoder {
 public:
  explicit ModuleDecoder(Module& m) : m_(m) {}
  Result<void> decode();

 private:
  // Never past the module: a length may exceed what is left by the size of
  // its own LEB128 (see Reader::count).
  Reader section_reader(size_t begin, size_t end) {
    return Reader(m_.bytes.data(), begin, std::min(end, m_.bytes.size()));
  }
  void section(uint8_t id, Reader& r);
  void type_section(Reader& r);
  void import_section(Reader& r);
  void function_section(Reader& r);
  void table_section(Reader& r);
  void memory_section(Reader& r);
  void global_section(Reader& r);
  void export_section(Reader& r);
  void elem_section(Reader& r);
  void code_section(Reader& r);
  void data_section(Reader& r);
  void custom_section(Reader& r);

  Limits limits(Reader& r, unsigned flag_bits);
  TableType table_type(Reader& r);
  MemoryType memory_type(Reader& r) { return MemoryType{limits(r, 2)}; }
  GlobalType global_type(Reader& r);
  ConstExpr const_expr(Reader& r);
  bool const_instr(Reader& r, uint8_t opcode, ConstExpr& e);
  void defer_invalid(size_t offset, const char* message) {
    if (!deferred_) deferred_ = make_error(ErrorKind::kInvalid, offset, message);
  }

  Module& m_;
  uint32_t num_declared_funcs_ = 0;  // entries of the function section
  size_t section_end_ = 0;  // declared end of the section being decoded
  bool has_code_ = false;
  bool has_data_ = false;
  std::optional<Error> deferred_;
  std::vector<uint32_t> scratch_targets_;
};

Limits ModuleDecoder::limits(Reader& r, unsigned flag_bits) {
  // Flags are a LEB128 of `flag_bits` bits: bit 0 = has maximum, bit 1 =
  // shared (memories only, threads proposal).
  Limits l;
  uint64_t flags = r.leb_u(flag_bits);
  l.min = r.u32();
  if (flags & 1) l.max = r.u32();
  l.shared = (flags & 2) != 0;
  return l;
}

TableType ModuleDecoder::table_type(Reader& r) {
  TableType t;
  t.elem = read_ref_type(r);
  t.limits = limits(r, 1);
  return t;
}

GlobalType ModuleDecoder::global_type(Reader& r) {
  GlobalType g;
  g.type = read_val_type(r);
  size_t at = r.offset();
  uint8_t mut = r.u8();
  if (r.ok() && mut > 1) r.fail_malformed(at, "malformed mutability");
  g.mut = mut == 1;
  return g;
}

// Decodes one instruction that may appear in a constant expression; returns
// false (after skipping it) for any other instruction.
bool ModuleDecoder::const_instr(Reader& r, uint8_t opcode, ConstExpr& e) {
  switch (opcode) {
    case 0x41: e = {ConstExpr::Op::kI32, ValType::kI32, {static_cast<uint32_t>(r.s32()), 0}, 0}; return true;
    case 0x42: e = {ConstExpr::Op::kI64, ValType::kI64, {static_cast<uint64_t>(r.s64()), 0}, 0}; return true;
    case 0x43: e = {ConstExpr::Op::kF32, ValType::kF32, {r.fixed(4), 0}, 0}; return true;
    case 0x44: e = {ConstExpr::Op::kF64, ValType::kF64, {r.fixed(8), 0}, 0}; return true;
    case 0xd0: e = {ConstExpr::Op::kRefNull, read_ref_type(r), {0, 0}, 0}; return true;
    case 0xd2: e = {ConstExpr::Op::kRefFunc, ValType::kFuncRef, {0, 0}, r.u32()}; return true;
    // The global's type is filled in by the validator, which checks the index.
    case 0x23: e = {ConstExpr::Op::kGlobalGet, ValType::kI32, {0, 0}, r.u32()}; return true;
    default: break;
  }
  // Any other instruction: read it with the body decoder's immediate reader.
  size_t at = r.offset() - 1;
  Opcode op = is_prefix_byte(opcode) ? lookup_opcode(opcode, r.u32()) : kOpcodesSingle[opcode];
  if (!r.ok()) return false;
  if (op == Opcode::kCount) return r.fail_malformed(at, "illegal opcode " + body_detail::hex_byte(opcode)), false;
  Imm imm;
  body_detail::read_immediates(r, opcode_info(op).imm, imm, scratch_targets_);
  if (op == Opcode::V128Const) {
    e = {ConstExpr::Op::kV128, ValType::kV128, {imm.bits[0], imm.bits[1]}, 0};
    return true;
  }
  return false;
}

// A constant expression: instructions up to `end`. Only the Wasm 2.0 shape,
// one constant instruction, is representable; other shapes are read to their
// `end` (so the module still decodes) and deferred as validation errors.
ConstExpr ModuleDecoder::const_expr(Reader& r) {
  ConstExpr e;
  size_t start = r.offset();
  int count = 0;
  bool constant = true;
  int depth = 0;
  while (r.ok()) {
    uint8_t b = r.u8();
    if (!r.ok()) break;
    if (b == 0x0b) {
      if (depth == 0) break;
      --depth;
      continue;
    }
    if (b == 0x02 || b == 0x03 || b == 0x04) ++depth;
    ConstExpr one;
    if (const_instr(r, b, one)) {
      if (count++ == 0) e = one;
    } else {
      constant = false;
    }
  }
  e.offset = static_cast<uint32_t>(start);
  if (!r.ok()) return e;
  if (!constant) defer_invalid(start, "constant expression required");
  else if (count != 1) defer_invalid(start, "type mismatch");
  return e;
}

void ModuleDecoder::type_section(Reader& r) {
  uint32_t n = r.count();
  for (uint32_t i = 0; i < n && r.ok(); ++i) {
    size_t at = r.offset();
    uint8_t form = r.u8();
    if (!r.ok() || body_detail::type_byte_too_long(r, form)) return;
    if (form != 0x60) return r.fail_malformed(at, "malformed function type");
    FuncType ft;
    uint32_t np = r.count();
    for (uint32_t k = 0; k < np && r.ok(); ++k) ft.params.push_back(read_val_type(r));
    uint32_t nr = r.count();
    for (uint32_t k = 0; k < nr && r.ok(); ++k) ft.results.push_back(read_val_type(r));
    m_.types.push_back(std::move(ft));
  }
}

void ModuleDecoder::import_section(Reader& r) {
  uint32_t n = r.count();
  for (uint32_t i = 0; i < n && r.ok(); ++i) {
    Import im;
    im.module = r.name();
    im.name = r.name();
    size_t at = r.offset();
    uint8_t kind = r.u8();
    if (!r.ok()) return;
    switch (kind) {
      case 0:
        im.type_index = r.u32();
        m_.func_types.push_back(im.type_index);
        ++m_.num_imported_funcs;
        break;
      case 1:
        im.table = table_type(r);
        m_.tables.push_back(im.table);
        ++m_.num_imported_tables;
        break;
      case 2:
        im.memory = memory_type(r);
        m_.memories.push_back(im.memory);
        ++m_.num_imported_memories;
        break;
      case 3:
        im.global = global_type(r);
        m_.global_types.push_back(im.global);
        ++m_.num_imported_globals;
        break;
      default: return r.fail_malformed(at, "malformed import kind");
    }
    im.kind = static_cast<ExternKind>(kind);
    m_.imports.push_back(std::move(im));
  }
}

void ModuleDecoder::function_section(Reader& r) {
  uint32_t n = r.count();
  num_declared_funcs_ = n;
  for (uint32_t i = 0; i < n && r.ok(); ++i) m_.func_types.push_back(r.u32());
}

void ModuleDecoder::table_section(Reader& r) {
  uint32_t n = r.count();
  for (uint32_t i = 0; i < n && r.ok(); ++i) m_.tables.push_back(table_type(r));
}

void ModuleDecoder::memory_section(Reader& r) {
  uint32_t n = r.count();
  for (uint32_t i = 0; i < n && r.ok(); ++i) m_.memories.push_back(memory_type(r));
}

void ModuleDecoder::global_section(Reader& r) {
  uint32_t n = r.count();
  for (uint32_t i = 0; i < n && r.ok(); ++i) {
    GlobalDef g;
    g.type = global_type(r);
    g.init = const_expr(r);
    if (g.init.op == ConstExpr::Op::kRefFunc) m_.declared_funcs.push_back(g.init.index);
    m_.global_types.push_back(g.type);
    m_.globals.push_back(g);
  }
}

void ModuleDecoder::export_section(Reader& r) {
  uint32_t n = r.count();
  for (uint32_t i = 0; i < n && r.ok(); ++i) {
    Export ex;
    ex.offset = static_cast<uint32_t>(r.offset());
    ex.name = r.name();
    size_t at = r.offset();
    uint8_t kind = r.u8();
    if (r.ok() && kind > 3) return r.fail_malformed(at, "malformed export kind");
    ex.kind = static_cast<ExternKind>(kind);
    ex.index = r.u32();
    if (ex.kind == ExternKind::kFunc) m_.declared_funcs.push_back(ex.index);
    m_.exports.push_back(std::move(ex));
  }
}

// Element segments, all eight encodings. Flag bits: 0 = passive/declarative
// (else active), 1 = explicit table index (active) or declarative (else
// passive), 2 = items are expressions with a reference type (else function
// indices with an element kind).
void ModuleDecoder::elem_section(Reader& r) {
  uint32_t n = r.count();
  for (uint32_t i = 0; i < n && r.ok(); ++i) {
    ElemSegment seg;
    size_t at = r.offset();
    uint32_t flags = r.u32();
    if (!r.ok()) return;
    if (flags > 7) return r.fail_malformed(at, "malformed elements segment kind");
    bool passive_or_declarative = flags & 1, bit1 = flags & 2, exprs = flags & 4;
    if (passive_or_declarative) {
      seg.mode = bit1 ? SegmentMode::kDeclarative : SegmentMode::kPassive;
    } else {
      seg.mode = SegmentMode::kActive;
      if (bit1) seg.table = r.u32();
      seg.offset = const_expr(r);
    }
    bool has_type = passive_or_declarative || bit1;
    if (exprs) {
      seg.type = has_type ? read_ref_type(r) : ValType::kFuncRef;
    } else if (has_type) {
      size_t kind_at = r.offset();
      if (r.u8() != 0x00 && r.ok()) return r.fail_malformed(kind_at, "malformed element kind");
    }
    uint32_t count = r.count();
    for (uint32_t k = 0; k < count && r.ok(); ++k) {
      ConstExpr item;
      if (exprs) {
        item = const_expr(r);
      } else {
        size_t at = r.offset();
        item = {ConstExpr::Op::kRefFunc, ValType::kFuncRef, {0, 0}, r.u32()};
        item.offset = static_cast<uint32_t>(at);
      }
      if (item.op == ConstExpr::Op::kRefFunc) m_.declared_funcs.push_back(item.index);
      seg.items.push_back(item);
    }
    m_.elems.push_back(std::move(seg));
  }
}

void ModuleDecoder::code_section(Reader& r) {
  size_t at = r.offset();
  uint32_t n = r.count();
  has_code_ = true;
  if (r.ok() && n != num_declared_funcs_) {
    return r.fail_malformed(at, "function and code section have inconsistent lengths");
  }
  m_.bodies.reserve(n);
  m_.local_runs.reserve(n);  // a run or two per body is common
  for (uint32_t i = 0; i < n && r.ok(); ++i) {
    FunctionBody body;
    uint32_t size = r.count();
    if (!r.ok()) return;
    body.body_offset = static_cast<uint32_t>(r.offset());
    size_t end = r.offset() + size;
    if (end > m_.bytes.size()) return r.fail_malformed(m_.bytes.size(), kUnexpectedEndSection);
    Reader br = section_reader(r.offset(), end);
    size_t locals_at = br.offset();
    uint32_t runs = br.count();
    body.first_local_run = static_cast<uint32_t>(m_.local_runs.size());
    uint64_t num_locals = 0;
    for (uint32_t k = 0; k < runs && br.ok(); ++k) {
      LocalRun run;
      run.count = br.u32();
      run.type = read_val_type(br);
      num_locals += run.count;
      if (br.ok() && num_locals > body_detail::kMaxLocals) {
        br.fail_malformed(locals_at, "too many locals");
      }
      m_.local_runs.push_back(run);
      ++body.num_local_runs;
    }
    if (!br.ok()) return r.fail(br.error().kind, br.error().offset, br.error().message);
    body.num_locals = static_cast<uint32_t>(num_locals);
    body.code_offset = static_cast<uint32_t>(br.offset());
    body.code_end = static_cast<uint32_t>(end);
    body.type_index = m_.func_types[m_.num_imported_funcs + i];
    m_.bodies.push_back(std::move(body));
    r.skip(size);
  }
}

void ModuleDecoder::data_section(Reader& r) {
  size_t at = r.offset();
  uint32_t n = r.count();
  has_data_ = true;
  if (r.ok() && m_.data_count && *m_.data_count != n) {
    return r.fail_malformed(at, "data count and data section have inconsistent lengths");
  }
  for (uint32_t i = 0; i < n && r.ok(); ++i) {
    DataSegment seg;
    size_t seg_at = r.offset();
    uint32_t flags = r.u32();
    if (!r.ok()) return;
    if (flags > 2) return r.fail_malformed(seg_at, "malformed data segment kind");
    if (flags == 1) {
      seg.mode = SegmentMode::kPassive;
    } else {
      if (flags == 2) seg.memory = r.u32();
      seg.offset = const_expr(r);
    }
    seg.data_size = r.count();
    seg.data_offset = static_cast<uint32_t>(r.offset());
    r.skip(seg.data_size);
    m_.datas.push_back(seg);
  }
}

// Name subsections (the extended-name-section proposal numbers them; wasm-ld
// writes both).
constexpr uint8_t kFunctionNames = 1;
constexpr uint8_t kGlobalNames = 7;

// A name map (index, name)*, kept sorted by index: entries out of order are
// dropped, and a map that does not decode is dropped whole.
void read_name_map(Reader& sub, std::vector<std::pair<uint32_t, std::string>>& out) {
  uint32_t n = sub.count();
  for (uint32_t i = 0; i < n && sub.ok(); ++i) {
    uint32_t index = sub.u32();
    std::string_view name = sub.name();
    if (!sub.ok()) break;
    if (out.empty() || out.back().first < index) out.emplace_back(index, name);
  }
  if (!sub.ok()) out.clear();
}

// Custom sections never make a module malformed beyond their name; the
// "name" section's function and global names are read best-effort.
void ModuleDecoder::custom_section(Reader& r) {
  CustomSection cs;
  cs.name = r.name();
  if (!r.ok()) return;
  // A name running past the section's end leaves a negative payload size.
  if (r.offset() > section_end_) return r.fail_malformed(section_end_, kUnexpectedEndSection);
  cs.offset = static_cast<uint32_t>(r.offset());
  cs.size = static_cast<uint32_t>(section_end_ - r.offset());
  if (cs.name == "name" && m_.func_names.empty() && m_.global_names.empty()) {
    Reader nr = section_reader(cs.offset, section_end_);
    while (nr.ok() && !nr.at_end()) {
      uint8_t id = nr.u8();
      uint32_t size = nr.count();
      if (!nr.ok()) break;
      Reader sub = section_reader(nr.offset(), nr.offset() + size);
      nr.skip(size);
      if (id == kFunctionNames) read_name_map(sub, m_.func_names);
      else if (id == kGlobalNames) read_name_map(sub, m_.global_names);
    }
  }
  r.skip(cs.size);
  m_.customs.push_back(std::move(cs));
}

void ModuleDecoder::section(uint8_t id, Reader& r) {
  switch (id) {
    case kCustom: return custom_section(r);
    case kType: return type_section(r);
    case kImport: return import_section(r);
    case kFunction: return function_section(r);
    case kTable: return table_section(r);
    case kMemory: return memory_section(r);
    case kGlobal: return global_section(r);
    case kExport: return export_section(r);
    case kStart: m_.start = r.u32(); return;
    case kElem: return elem_section(r);
    case kDataCount: m_.data_count = r.u32(); return;
    case kCode: return code_section(r);
    case kData: return data_section(r);
    default: return;
  }
}

Result<void> ModuleDecoder::decode() {
  const size_t size = m_.bytes.size();
  Reader top(m_.bytes.data(), 0, size, kUnexpectedEnd);
  uint64_t magic = top.fixed(4);
  if (!top.ok()) return top.take_error();
  if (magic != 0x6d736100) return make_error(ErrorKind::kMalformed, 0, "magic header not detected");
  uint64_t version = top.fixed(4);
  if (!top.ok()) return top.take_error();
  if (version != 1) return make_error(ErrorKind::kMalformed, 4, "unknown binary version");

  int last_rank = 0;
  while (!top.at_end()) {
    size_t id_at = top.offset();
    uint8_t id = top.u8();
    if (id >= kNumSectionIds) return make_error(ErrorKind::kMalformed, id_at, "malformed section id");
    uint32_t len = top.count();
    if (!top.ok()) return top.take_error();
    if (id != kCustom) {
      if (section_rank(id) <= last_rank) {
        return make_error(ErrorKind::kMalformed, id_at, "unexpected content after last section");
      }
      last_rank = section_rank(id);
    }
    // Like the reference interpreter, a section's contents are read without
    // stopping at its declared end; overruns then show as the error the
    // following bytes produce, or as "section size mismatch".
    size_t begin = top.offset();
    section_end_ = std::min(begin + len, size);
    Reader r = section_reader(begin, size);
    section(id, r);
    if (!r.ok()) return r.take_error();
    if (r.offset() != begin + len) return make_error(ErrorKind::kMalformed, begin, "section size mismatch");
    top.skip(len);
  }
  if (!has_code_ && num_declared_funcs_ != 0) {
    return make_error(ErrorKind::kMalformed, size, "function and code section have inconsistent lengths");
  }
  if (!has_data_ && m_.data_count && *m_.data_count != 0) {
    return make_error(ErrorKind::kMalformed, size, "data count and data section have inconsistent lengths");
  }
  std::sort(m_.declared_funcs.begin(), m_.declared_funcs.end());
  m_.declared_funcs.erase(std::unique(m_.declared_funcs.begin(), m_.declared_funcs.end()), m_.declared_funcs.end());
  if (deferred_) return *deferred_;
  return {};
}

}  // namespace

namespace {
Result<std::shared_ptr<Module>> decode(std::shared_ptr<Module> module) {
  ModuleDecoder decoder(*module);
  Result<void> r = decoder.decode();
  if (!r.ok()) return r.error();
  return module;
}
}  // namespace

Result<std::shared_ptr<Module>> decode_module(std::span<const uint8_t> bytes) {
  auto module = std::make_shared<Module>();
  module->bytes.assign(bytes);
  return decode(std::move(module));
}

Result<std::shared_ptr<Module>> decode_module(std::span<const uint8_t> bytes, std::shared_ptr<const void> owner) {
  auto module = std::make_shared<Module>();
  module->bytes.borrow(bytes, std::move(owner));
  return decode(std::move(module));
}

}  // namespace wpvm
