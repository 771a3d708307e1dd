// test_glsl_twins.cpp: each GLSL twin (SPIR-V, on whatever Vulkan driver is
// present: lavapipe on machines without a GPU) computes what its C kernel
// computes, on small problems whose sizes leave partial blocks, so the
// shaders' guards and index arithmetic are exercised. The C kernels run
// natively and sequentially as the reference. Exits 77 (skipped) without a
// Vulkan driver. SPIR-V files are read from $PRK_SPIRV_DIR.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "dgemm_kernels.h"
#include "nstream_kernels.h"
#include "p2p_kernels.h"
#include "reduce_kernels.h"
#include "sparse_kernels.h"
#include "stencil_kernels.h"
#include "transpose_kernels.h"
#include "wpvm/vulkan/context.h"

using namespace wpvm::vulkan;

namespace {

Context* g_context = nullptr;

std::vector<uint32_t> load_spirv(const std::string& name) {
  const char* dir = std::getenv("PRK_SPIRV_DIR");
  std::ifstream in(std::string(dir ? dir : ".") + "/" + name + ".spv", std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<uint32_t> words(bytes.size() / 4);
  std::memcpy(words.data(), bytes.data(), words.size() * 4);
  return words;
}

// A buffer's bytes as the guest would hold them; one copy per side.
using Bytes = std::vector<uint8_t>;

template <class T>
Bytes to_bytes(const std::vector<T>& v) {
  Bytes b(v.size() * sizeof(T));
  std::memcpy(b.data(), v.data(), b.size());
  return b;
}

template <class T>
T* as(Bytes& b) {
  return reinterpret_cast<T*>(b.data());
}

uint32_t len(const Bytes& b) { return static_cast<uint32_t>(b.size()); }

// Runs the twin `name` over `bufs` (in ++ out order) on the GPU: upload,
// dispatch, download, like a GPU device between write_buffer and read_buffer.
void run_gpu(const char* name, std::vector<Bytes*> bufs, uint32_t n, uint32_t block) {
  auto kernel = g_context->kernel(load_spirv(name), bufs.size());
  REQUIRE_MESSAGE(kernel.ok(), (kernel.ok() ? "" : kernel.error().message));
  std::vector<Buffer> device;
  std::vector<const Buffer*> list;
  for (Bytes* b : bufs) {
    auto made = g_context->create_buffer(b->size());
    REQUIRE(made.ok());
    REQUIRE(made->upload(*b).ok());
    device.push_back(std::move(*made));
  }
  for (const Buffer& b : device) list.push_back(&b);
  auto r = g_context->dispatch(**kernel, list, n, block);
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
  for (size_t i = 0; i < bufs.size(); ++i) REQUIRE(device[i].download(*bufs[i]).ok());
}

// Doubles agree to a few ulps (the shader compiler may contract a*b+c).
void check_same_doubles(Bytes& expected, Bytes& actual) {
  REQUIRE(expected.size() == actual.size());
  const double* e = as<double>(expected);
  const double* a = as<double>(actual);
  size_t bad = 0;
  for (size_t i = 0; i < expected.size() / sizeof(double); ++i) {
    if (std::fabs(e[i] - a[i]) > 1e-12 * (1.0 + std::fabs(e[i]))) {
      if (bad++ < 5) MESSAGE("element " << i << ": expected " << e[i] << ", got " << a[i]);
    }
  }
  CHECK(bad == 0);
}

std::vector<double> ramp(size_t n, double scale, double offset) {
  std::vector<double> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = scale * static_cast<double>(i % 97) + offset;
  return v;
}

}  // namespace

TEST_CASE("nstream twin") {
  const uint32_t length = 1000, block = 64, n = (length + block - 1) / block;
  Bytes b = to_bytes(ramp(length, 1.0, 2.0)), c = to_bytes(ramp(length, 0.5, 1.0));
  Bytes a_cpu = to_bytes(ramp(length, 0.25, 0.0)), a_gpu = a_cpu;
  for (uint32_t id = 0; id < n; ++id)
    nstream_kernel(id, n, block, as<double>(b), len(b), as<double>(c), len(c), as<double>(a_cpu), len(a_cpu));
  run_gpu("nstream_kernel", {&b, &c, &a_gpu}, n, block);
  check_same_doubles(a_cpu, a_gpu);
}

TEST_CASE("transpose twin") {
  const uint32_t order = 37, tile = 8, per_row = (order + tile - 1) / tile, tiles = per_row * per_row;
  TransposeParams params{order, tile};
  Bytes p = to_bytes(std::vector<TransposeParams>{params});
  Bytes a_cpu = to_bytes(ramp(order * order, 1.0, 0.0)), b_cpu(order * order * 8, 0);
  Bytes a_gpu = a_cpu, b_gpu = b_cpu;
  for (int rep = 0; rep < 2; ++rep) {
    for (uint32_t id = 0; id < tiles; ++id)
      transpose_kernel(id, tiles, tile * tile, as<TransposeParams>(p), len(p), as<double>(a_cpu),
                       len(a_cpu), as<double>(b_cpu), len(b_cpu));
    run_gpu("transpose_kernel", {&p, &a_gpu, &b_gpu}, tiles, tile * tile);
  }
  check_same_doubles(a_cpu, a_gpu);
  check_same_doubles(b_cpu, b_gpu);
}

TEST_CASE("stencil twins") {
  const uint32_t n = 23, rows = 4, block = rows * n, blocks = (n + rows - 1) / rows;
  Bytes p = to_bytes(std::vector<StencilParams>{{n}});
  Bytes in_cpu = to_bytes(ramp(n * n, 0.5, 1.0)), out_cpu = to_bytes(ramp(n * n, 0.1, 0.0));
  Bytes in_gpu = in_cpu, out_gpu = out_cpu;
  for (uint32_t id = 0; id < blocks; ++id) {
    stencil_kernel(id, blocks, block, as<StencilParams>(p), len(p), as<double>(in_cpu), len(in_cpu),
                   as<double>(out_cpu), len(out_cpu));
  }
  for (uint32_t id = 0; id < blocks; ++id) stencil_add_kernel(id, blocks, block, as<double>(in_cpu), len(in_cpu));
  run_gpu("stencil_kernel", {&p, &in_gpu, &out_gpu}, blocks, block);
  run_gpu("stencil_add_kernel", {&in_gpu}, blocks, block);
  check_same_doubles(out_cpu, out_gpu);
  check_same_doubles(in_cpu, in_gpu);
}

TEST_CASE("dgemm twin") {
  const uint32_t order = 19, rows = 3, block = rows * order, blocks = (order + rows - 1) / rows;
  Bytes p = to_bytes(std::vector<DgemmParams>{{order}});
  Bytes a = to_bytes(ramp(order * order, 0.5, -3.0)), b = to_bytes(ramp(order * order, 0.25, 1.0));
  Bytes c_cpu = to_bytes(ramp(order * order, 1.0, 0.0)), c_gpu = c_cpu;
  for (uint32_t id = 0; id < blocks; ++id)
    dgemm_kernel(id, blocks, block, as<DgemmParams>(p), len(p), as<double>(a), len(a), as<double>(b), len(b),
                 as<double>(c_cpu), len(c_cpu));
  run_gpu("dgemm_kernel", {&p, &a, &b, &c_gpu}, blocks, block);
  check_same_doubles(c_cpu, c_gpu);
}

TEST_CASE("sparse twins") {
  const uint32_t rows = 70, per_row = 5, block = 16, blocks = (rows + block - 1) / block;
  std::vector<uint32_t> cols(rows * per_row);
  for (uint32_t e = 0; e < cols.size(); ++e) cols[e] = (e * 37u + e / per_row) % rows;
  Bytes matrix = to_bytes(ramp(rows * per_row, 0.125, 0.5)), col_index = to_bytes(cols);
  Bytes vec_cpu = to_bytes(ramp(rows, 1.0, 0.0)), res_cpu = to_bytes(ramp(rows, 0.5, 0.0));
  Bytes vec_gpu = vec_cpu, res_gpu = res_cpu;
  for (uint32_t id = 0; id < blocks; ++id) sparse_fill_kernel(id, blocks, block, as<double>(vec_cpu), len(vec_cpu));
  for (uint32_t id = 0; id < blocks; ++id)
    sparse_spmv_kernel(id, blocks, block, as<double>(matrix), len(matrix), as<uint32_t>(col_index),
                       len(col_index), as<double>(vec_cpu), len(vec_cpu), as<double>(res_cpu), len(res_cpu));
  run_gpu("sparse_fill_kernel", {&vec_gpu}, blocks, block);
  run_gpu("sparse_spmv_kernel", {&matrix, &col_index, &vec_gpu, &res_gpu}, blocks, block);
  check_same_doubles(vec_cpu, vec_gpu);
  check_same_doubles(res_cpu, res_gpu);
}

TEST_CASE("reduce twin") {
  const uint32_t vectors = 3, length = 100, block = 16, blocks = (length + block - 1) / block;
  Bytes p = to_bytes(std::vector<ReduceParams>{{vectors, length}});
  Bytes vec_cpu = to_bytes(ramp(2 * vectors * length, 1.0, 7.0)), vec_gpu = vec_cpu;
  for (uint32_t id = 0; id < blocks; ++id)
    reduce_kernel(id, blocks, block, as<ReduceParams>(p), len(p), as<double>(vec_cpu), len(vec_cpu));
  run_gpu("reduce_kernel", {&p, &vec_gpu}, blocks, block);
  check_same_doubles(vec_cpu, vec_gpu);
  CHECK(as<double>(vec_gpu)[0] == doctest::Approx(vectors * (2.0 * vectors + 1.0)));
}

TEST_CASE("p2p twin, every diagonal of a ragged tiling") {
  P2pParams params{20, 17, 4, 0};
  const uint32_t diagonals = p2p_tile_rows(&params) + p2p_tile_cols(&params) - 1;
  std::vector<double> grid(params.m * params.n, 0.0);
  for (uint32_t j = 0; j < params.n; ++j) grid[j] = j;
  for (uint32_t i = 0; i < params.m; ++i) grid[i * params.n] = i;
  Bytes grid_cpu = to_bytes(grid), grid_gpu = grid_cpu;
  for (uint32_t diag = 0; diag < diagonals; ++diag) {
    params.diag = diag;
    Bytes p = to_bytes(std::vector<P2pParams>{params});
    const uint32_t tiles = p2p_tiles_on(&params, diag);
    for (uint32_t id = 0; id < tiles; ++id)
      p2p_kernel(id, tiles, 1, as<P2pParams>(p), len(p), as<double>(grid_cpu), len(grid_cpu));
    run_gpu("p2p_kernel", {&p, &grid_gpu}, tiles, 1);
  }
  check_same_doubles(grid_cpu, grid_gpu);
  // The PRK's corner value after one sweep: (m-1) + (n-1), negated into (0,0).
  CHECK(as<double>(grid_gpu)[0] == -(params.m + params.n - 2.0));
}

int main(int argc, char** argv) {
  // Automatic selection never picks a CPU implementation of Vulkan: the twins
  // run on lavapipe by name unless WPVM_TEST_GPU names another device.
  ContextOptions options;
  const char* gpu = std::getenv("WPVM_TEST_GPU");
  options.device = gpu && *gpu ? gpu : "llvmpipe";
  auto ctx = Context::create(options);
  if (!ctx.ok()) {
    std::printf("GLSL twin tests skipped: %s\n", ctx.error().message.c_str());
    return 77;
  }
  g_context = ctx->get();
  doctest::Context runner(argc, argv);
  int rc = runner.run();
  g_context = nullptr;
  return rc;
}
