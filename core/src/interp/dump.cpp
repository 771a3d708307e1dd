// A listing of pre-decoded interpreter code, for debugging and for tests that
// check what the code builder produced (folding, fusion).
#include <cstdio>
#include <iterator>
#include <map>
#include <string>

#include "interp/code.h"

namespace wpvm::interp {

namespace {

const char* const kNames[] = {
#define WPVM_IOP(name) #name,
#define WPVM_UN(name, in, out, expr) #name,
#define WPVM_BIN(name, in, out, expr) #name,
#define WPVM_UN_TRAP(name, in, out, fn) #name,
#define WPVM_BIN_TRAP(name, in, out, fn) #name,
#define WPVM_LOAD(name, mem_t, out) #name, #name "Add", #name "Scaled",
#define WPVM_STORE(name, in, mem_t) #name, #name "Add",
#define WPVM_LOAD_OP(bin, load) #bin "_" #load, #bin "_" #load "Add",
#define WPVM_OP_STORE(bin, store) #bin "_" #store,
#define WPVM_LOAD_OP_STORE(bin, load, store) #bin "_" #load "_" #store,
#include "interp/interp_ops.def"
#define WPVM_ALOAD(name, mem_t, out) #name,
#define WPVM_ASTORE(name, in, mem_t) #name,
#define WPVM_ARMW(name, in, mem_t, op) #name,
#define WPVM_ACMPXCHG(name, in, mem_t) #name,
#define WPVM_AOP(name) #name,
#include "exec/atomic_ops.def"
};
static_assert(std::size(kNames) == static_cast<size_t>(IOp::kCount), "a name for every instruction");

enum class Shape : uint8_t { kUn, kBin, kMem };
Shape shape_of(IOp op) {
  switch (op) {
#define WPVM_UN(name, in, out, expr) case IOp::name: return Shape::kUn;
#define WPVM_UN_TRAP(name, in, out, fn) case IOp::name: return Shape::kUn;
#include "interp/interp_ops.def"
    default: return Shape::kBin;
  }
}

// The branch form a fuel-paying branch extends (interp_ops.def), else op.
IOp unfused(IOp op) {
  switch (op) {
#define WPVM_BRANCH(name) case IOp::name##Fuel: return IOp::name;
#include "interp/interp_ops.def"
    default: return op;
  }
}

// Words per instruction (handler included).
size_t length(IOp op, const Word* w) {
  if (op == IOp::BrTableFuel) return 3 + 3 * (size_t{w[1].u.b} + 1);  // a cost word in each entry
  if (IOp base = unfused(op); base != op) return length(base, w) + 1;  // + [taken cost, fall-through cost]
  switch (op) {
    case IOp::Halt: case IOp::Unreachable: case IOp::Epoch: return 1;
    case IOp::Br: case IOp::Copy: case IOp::Copy2: case IOp::Return: case IOp::MemorySize:
    case IOp::MemoryGrow: case IOp::DataDrop: case IOp::ElemDrop: case IOp::Fuel:
      return 2;
    case IOp::BrCopy: return 4;
    case IOp::BrIfCopy: return 5;
    case IOp::BrTable: return 3 + 2 * (size_t{w[1].u.b} + 1);
    case IOp::CallIndirect: case IOp::TableGrow: case IOp::TableFill: case IOp::TableInit: return 4;
    case IOp::TableCopy: return 5;
    case IOp::Simd: return 4;  // simd_exec.h
    case IOp::I32AddBrIfEq: case IOp::I32AddBrIfNe: case IOp::I32AddBrIfLtS: case IOp::I32AddBrIfLtU:
    case IOp::I32AddBrIfGtS: case IOp::I32AddBrIfGtU: case IOp::I32AddBrIfLeS: case IOp::I32AddBrIfLeU:
    case IOp::I32AddBrIfGeS: case IOp::I32AddBrIfGeU: case IOp::I32AddBrIfEqz: case IOp::I32AddBrIfNez:
    case IOp::I32Add2:
      return 4;
    case IOp::I32Add2BrIfEq: case IOp::I32Add2BrIfNe: case IOp::I32Add2BrIfLtS: case IOp::I32Add2BrIfLtU:
    case IOp::I32Add2BrIfGtS: case IOp::I32Add2BrIfGtU: case IOp::I32Add2BrIfLeS: case IOp::I32Add2BrIfLeU:
    case IOp::I32Add2BrIfGeS: case IOp::I32Add2BrIfGeU: case IOp::I32Add2BrIfEqz: case IOp::I32Add2BrIfNez:
      return 6;
#define WPVM_LOAD_OP(bin, load) case IOp::bin##_##load##Add: return 4;
#define WPVM_LOAD(name, mem_t, out) case IOp::name##Scaled: return 4;
#include "interp/interp_ops.def"
    // The atomics (builder_atomics.cpp): address pair, then operands and offset.
#define WPVM_ALOAD(name, mem_t, out) case IOp::name: return 3;
#define WPVM_ASTORE(name, in, mem_t) case IOp::name: return 3;
#define WPVM_ARMW(name, in, mem_t, op) case IOp::name: return 3;
#define WPVM_ACMPXCHG(name, in, mem_t) case IOp::name: return 4;
#include "exec/atomic_ops.def"
    case IOp::MemoryAtomicNotify: return 3;
    case IOp::MemoryAtomicWait32: case IOp::MemoryAtomicWait64: return 4;
    case IOp::AtomicFence: return 1;
    default: return shape_of(op) == Shape::kUn ? 2 : 3;
  }
}

}  // namespace

std::string dump(const Code& code) {
  std::map<const void*, IOp> by_handler;
  const void* const* h = handler_table();
  for (size_t i = 0; i < static_cast<size_t>(IOp::kCount); ++i) by_handler.emplace(h[i], static_cast<IOp>(i));
  std::string out;
  char buf[64];
  for (size_t i = 0; i < code.words.size();) {
    auto it = by_handler.find(code.words[i].h);
    if (it == by_handler.end()) return out + "?\n";
    IOp op = it->second;
    size_t n = length(op, &code.words[i]);
    std::snprintf(buf, sizeof buf, "%4zu %s", i, kNames[static_cast<size_t>(op)]);
    out += buf;
    for (size_t k = 1; k < n && i + k < code.words.size(); ++k) {
      const Word& w = code.words[i + k];
      uintptr_t t = reinterpret_cast<uintptr_t>(w.target);
      uintptr_t lo = reinterpret_cast<uintptr_t>(code.words.data());
      uintptr_t hi = reinterpret_cast<uintptr_t>(code.words.data() + code.words.size());
      if (t >= lo && t <= hi) std::snprintf(buf, sizeof buf, " @%zu", static_cast<size_t>((t - lo) / sizeof(Word)));
      else std::snprintf(buf, sizeof buf, " %u,%u", w.u.a, w.u.b);
      out += buf;
    }
    out += "\n";
    i += n;
  }
  return out;
}

}  // namespace wpvm::interp
