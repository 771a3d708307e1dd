// Concurrency stress: many small parallel_exec calls on the CPU device, each
// checked. Run under ASan (leaks) and TSan (races) builds as well.
#include "fixture.h"

namespace wpvm::parallel::test {

TEST_CASE("10,000 parallel_exec calls with tiny kernels") {
  Fixture f("caller", 4);
  uint32_t cpu = f.device(kCpu), seq = f.device(kSeq);
  constexpr uint32_t kCalls = 10000, kN = 8;
  uint32_t bc = f.buffer(cpu, kData, 4 * kN), bs = f.buffer(seq, kData + 0x100, 4 * kN);
  uint32_t len = f.put_kernel("k_trivial");
  uint32_t failures = 0;
  for (uint32_t call = 0; call < kCalls; ++call) {
    bool on_cpu = call % 4 != 3;
    uint32_t at = on_cpu ? kData : kData + 0x100;
    std::memset(f.mem->data() + at, 0, 4 * kN);
    if (f.exec(on_cpu ? cpu : seq, len, kN, 1, {}, {on_cpu ? bc : bs}) != WASI_PARALLEL_SUCCESS) ++failures;
    for (uint32_t i = 0; i < kN; ++i) failures += f.u32(at + 4 * i) != i + 1;
  }
  CHECK(failures == 0);
  CHECK(f.parallel->cached_kernels() == 1);
}

}  // namespace wpvm::parallel::test
