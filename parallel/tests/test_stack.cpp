// Kernels built from C that keep a shadow stack (kernels/k_stack.c): every
// device computes what the sequential one does, no worker shares a stack
// with another, and the caller's own bytes are never written.
#include <algorithm>
#include <vector>

#include "stacks.h"

#include "fixture.h"
#include "k_stack.h"

namespace wpvm::parallel::test {

namespace {

constexpr uint32_t kN = 4096, kBlock = 4;
// Buffers well away from where the kernel's own layout puts its stack
// (wasm-ld: below 66560), so that a stack there would hit the pattern.
constexpr uint32_t kIn = 0x40000, kOutAt = 0x50000;

uint8_t pattern(uint32_t addr) { return static_cast<uint8_t>((addr * 2654435761u) >> 24); }

// Fills the caller's memory with a pattern everywhere the test does not use.
void paint(Fixture& f, uint64_t bytes) {
  for (uint32_t a = 0; a < bytes; ++a) f.mem->data()[a] = pattern(a);
}

// Addresses the kernel call legitimately touches: out-pointers and handle
// lists, the kernel's bytes, the two buffers.
bool used(uint32_t a, uint32_t kernel_len) {
  return (a >= kOut && a < kOutList + 0x100) || (a >= kKernelAt && a < kKernelAt + kernel_len) ||
         (a >= kIn && a < kIn + 4 * kN) || (a >= kOutAt && a < kOutAt + 4 * kN);
}

// The first byte of [0, bytes) outside `used` that lost its pattern, or -1.
int64_t first_clobbered(Fixture& f, uint64_t bytes, uint32_t kernel_len) {
  for (uint32_t a = 0; a < bytes; ++a)
    if (!used(a, kernel_len) && f.mem->data()[a] != pattern(a)) return a;
  return -1;
}

}  // namespace

TEST_CASE("a C kernel with a shadow stack: every device agrees, no stack is shared, the caller's bytes stay") {
  for (uint32_t threads : {1u, 2u, 4u}) {
    for (uint32_t hint : {kSeq, kCpu, kGpu}) {
      CAPTURE(threads);
      CAPTURE(hint);
      bool gpu = hint == kGpu;
      Fixture f("caller", threads, false, gpu ? test_gpu_or_auto() : "auto");
      uint64_t original = f.mem->size_bytes();
      paint(f, original);
      uint32_t dev = f.device(hint);
      uint32_t len = f.put_kernel("k_stack");
      for (uint32_t j = 0; j < kN; ++j) f.put_u32(kIn + 4 * j, j * 7 + 3);
      for (uint32_t j = 0; j < kN; ++j) f.put_u32(kOutAt + 4 * j, 0);
      uint32_t in = f.buffer(dev, kIn, 4 * kN, WASI_PARALLEL_ACCESS_READ);
      uint32_t out = f.buffer(dev, kOutAt, 4 * kN, WASI_PARALLEL_ACCESS_WRITE);
      uint64_t grown = 0;
      for (int round = 0; round < 3; ++round) {
        CAPTURE(round);
        REQUIRE(f.exec(dev, len, kN / kBlock, kBlock, {in}, {out}) == WASI_PARALLEL_SUCCESS);
        REQUIRE(f.call("read_buffer", {out, kOutAt, 4 * kN}) == WASI_PARALLEL_SUCCESS);
        uint32_t wrong = 0;
        for (uint32_t j = 0; j < kN; ++j) wrong += f.u32(kOutAt + 4 * j) != stack_kernel_expected(j * 7 + 3, j);
        CHECK(wrong == 0);
        CHECK(first_clobbered(f, original, len) == -1);
        // The stack regions are pages appended to the caller's memory once,
        // then reused by every later call.
        if (round == 0) grown = f.mem->size_bytes();
        CHECK(f.mem->size_bytes() > original);
        CHECK(f.mem->size_bytes() == grown);
      }
    }
  }
}

TEST_CASE("a shadow-stack kernel whose memory maximum cannot hold the workers' stacks is invalid_kernel") {
  Fixture f("caller", 2);
  uint32_t dev = f.device(kCpu);
  uint32_t in = f.buffer(dev, kIn, 4 * kN, WASI_PARALLEL_ACCESS_READ);
  uint32_t out = f.buffer(dev, kOutAt, 4 * kN, WASI_PARALLEL_ACCESS_WRITE);
  uint64_t before = f.mem->size_bytes();
  uint32_t len = f.put_kernel("k_stack_small");
  CHECK(f.exec(dev, len, kN / kBlock, kBlock, {in}, {out}) == WASI_PARALLEL_EKERNEL);
  CHECK(f.last_error_has("shadow stack"));
  CHECK(f.mem->size_bytes() == before);  // refused before anything grew
}

TEST_CASE("jobs running at the same time on one memory get disjoint stack regions, reused afterwards") {
  Fixture f("caller", 2);
  StackRegions regions;
  uint64_t before = f.mem->pages();
  auto a = regions.acquire(*f.mem, 2, 66560, kMaxPages);
  REQUIRE(a.ok());
  auto b = regions.acquire(*f.mem, 2, 66560, kMaxPages);  // while `a` is held
  REQUIRE(b.ok());
  std::vector<uint32_t> tops(a->tops().begin(), a->tops().end());
  tops.insert(tops.end(), b->tops().begin(), b->tops().end());
  std::sort(tops.begin(), tops.end());
  for (size_t i = 0; i < tops.size(); ++i) {
    CHECK(tops[i] % 16 == 0);
    CHECK(tops[i] > before * kPageSize);  // never in the caller's own bytes
    CHECK(tops[i] <= f.mem->size_bytes());
    if (i) CHECK(tops[i] - tops[i - 1] >= 66560);  // regions do not overlap
  }
  uint64_t grown = f.mem->pages();
  *a = StackLease();  // released: the next job reuses its regions
  auto c = regions.acquire(*f.mem, 2, 66560, kMaxPages);
  REQUIRE(c.ok());
  CHECK(f.mem->pages() == grown);
  // A larger stack than any free region: new regions, within the limit only.
  auto d = regions.acquire(*f.mem, 1, 1 << 20, f.mem->pages() + 1);
  CHECK_FALSE(d.ok());
  CHECK(f.mem->pages() == grown);
}

TEST_CASE("the stack pointer is found by name, by export, or by wasm-ld's layout") {
  auto k = load_module(wasm_bytes("k_stack"));
  REQUIRE(k.ok());
  auto s = find_shadow_stack(**k);
  REQUIRE(s.has_value());
  CHECK(s->global_index == 0);
  CHECK(s->initial == 66560);
  CHECK(s->region_bytes() == 66560);
  // k_wasm_ld names it in WAT ($__stack_pointer, kept by wat2wasm only with
  // --debug-names): without names the first mutable i32 global at a
  // 16-byte-aligned address is taken.
  auto w = load_module(wasm_bytes("k_wasm_ld"));
  REQUIRE(w.ok());
  auto ws = find_shadow_stack(**w);
  REQUIRE(ws.has_value());
  CHECK(ws->global_index == 0);
  CHECK(ws->initial == 65536);
  auto trivial = load_module(wasm_bytes("k_trivial"));
  REQUIRE(trivial.ok());
  CHECK_FALSE(find_shadow_stack(**trivial).has_value());
}

TEST_CASE("a kernel whose code never touches its stack pointer gets no stack regions") {
  // k_wasm_ld carries wasm-ld's __stack_pointer but reads and writes only
  // its call counter (global 1); k_stack's code moves its stack pointer.
  auto w = load_module(wasm_bytes("k_wasm_ld"));
  REQUIRE(w.ok());
  auto ws = find_shadow_stack(**w);
  REQUIRE(ws.has_value());
  CHECK_FALSE(code_may_use_global(**w, ws->global_index));
  CHECK(code_may_use_global(**w, 1));
  auto k = load_module(wasm_bytes("k_stack"));
  REQUIRE(k.ok());
  CHECK(code_may_use_global(**k, find_shadow_stack(**k)->global_index));
  for (uint32_t hint : {kSeq, kCpu}) {
    CAPTURE(hint);
    Fixture f("caller", 2);
    uint32_t dev = f.device(hint);
    uint32_t out = f.buffer(dev, kData, 4 * 64);
    uint32_t len = f.put_kernel("k_wasm_ld");
    uint64_t pages = f.mem->pages();
    REQUIRE(f.exec(dev, len, 64, 1, {}, {out}) == WASI_PARALLEL_SUCCESS);
    CHECK(f.mem->pages() == pages);  // nothing appended for stacks
  }
}

}  // namespace wpvm::parallel::test
