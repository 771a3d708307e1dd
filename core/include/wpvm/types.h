// Wasm type vocabulary shared by the decoder, validator, runtime and embedders.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace wpvm {

// Values are the binary encodings, so decoding is a range check.
enum class ValType : uint8_t {
  kI32 = 0x7f,
  kI64 = 0x7e,
  kF32 = 0x7d,
  kF64 = 0x7c,
  kV128 = 0x7b,
  kFuncRef = 0x70,
  kExternRef = 0x6f,
};

const char* val_type_name(ValType t);
inline bool is_ref(ValType t) { return t == ValType::kFuncRef || t == ValType::kExternRef; }
inline bool is_num(ValType t) { return !is_ref(t) && t != ValType::kV128; }

struct FuncType {
  std::vector<ValType> params;
  std::vector<ValType> results;
  bool operator==(const FuncType& o) const { return params == o.params && results == o.results; }
  bool operator!=(const FuncType& o) const { return !(*this == o); }
  std::string to_string() const;  // "(i32, i64) -> (f32)"
};

struct Limits {
  uint64_t min = 0;
  std::optional<uint64_t> max;
  bool shared = false;
  bool operator==(const Limits& o) const { return min == o.min && max == o.max && shared == o.shared; }
  bool operator!=(const Limits& o) const { return !(*this == o); }
};

struct TableType {
  ValType elem = ValType::kFuncRef;
  Limits limits;
};

struct MemoryType {
  Limits limits;  // in 64 KiB pages
};

struct GlobalType {
  ValType type = ValType::kI32;
  bool mut = false;
};

enum class ExternKind : uint8_t { kFunc = 0, kTable = 1, kMemory = 2, kGlobal = 3 };
const char* extern_kind_name(ExternKind k);

inline constexpr uint64_t kPageSize = 65536;
inline constexpr uint64_t kMaxPages = 65536;  // 4 GiB, 32-bit memories

}  // namespace wpvm
