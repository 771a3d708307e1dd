// The interpreter's pre-decoded code: one Code per defined function of a
// Module, shared by all its instances (runtime/compiled_code.h), a stream of
// 8-byte words run with direct threading. Each instruction is its handler's
// address followed by operand words; operands name frame slots (relative to
// the frame pointer), so locals, constants and operand-stack values are all
// read in place (a register-style form). Code holds no instance address:
// functions, tables, globals and types are operands by module index, which
// the executor resolves through the running function's instance.
//
// Frame layout (in slots): [params | declared locals | constants | operand stack].
// A call passes arguments in the caller's top slots, which become the callee's
// first slots; results come back in the same slots.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "exec/reserved.h"
#include "runtime/runtime_impl.h"

namespace wpvm::interp {

union Word {
  const void* h;                  // handler address
  struct { uint32_t a, b; } u;    // two 32-bit operands (slots, counts, indices)
  uint64_t imm;
  const Word* target;             // branch target (in the same Code)
};
static_assert(sizeof(Word) == 8);

// Where an instruction that can trap or call came from: its first word and
// the byte offset in the module of the Wasm instruction it implements.
struct Site {
  uint32_t word;
  uint32_t offset;
};

struct Code {
  std::vector<Word> words;
  std::vector<Slot> consts;    // copied into the frame on entry
  // Every instruction that can trap or call (may_trap), in word order; read
  // only when a trap's backtrace is built.
  std::vector<Site> sites;
  uint32_t param_slots = 0;
  uint32_t local_slots = 0;    // params + declared locals
  uint32_t frame_slots = 0;    // locals + constants + max operand stack

  // The module offset of the instruction holding word `pc` (one of `words`),
  // or kNoOffset if it is none of `sites`.
  size_t wasm_offset(const Word* pc) const;
};

// Every internal instruction. Numeric ones are named after their Wasm opcode;
// the rest are interpreter-specific forms.
enum class IOp : uint16_t {
#define WPVM_IOP(name) name,
#define WPVM_UN(name, in, out, expr) name,
#define WPVM_BIN(name, in, out, expr) name,
#define WPVM_UN_TRAP(name, in, out, fn) name,
#define WPVM_BIN_TRAP(name, in, out, fn) name,
#define WPVM_LOAD(name, mem_t, out) name, name##Add, name##Scaled,
#define WPVM_STORE(name, in, mem_t) name, name##Add,
#define WPVM_LOAD_OP(bin, load) bin##_##load, bin##_##load##Add,
#define WPVM_OP_STORE(bin, store) bin##_##store,
#define WPVM_LOAD_OP_STORE(bin, load, store) bin##_##load##_##store,
#include "interp/interp_ops.def"
#define WPVM_ALOAD(name, mem_t, out) name,
#define WPVM_ASTORE(name, in, mem_t) name,
#define WPVM_ARMW(name, in, mem_t, op) name,
#define WPVM_ACMPXCHG(name, in, mem_t) name,
#define WPVM_AOP(name) name,
#include "exec/atomic_ops.def"
  kCount
};

// Handler addresses, indexed by IOp (the executor owns the labels).
const void* const* handler_table();

// Whether an instruction can trap or call (its Code::sites entry is kept).
bool may_trap(IOp op);

struct FrameRec {
  const Word* ret_pc;
  Slot* fp;
  FuncImpl* fn;
};

// Per-store execution state: the value stack and the frame stack, allocated
// once so calls never allocate. Kept by the store (Store::Impl::interp_state).
struct ThreadState {
  explicit ThreadState(const EngineConfig& config);
  exec::Reserved<Slot> stack;
  Slot* stack_end = nullptr;
  Slot* top = nullptr;  // first free slot; nested host->Wasm calls start here
  exec::Reserved<FrameRec> frames;
  uint32_t depth = 0;
  uint32_t max_depth = 0;
};

// Points f.code at its module's code for f, building and publishing that
// code if no thread has yet (thread-safe, lock-free). Called on f's first call.
Result<void> compile(FuncImpl& f);

// How many functions of `m` have interpreter code (built once per module).
uint32_t functions_built(const Module& m);

// A human-readable listing of the code (one instruction per line).
std::string dump(const Code& code);

}  // namespace wpvm::interp
