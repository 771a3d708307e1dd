// Tiny helpers for hand-assembling module binaries in the front end's tests.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <vector>

#include "wpvm/module_def.h"

namespace wpvm::test {

using Bytes = std::vector<uint8_t>;

inline Bytes leb(uint64_t v) {
  Bytes out;
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    out.push_back(v ? b | 0x80 : b);
  } while (v);
  return out;
}

inline Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

inline Bytes section(uint8_t id, const Bytes& payload) { return cat({{id}, leb(payload.size()), payload}); }

inline Bytes module(std::initializer_list<Bytes> sections) {
  Bytes out = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  for (const Bytes& s : sections) out.insert(out.end(), s.begin(), s.end());
  return out;
}

// A type section with one function type.
inline Bytes type_section(const Bytes& params, const Bytes& results) {
  return section(1, cat({{0x01, 0x60}, leb(params.size()), params, leb(results.size()), results}));
}

// A code section entry: local declarations (already encoded, without their
// count prefix) and the instructions (including the final 0x0b).
inline Bytes body(const Bytes& local_runs, uint32_t num_runs, const Bytes& code) {
  Bytes b = cat({leb(num_runs), local_runs, code});
  return cat({leb(b.size()), b});
}

// A module with one function of type params -> results; `extra` sections go
// between the function section and the code section (table, memory, global,
// export, elem, data count ... in that order).
inline Bytes func_module(const Bytes& params, const Bytes& results, const Bytes& code,
                         std::initializer_list<Bytes> extra = {}, const Bytes& trailer = {}) {
  Bytes out = module({type_section(params, results), section(3, {0x01, 0x00})});
  for (const Bytes& s : extra) out.insert(out.end(), s.begin(), s.end());
  Bytes code_sec = section(10, cat({{0x01}, body({}, 0, code)}));
  out.insert(out.end(), code_sec.begin(), code_sec.end());
  out.insert(out.end(), trailer.begin(), trailer.end());
  return out;
}

inline Result<std::shared_ptr<const Module>> load(const Bytes& b) { return load_module(b); }

}  // namespace wpvm::test
