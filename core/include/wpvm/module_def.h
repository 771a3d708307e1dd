// The definition of Module (opaque in wpvm/module.h): a decoded (and, after
// validate_module, validated) WebAssembly module, as the engine's parts read
// it: the runtime, both tiers, WASI, wasi-parallel and the tools. Not
// installed: embedders see Module only through wpvm/module.h, and no
// installed header includes this one.
// Immutable once validated, but for the engine's private slot of code
// compiled from it (thread-safe); may be shared by many stores and threads.
#pragma once
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "wpvm/module.h"
#include "wpvm/result.h"
#include "wpvm/types.h"

namespace wpvm {

// A Wasm 2.0 constant expression: exactly one producing instruction.
struct ConstExpr {
  enum class Op : uint8_t { kI32, kI64, kF32, kF64, kV128, kRefNull, kRefFunc, kGlobalGet };
  Op op = Op::kI32;
  ValType type = ValType::kI32;  // type of the produced value
  uint64_t bits[2] = {0, 0};     // numeric payload (v128: lo, hi)
  uint32_t index = 0;            // function index (ref.func) or global index (global.get)
  uint32_t offset = 0;           // of the expression in bytes, for validation errors
};

struct Import {
  std::string module;
  std::string name;
  ExternKind kind = ExternKind::kFunc;
  uint32_t type_index = 0;  // kFunc
  TableType table;          // kTable
  MemoryType memory;        // kMemory
  GlobalType global;        // kGlobal
};

struct Export {
  std::string name;
  ExternKind kind = ExternKind::kFunc;
  uint32_t index = 0;
  uint32_t offset = 0;  // of the export entry in bytes, for validation errors
};

// A defined global of a module (the runtime object is wpvm::Global in runtime.h).
struct GlobalDef {
  GlobalType type;
  ConstExpr init;
};

enum class SegmentMode : uint8_t { kActive, kPassive, kDeclarative };

struct ElemSegment {
  SegmentMode mode = SegmentMode::kActive;
  uint32_t table = 0;
  ConstExpr offset;
  ValType type = ValType::kFuncRef;
  std::vector<ConstExpr> items;  // each a ref.func / ref.null / global.get
};

struct DataSegment {
  SegmentMode mode = SegmentMode::kActive;  // never kDeclarative
  uint32_t memory = 0;
  ConstExpr offset;
  uint32_t data_offset = 0;  // payload: bytes[data_offset, data_offset + data_size)
  uint32_t data_size = 0;
};

struct LocalRun {
  uint32_t count = 0;
  ValType type = ValType::kI32;
};

struct FunctionBody {
  uint32_t type_index = 0;
  // Its local declarations as declared, run-length encoded:
  // Module::local_runs[first_local_run, + num_local_runs) (Module::locals).
  uint32_t first_local_run = 0;
  uint32_t num_local_runs = 0;
  uint32_t num_locals = 0;       // sum of the runs' counts (params excluded; at most 50,000)
  // Start of the body just past its size LEB (its local declarations): what
  // Frame::func_offset counts from (trap.h).
  uint32_t body_offset = 0;
  uint32_t code_offset = 0;      // first instruction
  uint32_t code_end = 0;         // one past the final `end`
};

namespace detail {
struct CompiledCode;  // core/src/runtime/compiled_code.h
struct CompiledCodeAccess;

// Private to the engine, not part of the API: the code its tiers compiled
// from a module, built on first use, shared by every instance, store and
// thread of the module and freed with it. Only core/src reaches it. A copy
// of a Module starts without code (the copy may be changed and validated
// again).
class CompiledCodeSlot {
 public:
  CompiledCodeSlot() = default;
  CompiledCodeSlot(const CompiledCodeSlot&) noexcept {}
  CompiledCodeSlot& operator=(const CompiledCodeSlot& other) noexcept;
  ~CompiledCodeSlot();

 private:
  friend struct CompiledCodeAccess;
  mutable std::atomic<CompiledCode*> code_{nullptr};  // set once, then read-only
};
}  // namespace detail

struct CustomSection {
  std::string name;
  uint32_t offset = 0;  // payload in bytes
  uint32_t size = 0;
};

// A module's binary: its own copy, or bytes that an owner keeps alive in
// place (a compiled module's file, mapped). Read-only either way.
class ModuleBytes {
 public:
  ModuleBytes() = default;
  ModuleBytes(const ModuleBytes& other) { *this = other; }
  ModuleBytes& operator=(const ModuleBytes& other) {
    if (this == &other) return *this;
    if (other.owner_) borrow(other.view_, other.owner_);
    else assign(other.view_);
    return *this;
  }
  ModuleBytes(ModuleBytes&&) noexcept = default;  // a vector's buffer moves with it
  ModuleBytes& operator=(ModuleBytes&&) noexcept = default;

  // A copy of b, owned.
  void assign(std::span<const uint8_t> b) {
    owner_.reset();
    owned_.assign(b.begin(), b.end());
    view_ = owned_;
  }
  // b itself, valid while `owner` lives (which this keeps).
  void borrow(std::span<const uint8_t> b, std::shared_ptr<const void> owner) {
    owned_.clear();
    owned_.shrink_to_fit();
    owner_ = std::move(owner);
    view_ = b;
  }

  const uint8_t* data() const { return view_.data(); }
  size_t size() const { return view_.size(); }
  bool empty() const { return view_.empty(); }
  const uint8_t& operator[](size_t i) const { return view_[i]; }
  const uint8_t* begin() const { return view_.data(); }
  const uint8_t* end() const { return view_.data() + view_.size(); }
  operator std::span<const uint8_t>() const { return view_; }
  friend bool operator==(const ModuleBytes& a, const ModuleBytes& b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
  }

 private:
  std::vector<uint8_t> owned_;
  std::shared_ptr<const void> owner_;
  std::span<const uint8_t> view_;
};

class Module {
 public:
  ModuleBytes bytes;  // the module's binary

  std::vector<FuncType> types;
  std::vector<Import> imports;

  // Index spaces, imports first. For functions: type index per function.
  std::vector<uint32_t> func_types;
  std::vector<TableType> tables;
  std::vector<MemoryType> memories;
  std::vector<GlobalType> global_types;
  uint32_t num_imported_funcs = 0;
  uint32_t num_imported_tables = 0;
  uint32_t num_imported_memories = 0;
  uint32_t num_imported_globals = 0;

  std::vector<GlobalDef> globals;    // defined globals only
  std::vector<FunctionBody> bodies;  // defined functions only
  std::vector<LocalRun> local_runs;  // of every body, in order
  std::vector<Export> exports;
  std::optional<uint32_t> start;
  std::vector<ElemSegment> elems;
  std::vector<DataSegment> datas;
  std::optional<uint32_t> data_count;
  std::vector<CustomSection> customs;

  // Function and global names from the "name" custom section (index -> name,
  // sorted by index), if any.
  std::vector<std::pair<uint32_t, std::string>> func_names;
  std::vector<std::pair<uint32_t, std::string>> global_names;

  // Functions referenced outside function bodies (exports, elements, globals):
  // the set ref.func may name. Sorted, unique. Filled by the decoder.
  std::vector<uint32_t> declared_funcs;

  bool validated = false;

  detail::CompiledCodeSlot compiled;  // the engine's, see above

  const FuncType& func_type(uint32_t func_index) const { return types[func_types[func_index]]; }
  std::span<const LocalRun> locals(const FunctionBody& b) const {
    return {local_runs.data() + b.first_local_run, b.num_local_runs};
  }
  std::span<const uint8_t> code(const FunctionBody& b) const {
    return {bytes.data() + b.code_offset, bytes.data() + b.code_end};
  }
  std::span<const uint8_t> data(const DataSegment& d) const {
    return {bytes.data() + d.data_offset, d.data_size};
  }
  const Export* find_export(std::string_view name) const;
  std::string_view func_name(uint32_t func_index) const;      // "" if unnamed
  std::string_view global_name(uint32_t global_index) const;  // "" if unnamed
};

// Decodes the binary format (structure only; function bodies are checked by
// validate). Errors are kMalformed with the byte offset.
Result<std::shared_ptr<Module>> decode_module(std::span<const uint8_t> bytes);
// The same without a copy: the module reads `bytes` where they are and keeps
// `owner` (what keeps them valid) alive.
Result<std::shared_ptr<Module>> decode_module(std::span<const uint8_t> bytes, std::shared_ptr<const void> owner);

// Validates every function body and the module-level rules (kInvalid errors).
// Sets module.validated.
Result<void> validate_module(Module& module);

// The type of an import as wpvm/module.h describes it.
ExternType import_type(const Module& module, const Import& import);

}  // namespace wpvm
