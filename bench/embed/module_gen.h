// Synthetic modules for the embedding benchmarks: `bytes` of function-body
// code in functions of about 200 bytes, each a loop of integer, float and
// memory work over one 64 KiB memory, some calling the next function; the
// shape a C compiler's output has, at any size, without a toolchain.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace wpvm::bench {

class Bytes {
 public:
  void u8(uint8_t b) { out.push_back(b); }
  void raw(std::initializer_list<uint8_t> b) { out.insert(out.end(), b); }
  void leb(uint64_t v) {
    do {
      uint8_t b = v & 0x7f;
      v >>= 7;
      out.push_back(v ? b | 0x80 : b);
    } while (v);
  }
  void sleb(int64_t v) {
    for (;;) {
      uint8_t b = v & 0x7f;
      v >>= 7;
      if ((v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40))) {
        out.push_back(b);
        return;
      }
      out.push_back(b | 0x80);
    }
  }
  void name(const std::string& s) {
    leb(s.size());
    out.insert(out.end(), s.begin(), s.end());
  }
  void append(const Bytes& b) { out.insert(out.end(), b.out.begin(), b.out.end()); }
  void section(uint8_t id, const Bytes& body) {
    u8(id);
    leb(body.out.size());
    append(body);
  }
  std::vector<uint8_t> out;
};

// One function body (locals and code) of about 200 bytes: f(a, depth) loops
// eight times over a mix of arithmetic, a store and a load in the memory and
// a float round trip, then calls `callee` with depth - 1 while depth > 0.
inline Bytes function_body(uint32_t index, int64_t callee) {
  Bytes c;
  c.raw({1, 2, 0x7f});  // two i32 locals: 2 = acc, 3 = i
  c.raw({0x20, 0, 0x20, 1, 0x6a, 0x21, 2});  // acc = a + depth
  c.raw({0x03, 0x40});                       // loop
  for (uint32_t k = 0; k < 3; ++k) {
    c.raw({0x20, 2, 0x41});  // acc = acc * K ^ a
    c.sleb(static_cast<int32_t>(index * 2654435761u + k) | 1);
    c.raw({0x6c, 0x20, 0, 0x73, 0x21, 2});
    c.raw({0x20, 3, 0x41, 4, 0x74, 0x20, 2, 0x36, 2});  // mem[i << 4 + off] = acc
    c.leb(16 * k + (index % 64) * 64);
    c.raw({0x20, 3, 0x41, 4, 0x74, 0x28, 2});  // acc += mem[i << 4 + off]
    c.leb(16 * k + (index % 64) * 64);
    c.raw({0x20, 2, 0x6a, 0x21, 2});
    c.raw({0x20, 2, 0xb7, 0x44});  // acc = trunc_sat(f64(acc) * 0.75)
    double f = 0.75;
    const auto* fb = reinterpret_cast<const uint8_t*>(&f);
    c.out.insert(c.out.end(), fb, fb + 8);
    c.raw({0xa2, 0xfc, 2, 0x21, 2});
  }
  c.raw({0x20, 3, 0x41, 1, 0x6a, 0x22, 3, 0x41, 8, 0x49, 0x0d, 0});  // while (++i < 8)
  c.raw({0x0b});
  if (callee >= 0) {  // if (depth) acc += callee(acc, depth - 1)
    c.raw({0x20, 1, 0x04, 0x40, 0x20, 2, 0x20, 2, 0x20, 1, 0x41, 1, 0x6b, 0x10});
    c.leb(static_cast<uint64_t>(callee));
    c.raw({0x6a, 0x21, 2, 0x0b});
  }
  c.raw({0x20, 2, 0x0b});
  Bytes b;
  b.leb(c.out.size());
  b.append(c);
  return b;
}

struct ModuleShape {
  size_t code_bytes = 1 << 20;  // about this much function-body code
  // wasi-threads: import wasi.thread-spawn and a shared memory; _start
  // spawns this many threads, each runs `run`, and waits for all of them.
  uint32_t threads = 0;
};

// Exports: "run" (i32 a, i32 depth) -> i32 (function 0 of the body code),
// "_start" (calls run once, or spawns the threads), "memory" when defined.
inline std::vector<uint8_t> generate_module(const ModuleShape& s) {
  const size_t per_function = function_body(0, 1).out.size();
  const uint32_t n = static_cast<uint32_t>(s.code_bytes / per_function + 1);
  const bool threads = s.threads > 0;
  const uint32_t imported = threads ? 1 : 0;  // thread-spawn
  // Function index space: imports, then `n` body functions, _start,
  // wasi_thread_start.
  const uint32_t first = imported, start = first + n, thread_start = start + 1;
  Bytes m;
  m.raw({0, 'a', 's', 'm', 1, 0, 0, 0});
  Bytes types;  // 0: (i32 i32) -> i32, 1: () -> (), 2: (i32) -> i32, 3: (i32 i32) -> ()
  types.raw({4, 0x60, 2, 0x7f, 0x7f, 1, 0x7f, 0x60, 0, 0, 0x60, 1, 0x7f, 1, 0x7f, 0x60, 2, 0x7f, 0x7f, 0});
  m.section(1, types);
  if (threads) {
    Bytes imports;
    imports.leb(2);
    imports.name("wasi");
    imports.name("thread-spawn");
    imports.raw({0, 2});
    imports.name("env");
    imports.name("memory");
    imports.raw({2, 3, 1, 1});  // shared, min 1, max 1
    m.section(2, imports);
  }
  Bytes funcs;
  funcs.leb(n + 1 + (threads ? 1 : 0));
  for (uint32_t i = 0; i < n; ++i) funcs.u8(0);
  funcs.u8(1);
  if (threads) funcs.u8(3);
  m.section(3, funcs);
  if (!threads) {
    Bytes mem;
    mem.raw({1, 0, 1});  // one memory of 1 page (64 KiB)
    m.section(5, mem);
  }
  Bytes exports;
  exports.leb(3);
  exports.name("run");
  exports.raw({0});
  exports.leb(first);
  exports.name("_start");
  exports.raw({0});
  exports.leb(start);
  if (threads) {
    exports.name("wasi_thread_start");
    exports.raw({0});
    exports.leb(thread_start);
  } else {
    exports.name("memory");
    exports.raw({2, 0});
  }
  m.section(7, exports);
  Bytes code;
  code.leb(n + 1 + (threads ? 1 : 0));
  for (uint32_t i = 0; i < n; ++i)
    code.append(function_body(i, i + 1 < n && i % 4 != 3 ? static_cast<int64_t>(first + i + 1) : -1));
  Bytes body;
  if (!threads) {
    body.raw({0, 0x41, 1, 0x41, 2, 0x10});  // run(1, 2)
    body.leb(first);
    body.raw({0x1a, 0x0b});
  } else {
    // for (k = 0; k < threads; ++k) thread-spawn(k); then wait until the
    // counter at address 65520 (LEB128 f0 ff 03; above what the body
    // functions store to) reaches `threads`
    body.raw({1, 1, 0x7f});
    // (a failed spawn traps: the program must not wait for it forever)
    body.raw({0x03, 0x40, 0x20, 0, 0x10, 0, 0x41, 0, 0x48, 0x04, 0x40, 0x00, 0x0b});
    body.raw({0x20, 0, 0x41, 1, 0x6a, 0x22, 0, 0x41});
    body.sleb(s.threads);
    body.raw({0x48, 0x0d, 0, 0x0b});
    // loop: v = atomic.load [0]; if v >= threads break; wait32([0], v, -1)
    body.raw({0x02, 0x40, 0x03, 0x40, 0x41, 0xf0, 0xff, 0x03, 0xfe, 0x10, 2, 0, 0x22, 0, 0x41});
    body.sleb(s.threads);
    body.raw({0x4e, 0x0d, 1, 0x41, 0xf0, 0xff, 0x03, 0x20, 0, 0x42, 0x7f, 0xfe, 0x01, 2, 0, 0x1a, 0x0c, 0, 0x0b, 0x0b,
              0x0b});
  }
  code.leb(body.out.size());
  code.append(body);
  if (threads) {
    // wasi_thread_start(tid, arg): run(arg, 2); counter += 1; notify all.
    Bytes t;
    t.raw({0, 0x20, 1, 0x41, 2, 0x10});
    t.leb(first);
    t.raw({0x1a, 0x41, 0xf0, 0xff, 0x03, 0x41, 1, 0xfe, 0x1e, 2, 0, 0x1a, 0x41, 0xf0, 0xff, 0x03, 0x41, 0x7f, 0xfe, 0x00,
           2, 0, 0x1a, 0x0b});
    code.leb(t.out.size());
    code.append(t);
  }
  m.section(10, code);
  return m.out;
}

}  // namespace wpvm::bench
