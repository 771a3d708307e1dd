// Compiled modules on disk (wpvm/serialize.h): a round trip runs without
// compiling, and truncated, corrupted, foreign and mismatched files are
// refused before anything of them runs.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <algorithm>
#include <fstream>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "exec/tier.h"
#include "frame_offsets.h"
#include "test_wasm_file.h"
#include "wpvm/jit.h"
#include "wpvm/runtime.h"
#include "wpvm/serialize.h"

namespace {

using namespace wpvm;

Engine jit_engine() { return Engine(EngineConfig{.tier = Tier::kJit}); }

uint32_t call_i32(Store& store, Instance& inst, const char* name, std::vector<Value> args) {
  CallResult r = store.call(inst.func(name), args);
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.trap->to_string()));
  return r.values.at(0).i32;
}

std::vector<uint8_t> serialized(const Engine& engine, const char* wat) {
  auto bytes = serialize_module(engine, *test::load_wat(wat));
  REQUIRE_MESSAGE(bytes.ok(), (bytes.ok() ? "" : bytes.error().message));
  return *bytes;
}

// The JIT under another fingerprint, as another build of wpvm would be.
class ForeignJit final : public tier::CodeGenerator {
 public:
  std::unique_ptr<tier::NativeCode> compile(const Module& m, const tier::CodeOptions& o) override {
    return real_->compile(m, o);
  }
  std::optional<Trap> invoke(Store::Impl& s, FuncImpl& f, Slot* slots) override { return real_->invoke(s, f, slots); }
  std::string fingerprint() const override { return "wpvm-jit of another build"; }
  tier::CodeImage image(const tier::NativeCode& c) const override { return real_->image(c); }
  std::unique_ptr<tier::NativeCode> load(const Module& m, tier::CodeSource c, std::string& e) override {
    return real_->load(m, std::move(c), e);
  }

 private:
  tier::CodeGenerator* real_ = tier::builtin_code_generator();
};

}  // namespace

TEST_CASE("serialize: a compiled module round trip runs without compiling") {
  Engine engine = jit_engine();
  std::vector<uint8_t> file = serialized(engine, "shared_code");
  CHECK(is_compiled_module(file));
  uint64_t before = jit::modules_compiled();
  auto m = deserialize_module(engine, file);
  REQUIRE_MESSAGE(m.ok(), (m.ok() ? "" : m.error().message));
  for (int k = 0; k < 3; ++k) {  // instances in several stores share the loaded code
    Store store(engine);
    auto inst = store.instantiate(*m, Linker{});
    REQUIRE(inst.ok());
    CHECK(call_i32(store, **inst, "fib", {Value::from_i32(15)}) == 610);
    CHECK(call_i32(store, **inst, "bump", {Value::from_i32(3)}) == 3);
    CHECK(call_i32(store, **inst, "apply", {Value::from_i32(0), Value::from_i32(21)}) == 42);
    CHECK(call_i32(store, **inst, "accumulate", {Value::from_i32(4)}) == 4);
  }
  CHECK(jit::modules_compiled() == before);
  // The interpreter runs the same module from the file too.
  Engine interp(EngineConfig{.tier = Tier::kInterp});
  Store store(interp);
  auto inst = store.instantiate(*m, Linker{});
  REQUIRE(inst.ok());
  CHECK(call_i32(store, **inst, "fib", {Value::from_i32(10)}) == 55);
}

TEST_CASE("serialize: code read back gives frames the offsets of their instructions") {
  Engine engine = jit_engine();
  std::vector<uint8_t> file = serialized(engine, "frame_offsets");
  uint64_t before = jit::modules_compiled();
  auto m = deserialize_module(engine, file);
  REQUIRE_MESSAGE(m.ok(), (m.ok() ? "" : m.error().message));
  test::check_frame_offsets(engine, *m);
  CHECK(jit::modules_compiled() == before);  // the file's code ran
}

// A mapped file's module reads its binary and sites in place, and keeps the
// mapping: it outlives the file's name. Bytes from a caller are the caller's
// only for the call, aligned or not: what the module needs is copied.
TEST_CASE("serialize: modules read in place or copied outlive what they were read from") {
  Engine engine = jit_engine();
  std::vector<uint8_t> file = serialized(engine, "frame_offsets");
  std::string path = "test_serialize_in_place_" + std::to_string(::getpid()) + ".cwasm";
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(file.data()), static_cast<std::streamsize>(file.size()));
  auto mapped = deserialize_module_file(engine, path);
  std::remove(path.c_str());
  REQUIRE_MESSAGE(mapped.ok(), (mapped.ok() ? "" : mapped.error().message));
  test::check_frame_offsets(engine, *mapped);

  for (size_t shift : {0u, 1u, 4u}) {  // the sites aligned, misaligned by a byte, by half a site
    auto buffer = std::make_unique<std::vector<uint8_t>>(shift, uint8_t{0});
    buffer->insert(buffer->end(), file.begin(), file.end());
    auto m = deserialize_module(engine, std::span<const uint8_t>(*buffer).subspan(shift));
    REQUIRE_MESSAGE(m.ok(), (m.ok() ? "" : m.error().message));
    std::fill(buffer->begin(), buffer->end(), uint8_t{0xcc});
    buffer.reset();
    test::check_frame_offsets(engine, *m);
    CHECK((*m)->bytes == (*mapped)->bytes);
  }
}

TEST_CASE("serialize: the module read back is the module written") {
  Engine engine = jit_engine();
  std::shared_ptr<const Module> src = test::load_wat("interp_basic");
  auto file = serialize_module(engine, *src);
  REQUIRE(file.ok());
  auto m = deserialize_module(engine, *file);
  REQUIRE(m.ok());
  CHECK((*m)->bytes == src->bytes);
  CHECK((*m)->validated);
  CHECK((*m)->bodies.size() == src->bodies.size());
}

TEST_CASE("serialize: truncated files are refused with the offset") {
  Engine engine = jit_engine();
  std::vector<uint8_t> file = serialized(engine, "shared_code");
  for (size_t n : {size_t{0}, size_t{7}, size_t{8}, size_t{11}, size_t{20}, file.size() / 3, file.size() / 2,
                   file.size() - 9, file.size() - 1}) {
    CAPTURE(n);
    std::vector<uint8_t> cut(file.begin(), file.begin() + static_cast<std::ptrdiff_t>(n));
    auto m = deserialize_module(engine, cut);
    REQUIRE_FALSE(m.ok());
    CHECK(m.error().kind == ErrorKind::kMalformed);
  }
  std::vector<uint8_t> longer = file;
  longer.push_back(0);
  auto m = deserialize_module(engine, longer);
  REQUIRE_FALSE(m.ok());
  CHECK(m.error().kind == ErrorKind::kMalformed);
}

TEST_CASE("serialize: a flipped bit anywhere is refused, never run") {
  Engine engine = jit_engine();
  std::vector<uint8_t> file = serialized(engine, "shared_code");
  // Every byte past the magic and version (those have their own messages).
  for (size_t i = 12; i < file.size(); i += 7) {
    CAPTURE(i);
    std::vector<uint8_t> bad = file;
    bad[i] ^= 0x10;
    auto m = deserialize_module(engine, bad);
    REQUIRE_FALSE(m.ok());
    CHECK((m.error().kind == ErrorKind::kMalformed || m.error().kind == ErrorKind::kIncompatible));
  }
  std::vector<uint8_t> bad = file;
  bad[1] = 'x';  // not our magic
  CHECK_FALSE(is_compiled_module(bad));
  CHECK(deserialize_module(engine, bad).error().kind == ErrorKind::kMalformed);
  bad = file;
  bad[8] = 99;  // another format version
  auto m = deserialize_module(engine, bad);
  REQUIRE_FALSE(m.ok());
  CHECK(m.error().kind == ErrorKind::kIncompatible);
  CHECK(m.error().message.find("version 99") != std::string::npos);
}

TEST_CASE("serialize: a file from another build, or for an engine without the JIT, is refused") {
  ForeignJit foreign;
  Engine other = tier::EngineAccess::with_code_generator(EngineConfig{.tier = Tier::kJit}, &foreign);
  std::vector<uint8_t> file = serialized(other, "shared_code");
  Engine engine = jit_engine();
  auto m = deserialize_module(engine, file);
  REQUIRE_FALSE(m.ok());
  CHECK(m.error().kind == ErrorKind::kIncompatible);
  CHECK(m.error().message.find("another engine build") != std::string::npos);

  // An engine of a build without the JIT.
  Engine no_jit = tier::EngineAccess::with_code_generator(EngineConfig{.tier = Tier::kInterp}, nullptr);
  auto n = deserialize_module(no_jit, serialized(engine, "shared_code"));
  REQUIRE_FALSE(n.ok());
  CHECK(n.error().kind == ErrorKind::kIncompatible);
  CHECK_FALSE(serialize_module(no_jit, *test::load_wat("shared_code")).ok());
}

TEST_CASE("serialize: a compiled module file runs its code in place; damaged files are refused") {
  Engine engine = jit_engine();
  std::vector<uint8_t> file = serialized(engine, "shared_code");
  std::string path = "test_serialize_" + std::to_string(::getpid()) + ".cwasm";
  auto write = [&](const std::vector<uint8_t>& bytes) {
    std::ofstream(path, std::ios::binary | std::ios::trunc)
        .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  };
  write(file);
  {
    uint64_t before = jit::modules_compiled();
    auto m = deserialize_module_file(engine, path);
    REQUIRE_MESSAGE(m.ok(), (m.ok() ? "" : m.error().message));
    Store store(engine);
    auto inst = store.instantiate(*m, Linker{});
    REQUIRE(inst.ok());
    CHECK(call_i32(store, **inst, "fib", {Value::from_i32(20)}) == 6765);
    CHECK(jit::modules_compiled() == before);
  }
  write(std::vector<uint8_t>(file.begin(), file.end() - 100));
  auto cut = deserialize_module_file(engine, path);
  REQUIRE_FALSE(cut.ok());
  CHECK(cut.error().kind == ErrorKind::kMalformed);
  std::vector<uint8_t> bad = file;
  bad[bad.size() - 20] ^= 1;  // in the code
  write(bad);
  auto corrupt = deserialize_module_file(engine, path);
  REQUIRE_FALSE(corrupt.ok());
  CHECK(corrupt.error().message.find("checksum") != std::string::npos);
  write({});
  CHECK(deserialize_module_file(engine, path).error().kind == ErrorKind::kMalformed);
  std::remove(path.c_str());
  CHECK(deserialize_module_file(engine, path).error().kind == ErrorKind::kIo);
}

TEST_CASE("serialize: code with fuel or epoch checks runs only on an engine with the same switches") {
  struct Config {
    bool fuel, epoch;
  };
  const Config configs[] = {{false, false}, {true, false}, {false, true}, {true, true}};
  for (Config made : configs) {
    Engine maker(EngineConfig{.tier = Tier::kJit, .consume_fuel = made.fuel, .epoch_interruption = made.epoch});
    std::vector<uint8_t> file = serialized(maker, "shared_code");
    for (Config runs : configs) {
      CAPTURE(made.fuel);
      CAPTURE(made.epoch);
      CAPTURE(runs.fuel);
      CAPTURE(runs.epoch);
      Engine engine(EngineConfig{.tier = Tier::kJit, .consume_fuel = runs.fuel, .epoch_interruption = runs.epoch});
      auto m = deserialize_module(engine, file);
      if (made.fuel != runs.fuel || made.epoch != runs.epoch) {
        REQUIRE_FALSE(m.ok());
        CHECK(m.error().kind == ErrorKind::kIncompatible);
        CHECK(m.error().message.find(made.fuel != runs.fuel ? "fuel" : "epoch") != std::string::npos);
        continue;
      }
      REQUIRE_MESSAGE(m.ok(), (m.ok() ? "" : m.error().message));
      uint64_t before = jit::modules_compiled();
      Store store(engine);
      if (runs.fuel) REQUIRE(store.set_fuel(1'000'000).ok());
      auto inst = store.instantiate(*m, Linker{});
      REQUIRE(inst.ok());
      CHECK(call_i32(store, **inst, "fib", {Value::from_i32(15)}) == 610);
      CHECK(jit::modules_compiled() == before);  // the file's code ran
      if (runs.fuel) {
        uint64_t left = *store.get_fuel();
        CHECK(left < 1'000'000);
        // The interpreter charges the same for the same call.
        Engine interp(EngineConfig{.tier = Tier::kInterp, .consume_fuel = true, .epoch_interruption = runs.epoch});
        Store s2(interp);
        REQUIRE(s2.set_fuel(1'000'000).ok());
        auto i2 = s2.instantiate(*m, Linker{});
        REQUIRE(i2.ok());
        CHECK(call_i32(s2, **i2, "fib", {Value::from_i32(15)}) == 610);
        CHECK(*s2.get_fuel() == left);
      }
    }
  }
}
