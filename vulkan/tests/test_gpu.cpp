// GPU tests of the Vulkan layer on whatever driver is present (lavapipe on
// machines without a GPU). Exits 77 (meson: skipped) when there is none.
// Flags: --expect-no-driver (checks that creation fails cleanly),
//        --require-layer NAME (exits 77 unless that instance layer exists).
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "test_util.h"
#include "wpvm/vulkan/context.h"

using namespace wpvm;
using namespace wpvm::vulkan;
using wpvm::vulkan::testing::load_spirv;

namespace {

Context* g_context = nullptr;  // the test device's context, made by main()

// Options on the test device (lavapipe by name unless WPVM_TEST_GPU says
// otherwise): automatic selection never picks a CPU implementation.
ContextOptions test_options(ContextOptions options = {}) {
  options.device = wpvm::vulkan::testing::test_gpu();
  return options;
}
constexpr uint32_t kSentinel = 0xa5a5a5a5u;

template <class T>
std::span<const uint8_t> bytes_of(const std::vector<T>& v) {
  return {reinterpret_cast<const uint8_t*>(v.data()), v.size() * sizeof(T)};
}
template <class T>
std::span<uint8_t> bytes_of(std::vector<T>& v) {
  return {reinterpret_cast<uint8_t*>(v.data()), v.size() * sizeof(T)};
}

template <class T>
Buffer make_buffer(Context& ctx, const std::vector<T>& init) {
  auto b = ctx.create_buffer(init.size() * sizeof(T));
  REQUIRE(b.ok());
  REQUIRE(b->upload(bytes_of(init)).ok());
  return std::move(*b);
}

template <class T>
std::vector<T> read_back(const Buffer& b) {
  std::vector<T> out(b.size() / sizeof(T));
  auto r = b.download(bytes_of(out));
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
  return out;
}

std::shared_ptr<const Kernel> get_kernel(Context& ctx, const char* name, size_t buffers) {
  auto k = ctx.kernel(load_spirv(name), buffers);
  REQUIRE_MESSAGE(k.ok(), (k.ok() ? "" : k.error().message));
  return *k;
}

void run(Context& ctx, const Kernel& k, std::vector<const Buffer*> buffers, uint32_t n, uint32_t block) {
  auto r = ctx.dispatch(k, buffers, n, block);
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
}

// vector_add on a context; elements past the total keep their sentinel.
void check_vector_add(Context& ctx) {
  const uint32_t n = 250, block = 4, total = n * block, size = 1024;
  std::vector<uint32_t> a(size), b(size), c(size, kSentinel);
  for (uint32_t i = 0; i < size; ++i) a[i] = i, b[i] = 3 * i + 7;
  Buffer ba = make_buffer(ctx, a), bb = make_buffer(ctx, b), bc = make_buffer(ctx, c);
  run(ctx, *get_kernel(ctx, "vector_add", 3), {&ba, &bb, &bc}, n, block);
  auto out = read_back<uint32_t>(bc);
  for (uint32_t i = 0; i < size; ++i) {
    CAPTURE(i);
    REQUIRE(out[i] == (i < total ? 4 * i + 7 : kSentinel));
  }
  CHECK(read_back<uint32_t>(ba) == a);  // inputs untouched
}

}  // namespace

TEST_CASE("the device is described and listed") {
  const DeviceInfo& d = g_context->device();
  CHECK_FALSE(d.name.empty());
  CHECK(d.has_compute);
  auto all = list_devices();
  REQUIRE(d.index < all.size());
  CHECK(all[d.index].name == d.name);
  CHECK(g_context->max_group_count() > 0);
  std::string type = device_type_name(d.type), memory = g_context->unified_memory() ? "unified" : "staged";
  MESSAGE("device: " << d.name << " (" << type << ", Vulkan " << d.api_major << "." << d.api_minor << "), "
                     << memory << " memory");
}

// The one device ranking, on made-up device lists: it needs no driver.
TEST_CASE("select_device: auto takes real GPUs by preference, never a CPU implementation") {
  auto dev = [](uint32_t index, const char* name, DeviceType type, bool compute = true) {
    DeviceInfo d;
    d.index = index;
    d.name = name;
    d.type = type;
    d.has_compute = compute;
    return d;
  };
  const std::vector<DeviceInfo> cpu_only = {dev(0, "llvmpipe (LLVM 15.0.6, 256 bits)", DeviceType::kCpu)};
  const std::vector<DeviceInfo> mixed = {dev(0, "llvmpipe (LLVM 15.0.6, 256 bits)", DeviceType::kCpu),
                                         dev(1, "Virtio GPU", DeviceType::kVirtual),
                                         dev(2, "Intel UHD 630", DeviceType::kIntegrated),
                                         dev(3, "Radeon RX 6600", DeviceType::kDiscrete),
                                         dev(4, "Radeon without compute", DeviceType::kDiscrete, false)};
  auto pick = [](const std::vector<DeviceInfo>& list, const char* selector,
                 DevicePreference prefer = DevicePreference::kAny) -> std::optional<uint32_t> {
    auto r = select_device(list, selector, prefer);
    REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
    return *r;
  };
  // auto
  CHECK(pick(cpu_only, "auto") == std::nullopt);
  CHECK(pick({}, "auto") == std::nullopt);
  CHECK(pick(mixed, "auto") == 3u);
  CHECK(pick(mixed, "auto", DevicePreference::kDiscrete) == 3u);
  CHECK(pick(mixed, "auto", DevicePreference::kIntegrated) == 2u);
  CHECK(pick({mixed[0], mixed[1]}, "auto", DevicePreference::kDiscrete) == 1u);  // virtual before CPU
  CHECK(pick({mixed[0], mixed[4]}, "auto") == std::nullopt);                     // no compute queue
  // none
  CHECK(pick(mixed, "none") == std::nullopt);
  // by index, by name (any case), CPU implementations included
  CHECK(pick(cpu_only, "0") == 0u);
  CHECK(pick(mixed, "2") == 2u);
  CHECK(pick(cpu_only, "llvmpipe") == 0u);
  CHECK(pick(cpu_only, "LLVMpipe") == 0u);
  CHECK(pick(mixed, "radeon") == 3u);
  CHECK(pick(mixed, "uhd") == 2u);
  // explicit selectors that match nothing are usage errors listing the devices
  for (const char* bad : {"5", "4", "nvidia", "", "llvmpipe2"}) {
    CAPTURE(bad);
    auto r = select_device(mixed, bad);
    REQUIRE_FALSE(r.ok());
    CHECK(failure_of(r.error()) == Failure::kInvalidArgument);
    if (*bad) CHECK(r.error().message.find("llvmpipe (LLVM") != std::string::npos);
  }
  auto none_at_all = select_device({}, "llvmpipe");
  REQUIRE_FALSE(none_at_all.ok());
  CHECK(none_at_all.error().message.find("no Vulkan device") != std::string::npos);
}

TEST_CASE("a context on this machine: auto never takes a CPU implementation; index and name select") {
  auto all = list_devices();
  bool real_gpu = std::any_of(all.begin(), all.end(), [](const DeviceInfo& d) {
    return d.has_compute && d.type != DeviceType::kCpu && d.type != DeviceType::kOther;
  });
  for (DevicePreference prefer : {DevicePreference::kDiscrete, DevicePreference::kIntegrated, DevicePreference::kAny}) {
    auto ctx = Context::create({.prefer = prefer});
    CHECK(ctx.ok() == real_gpu);
    if (ctx.ok()) CHECK((*ctx)->device().type != DeviceType::kCpu);
    else CHECK(ctx.error().message.rfind("no Vulkan GPU", 0) == 0);
  }
  auto by_index = Context::create({.device = std::to_string(g_context->device().index)});
  REQUIRE(by_index.ok());
  CHECK((*by_index)->device().name == g_context->device().name);
  auto by_name = Context::create({.device = g_context->device().name});
  REQUIRE(by_name.ok());
  CHECK((*by_name)->device().index == g_context->device().index);
  auto missing = Context::create({.device = std::to_string(all.size())});
  REQUIRE_FALSE(missing.ok());
  CHECK(failure_of(missing.error()) == Failure::kInvalidArgument);
  auto none = Context::create({.device = "none"});
  REQUIRE_FALSE(none.ok());
  CHECK(failure_of(none.error()) == Failure::kDevice);
}

TEST_CASE("vector add is exact, on direct and on staged buffers") {
  check_vector_add(*g_context);
  auto staged = Context::create(test_options({.force_staging = true}));
  REQUIRE(staged.ok());
  CHECK_FALSE((*staged)->unified_memory());
  auto probe = (*staged)->create_buffer(4);
  REQUIRE(probe.ok());
  CHECK_FALSE(probe->direct());
  check_vector_add(**staged);
}

TEST_CASE("SPIR-V 1.5 runs where the device has Vulkan 1.2") {
  auto words = load_spirv("vector_add_vk12");
  REQUIRE(words.size() > 5);
  CHECK(words[1] == 0x00010500u);  // SPIR-V version word
  const DeviceInfo& d = g_context->device();
  auto k = g_context->kernel(words, 3);
  if (d.api_major == 1 && d.api_minor < 2) {
    REQUIRE_FALSE(k.ok());
    CHECK(k.error().kind == ErrorKind::kMalformed);
    return;
  }
  REQUIRE_MESSAGE(k.ok(), (k.ok() ? "" : k.error().message));
  std::vector<uint32_t> a(100, 40), b(100, 2), c(100, 0);
  Buffer ba = make_buffer(*g_context, a), bb = make_buffer(*g_context, b), bc = make_buffer(*g_context, c);
  run(*g_context, **k, {&ba, &bb, &bc}, 100, 1);
  CHECK(read_back<uint32_t>(bc) == std::vector<uint32_t>(100, 42));
}

static void check_nstream(Context& ctx) {
  const uint32_t total = 4096;
  std::vector<float> b(total), c(total, 0.5f), a(total);
  for (uint32_t i = 0; i < total; ++i) a[i] = float(i), b[i] = float(2 * i);
  Buffer bb = make_buffer(ctx, b), bc = make_buffer(ctx, c), ba = make_buffer(ctx, a);
  auto k = get_kernel(ctx, "nstream", 3);
  for (int rep = 0; rep < 3; ++rep) run(ctx, *k, {&bb, &bc, &ba}, total / 8, 8);
  auto out = read_back<float>(ba);
  for (uint32_t i = 0; i < total; ++i) {
    CAPTURE(i);
    REQUIRE(out[i] == float(i) + 3 * (float(2 * i) + 1.5f));
  }
}

TEST_CASE("64-bit float and integer kernels run where the device has them") {
  auto k = g_context->kernel(load_spirv("f64_i64"), 4);
  if (!k.ok()) {
    // Refused by the capability check, never passed to the driver.
    CHECK(failure_of(k.error()) == Failure::kInvalidKernel);
    MESSAGE("device lacks 64-bit support: " << k.error().message);
    return;
  }
  const uint32_t n = 300;
  std::vector<double> x(n), d(n, -1);
  std::vector<uint64_t> y(n), q(n, 0);
  for (uint32_t i = 0; i < n; ++i) x[i] = i * 3.0 + 0.25, y[i] = (uint64_t{i} << 33) + i;
  Buffer bx = make_buffer(*g_context, x), by = make_buffer(*g_context, y);
  Buffer bd = make_buffer(*g_context, d), bq = make_buffer(*g_context, q);
  run(*g_context, **k, {&bx, &by, &bd, &bq}, n, 1);
  auto got_d = read_back<double>(bd);
  auto got_q = read_back<uint64_t>(bq);
  for (uint32_t i = 0; i < n; ++i) {
    CAPTURE(i);
    CHECK(got_d[i] == x[i] * 0.5);
    CHECK(got_q[i] == y[i] * 3 + (uint64_t{1} << 40));
  }
}

TEST_CASE("nstream triad updates its read-write buffer in place") {
  check_nstream(*g_context);
  auto staged = Context::create(test_options({.force_staging = true}));
  REQUIRE(staged.ok());
  check_nstream(**staged);
}

TEST_CASE("push constants carry num_iterations and block_size") {
  std::vector<uint32_t> init(64, kSentinel);
  Buffer out = make_buffer(*g_context, init);
  run(*g_context, *get_kernel(*g_context, "echo", 1), {&out}, 7, 3);
  auto got = read_back<uint32_t>(out);
  for (uint32_t i = 0; i < 64; ++i) {
    CAPTURE(i);
    CHECK(got[i] == (i < 21 ? i + 7000 + 300000 : kSentinel));
  }
}

static void check_reduce(Context& ctx) {
  const uint32_t total = 1000, groups = (total + 63) / 64;
  std::vector<uint32_t> data(total), partials(groups + 1, kSentinel);
  for (uint32_t i = 0; i < total; ++i) data[i] = i * i % 1009;
  Buffer bd = make_buffer(ctx, data), bp = make_buffer(ctx, partials);
  run(ctx, *get_kernel(ctx, "reduce", 2), {&bd, &bp}, total, 1);
  auto got = read_back<uint32_t>(bp);
  uint64_t sum = 0;
  for (uint32_t g = 0; g < groups; ++g) {
    uint32_t expected = 0;
    for (uint32_t i = g * 64; i < std::min(total, g * 64 + 64); ++i) expected += data[i];
    CAPTURE(g);
    CHECK(got[g] == expected);
    sum += got[g];
  }
  CHECK(got[groups] == kSentinel);
  CHECK(sum == [&] { uint64_t s = 0; for (uint32_t v : data) s += v; return s; }());
}

TEST_CASE("reduction leaves one exact partial per workgroup") {
  check_reduce(*g_context);
  auto staged = Context::create(test_options({.force_staging = true, .max_group_count = 5}));  // split, staged
  REQUIRE(staged.ok());
  check_reduce(**staged);
}

TEST_CASE("launches beyond the group limit are split and still exact") {
  CHECK(get_kernel(*g_context, "scale_one", 2)->info().has_base_invocation());
  SUBCASE("a lowered limit of 7 groups") {
    auto small = Context::create(test_options({.max_group_count = 7}));
    REQUIRE(small.ok());
    CHECK((*small)->max_group_count() == 7);
    const uint32_t total = 100;
    std::vector<uint32_t> x(total + 5), y(total + 5, kSentinel);
    for (uint32_t i = 0; i < x.size(); ++i) x[i] = i + 1;
    Buffer bx = make_buffer(**small, x), by = make_buffer(**small, y);
    run(**small, *get_kernel(**small, "scale_one", 2), {&bx, &by}, total / 4, 4);
    auto got = read_back<uint32_t>(by);
    for (uint32_t i = 0; i < got.size(); ++i) {
      CAPTURE(i);
      REQUIRE(got[i] == (i < total ? 2 * (i + 1) : kSentinel));
    }
  }
  SUBCASE("the device's own limit") {
    const uint32_t total = g_context->max_group_count() * 2 + 17;  // three pieces
    std::vector<uint32_t> x(total), y(total, kSentinel);
    for (uint32_t i = 0; i < total; ++i) x[i] = i ^ 0x5555u;
    Buffer bx = make_buffer(*g_context, x), by = make_buffer(*g_context, y);
    run(*g_context, *get_kernel(*g_context, "scale_one", 2), {&bx, &by}, total, 1);
    auto got = read_back<uint32_t>(by);
    uint32_t wrong = 0;
    for (uint32_t i = 0; i < total; ++i) wrong += got[i] != 2 * x[i];
    CHECK(wrong == 0);
  }
}

TEST_CASE("kernels without base_invocation are capped at the group limit") {
  auto ctx = Context::create(test_options({.max_group_count = 2}));
  REQUIRE(ctx.ok());
  Context& c = **ctx;
  auto k = get_kernel(c, "vector_add", 3);  // local_size_x 64, no base_invocation
  CHECK_FALSE(k->info().has_base_invocation());
  std::vector<uint32_t> v(200, 1), out(200, kSentinel);
  Buffer a = make_buffer(c, v), b = make_buffer(c, v), o = make_buffer(c, out);
  auto over = c.dispatch(*k, std::vector<const Buffer*>{&a, &b, &o}, 129, 1);  // 3 groups
  REQUIRE_FALSE(over.ok());
  CHECK(failure_of(over.error()) == Failure::kInvalidArgument);
  CHECK(over.error().message.find("exceed the device's limit of 2") != std::string::npos);
  CHECK(over.error().message.find("base_invocation") != std::string::npos);
  CHECK(read_back<uint32_t>(o) == out);  // nothing ran
  run(c, *k, {&a, &b, &o}, 128, 1);      // 2 groups: at the limit, one dispatch
  auto got = read_back<uint32_t>(o);
  for (uint32_t i = 0; i < 200; ++i) CHECK(got[i] == (i < 128 ? 2u : kSentinel));
}

TEST_CASE("repeated dispatches on one buffer see each other's writes") {
  std::vector<uint32_t> init(777, 5);
  Buffer b = make_buffer(*g_context, init);
  auto k = get_kernel(*g_context, "one_binding", 1);
  for (int i = 0; i < 10; ++i) run(*g_context, *k, {&b}, 777, 1);
  CHECK(read_back<uint32_t>(b) == std::vector<uint32_t>(777, 15));
}

TEST_CASE("kernels are cached by content") {
  auto ctx = Context::create(test_options());
  REQUIRE(ctx.ok());
  Context& c = **ctx;
  CHECK(c.cached_kernels() == 0);
  auto k1 = get_kernel(c, "vector_add", 3);
  auto words = load_spirv("vector_add");  // same content, another vector
  auto k2 = c.kernel(words, 3);
  REQUIRE(k2.ok());
  CHECK(k1.get() == k2->get());
  CHECK(c.cached_kernels() == 1);
  auto mismatch = c.kernel(words, 2);
  REQUIRE_FALSE(mismatch.ok());
  CHECK(failure_of(mismatch.error()) == Failure::kInvalidKernel);
  CHECK(c.cached_kernels() == 1);
  auto k3 = get_kernel(c, "echo", 1);
  CHECK(k3.get() != k1.get());
  CHECK(c.cached_kernels() == 2);
  CHECK(k1->hash() != k3->hash());
}

TEST_CASE("threads share the cache, the queue and the staging buffer safely") {
  bool staged = false;
  SUBCASE("direct buffers") {}
  SUBCASE("staged buffers") { staged = true; }
  auto ctx = Context::create(test_options({.force_staging = staged}));
  REQUIRE(ctx.ok());
  Context& c = **ctx;
  constexpr int kThreads = 4;
  const uint32_t total = 3000;
  std::vector<const Kernel*> seen(kThreads, nullptr);
  std::vector<int> wrong(kThreads, -1);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      // No doctest assertions here: doctest's are not thread-safe.
      auto k = c.kernel(load_spirv("vector_add"), 3);
      if (!k.ok()) return;
      seen[t] = k->get();
      std::vector<uint32_t> a(total, uint32_t(t)), b(total, 100), out(total, 0);
      auto ba = c.create_buffer(total * 4), bb = c.create_buffer(total * 4), bc = c.create_buffer(total * 4);
      if (!ba.ok() || !bb.ok() || !bc.ok()) return;
      if (!ba->upload(bytes_of(a)).ok() || !bb->upload(bytes_of(b)).ok()) return;
      int bad = 0;
      for (int rep = 0; rep < 5; ++rep) {
        std::vector<const Buffer*> bufs = {&*ba, &*bb, &*bc};
        if (!c.dispatch(**k, bufs, total, 1).ok() || !bc->download(bytes_of(out)).ok()) return;
        for (uint32_t v : out) bad += v != uint32_t(t) + 100;
      }
      wrong[t] = bad;
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) {
    CAPTURE(t);
    CHECK(seen[t] != nullptr);
    CHECK(seen[t] == seen[0]);
    CHECK(wrong[t] == 0);
  }
  CHECK(c.cached_kernels() == 1);
}

TEST_CASE("argument errors are values with the right class") {
  Context& c = *g_context;
  auto k = get_kernel(c, "vector_add", 3);
  std::vector<uint32_t> v(16, 1);
  Buffer a = make_buffer(c, v), b = make_buffer(c, v), out = make_buffer(c, v);

  std::vector<uint32_t> wrong_size(15);
  auto up = a.upload(bytes_of(wrong_size));
  REQUIRE_FALSE(up.ok());
  CHECK(failure_of(up.error()) == Failure::kInvalidArgument);
  CHECK_FALSE(a.download(bytes_of(wrong_size)).ok());

  auto few = c.dispatch(*k, std::vector<const Buffer*>{&a, &b}, 16, 1);
  REQUIRE_FALSE(few.ok());
  CHECK(failure_of(few.error()) == Failure::kInvalidArgument);

  auto other = Context::create(test_options());
  REQUIRE(other.ok());
  auto foreign = (*other)->create_buffer(64);
  REQUIRE(foreign.ok());
  auto mixed = c.dispatch(*k, std::vector<const Buffer*>{&a, &b, &*foreign}, 16, 1);
  REQUIRE_FALSE(mixed.ok());
  CHECK(std::string(mixed.error().message).find("another device") != std::string::npos);

  auto huge = c.dispatch(*k, std::vector<const Buffer*>{&a, &b, &out}, 0x10000, 0x10000);
  REQUIRE_FALSE(huge.ok());
  CHECK(failure_of(huge.error()) == Failure::kInvalidArgument);

  // Nothing to run is success and writes nothing.
  CHECK(c.dispatch(*k, std::vector<const Buffer*>{&a, &b, &out}, 0, 4).ok());
  CHECK(c.dispatch(*k, std::vector<const Buffer*>{&a, &b, &out}, 4, 0).ok());
  CHECK(read_back<uint32_t>(out) == v);
}

TEST_CASE("buffers beyond the device's limit are an out-of-memory error") {
  size_t limit = g_context->max_buffer_size();
  REQUIRE(limit > 0);
  auto big = g_context->create_buffer(limit + 1);
  REQUIRE_FALSE(big.ok());
  CHECK(failure_of(big.error()) == Failure::kOutOfMemory);
  auto huge = g_context->create_buffer(size_t{1} << 60);
  REQUIRE_FALSE(huge.ok());
  CHECK(failure_of(huge.error()) == Failure::kOutOfMemory);
}

TEST_CASE("zero-sized buffers exist and copy nothing") {
  auto b = g_context->create_buffer(0);
  REQUIRE(b.ok());
  CHECK(b->size() == 0);
  CHECK(b->upload({}).ok());
  CHECK(b->download({}).ok());
}

TEST_CASE("bad kernels are refused by the context without side effects") {
  auto ctx = Context::create(test_options());
  REQUIRE(ctx.ok());
  auto words = load_spirv("vector_add");
  words.resize(words.size() / 2);
  auto corrupt = (*ctx)->kernel(words, 3);
  REQUIRE_FALSE(corrupt.ok());
  CHECK(corrupt.error().kind == ErrorKind::kMalformed);
  auto few = (*ctx)->kernel(load_spirv("one_binding"), 3);
  REQUIRE_FALSE(few.ok());
  CHECK(failure_of(few.error()) == Failure::kInvalidKernel);
  auto wrong_push = (*ctx)->kernel(load_spirv("wrong_push"), 1);
  REQUIRE_FALSE(wrong_push.ok());
  CHECK(failure_of(wrong_push.error()) == Failure::kInvalidKernel);
  CHECK((*ctx)->cached_kernels() == 1);  // one_binding is valid, only misused
  CHECK((*ctx)->kernels_built() == 1);
}

TEST_CASE("the push-constant block is optional: none, num_iterations alone, two, three") {
  const uint32_t size = 100;
  SUBCASE("none: the kernel guards by its buffer's length") {
    Buffer out = make_buffer(*g_context, std::vector<uint32_t>(size, kSentinel));
    run(*g_context, *get_kernel(*g_context, "push_none", 1), {&out}, 4, 25);  // 4 groups of 32
    auto got = read_back<uint32_t>(out);
    for (uint32_t i = 0; i < size; ++i) REQUIRE(got[i] == 3 * i + 1);
  }
  SUBCASE("num_iterations only") {
    Buffer out = make_buffer(*g_context, std::vector<uint32_t>(size, kSentinel));
    run(*g_context, *get_kernel(*g_context, "push_one", 1), {&out}, 60, 1);
    auto got = read_back<uint32_t>(out);
    for (uint32_t i = 0; i < size; ++i) REQUIRE(got[i] == (i < 60 ? i + 7 : kSentinel));
  }
  SUBCASE("num_iterations and block_size") {
    Buffer out = make_buffer(*g_context, std::vector<uint32_t>(size, kSentinel));
    run(*g_context, *get_kernel(*g_context, "echo", 1), {&out}, 9, 10);
    auto got = read_back<uint32_t>(out);
    for (uint32_t i = 0; i < size; ++i) REQUIRE(got[i] == (i < 90 ? i + 9000 + 1000000 : kSentinel));
  }
  SUBCASE("all three, split") {
    auto ctx = Context::create(test_options({.max_group_count = 3}));
    REQUIRE(ctx.ok());
    std::vector<uint32_t> data(1000);
    for (uint32_t i = 0; i < data.size(); ++i) data[i] = i;
    Buffer in = make_buffer(**ctx, data), partials = make_buffer(**ctx, std::vector<uint32_t>(16, kSentinel));
    run(**ctx, *get_kernel(**ctx, "reduce", 2), {&in, &partials}, 1000, 1);  // 16 groups, 6 dispatches
    auto got = read_back<uint32_t>(partials);
    for (uint32_t g = 0; g < 16; ++g) {
      uint32_t want = 0;
      for (uint32_t i = 64 * g; i < std::min(64 * g + 64, 1000u); ++i) want += i;
      REQUIRE(got[g] == want);
    }
  }
}

TEST_CASE("Workgroup memory beyond the device's limit is an invalid kernel with the sizes") {
  auto ctx = Context::create(test_options());
  REQUIRE(ctx.ok());
  auto fits = get_kernel(**ctx, "shared_layout", 1);
  CHECK(fits->info().workgroup_memory_bytes == 184);
  Buffer out = make_buffer(**ctx, std::vector<float>(48, -1.0f));
  run(**ctx, *fits, {&out}, 48, 1);
  auto got = read_back<float>(out);
  for (uint32_t i = 0; i < 48; ++i) REQUIRE(got[i] == static_cast<float>((i % 16) % 10 + 6));
  auto big = (*ctx)->kernel(load_spirv("shared_too_big"), 1);
  if ((*ctx)->device().name.find("llvmpipe") == std::string::npos && big.ok()) return;  // a larger limit
  REQUIRE_FALSE(big.ok());
  CHECK(failure_of(big.error()) == Failure::kInvalidKernel);
  CHECK(big.error().message.find("need 36000 bytes") != std::string::npos);
  CHECK(big.error().message.find("maxComputeSharedMemorySize") != std::string::npos);
  CHECK((*ctx)->cached_kernels() == 1);
}

TEST_CASE("robustBufferAccess is enabled where supported: a store far out of bounds stays inside its buffer") {
  // lavapipe supports it; a device that does not is not tested here.
  if (g_context->device().type == DeviceType::kCpu) CHECK(g_context->robust_buffer_access());
  if (!g_context->robust_buffer_access()) return;
  Buffer small = make_buffer(*g_context, std::vector<uint32_t>(64, 5));
  Buffer other = make_buffer(*g_context, std::vector<uint32_t>(64, 0));
  run(*g_context, *get_kernel(*g_context, "oob_write", 2), {&small, &other}, 64, 1);
  CHECK(read_back<uint32_t>(other) == std::vector<uint32_t>(64, 1));
}

TEST_CASE("buffer atomics count exactly (and pass the validation layer: Device scope is enabled with the memory model)") {
  Buffer counts = make_buffer(*g_context, std::vector<uint32_t>(4, 0));
  run(*g_context, *get_kernel(*g_context, "atomic_count", 1), {&counts}, 1000, 3);
  CHECK(read_back<uint32_t>(counts)[0] == 3000);
}

// num_iterations 2^32 - 1, block_size 1, local_size_x 1023: 4,198,405
// workgroups are 4,294,968,315 invocations, past 2^32, where
// gl_GlobalInvocationID.x + base_invocation wraps and elements 0..1018 would
// run twice. Refused before anything runs.
TEST_CASE("a launch whose whole workgroups pass 2^32 invocations is a usage error") {
  auto k = get_kernel(*g_context, "split1023", 1);
  REQUIRE(k->info().local_size_x == 1023);
  REQUIRE(k->info().has_base_invocation());
  Buffer counts = make_buffer(*g_context, std::vector<uint32_t>(2048, 0));
  auto r = g_context->dispatch(*k, std::vector<const Buffer*>{&counts}, UINT32_MAX, 1);
  REQUIRE_FALSE(r.ok());
  CHECK(failure_of(r.error()) == Failure::kInvalidArgument);
  CHECK(r.error().message.find("4294968315") != std::string::npos);
  CHECK(read_back<uint32_t>(counts) == std::vector<uint32_t>(2048, 0));
  // A launch that fits runs each invocation once: 2000 round up to two
  // groups, 2046 invocations (the shader guards by its buffer's length only).
  run(*g_context, *k, {&counts}, 2000, 1);
  auto got = read_back<uint32_t>(counts);
  for (uint32_t i = 0; i < 2048; ++i) REQUIRE(got[i] == (i < 2046 ? 1u : 0u));
}

// The same SPIR-V with another generator word (header word 2): a distinct,
// equally valid kernel.
std::vector<uint32_t> vector_add_variant(uint32_t n) {
  auto words = load_spirv("vector_add");
  REQUIRE(words.size() > 5);
  words[2] = 0x00ff0000u + n;
  return words;
}

void check_variant_runs(Context& ctx, const std::shared_ptr<const Kernel>& k) {
  std::vector<uint32_t> a(64), b(64);
  for (uint32_t i = 0; i < 64; ++i) a[i] = i, b[i] = 100 * i;
  Buffer ba = make_buffer(ctx, a), bb = make_buffer(ctx, b), bc = make_buffer(ctx, std::vector<uint32_t>(64, 0));
  run(ctx, *k, {&ba, &bb, &bc}, 64, 1);
  auto c = read_back<uint32_t>(bc);
  for (uint32_t i = 0; i < 64; ++i) REQUIRE(c[i] == 101 * i);
}

TEST_CASE("the kernel cache is bounded in entries, least recently used first") {
  auto ctx = Context::create(test_options({.kernel_cache_entries = 3}));
  REQUIRE(ctx.ok());
  Context& c = **ctx;
  std::vector<const Kernel*> first;
  for (uint32_t n = 0; n < 3; ++n) {
    auto k = c.kernel(vector_add_variant(n), 3);
    REQUIRE(k.ok());
    first.push_back(k->get());
  }
  CHECK(c.cached_kernels() == 3);
  auto again = c.kernel(vector_add_variant(0), 3);  // a hit: 0 is now the most recent
  REQUIRE(again.ok());
  CHECK(c.kernels_built() == 3);
  for (uint32_t n = 3; n < 8; ++n) {
    REQUIRE(c.kernel(vector_add_variant(n), 3).ok());
    CHECK(c.cached_kernels() == 3);
    if (n == 3) {  // 1 was the least recently used, 0 survived
      CHECK(c.kernel(vector_add_variant(0), 3)->get() == first[0]);
      CHECK(c.kernels_built() == 4);
    }
  }
  CHECK(c.kernels_built() == 8);
  // An evicted kernel is built again and still runs correctly.
  auto rebuilt = c.kernel(vector_add_variant(1), 3);
  REQUIRE(rebuilt.ok());
  CHECK(c.kernels_built() == 9);
  CHECK(c.cached_kernels() == 3);
  check_variant_runs(c, *rebuilt);
  // A kernel held by a caller outlives its eviction and still runs.
  check_variant_runs(c, *again);
}

TEST_CASE("the kernel cache is bounded in SPIR-V bytes; refused SPIR-V is never kept") {
  size_t one = vector_add_variant(0).size() * 4;
  auto ctx = Context::create(test_options({.kernel_cache_bytes = one * 2 + one / 2}));
  REQUIRE(ctx.ok());
  Context& c = **ctx;
  for (uint32_t n = 0; n < 5; ++n) REQUIRE(c.kernel(vector_add_variant(n), 3).ok());
  CHECK(c.cached_kernels() == 2);
  CHECK(c.cached_kernel_bytes() == 2 * one);
  auto bad = vector_add_variant(9);
  bad[3] = 0;  // id bound 0: does not validate
  for (int i = 0; i < 3; ++i) CHECK_FALSE(c.kernel(bad, 3).ok());
  CHECK(c.cached_kernels() == 2);
  CHECK(c.cached_kernel_bytes() == 2 * one);
  // Larger than the whole bound: built and returned, not cached.
  auto tiny = Context::create(test_options({.kernel_cache_bytes = one - 4}));
  REQUIRE(tiny.ok());
  auto k = (*tiny)->kernel(vector_add_variant(0), 3);
  REQUIRE(k.ok());
  CHECK((*tiny)->cached_kernels() == 0);
  check_variant_runs(**tiny, *k);
}

TEST_CASE("live buffers count against the memory budget; a freed buffer gives its bytes back") {
  CHECK(g_context->memory_budget() > 0);
  long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  if (g_context->unified_memory() && pages > 0)
    CHECK(g_context->memory_budget() <= static_cast<uint64_t>(pages) * static_cast<uint64_t>(page) / 2);
  auto ctx = Context::create(test_options({.memory_budget = 1 << 20}));
  REQUIRE(ctx.ok());
  Context& c = **ctx;
  CHECK(c.memory_budget() == 1u << 20);
  std::vector<Buffer> held;
  for (int i = 0; i < 4; ++i) {
    auto b = c.create_buffer(256 << 10);
    REQUIRE(b.ok());
    held.push_back(std::move(*b));
  }
  CHECK(c.memory_in_use() == 1u << 20);
  auto over = c.create_buffer(16);
  REQUIRE_FALSE(over.ok());
  CHECK(failure_of(over.error()) == Failure::kOutOfMemory);
  CHECK(over.error().message.find("memory budget") != std::string::npos);
  held.pop_back();
  CHECK(c.memory_in_use() == 3u << 18);
  auto again = c.create_buffer(256 << 10);
  REQUIRE(again.ok());
  CHECK(c.memory_in_use() == 1u << 20);
}

namespace {

int expect_no_driver() {
  auto ctx = Context::create();
  if (ctx.ok()) {
    std::printf("FAIL: a context was created without a driver (%s)\n", (*ctx)->device().name.c_str());
    return 1;
  }
  const Error& e = ctx.error();
  std::printf("without a driver: %s\n", e.message.c_str());
  bool ok = e.message.rfind("no Vulkan driver", 0) == 0 && failure_of(e) == Failure::kDevice &&
            list_devices().empty();
  if (!ok) std::printf("FAIL: expected a device error starting \"no Vulkan driver\" and no devices\n");
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (std::strcmp(argv[i], "--expect-no-driver") == 0) return expect_no_driver();
    if (std::strcmp(argv[i], "--require-layer") == 0 && i + 1 < argc) {
      if (!instance_layer_available(argv[++i])) {
        std::printf("skipped: instance layer %s is not available\n", argv[i]);
        return 77;
      }
      continue;
    }
    args.push_back(argv[i]);
  }
  auto ctx = Context::create(test_options());
  if (!ctx.ok()) {
    std::printf("vulkan GPU tests skipped: %s\n", ctx.error().message.c_str());
    return 77;
  }
  g_context = ctx->get();
  doctest::Context runner(static_cast<int>(args.size()), args.data());
  int rc = runner.run();
  g_context = nullptr;
  return rc;
}
