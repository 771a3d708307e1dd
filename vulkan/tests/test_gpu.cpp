// GPU tests of the Vulkan layer on whatever driver is present (lavapipe on
// machines without a GPU). Exits 77 (meson: skipped) when there is none.
// Flags: --expect-no-driver (checks that creation fails cleanly),
//        --require-layer NAME (exits 77 unless that instance layer exists).
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <thread>
#include <vector>

#include "test_util.h"
#include "wpvm/vulkan/context.h"

using namespace wpvm;
using namespace wpvm::vulkan;
using wpvm::vulkan::testing::load_spirv;

namespace {

Context* g_context = nullptr;  // the default context, made by main()
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

TEST_CASE("a preference picks that type when present, another device otherwise") {
  auto all = list_devices();
  for (auto [prefer, type] : {std::pair{DevicePreference::kDiscrete, DeviceType::kDiscrete},
                              std::pair{DevicePreference::kIntegrated, DeviceType::kIntegrated}}) {
    auto ctx = Context::create({.prefer = prefer});
    REQUIRE(ctx.ok());
    bool present = std::any_of(all.begin(), all.end(),
                               [&](const DeviceInfo& d) { return d.type == type && d.has_compute; });
    if (present) CHECK((*ctx)->device().type == type);
  }
  auto by_index = Context::create({.device_index = static_cast<int>(g_context->device().index)});
  REQUIRE(by_index.ok());
  CHECK((*by_index)->device().name == g_context->device().name);
  auto missing = Context::create({.device_index = static_cast<int>(all.size())});
  REQUIRE_FALSE(missing.ok());
  CHECK(failure_of(missing.error()) == Failure::kInvalidArgument);
}

TEST_CASE("vector add is exact, on direct and on staged buffers") {
  check_vector_add(*g_context);
  auto staged = Context::create({.force_staging = true});
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
  auto staged = Context::create({.force_staging = true});
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
  auto staged = Context::create({.force_staging = true, .max_group_count = 5});  // split, staged
  REQUIRE(staged.ok());
  check_reduce(**staged);
}

TEST_CASE("launches beyond the group limit are split and still exact") {
  CHECK(get_kernel(*g_context, "scale_one", 2)->info().has_base_invocation);
  SUBCASE("a lowered limit of 7 groups") {
    auto small = Context::create({.max_group_count = 7});
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
  auto ctx = Context::create({.max_group_count = 2});
  REQUIRE(ctx.ok());
  Context& c = **ctx;
  auto k = get_kernel(c, "vector_add", 3);  // local_size_x 64, no base_invocation
  CHECK_FALSE(k->info().has_base_invocation);
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
  auto ctx = Context::create();
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
  auto ctx = Context::create({.force_staging = staged});
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

  auto other = Context::create();
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
  auto ctx = Context::create();
  REQUIRE(ctx.ok());
  auto words = load_spirv("vector_add");
  words.resize(words.size() / 2);
  auto corrupt = (*ctx)->kernel(words, 3);
  REQUIRE_FALSE(corrupt.ok());
  CHECK(corrupt.error().kind == ErrorKind::kMalformed);
  auto few = (*ctx)->kernel(load_spirv("one_binding"), 3);
  REQUIRE_FALSE(few.ok());
  CHECK(failure_of(few.error()) == Failure::kInvalidKernel);
  auto no_push = (*ctx)->kernel(load_spirv("no_push"), 1);
  REQUIRE_FALSE(no_push.ok());
  CHECK(failure_of(no_push.error()) == Failure::kInvalidKernel);
  CHECK((*ctx)->cached_kernels() == 1);  // one_binding is valid, only misused
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
  auto ctx = Context::create();
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
